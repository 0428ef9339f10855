package org.igdm.gateway.http;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.impl.VertxInternal;
import io.vertx.core.impl.VertxWrapper;
import io.vertx.ext.web.Router;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.igdm.gateway.Json;

/**
 * The HTTP door's connections: at most {@code maxConnections} open at once, and each closed once it has had no
 * request under way for {@code idleTimeout}. Without them, idle sockets pile up until the port starves.
 *
 * <p>Past the cap, a few more connections ({@link #PROBE_RESERVE}) are still taken, for health probes and metrics
 * scrapes, which share the port: a liveness probe refused while callers wait for Meta would get a busy gateway
 * restarted. On those, anything but health and metrics ({@link ObservePaths}) is answered 503, with the reason, and
 * the connection is closed. Past the reserve too, a new connection is closed as it arrives, unserved, so the connections in use keep
 * working. Vert.x's own idle timeout would also close a connection whose caller waits for Meta (a
 * {@code POST /messages} with its retries can take minutes without a byte on the wire); this one counts only the
 * time between requests.
 */
final class ConnectionLimits {

    /** Connections taken past the cap for health and metrics only. */
    static final int PROBE_RESERVE = 16;

    private final Duration idleTimeout;
    private final int maxConnections;
    private final AtomicInteger open = new AtomicInteger();
    private final Map<HttpConnection, Watched> watched = new ConcurrentHashMap<>();
    /** The answer to a request on a connection past the cap. */
    private final String busy;

    /**
     * @param idleTimeout    how long a connection may stay open without a request under way
     * @param maxConnections the most connections open at once
     */
    ConnectionLimits(Duration idleTimeout, int maxConnections) {
        this.idleTimeout = idleTimeout;
        this.maxConnections = maxConnections;
        this.busy = Json.MAPPER.valueToTree(new Problem("Service Unavailable", 503, "the gateway has as many connections open "
                + "as gateway.http.max-connections allows (" + maxConnections + "); try again in a moment, or queue many messages "
                + "at once with /messages/bulk", null)).toString();
    }

    /** Vert.x, with these limits on every HTTP server made with it; the rest is Vert.x's own. */
    Vertx applyTo(VertxInternal vertx) {
        return new VertxWrapper(vertx) {
            @Override
            public HttpServer createHttpServer(HttpServerOptions options) {
                // without h2c, a connection is HTTP/1.1 from its first byte and handed over as it is accepted; with it,
                // Vert.x waits for a first byte, and a socket that never sends one would escape both limits
                options.setHttp2ClearTextEnabled(false);
                return super.createHttpServer(options).connectionHandler(connection -> opened(connection, vertx));
            }
        };
    }

    /**
     * Counts the requests under way on each connection (a connection is idle only while it has none), and keeps the
     * connections past the cap to health and metrics.
     */
    void trackRequests(Router router, ObservePaths observe) {
        router.route().order(Integer.MIN_VALUE).handler(routing -> {
            Watched connection = watched.get(routing.request().connection());
            if (connection != null && connection.pastTheCap && !observe.covers(routing.normalizedPath())) {
                routing.response().setStatusCode(503).putHeader("Content-Type", Problem.CONTENT_TYPE).putHeader("Retry-After", "1")
                        .putHeader("Connection", "close").end(busy).onComplete(written -> routing.request().connection().close());
                return;
            }
            if (connection != null) {
                connection.requestStarted();
                routing.addEndHandler(ended -> connection.requestEnded());
            }
            routing.next();
        });
    }

    private void opened(HttpConnection connection, Vertx vertx) {
        int opened = open.incrementAndGet();
        if (opened > maxConnections + PROBE_RESERVE) {
            open.decrementAndGet();
            connection.close();
            return;
        }
        Watched watch = new Watched(connection, vertx, idleTimeout.toMillis(), opened > maxConnections);
        watched.put(connection, watch);
        connection.closeHandler(closed -> {
            open.decrementAndGet();
            watched.remove(connection);
            watch.closed();
        });
        watch.idle();
    }

    /** One open connection: its requests under way, and the timer that closes it when it has none. */
    private static final class Watched {

        private final HttpConnection connection;
        private final Vertx vertx;
        private final long idleMillis;
        /** Opened past the cap: for health and metrics only. */
        final boolean pastTheCap;
        private int requests;
        private long idleTimer = -1;

        Watched(HttpConnection connection, Vertx vertx, long idleMillis, boolean pastTheCap) {
            this.connection = connection;
            this.vertx = vertx;
            this.idleMillis = idleMillis;
            this.pastTheCap = pastTheCap;
        }

        synchronized void requestStarted() {
            requests++;
            cancelTimer();
        }

        synchronized void requestEnded() {
            if (--requests == 0) {
                idle();
            }
        }

        synchronized void idle() {
            cancelTimer();
            idleTimer = vertx.setTimer(idleMillis, fired -> closeIfStillIdle());
        }

        private synchronized void closeIfStillIdle() {
            if (requests == 0) {
                connection.close();
            }
        }

        synchronized void closed() {
            cancelTimer();
        }

        private void cancelTimer() {
            if (idleTimer >= 0) {
                vertx.cancelTimer(idleTimer);
                idleTimer = -1;
            }
        }
    }
}
