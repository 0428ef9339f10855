package org.igdm.gateway.http;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.impl.VertxBuilder;
import io.vertx.core.impl.VertxInternal;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import org.apache.camel.CamelContext;
import org.apache.camel.spi.CamelEvent;
import org.apache.camel.support.SimpleEventNotifierSupport;

/**
 * The Vert.x instance of the HTTP server (platform-http, /observe), whose worker pool is a virtual thread per task.
 *
 * <p>platform-http runs each request's route on a Vert.x worker and holds it until the route has ended: for
 * {@code POST /messages} and {@code POST /mcp}, until Meta has answered. Vert.x's 20 platform worker threads would
 * then cap the callers waiting for Meta at 20, and /observe/health would queue behind them. With a virtual thread
 * per request, a waiting caller costs a few kilobytes; hundreds wait for Meta at once and health answers meanwhile.
 * Vert.x takes the executor through its {@code ExecutorServiceFactory} seam; its event loops are unchanged.
 */
public final class VirtualThreadVertx {

    private VirtualThreadVertx() {
    }

    /**
     * Binds the instance before the HTTP server starts (it takes the registry's Vert.x), and closes it once the
     * context has stopped: the HTTP server is not Vert.x's owner then, and in-flight requests finish first. Its HTTP
     * servers keep to the connection limits.
     */
    static void bind(CamelContext context, ConnectionLimits connections) {
        Vertx vertx = connections.applyTo((VertxInternal) new VertxBuilder(new VertxOptions())
                .executorServiceFactory(VirtualThreadVertx::virtualThreads)
                .init()
                .vertx());
        context.getRegistry().bind("vertx", Vertx.class, vertx);
        context.getManagementStrategy().addEventNotifier(new SimpleEventNotifierSupport() {
            @Override
            public void notify(CamelEvent event) {
                if (event instanceof CamelEvent.CamelContextStoppedEvent) {
                    vertx.close();
                }
            }
        });
    }

    private static ExecutorService virtualThreads(ThreadFactory vertxThreads, Integer size, Integer maxSize) {
        return Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("http-", 0).factory());
    }
}
