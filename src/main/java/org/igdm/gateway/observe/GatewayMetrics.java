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
import org.igdm.gateway.pacing.AccountGates;

/**
 * The gateway's own figures, next to Camel's route metrics at /observe/metrics, each labelled with its
 * {@code account}: messages sent, messages failed per category, retries of transient failures, and each
 * account's pacing (the usage Meta reported, the pace it leads to, pauses for rate limits and outages, a
 * suspension for a refused token). The app's usage, shared by every account, has no label; nor have the
 * webhooks' figures (events kept by kind, refused signatures, sends refused for the messaging window) or the
 * rows still pending in each dropped file's batch.
 */
public final class GatewayMetrics {

    public static final String BEAN = "gatewayMetrics";
    /** The label of a request whose account could not be resolved (an invalid one): never the given text. */
    static final String NO_ACCOUNT = "none";
    /** The name under which camel-micrometer-prometheus looks for (or leaves) the registry it scrapes. */
    private static final String CAMEL_METER_REGISTRY = "metricsRegistry";

    private final MeterRegistry registry;
    private final Counter signaturesRefused;
    private final Counter refusedByWindow;
    private final Map<String, Counter> webhookEvents = new ConcurrentHashMap<>();
    private final MultiGauge pendingBatchRows;

    public GatewayMetrics(MeterRegistry registry, AccountGates gates) {
        this.registry = registry;
        this.signaturesRefused = Counter.builder("gateway.webhook.signature.refused")
                .description("Webhook POSTs refused (403) for a missing or wrong X-Hub-Signature-256").register(registry);
        this.refusedByWindow = Counter.builder("gateway.window.refused")
                .description("Sends refused without a call to Meta: outside the user's messaging window").register(registry);
        Gauge.builder("gateway.rate.limit.app.usage", gates, AccountGates::appUsagePercent)
                .description("The highest usage in percent that Meta last reported for the app (X-App-Usage), shared by every account")
                .baseUnit("percent").register(registry);
        this.pendingBatchRows = MultiGauge.builder("gateway.batch.rows.pending")
                .description("Rows of a dropped file's batch without an outcome yet, by batch id (unfinished batches only)")
                .register(registry);
        gates.all().forEach(this::registerPacing);
    }

    private void registerPacing(AccountGate gate) {
        Tags account = Tags.of("account", gate.account());
        Gauge.builder("gateway.rate.limit.usage", gate, AccountGate::usagePercent).tags(account)
                .description("The highest usage in percent that Meta last reported for the account (100 means throttled)")
                .baseUnit("percent").register(registry);
        Gauge.builder("gateway.pacing.rate", gate, AccountGate::currentRate).tags(account)
                .description("Sends per second allowed now: the account's max-sends-per-second, slower while the usage is high")
                .register(registry);
        Gauge.builder("gateway.pacing.paused", gate, g -> g.pausedFor().toMillis() / 1000.0).tags(account)
                .description("How long sending stays paused for a rate limit or an open circuit breaker")
                .baseUnit("seconds").register(registry);
        FunctionCounter.builder("gateway.pacing.rate.limit.pauses", gate, AccountGate::pauses).tags(account)
                .description("Pauses because Meta rate-limited the account").register(registry);
        Gauge.builder("gateway.pacing.breaker.open", gate, g -> g.breakerState() == AccountGate.BreakerState.CLOSED ? 0 : 1)
                .tags(account)
                .description("1 while the circuit breaker is open or probing (the Graph API is taken for down), else 0")
                .register(registry);
        FunctionCounter.builder("gateway.pacing.breaker.openings", gate, AccountGate::breakerOpenings).tags(account)
                .description("Times the circuit breaker opened because the Graph API kept failing").register(registry);
        Gauge.builder("gateway.account.suspended", gate, g -> g.suspended() ? 1 : 0).tags(account)
                .description("1 while the account is suspended because Meta refused its access token (code 190), else 0")
                .register(registry);
    }

    /**
     * Binds the metrics on the registry Camel's Prometheus endpoint scrapes (created here if Camel has none yet);
     * every meter, Camel's included, carries the label {@code instance}: this gateway's {@code gateway.instance}.
     */
    public static GatewayMetrics bind(CamelContext context, AccountGates gates, String instance) {
        MeterRegistry registry = context.getRegistry().lookupByNameAndType(CAMEL_METER_REGISTRY, MeterRegistry.class);
        if (registry == null) {
            registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
            context.getRegistry().bind(CAMEL_METER_REGISTRY, registry);
        }
        registry.config().commonTags("instance", instance);
        GatewayMetrics metrics = new GatewayMetrics(registry, gates);
        context.getRegistry().bind(BEAN, metrics);
        return metrics;
    }

    public static GatewayMetrics of(Exchange exchange) {
        return exchange.getContext().getRegistry().lookupByNameAndType(BEAN, GatewayMetrics.class);
    }

    /** A message Meta accepted for the account. */
    public void sent(String account) {
        counter("gateway.messages.sent", "Messages Meta accepted", account).increment();
    }

    /** A request that ended in the failed sink, by {@code error.category}; {@code account} is null when unresolved. */
    public void failed(String category, String account) {
        Counter.builder("gateway.messages.failed")
                .description("Requests that ended in the failed sink, by error category")
                .tags("category", category, "account", account == null ? NO_ACCOUNT : account)
                .register(registry).increment();
    }

    public void retried(String account) {
        counter("gateway.retries", "Graph API calls repeated after a transient failure", account).increment();
    }

    /** Micrometer keeps one counter per name and labels: registering again returns it. */
    private Counter counter(String name, String description, String account) {
        return Counter.builder(name).description(description).tag("account", account == null ? NO_ACCOUNT : account)
                .register(registry);
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
