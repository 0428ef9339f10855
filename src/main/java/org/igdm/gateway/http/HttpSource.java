package org.igdm.gateway.http;

import org.apache.camel.CamelContext;
import org.apache.camel.component.platform.http.main.MainHttpServer;
import org.apache.camel.component.platform.http.main.ManagementHttpServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Wires the HTTP source: the beans of its YAML route, and where the server listens. */
public final class HttpSource {

    public static final String API_KEYS = "gateway.http.api-keys";
    private static final String LOOPBACK = "127.0.0.1";
    private static final Logger LOG = LoggerFactory.getLogger(HttpSource.class);

    private HttpSource() {
    }

    /**
     * Binds {@link HttpIngress} and {@link DeliveryAnswer}; without API keys the server (and the management endpoints, which share it)
     * listens on loopback only, so an open gateway is never reachable from another machine. Camel Main has
     * created but not yet started the servers when configurations run, so the bind address can still change.
     */
    public static void configure(CamelContext context) {
        ApiKeys keys = ApiKeys.parse(context.getPropertiesComponent().resolveProperty(API_KEYS).orElse(""));
        context.getRegistry().bind(HttpIngress.BEAN, new HttpIngress(keys));
        context.getRegistry().bind(DeliveryAnswer.BEAN, new DeliveryAnswer());
        MainHttpServer server = context.hasService(MainHttpServer.class);
        ManagementHttpServer management = context.hasService(ManagementHttpServer.class);
        if (keys.required()) {
            LOG.info("HTTP callers must send one of the {} configured in {} as 'Authorization: Bearer <key>'", keys, API_KEYS);
            return;
        }
        if (server != null) {
            server.setHost(LOOPBACK);
        }
        if (management != null) {
            management.setHost(LOOPBACK);
        }
        LOG.warn("{} is empty: the HTTP server accepts calls without a key and therefore listens on {} only. "
                + "Set {} to accept calls from other machines.", API_KEYS, LOOPBACK, API_KEYS);
    }
}
