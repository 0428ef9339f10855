package org.igdm.gateway;

import org.apache.camel.CamelContext;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.ExchangePattern;
import org.apache.camel.ProducerTemplate;
import javax.sql.DataSource;
import org.apache.camel.spi.CamelEvent;
import org.apache.camel.support.SimpleEventNotifierSupport;
import org.igdm.gateway.batch.Batches;
import org.igdm.gateway.broker.BrokerWiring;
import org.igdm.gateway.delivery.DeliveryCapacity;
import org.igdm.gateway.delivery.MessagingWindowCheck;
import org.igdm.gateway.http.HttpSource;
import org.igdm.gateway.idempotency.IdempotencyRepository;
import org.igdm.gateway.jms.JmsIntake;
import org.igdm.gateway.mcp.McpSource;
import org.igdm.gateway.observe.BrokerHealthCheck;
import org.igdm.gateway.observe.GatewayMetrics;
import org.igdm.gateway.observe.InstanceHealthCheck;
import org.igdm.gateway.observe.SinkHealthCheck;
import org.igdm.gateway.pacing.AccountGate;
import org.igdm.gateway.pacing.KindLimits;
import org.igdm.gateway.pacing.PaceShares;
import org.igdm.gateway.store.GatewayStore;
import org.igdm.gateway.webhook.WebhookSettings;
import org.igdm.gateway.webhook.WebhookSource;
import org.igdm.gateway.window.MessagingWindows;

/**
 * The gateway's beans, bound before any route is built. Settings are checked here, so a misconfigured
 * gateway stops at startup with one message listing everything to fix, not at the first send.
 */
public class GatewayConfiguration implements CamelConfiguration {

    /** The one sending account's name in the store's pace shares (ig.user-id's account). */
    private static final String ACCOUNT = "default";

    @Override
    public void configure(CamelContext context) throws Exception {
        GatewaySettings settings = GatewaySettings.from(context.getPropertiesComponent());
        context.getRegistry().bind("gatewaySettings", settings);
        DeliveryCapacity.size(context.getPropertiesComponent(), settings.pacing().maxSendsPerSecond());
        // the database first (started here, migrated, stopped last): everything durable below may keep its state there
        GatewayStore store = new GatewayStore(settings.store());
        store.start();
        context.addService(store, true, false);
        context.getRegistry().bind(GatewayStore.DATA_SOURCE, DataSource.class, store.dataSource());
        // opened before the broker, so that it closes after the broker (Camel stops services in reverse)
        IdempotencyRepository idempotency = new IdempotencyRepository(store.dataSource(), settings.instance(), !store.shared(),
                settings.idempotencyRetention());
        context.addService(idempotency, true, true);
        context.getRegistry().bind("idempotencyRepository", idempotency);
        // sent records that an earlier run could not write (Meta had confirmed them) go to the sink first thing
        context.addStartupListener((started, alreadyStarted) -> {
            try (ProducerTemplate sink = started.createProducerTemplate()) {
                idempotency.recoverPending(record -> sink.sendBody(settings.sentSink(), ExchangePattern.InOnly, record));
            }
        });
        AccountGate gate = accountGate(context, settings, store);
        context.getRegistry().bind("accountGate", gate);
        KindLimits kindLimits = new KindLimits(settings.kindLimits());
        context.getRegistry().bind("kindLimits", kindLimits);
        // messages waiting out a pause give up their turn at shutdown, so that the shutdown does not wait for Meta
        context.getManagementStrategy().addEventNotifier(new SimpleEventNotifierSupport() {
            @Override
            public void notify(CamelEvent event) {
                if (event instanceof CamelEvent.CamelContextStoppingEvent) {
                    gate.stop();
                    kindLimits.stop();
                }
            }
        });
        BrokerWiring.wire(context, settings);
        JmsIntake.wire(context, settings);
        GatewayMetrics metrics = GatewayMetrics.bind(context, gate, settings.instance());
        Batches.wire(context, store.dataSource(), metrics);
        // the users' messages from Meta's webhooks feed the window store, which the delivery route consults
        WebhookSettings webhooks = WebhookSettings.from(context.getPropertiesComponent());
        MessagingWindows windows = new MessagingWindows(store.dataSource());
        context.getRegistry().bind(MessagingWindowCheck.BEAN,
                new MessagingWindowCheck(windows, webhooks.enabled(), webhooks.enforceWindow(), settings.userId()));
        WebhookSource.configure(context, webhooks, store.dataSource(), windows,
                accountId -> accountId.equals(settings.userId()) ? "default" : null);
        context.getRegistry().bind(BrokerHealthCheck.BEAN, new BrokerHealthCheck());
        context.getRegistry().bind(InstanceHealthCheck.BEAN, new InstanceHealthCheck(settings.instance(), store.dataSource()));
        context.getRegistry().bind(SinkHealthCheck.BEAN, new SinkHealthCheck());
        HttpSource.configure(context);
        McpSource.configure(context);
    }

    /** Alone, the gate allows the whole pace; sharing the store, this instance's share of it. */
    private static AccountGate accountGate(CamelContext context, GatewaySettings settings, GatewayStore store) throws Exception {
        if (!store.shared()) {
            return new AccountGate(settings.pacing());
        }
        PaceShares shares = new PaceShares(store.dataSource(), settings.instance());
        context.addService(shares, true, true);
        PaceShares.AccountShare share = shares.account(ACCOUNT, (int) settings.pacing().maxSendsPerSecond());
        AccountGate gate = new AccountGate(settings.pacing(), share::perSecond);
        share.occupancy(gate::callsInWindow);
        return gate;
    }
}
