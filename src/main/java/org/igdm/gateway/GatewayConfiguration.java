package org.igdm.gateway;

import org.apache.camel.CamelContext;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.ExchangePattern;
import org.apache.camel.ProducerTemplate;
import javax.sql.DataSource;
import org.apache.camel.spi.CamelEvent;
import org.apache.camel.support.SimpleEventNotifierSupport;
import org.igdm.gateway.account.Account;
import org.igdm.gateway.batch.Batches;
import org.igdm.gateway.broker.BrokerWiring;
import org.igdm.gateway.broker.QueuedDelivery;
import org.igdm.gateway.delivery.ConversationCheck;
import org.igdm.gateway.delivery.DeliveryCapacity;
import org.igdm.gateway.delivery.MessagingWindowCheck;
import org.igdm.gateway.delivery.PacedGraphCall;
import org.igdm.gateway.graph.GraphClient;
import org.igdm.gateway.http.ApiKeys;
import org.igdm.gateway.http.HttpSource;
import org.igdm.gateway.idempotency.EmbeddedKeys;
import org.igdm.gateway.idempotency.IdempotencyKeys;
import org.igdm.gateway.idempotency.SharedKeys;
import org.igdm.gateway.jms.JmsIntake;
import org.igdm.gateway.mcp.McpSource;
import org.igdm.gateway.observe.AccountsHealthCheck;
import org.igdm.gateway.observe.BrokerHealthCheck;
import org.igdm.gateway.observe.GatewayMetrics;
import org.igdm.gateway.observe.InstanceHealthCheck;
import org.igdm.gateway.observe.SinkHealthCheck;
import org.igdm.gateway.pacing.AccountGates;
import org.igdm.gateway.pacing.KindLimits;
import org.igdm.gateway.pacing.PaceShares;
import org.igdm.gateway.store.GatewayStore;
import org.igdm.gateway.webhook.WebhookSettings;
import org.igdm.gateway.webhook.WebhookSource;
import org.igdm.gateway.window.AnsweredComments;
import org.igdm.gateway.window.MessagingWindows;

/**
 * The gateway's beans, bound before any route is built. Settings are checked here, so a misconfigured
 * gateway stops at startup with one message listing everything to fix, not at the first send.
 */
public class GatewayConfiguration implements CamelConfiguration {

    @Override
    public void configure(CamelContext context) throws Exception {
        GatewaySettings settings = GatewaySettings.from(context.getPropertiesComponent());
        context.getRegistry().bind("gatewaySettings", settings);
        context.getRegistry().bind(DeliveryCapacity.BEAN,
                DeliveryCapacity.size(context.getPropertiesComponent(), settings.accounts().totalSendsPerSecond()));
        // the database first (started here, migrated, stopped last): everything durable below may keep its state there
        GatewayStore store = new GatewayStore(settings.store());
        store.start();
        context.addService(store, true, false);
        context.getRegistry().bind(GatewayStore.DATA_SOURCE, DataSource.class, store.dataSource());
        // opened before the broker, so that it closes after the broker (Camel stops services in reverse)
        IdempotencyKeys idempotency = store.shared()
                ? new SharedKeys(store.dataSource(), settings.instance(), settings.idempotencyRetention())
                : new EmbeddedKeys(settings.store().dataDir(), store.dataSource(), settings.idempotencyRetention());
        context.addService(idempotency, true, true);
        context.getRegistry().bind("idempotencyKeys", IdempotencyKeys.class, idempotency);
        // sent records that an earlier run could not write (Meta had confirmed them) go to the sink first thing
        context.addStartupListener((started, alreadyStarted) -> {
            try (ProducerTemplate sink = started.createProducerTemplate()) {
                idempotency.recoverPending(record -> sink.sendBody(settings.sentSink(), ExchangePattern.InOnly, record));
            }
        });
        AccountGates gates = new AccountGates(settings.accounts().all(), settings.pacing(), paceShares(context, settings, store));
        context.getRegistry().bind("accountGates", gates);
        KindLimits kindLimits = new KindLimits(settings.kindLimits());
        context.getRegistry().bind("kindLimits", kindLimits);
        // a service, so that its connections close once the routes have stopped
        GraphClient graph = new GraphClient(settings.graph());
        context.addService(graph, true, true);
        context.getRegistry().bind("pacedGraphCall", new PacedGraphCall(settings.accounts(), gates, kindLimits, graph));
        context.getRegistry().bind("conversationCheck", new ConversationCheck(settings.accounts(), kindLimits, graph, settings.readBackSettle()));
        // messages waiting out a pause give up their turn at shutdown, so that the shutdown does not wait for Meta
        context.getManagementStrategy().addEventNotifier(new SimpleEventNotifierSupport() {
            @Override
            public void notify(CamelEvent event) {
                if (event instanceof CamelEvent.CamelContextStoppingEvent) {
                    gates.stop();
                    kindLimits.stop();
                }
            }
        });
        BrokerWiring.wire(context, settings);
        context.getRegistry().bind(QueuedDelivery.BEAN, new QueuedDelivery());
        JmsIntake.wire(context, settings);
        GatewayMetrics metrics = GatewayMetrics.bind(context, gates, settings.instance());
        Batches.wire(context, store.dataSource(), metrics);
        // the users' messages from Meta's webhooks feed the window store, which the delivery route consults
        WebhookSettings webhooks = WebhookSettings.from(context.getPropertiesComponent());
        MessagingWindows windows = new MessagingWindows(store.dataSource());
        context.getRegistry().bind(MessagingWindowCheck.BEAN,
                new MessagingWindowCheck(windows, new AnsweredComments(store.dataSource()), webhooks.enabled(), webhooks.enforceWindow()));
        WebhookSource.configure(context, webhooks, store.dataSource(), windows, accountId -> settings.accounts().all().stream()
                .filter(account -> account.userId().equals(accountId)).map(Account::name).findFirst().orElse(null));
        context.getRegistry().bind(BrokerHealthCheck.BEAN, new BrokerHealthCheck());
        context.getRegistry().bind(AccountsHealthCheck.BEAN, new AccountsHealthCheck(gates));
        context.getRegistry().bind(InstanceHealthCheck.BEAN, new InstanceHealthCheck(settings.instance(), store.dataSource()));
        context.getRegistry().bind(SinkHealthCheck.BEAN, new SinkHealthCheck());
        ApiKeys keys = HttpSource.apiKeys(context);
        HttpSource.configure(context, settings, keys);
        McpSource.configure(context, keys);
    }

    /** Alone, each gate allows its account's whole pace; sharing the store, this instance's share of it. */
    private static PaceShares paceShares(CamelContext context, GatewaySettings settings, GatewayStore store) throws Exception {
        if (!store.shared()) {
            return null;
        }
        PaceShares shares = new PaceShares(store.dataSource(), settings.instance());
        context.addService(shares, true, true);
        return shares;
    }
}
