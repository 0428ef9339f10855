package org.igdm.gateway.broker;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.activemq.artemis.api.core.QueueConfiguration;
import org.apache.activemq.artemis.api.core.RoutingType;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.api.core.TransportConfiguration;
import org.apache.activemq.artemis.core.config.Configuration;
import org.apache.activemq.artemis.core.config.impl.ConfigurationImpl;
import org.apache.activemq.artemis.core.config.impl.SecurityConfiguration;
import org.apache.activemq.artemis.core.remoting.impl.netty.NettyAcceptorFactory;
import org.apache.activemq.artemis.core.remoting.impl.netty.TransportConstants;
import org.apache.activemq.artemis.core.security.Role;
import org.apache.activemq.artemis.core.server.ActiveMQServer;
import org.apache.activemq.artemis.core.server.JournalType;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.apache.activemq.artemis.core.settings.impl.AddressSettings;
import org.apache.activemq.artemis.spi.core.security.ActiveMQSecurityManagerImpl;
import org.apache.camel.support.service.ServiceSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ActiveMQ Artemis broker that runs inside the gateway when no external broker is configured: persistent
 * (its journal under {@code gateway.data}), reachable by legacy applications on one TCP port that speaks Artemis
 * Core, OpenWire (ActiveMQ 5 clients), AMQP 1.0 and STOMP, and by the gateway itself in-VM. Without
 * {@code gateway.jms.users} it admits anyone and listens on loopback only; with them, every connection needs a
 * user and password, and clients may only put requests on {@code ig.send} and read their own reply queues.
 * As a Camel service it stops after the routes, so in-flight messages finish first.
 */
public final class EmbeddedBroker extends ServiceSupport {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedBroker.class);
    /** Each broker in this JVM gets its own in-VM id, so test gateways can follow each other without clashing. */
    private static final AtomicInteger IN_VM_IDS = new AtomicInteger();
    private static final String PROTOCOLS = "CORE,OPENWIRE,AMQP,STOMP";
    /** How STOMP clients used to ActiveMQ 5 name a queue ({@code /queue/ig.send}); the plain name works too. */
    public static final String ANYCAST_PREFIX = "/queue/";
    private static final String CLIENT_ROLE = "client";
    private static final String GATEWAY_ROLE = "gateway";
    /**
     * The gateway's queues page to disk in files of this size. Artemis holds a page whole in memory while it writes it
     * and while a queue reads it back, and its default, 10 MiB by its own estimate of a message's size (about a third
     * of the real one), is for a queue or two: with twenty accounts' queues paging at once, their pages filled a 256 MiB
     * heap and delivery fell to 0.12 of the allowance, in garbage collection (docs/benchmarks.md, *A backlog that pages*).
     * Half a MiB is about 550 short requests, five seconds of an account's pace.
     */
    static final int PAGE_BYTES = 512 * 1024;

    private final Path directory;
    private final BrokerSettings settings;
    private final int inVmId = IN_VM_IDS.getAndIncrement();
    /** The gateway's own password, new at every start and never written anywhere. */
    private final String gatewayPassword = randomPassword();
    private EmbeddedActiveMQ broker;

    public EmbeddedBroker(Path directory, BrokerSettings settings) {
        this.directory = directory;
        this.settings = settings;
    }

    /** The URL the gateway's own connections use: in-VM, no TCP round trip. */
    public String inVmUrl() {
        return "vm://" + inVmId;
    }

    /** The user the gateway's own connections give: {@link BrokerSettings#GATEWAY_USER}. */
    public String gatewayUser() {
        return BrokerSettings.GATEWAY_USER;
    }

    public String gatewayPassword() {
        return gatewayPassword;
    }

    /** The running server, for tests that look inside it. */
    ActiveMQServer server() {
        return broker.getActiveMQServer();
    }

    public boolean isActive() {
        return broker != null && broker.getActiveMQServer() != null && broker.getActiveMQServer().isActive();
    }

    @Override
    protected void doStart() throws Exception {
        broker = new EmbeddedActiveMQ().setConfiguration(configuration());
        if (settings.requiresCredentials()) {
            broker.setSecurityManager(new ActiveMQSecurityManagerImpl(users()));
        }
        broker.start();
        // EmbeddedActiveMQ only logs when the broker or an acceptor cannot start: check, and stop the gateway loudly
        boolean tcpListening = isActive() && broker.getActiveMQServer().getRemotingService().getAcceptor("tcp") != null
                && broker.getActiveMQServer().getRemotingService().getAcceptor("tcp").isStarted();
        if (!tcpListening) {
            broker.stop();
            throw new IllegalStateException("The embedded JMS broker could not start on " + settings.host() + ":" + settings.port()
                    + " (is the port taken by another broker or gateway?). Set gateway.jms.port to a free port, "
                    + "or gateway.jms.broker-url to use an external broker. Journal: " + directory);
        }
        LOG.info("Embedded Artemis broker listening on {}://{}:{} for {} (journal {}); queue {}",
                settings.keystore() == null ? "tcp" : "ssl", settings.host(), settings.port(), PROTOCOLS, directory, Queues.SEND);
        if (!settings.requiresCredentials()) {
            LOG.warn("The embedded JMS broker asks for no credentials: any local process can put requests on {} (sending DMs "
                    + "in the account's name) or read its queues. Set gateway.jms.users (name:password,...) to require them.",
                    Queues.SEND);
        }
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
                .setSecurityEnabled(settings.requiresCredentials())
                .setJMXManagementEnabled(false)
                // so that a message redelivered after a crash says so (JMSRedelivered), and is not taken for a duplicate
                .setPersistDeliveryCountBeforeDelivery(true)
                .setJournalType(JournalType.NIO)
                .setJournalDirectory(directory.resolve("journal").toString())
                .setBindingsDirectory(directory.resolve("bindings").toString())
                .setPagingDirectory(directory.resolve("paging").toString())
                .setLargeMessagesDirectory(directory.resolve("large-messages").toString())
                .addAcceptorConfiguration(new TransportConfiguration(NettyAcceptorFactory.class.getName(), acceptorParameters(), "tcp"))
                .addAcceptorConfiguration("in-vm", inVmUrl())
                // a backlog (a million-row file, Meta unreachable for hours) pages to disk long before it fills the
                // heap: Artemis's default is half the heap, and its per-message estimate undercounts the real size
                .setGlobalMaxSize(Runtime.getRuntime().maxMemory() / 8);
        // every address knows where undeliverable and expired messages go (Artemis warns about each one otherwise)
        config.addAddressSetting("#", new AddressSettings()
                .setDeadLetterAddress(SimpleString.of(Queues.DEAD_LETTERS))
                .setExpiryAddress(SimpleString.of(Queues.EXPIRED)));
        // a message that keeps failing for reasons outside the delivery rules (a sink that cannot be written)
        // is parked on the dead-letter queue instead of looping; a backlog pages in small files (PAGE_BYTES)
        // (ig.deliver.# is ig.deliver and every account's queue below it)
        for (String queue : List.of(Queues.SEND, Queues.DELIVER + ".#")) {
            config.addAddressSetting(queue, new AddressSettings()
                    .setMaxDeliveryAttempts(10)
                    .setRedeliveryDelay(1000)
                    .setRedeliveryMultiplier(2)
                    .setMaxRedeliveryDelay(60_000)
                    .setPageSizeBytes(PAGE_BYTES)
                    .setDeadLetterAddress(SimpleString.of(Queues.DEAD_LETTERS))
                    .setExpiryAddress(SimpleString.of(Queues.EXPIRED)));
        }
        // exclusive: one consumer at a time in the whole cluster (the intake), so requests leave in the order they came
        config.addQueueConfiguration(QueueConfiguration.of(Queues.SEND).setRoutingType(RoutingType.ANYCAST).setDurable(true).setExclusive(true));
        for (String queue : List.of(Queues.DELIVER, Queues.DEAD_LETTERS, Queues.EXPIRED)) {
            config.addQueueConfiguration(QueueConfiguration.of(queue).setRoutingType(RoutingType.ANYCAST).setDurable(true));
        }
        if (settings.requiresCredentials()) {
            permissions().forEach(config::putSecurityRoles);
        }
        return config;
    }

    /** One port for every protocol; STOMP clients may name queues the ActiveMQ 5 way too ({@code /queue/ig.send}). */
    private Map<String, Object> acceptorParameters() {
        Map<String, Object> parameters = new HashMap<>();
        parameters.put(TransportConstants.HOST_PROP_NAME, settings.host());
        parameters.put(TransportConstants.PORT_PROP_NAME, settings.port());
        parameters.put(TransportConstants.PROTOCOLS_PROP_NAME, PROTOCOLS);
        parameters.put("anycastPrefix", ANYCAST_PREFIX);
        parameters.put("multicastPrefix", "/topic/");
        if (settings.keystore() != null) {
            parameters.put(TransportConstants.SSL_ENABLED_PROP_NAME, true);
            parameters.put(TransportConstants.KEYSTORE_PATH_PROP_NAME, settings.keystore().toString());
            parameters.put(TransportConstants.KEYSTORE_PASSWORD_PROP_NAME, settings.keystorePassword());
        }
        return parameters;
    }

    private SecurityConfiguration users() {
        SecurityConfiguration users = new SecurityConfiguration();
        settings.users().forEach((name, password) -> {
            users.addUser(name, password);
            users.addRole(name, CLIENT_ROLE);
        });
        users.addUser(BrokerSettings.GATEWAY_USER, gatewayPassword);
        users.addRole(BrokerSettings.GATEWAY_USER, GATEWAY_ROLE);
        return users;
    }

    /**
     * Clients may send requests to ig.send and use queues of their own (temporary or named reply queues); the
     * gateway's queues (ig.*) and the broker's own addresses (activemq.*) are the gateway's alone. The most
     * specific match wins.
     */
    private static Map<String, Set<Role>> permissions() {
        Role gateway = new Role(GATEWAY_ROLE, true, true, true, true, true, true, true, true, true, true);
        Role clientQueues = new Role(CLIENT_ROLE, true, true, true, false, true, true, false, true, true, false);
        Role clientSendOnly = new Role(CLIENT_ROLE, true, false, false, false, false, false, false, false, false, false);
        return Map.of(
                "#", Set.of(gateway, clientQueues),
                "activemq.#", Set.of(gateway),
                "ig.#", Set.of(gateway),
                Queues.SEND, Set.of(gateway, clientSendOnly));
    }

    private static String randomPassword() {
        byte[] bytes = new byte[24];
        new SecureRandom().nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
