package org.igdm.gateway;

import org.apache.camel.main.Main;

/**
 * Starts the gateway: Camel Main finds {@link GatewayConfiguration} and the Java routes in this package tree,
 * and loads the YAML ingress routes from {@code routes/} (see application.properties).
 */
public final class Application {

    private Application() {
    }

    public static void main(String... args) throws Exception {
        new Main(Application.class).run(args);
    }
}
