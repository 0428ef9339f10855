package org.igdm.gateway.sink;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.camel.Endpoint;
import org.apache.camel.support.DefaultComponent;

/**
 * {@code jsonl:<folder>?prefix=<name>}: the default sent, failed and received sinks. Each exchange's body (one
 * JSON object) is appended as one line to {@code <folder>/<prefix>-<yyyy-MM-dd>.jsonl}, whole or not at all:
 * when the disk is full, the part of the line that was written is cut off again, the exchange fails (so its
 * message stays with its source) and {@link #failures()} says so until a later line gets through.
 */
public final class JsonLinesComponent extends DefaultComponent {

    public static final String SCHEME = "jsonl";

    /** The last failure of each file a producer could not append to, until a later line gets through. */
    private final Map<Path, String> failures = new ConcurrentHashMap<>();

    @Override
    protected Endpoint createEndpoint(String uri, String remaining, Map<String, Object> parameters) throws Exception {
        String prefix = getAndRemoveParameter(parameters, "prefix", String.class);
        if (remaining.isBlank() || prefix == null || prefix.isBlank()) {
            throw new IllegalArgumentException("a JSON Lines sink is jsonl:<folder>?prefix=<file name prefix>, got " + uri);
        }
        return new JsonLinesEndpoint(uri, this, Path.of(remaining), prefix);
    }

    /** Sinks whose last append failed, each with the reason. */
    public Map<Path, String> failures() {
        return Map.copyOf(failures);
    }

    void failed(Path file, String reason) {
        failures.put(file, reason);
    }

    void succeeded(Path file) {
        failures.remove(file);
    }
}
