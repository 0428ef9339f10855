package org.igdm.gateway.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import jakarta.jms.JMSException;
import jakarta.jms.Session;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.Map;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.igdm.gateway.support.GraphStub;
import org.igdm.gateway.support.Keystores;
import org.igdm.gateway.support.LegacyJmsClient;
import org.igdm.gateway.support.RunningGateway;
import org.igdm.gateway.support.TestLog;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BrokerStartupTest {

    @TempDir
    Path home;

    @Test
    void startupFailsLoudlyWhenTheBrokerPortIsTaken() throws Exception {
        try (ServerSocket squatter = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Map<String, String> settings = RunningGateway.defaults(home, "http://127.0.0.1:9");
            settings.put("gateway.jms.port", String.valueOf(squatter.getLocalPort()));

            assertThatThrownBy(() -> RunningGateway.start(home, settings).close())
                    .hasStackTraceContaining("The embedded JMS broker could not start on 127.0.0.1:" + squatter.getLocalPort())
                    .hasStackTraceContaining("gateway.jms.port");
        }
    }

    @Test
    void theBrokerListensBeyondLoopbackOnlyWithUsers() {
        Map<String, String> settings = RunningGateway.defaults(home, "http://127.0.0.1:9");
        settings.put("gateway.jms.host", "0.0.0.0");

        assertThatThrownBy(() -> RunningGateway.start(home, settings).close())
                .hasStackTraceContaining("gateway.jms.host is 0.0.0.0, beyond loopback: set gateway.jms.users");
    }

    @Test
    void givenAKeystoreTheBrokerSpeaksTlsOnly() throws Exception {
        Keystores tls = Keystores.create(home);
        try (GraphStub meta = new GraphStub()) {
            Map<String, String> settings = RunningGateway.defaults(home, meta.url());
            settings.put("gateway.jms.tls.keystore", tls.keystore().toString());
            settings.put("gateway.jms.tls.keystore-password", Keystores.PASSWORD);
            int port = Integer.parseInt(settings.get("gateway.jms.port"));
            try (RunningGateway gateway = RunningGateway.start(home, settings)) {
                // a plain TCP client gets no answer to its handshake: it gives up after 3 s (its default is 30 s), where
                // a broker speaking plain TCP would have connected it at once
                assertThatThrownBy(() -> new ActiveMQConnectionFactory("tcp://127.0.0.1:" + port + "?callTimeout=3000")
                        .createConnection().close()).as("a plain TCP client").isInstanceOf(JMSException.class);
                try (var connection = new ActiveMQConnectionFactory("tcp://127.0.0.1:" + port + "?sslEnabled=true&" + tls.trustParameters())
                        .createConnection()) {
                    Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
                    session.createProducer(session.createQueue(Queues.SEND))
                            .send(session.createTextMessage("{\"recipient_id\":\"32\",\"message\":\"over TLS\"}"));
                }
                gateway.awaitOutcomes(1);
                assertThat(gateway.sent()).singleElement().satisfies(r -> assertThat(r.path("recipient_id").asText()).isEqualTo("32"));
                assertThat(meta.sends()).hasSize(1);
            }
        }
    }

    /** An external broker that asks for credentials and speaks TLS, as the URL and gateway.jms.username/password say. */
    @Test
    void anExternalBrokerIsReachedWithCredentialsOverTls() throws Exception {
        long logMark = TestLog.mark();
        Keystores tls = Keystores.create(home);
        int externalPort = RunningGateway.freePort();
        EmbeddedBroker external = new EmbeddedBroker(home.resolve("external-broker"), new BrokerSettings(null, null, null,
                "127.0.0.1", externalPort, Map.of("legacy", "legacy-pass-1"), tls.keystore(), Keystores.PASSWORD));
        external.start();
        try (GraphStub meta = new GraphStub()) {
            Map<String, String> settings = RunningGateway.defaults(home, meta.url());
            settings.put("gateway.jms.broker-url", "tcp://127.0.0.1:" + externalPort + "?sslEnabled=true&" + tls.trustParameters());
            // the external broker's user for gateways: here the one it made for its own in-process connections
            settings.put("gateway.jms.username", external.gatewayUser());
            settings.put("gateway.jms.password", external.gatewayPassword());
            try (RunningGateway gateway = RunningGateway.start(home, settings);
                 var connection = new ActiveMQConnectionFactory("tcp://127.0.0.1:" + externalPort + "?sslEnabled=true&"
                         + tls.trustParameters(), "legacy", "legacy-pass-1").createConnection()) {
                Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
                session.createProducer(session.createQueue(Queues.SEND))
                        .send(session.createTextMessage("{\"recipient_id\":\"33\",\"message\":\"external, TLS, logged in\"}"));
                gateway.awaitOutcomes(1);
                assertThat(gateway.sent()).singleElement().satisfies(r -> assertThat(r.path("recipient_id").asText()).isEqualTo("33"));
                assertThat(meta.sends()).hasSize(1);
                assertThat(TestLog.since(logMark)).contains("trustStorePassword=***").doesNotContain(Keystores.PASSWORD)
                        .doesNotContain(external.gatewayPassword());
            }
        } finally {
            external.stop();
        }
    }

    @Test
    void withABrokerUrlTheGatewayUsesThatBrokerAndRunsNoneOfItsOwn() throws Exception {
        int externalPort = RunningGateway.freePort();
        EmbeddedBroker external = new EmbeddedBroker(home.resolve("external-broker"),
                new BrokerSettings(null, null, null, "127.0.0.1", externalPort, Map.of(), null, null));
        external.start();
        try (GraphStub meta = new GraphStub()) {
            Map<String, String> settings = RunningGateway.defaults(home, meta.url());
            // the operator's own prefetch, which the gateway's (4 KiB) must not override
            settings.put("gateway.jms.broker-url", "tcp://127.0.0.1:" + externalPort + "?consumerWindowSize=2048");
            try (RunningGateway gateway = RunningGateway.start(home, settings);
                 LegacyJmsClient legacy = new LegacyJmsClient(externalPort)) {
                assertThat(gateway.context().getRegistry().lookupByName("embeddedBroker")).isNull();
                assertThat(gateway.context().getRegistry().lookupByNameAndType(BrokerWiring.CONSUMER_CONNECTIONS,
                        ActiveMQConnectionFactory.class).getConsumerWindowSize()).isEqualTo(2048);
                legacy.send(Queues.SEND, "{\"recipient_id\":\"31\",\"message\":\"via the external broker\"}");
                gateway.awaitOutcomes(1);
                assertThat(gateway.sent()).hasSize(1);
                assertThat(meta.sends()).hasSize(1);
                // the embedded broker's port stays free: nothing listens there
                try (ServerSocket free = new ServerSocket(Integer.parseInt(settings.get("gateway.jms.port")), 1,
                        InetAddress.getLoopbackAddress())) {
                    assertThat(free.isBound()).isTrue();
                }
            }
        } finally {
            external.stop();
        }
    }
}
