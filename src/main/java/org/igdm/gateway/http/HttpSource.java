package org.igdm.gateway.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.List;
import java.util.Locale;
import org.apache.camel.CamelContext;
import org.apache.camel.component.platform.http.main.MainHttpServer;
import org.apache.camel.component.platform.http.main.ManagementHttpServer;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpRouter;
import org.igdm.gateway.GatewaySettings;
import org.igdm.gateway.Json;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Wires the HTTP source: the beans of its YAML route, where the server listens, how it answers too large a body. */
public final class HttpSource {

    public static final String API_KEYS = "gateway.http.api-keys";
    private static final String LOOPBACK = "127.0.0.1";
    private static final Logger LOG = LoggerFactory.getLogger(HttpSource.class);

    private HttpSource() {
    }

    /** The API keys of every door on this server ({@value #API_KEYS}): the HTTP source's and the MCP source's. */
    public static ApiKeys apiKeys(CamelContext context) {
        return ApiKeys.parse(context.getPropertiesComponent().resolveProperty(API_KEYS).orElse(""));
    }

    /**
     * Binds {@link HttpIngress} and {@link DeliveryAnswer}, and limits the server's connections ({@link ConnectionLimits}); without API keys the server (and the management
     * endpoints, which share it) listens on loopback only, so an open gateway is never reachable from another
     * machine. Camel Main has created but not yet started the servers when configurations run, so the bind
     * address can still change.
     */
    public static void configure(CamelContext context, GatewaySettings settings, ApiKeys keys) throws Exception {
        context.getRegistry().bind(HttpIngress.BEAN, new HttpIngress(keys, settings.accounts()));
        context.getRegistry().bind(DeliveryAnswer.BEAN, new DeliveryAnswer());
        MainHttpServer server = context.hasService(MainHttpServer.class);
        if (server == null) {
            return;
        }
        ConnectionLimits connections = new ConnectionLimits(settings.httpIdleTimeout(), settings.httpMaxConnections());
        VirtualThreadVertx.bind(context, connections);
        // the server's router exists once the context has started
        context.addStartupListener((started, alreadyStarted) -> {
            VertxPlatformHttpRouter router = VertxPlatformHttpRouter.lookup(started,
                    VertxPlatformHttpRouter.getRouterNameFromPort(server.getPort()));
            ObservePaths observe = ObservePaths.of(started);
            connections.trackRequests(router, observe);
            answerOversizedBodiesAsProblems(router, server);
            readMediaTypesCaseInsensitively(router);
            if (keys.required() && observe.metrics() != null) {
                keepMetricsForKeyHolders(router, keys, observe.metrics());
            }
        });
        if (keys.required()) {
            LOG.info("HTTP callers must send one of the {} configured in {} as 'Authorization: Bearer <key>'", keys, API_KEYS);
        } else {
            server.setHost(LOOPBACK);
            ManagementHttpServer management = context.hasService(ManagementHttpServer.class);
            if (management != null) {
                management.setHost(LOOPBACK);
            }
            LOG.warn("{} is empty: the HTTP server accepts calls without a key and therefore listens on {} only. "
                    + "Set {} to accept calls from other machines.", API_KEYS, LOOPBACK, API_KEYS);
        }
        failIfTaken(server.getHost(), server.getPort());
        EndpointSummary.logOnceStarted(context, server);
    }

    /**
     * Vert.x only logs a port it cannot bind and runs on without its HTTP door, health or metrics, while a probe of
     * that port reaches whoever holds it. The gateway refuses to start instead, as it does for a taken JMS port.
     */
    private static void failIfTaken(String host, int port) {
        try (ServerSocket probe = new ServerSocket()) {
            probe.bind(new InetSocketAddress(host == null ? "0.0.0.0" : host, port));
        } catch (IOException taken) {
            throw new IllegalStateException("The gateway cannot start: gateway.http.port " + port + " on " + (host == null ? "0.0.0.0" : host)
                    + " is taken (" + taken.getMessage() + "). Stop what holds it, or set gateway.http.port to a free port");
        }
    }

    /**
     * Vert.x answers a body past camel.server.max-body-size by failing the request with 413, which it then
     * logs as an unhandled server error: a caller's mistake would fill the log at ERROR level. This failure
     * handler answers it as a problem, like the route's own errors.
     */
    private static void answerOversizedBodiesAsProblems(VertxPlatformHttpRouter router, MainHttpServer server) throws JsonProcessingException {
        String body = Json.MAPPER.writeValueAsString(
                new Problem("Payload Too Large", 413, "the body is larger than " + server.getMaxBodySize() + " bytes", null));
        router.route().failureHandler(routing -> {
            if (routing.statusCode() == 413 && !routing.response().ended()) {
                routing.response().setStatusCode(413).putHeader("Content-Type", Problem.CONTENT_TYPE).end(body);
            } else {
                routing.next();
            }
        });
    }

    /**
     * Media types are case-insensitive (RFC 9110), but the routes' {@code consumes} check compares them as
     * written: {@code APPLICATION/JSON} would get 415. The type is lower-cased before any route looks at it.
     */
    private static void readMediaTypesCaseInsensitively(VertxPlatformHttpRouter router) {
        router.route().order(-2).handler(routing -> {
            String type = routing.request().getHeader("Content-Type");
            if (type != null) {
                routing.request().headers().set("Content-Type", type.toLowerCase(Locale.ROOT));
            }
            routing.next();
        });
    }

    /**
     * With API keys, the server listens beyond loopback: the metrics (which name folders, accounts and routes) are
     * then for callers with a key too. Health stays open for probes; it says UP or DOWN and why.
     */
    private static void keepMetricsForKeyHolders(VertxPlatformHttpRouter router, ApiKeys keys, String metricsPath)
            throws JsonProcessingException {
        String unauthorized = Json.MAPPER.writeValueAsString(new Problem("Unauthorized", 401, ApiKeys.HOW_TO, null));
        router.route(metricsPath).order(-1).handler(routing -> {
            List<String> authorization = routing.request().headers().getAll("Authorization");
            if (authorization.size() == 1 && keys.accepts(authorization.get(0))) {
                routing.next();
            } else {
                routing.response().setStatusCode(401).putHeader("WWW-Authenticate", "Bearer")
                        .putHeader("Content-Type", Problem.CONTENT_TYPE).end(unauthorized);
            }
        });
    }
}
