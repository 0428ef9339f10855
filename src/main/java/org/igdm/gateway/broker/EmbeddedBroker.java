package org.igdm.gateway.broker;

import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.activemq.artemis.api.core.QueueConfiguration;
import org.apache.activemq.artemis.api.core.RoutingType;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.core.config.Configuration;
import org.apache.activemq.artemis.core.config.impl.ConfigurationImpl;
import org.apache.activemq.artemis.core.remoting.impl.netty.TransportConstants;
import org.apache.activemq.artemis.core.server.JournalType;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.apache.activemq.artemis.core.settings.impl.AddressSettings;
import org.apache.camel.support.service.ServiceSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ActiveMQ Artemis broker that runs inside the gateway when no external broker is configured: persistent
 * (its journal under {@code gateway.data}), reachable by local JMS applications on 127.0.0.1 only, and by the
 * gateway itself in-VM. As a Camel service it stops after the routes, so in-flight messages finish first.
 */
public final class EmbeddedBroker extends ServiceSupport {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedBroker.class);
    /** Each broker in this JVM gets its own in-VM id, so test gateways can follow each other without clashing. */
    private static final AtomicInteger IN_VM_IDS = new AtomicInteger();

    private final Path directory;
    private final int port;
    private final int inVmId = IN_VM_IDS.getAndIncrement();
    private EmbeddedActiveMQ broker;

    public EmbeddedBroker(Path directory, int port) {
        this.directory = directory;
        this.port = port;
    }

    /** The URL the gateway's own connections use: in-VM, no TCP round trip. */
    public String inVmUrl() {
        return "vm://" + inVmId;
    }

    public boolean isActive() {
        return broker != null && broker.getActiveMQServer() != null && broker.getActiveMQServer().isActive();
    }

    @Override
    protected void doStart() throws Exception {
        broker = new EmbeddedActiveMQ().setConfiguration(configuration());
        broker.start();
        // EmbeddedActiveMQ only logs when the broker or an acceptor cannot start: check, and stop the gateway loudly
        boolean tcpListening = isActive() && broker.getActiveMQServer().getRemotingService().getAcceptor("tcp") != null
                && broker.getActiveMQServer().getRemotingService().getAcceptor("tcp").isStarted();
        if (!tcpListening) {
            broker.stop();
            throw new IllegalStateException("The embedded JMS broker could not start on 127.0.0.1:" + port
                    + " (is the port taken by another broker or gateway?). Set gateway.jms.port to a free port, "
                    + "or gateway.jms.broker-url to use an external broker. Journal: " + directory);
        }
        LOG.info("Embedded Artemis broker listening on tcp://127.0.0.1:{} (journal {}); queue {}", port, directory, Queues.SEND);
    }

    @Override
    protected void doStop() throws Exception {
        if (broker != null) {
            broker.stop();
            LOG.info("Embedded Artemis broker stopped");
        }
    }

    private Configuration configuration() throws Exception {
        Configuration config = new ConfigurationImpl()
                .setName("ig-dm-gateway")
                .setPersistenceEnabled(true)
                // listens on loopback only: local applications are trusted like the gateway's own files
                .setSecurityEnabled(false)
                .setJMXManagementEnabled(false)
                // so that a message redelivered after a crash says so (JMSRedelivered), and is not taken for a duplicate
                .setPersistDeliveryCountBeforeDelivery(true)
                .setJournalType(JournalType.NIO)
                .setJournalDirectory(directory.resolve("journal").toString())
                .setBindingsDirectory(directory.resolve("bindings").toString())
                .setPagingDirectory(directory.resolve("paging").toString())
                .setLargeMessagesDirectory(directory.resolve("large-messages").toString())
                .addAcceptorConfiguration("tcp", "tcp://127.0.0.1:" + port + "?" + TransportConstants.PROTOCOLS_PROP_NAME + "=CORE")
                .addAcceptorConfiguration("in-vm", inVmUrl())
                // a backlog (a million-row file, Meta unreachable for hours) pages to disk long before it fills the
                // heap: Artemis's default is half the heap, and its per-message estimate undercounts the real size
                .setGlobalMaxSize(Runtime.getRuntime().maxMemory() / 8);
        // every address knows where undeliverable and expired messages go (Artemis warns about each one otherwise)
        config.addAddressSetting("#", new AddressSettings()
                .setDeadLetterAddress(SimpleString.of(Queues.DEAD_LETTERS))
                .setExpiryAddress(SimpleString.of(Queues.EXPIRED)));
        // a message that keeps failing for reasons outside the delivery rules (a sink that cannot be written)
        // is parked on the dead-letter queue instead of looping
        config.addAddressSetting(Queues.SEND, new AddressSettings()
                .setMaxDeliveryAttempts(10)
                .setRedeliveryDelay(1000)
                .setRedeliveryMultiplier(2)
                .setMaxRedeliveryDelay(60_000)
                .setDeadLetterAddress(SimpleString.of(Queues.DEAD_LETTERS))
                .setExpiryAddress(SimpleString.of(Queues.EXPIRED)));
        config.addQueueConfiguration(QueueConfiguration.of(Queues.SEND).setRoutingType(RoutingType.ANYCAST).setDurable(true));
        config.addQueueConfiguration(QueueConfiguration.of(Queues.DEAD_LETTERS).setRoutingType(RoutingType.ANYCAST).setDurable(true));
        config.addQueueConfiguration(QueueConfiguration.of(Queues.EXPIRED).setRoutingType(RoutingType.ANYCAST).setDurable(true));
        return config;
    }
}
