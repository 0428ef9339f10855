package org.igdm.gateway.http;

import java.util.Set;
import org.apache.camel.CamelContext;
import org.apache.camel.StartupListener;
import org.apache.camel.component.platform.http.HttpEndpointModel;
import org.apache.camel.component.platform.http.PlatformHttpComponent;
import org.apache.camel.component.platform.http.main.MainHttpServer;
import org.apache.camel.component.platform.http.main.ManagementHttpServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The startup log's list of HTTP endpoints, with the address the server listens on. Camel's own list writes
 * {@code http://0.0.0.0:<port>} whatever the bind address, so a gateway that listens on loopback only would seem
 * open to the network; log4j2.properties keeps that one out of the log.
 */
final class EndpointSummary {

    private static final Logger LOG = LoggerFactory.getLogger(EndpointSummary.class);

    private EndpointSummary() {
    }

    /** Once every route has started: their endpoints are known then. */
    static void logOnceStarted(CamelContext context, MainHttpServer server) throws Exception {
        context.addStartupListener(new StartupListener() {
            @Override
            public void onCamelContextStarted(CamelContext started, boolean alreadyStarted) {
                // the routes' endpoints are not all registered yet
            }

            @Override
            public void onCamelContextFullyStarted(CamelContext started, boolean alreadyStarted) {
                PlatformHttpComponent http = started.getComponent("platform-http", PlatformHttpComponent.class);
                log("HTTP endpoints", server.getHost(), server.getPort(), http.getHttpEndpoints());
                ManagementHttpServer management = started.hasService(ManagementHttpServer.class);
                if (management != null) {
                    log("HTTP management endpoints", management.getHost(), management.getPort(), http.getHttpManagementEndpoints());
                }
            }
        });
    }

    private static void log(String title, String host, int port, Set<HttpEndpointModel> endpoints) {
        if (endpoints.isEmpty()) {
            return;
        }
        LOG.info("{}:", title);
        for (HttpEndpointModel endpoint : endpoints.stream().sorted().toList()) {
            LOG.info("    http://{}:{}{}{}", host, port, endpoint.getUri(), endpoint.getVerbs() == null ? "" : " (" + endpoint.getVerbs() + ")");
        }
    }
}
