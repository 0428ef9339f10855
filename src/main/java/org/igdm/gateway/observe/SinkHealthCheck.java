package org.igdm.gateway.observe;

import java.util.Map;
import java.util.stream.Collectors;
import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;
import org.igdm.gateway.sink.JsonLinesComponent;

/**
 * Part of /observe/health: DOWN while a JSON Lines sink cannot be written (a full disk, a folder without write
 * permission), naming the file and the reason. Messages then stay on the queue until the sink works again.
 */
public final class SinkHealthCheck extends AbstractHealthCheck {

    public static final String BEAN = "sinkHealthCheck";

    public SinkHealthCheck() {
        super("gateway", "sinks");
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        JsonLinesComponent sinks = getCamelContext().getComponent(JsonLinesComponent.SCHEME, JsonLinesComponent.class);
        Map<?, String> failures = sinks.failures();
        if (failures.isEmpty()) {
            builder.up();
        } else {
            builder.down().message("records cannot be written to " + failures.entrySet().stream()
                    .map(failure -> failure.getKey() + " (" + failure.getValue() + ")").collect(Collectors.joining(", ")));
        }
    }
}
