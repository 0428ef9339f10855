package org.igdm.gateway.observe;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;

/**
 * The gateway's own figures, next to Camel's route metrics at /observe/metrics: messages sent, messages failed
 * per category, retries of transient failures, and the rate-limit usage Meta reported last.
 */
public final class GatewayMetrics {

    public static final String BEAN = "gatewayMetrics";
    /** The name under which camel-micrometer-prometheus looks for (or leaves) the registry it scrapes. */
    private static final String CAMEL_METER_REGISTRY = "metricsRegistry";

    private final MeterRegistry registry;
    private final Counter sent;
    private final Counter retries;
    private final Map<String, Counter> failed = new ConcurrentHashMap<>();
    private final AtomicInteger rateLimitUsage = new AtomicInteger();

    public GatewayMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.sent = Counter.builder("gateway.messages.sent").description("Messages Meta accepted").register(registry);
        this.retries = Counter.builder("gateway.retries")
                .description("Graph API calls repeated after a transient failure").register(registry);
        Gauge.builder("gateway.rate.limit.usage", rateLimitUsage, AtomicInteger::get)
                .description("The highest usage in percent that Meta reported on its last answer (100 means throttled)")
                .baseUnit("percent")
                .register(registry);
    }

    /** Binds the metrics on the registry Camel's Prometheus endpoint scrapes (created here if Camel has none yet). */
    public static GatewayMetrics bind(CamelContext context) {
        MeterRegistry registry = context.getRegistry().lookupByNameAndType(CAMEL_METER_REGISTRY, MeterRegistry.class);
        if (registry == null) {
            registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
            context.getRegistry().bind(CAMEL_METER_REGISTRY, registry);
        }
        GatewayMetrics metrics = new GatewayMetrics(registry);
        context.getRegistry().bind(BEAN, metrics);
        return metrics;
    }

    public static GatewayMetrics of(Exchange exchange) {
        return exchange.getContext().getRegistry().lookupByNameAndType(BEAN, GatewayMetrics.class);
    }

    /** A message Meta accepted, and the usage it reported with the answer. */
    public void sent(int rateLimitPercent) {
        sent.increment();
        rateLimitUsage.set(rateLimitPercent);
    }

    /** A request that ended in the failed sink, by {@code error.category}. */
    public void failed(String category) {
        failed.computeIfAbsent(category, c -> Counter.builder("gateway.messages.failed")
                .description("Requests that ended in the failed sink, by error category")
                .tag("category", c)
                .register(registry)).increment();
    }

    public void retried() {
        retries.increment();
    }
}
