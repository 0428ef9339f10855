package org.igdm.gateway.support;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/** A STOMP 1.2 client on a plain socket, as a script in any language speaks to a broker. */
public final class StompClient implements AutoCloseable {

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private int receipts;

    /** One STOMP frame: its command, headers and body. */
    public record Frame(String command, Map<String, String> headers, String body) {
    }

    private StompClient(int port) throws IOException {
        socket = new Socket("127.0.0.1", port);
        in = socket.getInputStream();
        out = socket.getOutputStream();
    }

    /** Connects; with a null login, no credentials are given. Throws when the broker answers ERROR. */
    public static StompClient connect(int port, String login, String passcode) throws IOException {
        StompClient client = new StompClient(port);
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("accept-version", "1.2");
        headers.put("host", "localhost");
        if (login != null) {
            headers.put("login", login);
            headers.put("passcode", passcode);
        }
        client.write("CONNECT", headers, new byte[0]);
        Frame answer = client.receive(Duration.ofSeconds(10));
        if (answer == null || !answer.command().equals("CONNECTED")) {
            client.close();
            throw new IOException("STOMP CONNECT refused: " + (answer == null ? "no answer" : answer.headers().get("message")));
        }
        return client;
    }

    /** Sends a text frame (no content-length: the broker takes it for text) and waits for its receipt. */
    public Frame send(String destination, String text, Map<String, String> headers) throws IOException {
        Map<String, String> all = new LinkedHashMap<>(headers);
        all.put("destination", destination);
        return withReceipt("SEND", all, text.getBytes(StandardCharsets.UTF_8));
    }

    /** Sends bytes with a content-length (the broker takes them for a bytes message) and waits for its receipt. */
    public Frame sendBytes(String destination, byte[] body) throws IOException {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("destination", destination);
        headers.put("content-length", String.valueOf(body.length));
        return withReceipt("SEND", headers, body);
    }

    public Frame subscribe(String destination, String id) throws IOException {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("destination", destination);
        headers.put("id", id);
        headers.put("ack", "auto");
        return withReceipt("SUBSCRIBE", headers, new byte[0]);
    }

    private Frame withReceipt(String command, Map<String, String> headers, byte[] body) throws IOException {
        String receipt = "r" + (++receipts);
        headers.put("receipt", receipt);
        write(command, headers, body);
        return receive(Duration.ofSeconds(10));
    }

    private void write(String command, Map<String, String> headers, byte[] body) throws IOException {
        StringBuilder frame = new StringBuilder(command).append('\n');
        headers.forEach((name, value) -> frame.append(name).append(':').append(value).append('\n'));
        frame.append('\n');
        out.write(frame.toString().getBytes(StandardCharsets.UTF_8));
        out.write(body);
        out.write(0);
        out.flush();
    }

    /** The next frame (heart-beat newlines skipped), or null when none comes in time. */
    public Frame receive(Duration timeout) throws IOException {
        socket.setSoTimeout((int) timeout.toMillis());
        try {
            int first = in.read();
            while (first == '\n' || first == '\r') {
                first = in.read();
            }
            if (first < 0) {
                return null;
            }
            ByteArrayOutputStream frame = new ByteArrayOutputStream();
            frame.write(first);
            for (int b = in.read(); b > 0; b = in.read()) {
                frame.write(b);
            }
            String text = frame.toString(StandardCharsets.UTF_8);
            int blank = text.indexOf("\n\n");
            String[] head = text.substring(0, blank).split("\n");
            Map<String, String> headers = new LinkedHashMap<>();
            for (int i = 1; i < head.length; i++) {
                int colon = head[i].indexOf(':');
                headers.putIfAbsent(head[i].substring(0, colon), head[i].substring(colon + 1));
            }
            return new Frame(head[0], headers, text.substring(blank + 2));
        } catch (SocketTimeoutException timedOut) {
            return null;
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
