package org.igdm.gateway.observe;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.igdm.gateway.pacing.AccountGate;

/**
 * The gateway's own figures, next to Camel's route metrics at /observe/metrics: messages sent, messages failed
 * per category, retries of transient failures, the account's pacing (the usage Meta reported, the pace
 * it leads to, pauses for rate limits and outages), the webhooks (events kept by kind, refused signatures,
 * sends refused for the messaging window), and the rows still pending in each dropped file's batch.
 */
public final class GatewayMetrics {

    public static final String BEAN = "gatewayMetrics";
    /** The name under which camel-micrometer-prometheus looks for (or leaves) the registry it scrapes. */
    private static final String CAMEL_METER_REGISTRY = "metricsRegistry";

    private final MeterRegistry registry;
    private final Counter sent;
    private final Counter retries;
    private final Map<String, Counter> failed = new ConcurrentHashMap<>();
    private final Counter signaturesRefused;
    private final Counter refusedByWindow;
    private final Map<String, Counter> webhookEvents = new ConcurrentHashMap<>();
    private final MultiGauge pendingBatchRows;

    public GatewayMetrics(MeterRegistry registry, AccountGate gate) {
        this.registry = registry;
        this.sent = Counter.builder("gateway.messages.sent").description("Messages Meta accepted").register(registry);
        this.retries = Counter.builder("gateway.retries")
                .description("Graph API calls repeated after a transient failure").register(registry);
        this.signaturesRefused = Counter.builder("gateway.webhook.signature.refused")
                .description("Webhook POSTs refused (403) for a missing or wrong X-Hub-Signature-256").register(registry);
        this.refusedByWindow = Counter.builder("gateway.window.refused")
                .description("Sends refused without a call to Meta: outside the user's messaging window").register(registry);
        Gauge.builder("gateway.rate.limit.usage", gate, AccountGate::usagePercent)
                .description("The highest usage in percent that Meta last reported for the account (100 means throttled)")
                .baseUnit("percent").register(registry);
        Gauge.builder("gateway.pacing.rate", gate, AccountGate::currentRate)
                .description("Sends per second allowed now: ig.max-sends-per-second, slower while the usage is high")
                .register(registry);
        Gauge.builder("gateway.pacing.paused", gate, g -> g.pausedFor().toMillis() / 1000.0)
                .description("How long sending stays paused for a rate limit or an open circuit breaker")
                .baseUnit("seconds").register(registry);
        FunctionCounter.builder("gateway.pacing.rate.limit.pauses", gate, AccountGate::pauses)
                .description("Pauses because Meta rate-limited the account").register(registry);
        Gauge.builder("gateway.pacing.breaker.open", gate, g -> g.breakerState() == AccountGate.BreakerState.CLOSED ? 0 : 1)
                .description("1 while the circuit breaker is open or probing (the Graph API is taken for down), else 0")
                .register(registry);
        FunctionCounter.builder("gateway.pacing.breaker.openings", gate, AccountGate::breakerOpenings)
                .description("Times the circuit breaker opened because the Graph API kept failing").register(registry);
        this.pendingBatchRows = MultiGauge.builder("gateway.batch.rows.pending")
                .description("Rows of a dropped file's batch without an outcome yet, by batch id (unfinished batches only)")
                .register(registry);
    }

    /** Binds the metrics on the registry Camel's Prometheus endpoint scrapes (created here if Camel has none yet). */
    public static GatewayMetrics bind(CamelContext context, AccountGate gate) {
        MeterRegistry registry = context.getRegistry().lookupByNameAndType(CAMEL_METER_REGISTRY, MeterRegistry.class);
        if (registry == null) {
            registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
            context.getRegistry().bind(CAMEL_METER_REGISTRY, registry);
        }
        GatewayMetrics metrics = new GatewayMetrics(registry, gate);
        context.getRegistry().bind(BEAN, metrics);
        return metrics;
    }

    public static GatewayMetrics of(Exchange exchange) {
        return exchange.getContext().getRegistry().lookupByNameAndType(BEAN, GatewayMetrics.class);
    }

    public void sent() {
        sent.increment();
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

    /** A webhook event kept in the received sink (a redelivered one is not counted again), by kind. */
    public void webhookEvent(String kind) {
        webhookEvents.computeIfAbsent(kind, k -> Counter.builder("gateway.webhook.events")
                .description("Webhook events kept in the received sink, by kind")
                .tag("kind", k)
                .register(registry)).increment();
    }

    public void webhookSignatureRefused() {
        signaturesRefused.increment();
    }

    public void refusedByWindow() {
        refusedByWindow.increment();
    }

    /** The rows pending in each unfinished batch, by batch id; a batch not named any more leaves the metric. */
    public void pendingBatchRows(Map<String, Long> pendingPerBatch) {
        pendingBatchRows.register(pendingPerBatch.entrySet().stream()
                .map(batch -> MultiGauge.Row.of(Tags.of("batch", batch.getKey()), batch.getValue()))
                .toList(), true);
    }
}
