package org.igdm.testconfig;

import java.util.function.Consumer;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;

/**
 * Hands a test the context that {@code @CamelMainTest} creates, while the gateway's configuration runs. It lives
 * outside {@code org.igdm.gateway} because Camel Main scans that package tree for configurations and would try
 * to create this one as one of the gateway's own.
 */
public final class ContextCapture implements CamelConfiguration {

    private final Consumer<CamelContext> configured;

    public ContextCapture(Consumer<CamelContext> configured) {
        this.configured = configured;
    }

    @Override
    public void configure(CamelContext context) {
        configured.accept(context);
    }
}
