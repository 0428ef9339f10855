package org.igdm.gateway.broker;

import java.nio.file.Path;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.apache.camel.CamelContext;
import org.apache.camel.component.jms.JmsComponent;
import org.apache.camel.support.service.ServiceSupport;
import org.igdm.gateway.GatewaySettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.task.SimpleAsyncTaskExecutor;
import org.springframework.jms.connection.CachingConnectionFactory;

/**
 * Connects the gateway to its durable queue: starts the embedded broker when {@code gateway.jms.broker-url} is
 * empty, and binds the Camel {@code jms} component to the broker (embedded or external, a cluster URL included).
 */
public final class BrokerWiring {

    private static final Logger LOG = LoggerFactory.getLogger(BrokerWiring.class);
    /** Registry name of the connection factory for JMS consumers. */
    public static final String CONSUMER_CONNECTIONS = "jmsConsumerConnections";
    /** Registry name of the task executor of the delivery consumers (routes/jms-source.camel.yaml). */
    public static final String DELIVERY_THREADS = "deliveryThreads";
    /**
     * What the broker may push to a consumer ahead of its work: a few requests (a short text request takes about
     * 0.5 KiB there), all of its own queue's account. With no prefetch, every receive cost two more trips through
     * the broker's threads: a fifth of the gateway's CPU per message at twenty accounts (docs/benchmarks.md). A large
     * window starves instead: Artemis's default, 1 MiB, lets a few consumers take an account's whole backlog, one call
     * at a time each, while the others idle. The price of a few: a request may wait for the call its consumer is
     * making. Held requests go back to the queue, in order, when the consumer stops or rolls back.
     */
    static final int CONSUMER_WINDOW_BYTES = 4 * 1024;
    private static final String WINDOW_OPTION = "consumerWindowSize";

    private BrokerWiring() {
    }

    public static void wire(CamelContext context, GatewaySettings settings) throws Exception {
        BrokerSettings broker = settings.broker();
        ActiveMQConnectionFactory artemis;
        if (broker.embedded()) {
            EmbeddedBroker embedded = new EmbeddedBroker(Path.of(settings.dataDir()).resolve("broker"), broker);
            // started now, before any route; stopped by Camel after the routes have finished
            context.addService(embedded, true, true);
            context.getRegistry().bind("embeddedBroker", embedded);
            artemis = new ActiveMQConnectionFactory(embedded.inVmUrl(), embedded.gatewayUser(), embedded.gatewayPassword());
        } else {
            // the URL may ask for TLS (sslEnabled=true) and name a backup broker or an HA pair: the client does both
            LOG.info("Using the external JMS broker at {}{}", broker.externalUrlForLog(),
                    broker.externalUser() == null ? "" : " as " + broker.externalUser());
            artemis = new ActiveMQConnectionFactory(broker.externalUrl(), broker.externalUser(), broker.externalPassword());
        }
        // an ObjectMessage body is never deserialized, whoever sent it: Java deserialization of untrusted bytes can
        // pin a consumer for ever or worse. The intake refuses such messages without reading their body.
        artemis.setDeserializationDenyList("*");
        // consumers (routes/jms-source.camel.yaml) use the plain factory: their listener container keeps its own
        // connection and sessions (CACHE_CONSUMER), and can be stopped and started with its route
        context.getRegistry().bind(CONSUMER_CONNECTIONS, artemis);
        // a small prefetch, unless the broker URL names its own consumerWindowSize
        if (broker.embedded() || !broker.externalUrl().contains(WINDOW_OPTION + "=")) {
            artemis.setConsumerWindowSize(CONSUMER_WINDOW_BYTES);
        }
        // each consumer waits for Meta on a virtual thread of its own: hundreds cost a few kilobytes each
        SimpleAsyncTaskExecutor deliveryThreads = new SimpleAsyncTaskExecutor("deliver-");
        deliveryThreads.setVirtualThreads(true);
        context.getRegistry().bind(DELIVERY_THREADS, deliveryThreads);
        // producers share one connection with cached sessions and producers: a send must not open a connection
        CachingConnectionFactory connections = new CachingConnectionFactory(artemis);
        connections.setSessionCacheSize(32);
        connections.setReconnectOnException(true);
        JmsComponent jms = JmsComponent.jmsComponent(connections);
        context.addComponent("jms", jms);
        // closed before the embedded broker stops (Camel stops services in the reverse order of adding)
        context.addService(new ServiceSupport() {
            @Override
            protected void doStop() {
                connections.destroy();
            }
        }, true, true);
    }
}
