package org.igdm.gateway.sink;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.camel.Exchange;
import org.apache.camel.support.DefaultProducer;

/**
 * Appends one record as one line. Appends to one file are serialized (a lock per file, shared by every
 * producer in the JVM), so that a failed append can be cut back to where it started without cutting another's
 * line. A line is not forced to disk one by one: like the broker's journal batching, the operating system
 * writes it soon; a process crash loses nothing, a power cut may lose the last seconds.
 */
final class JsonLinesProducer extends DefaultProducer {

    private static final Map<Path, Object> LOCKS = new ConcurrentHashMap<>();

    JsonLinesProducer(JsonLinesEndpoint endpoint) {
        super(endpoint);
    }

    @Override
    public JsonLinesEndpoint getEndpoint() {
        return (JsonLinesEndpoint) super.getEndpoint();
    }

    @Override
    public void process(Exchange exchange) throws IOException {
        String record = exchange.getMessage().getBody(String.class);
        if (record == null || record.isEmpty() || record.indexOf('\n') >= 0 || record.indexOf('\r') >= 0) {
            throw new IllegalArgumentException("a sink record is one line of JSON; got " + (record == null || record.isEmpty()
                    ? "nothing" : "a line break inside it"));
        }
        Path file = getEndpoint().today();
        byte[] line = (record + "\n").getBytes(StandardCharsets.UTF_8);
        synchronized (LOCKS.computeIfAbsent(file, any -> new Object())) {
            append(file, line);
        }
    }

    private void append(Path file, byte[] line) throws IOException {
        JsonLinesComponent component = getEndpoint().getComponent();
        try (FileChannel channel = open(file)) {
            long before = channel.size();
            try {
                ByteBuffer bytes = ByteBuffer.wrap(line);
                while (bytes.hasRemaining()) {
                    channel.write(bytes);
                }
            } catch (IOException e) {
                // whole or absent: the part that made it (a full disk cuts a line short) goes again
                channel.truncate(before);
                component.failed(file, e.toString());
                throw e;
            }
        } catch (IOException e) {
            component.failed(file, e.toString());
            throw e;
        }
        component.succeeded(file);
    }

    /** The file, opened for appending; its folder is created the first time (not checked at every record). */
    private FileChannel open(Path file) throws IOException {
        try {
            return FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
        } catch (NoSuchFileException noFolder) {
            try {
                Files.createDirectories(file.getParent());
            } catch (IOException e) {
                throw new IOException("cannot create the sink's folder: " + e, e);
            }
            return FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
        }
    }
}
