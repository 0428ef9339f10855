package org.igdm.gateway.sink;

import java.nio.file.Path;
import java.time.LocalDate;
import org.apache.camel.Consumer;
import org.apache.camel.Processor;
import org.apache.camel.Producer;
import org.apache.camel.support.DefaultEndpoint;

/** One sink: a folder and a file name prefix; a file per day. Records are written, not read back. */
public final class JsonLinesEndpoint extends DefaultEndpoint {

    private final Path folder;
    private final String prefix;

    JsonLinesEndpoint(String uri, JsonLinesComponent component, Path folder, String prefix) {
        super(uri, component);
        this.folder = folder;
        this.prefix = prefix;
    }

    @Override
    public Producer createProducer() {
        return new JsonLinesProducer(this);
    }

    @Override
    public Consumer createConsumer(Processor processor) {
        throw new UnsupportedOperationException("a JSON Lines sink is written to, not read from: " + getEndpointUri());
    }

    /** Today's file, in the JVM's time zone (as the sinks' file names have always been). */
    Path today() {
        return folder.resolve(prefix + "-" + LocalDate.now() + ".jsonl");
    }

    @Override
    public JsonLinesComponent getComponent() {
        return (JsonLinesComponent) super.getComponent();
    }
}
