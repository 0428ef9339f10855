package org.igdm.gateway.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import jakarta.jms.JMSSecurityException;
import jakarta.jms.Session;
import java.io.IOException;
import java.time.Duration;
import org.igdm.gateway.Json;
import org.igdm.gateway.account.Accounts;
import org.igdm.gateway.support.GatewayFixture;
import org.igdm.gateway.support.LegacyClient;
import org.igdm.gateway.support.LegacyClient.Protocol;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The embedded broker with {@code gateway.jms.users}: every protocol's clients must log in, and may only send. */
class BrokerSecurityTest {

    private static final String USER = "erp";
    private static final String PASSWORD = "s3cret-erp-7a1f";

    @RegisterExtension
    static final GatewayFixture FIXTURE = GatewayFixture.withSettings(settings ->
            settings.put("gateway.jms.users", USER + ":" + PASSWORD + ",crm:another-pass-2b9c"));

    private static int port() {
        return Integer.parseInt(FIXTURE.gateway().context().getPropertiesComponent().resolveProperty("gateway.jms.port").orElseThrow());
    }

    @ParameterizedTest
    @EnumSource(Protocol.class)
    void clientsWithoutCredentialsOrWithWrongOnesAreRefused(Protocol protocol) {
        assertThatThrownBy(() -> protocol.connect(port()).close()).as("no credentials").satisfies(BrokerSecurityTest::refused);
        assertThatThrownBy(() -> protocol.connect(port(), USER, "wrong").close()).as("a wrong password").satisfies(BrokerSecurityTest::refused);
        assertThatThrownBy(() -> protocol.connect(port(), "nobody", PASSWORD).close()).as("an unknown user").satisfies(BrokerSecurityTest::refused);
    }

    /** Refused for its credentials, in the words of each protocol's client. */
    private static void refused(Throwable thrown) {
        assertThat(thrown).isInstanceOfAny(JMSSecurityException.class, javax.jms.JMSSecurityException.class, IOException.class);
        if (thrown instanceof IOException stomp) {
            assertThat(stomp).hasMessageContaining("STOMP CONNECT refused").hasMessageNotContaining("no answer");
        }
    }

    /** Served: the request reaches Meta and the reply comes back, so the gateway's own consumers work too. */
    @ParameterizedTest
    @EnumSource(Protocol.class)
    void clientsWithTheRightCredentialsAreServed(Protocol protocol) throws Exception {
        try (LegacyClient client = protocol.connect(port(), USER, PASSWORD)) {
            client.sendForReply("{\"recipient_id\":\"701\",\"message\":\"logged in over " + protocol + "\"}", "c-" + protocol);

            LegacyClient.Reply reply = client.receiveReply(Duration.ofSeconds(20));
            assertThat(reply).as("the reply").isNotNull();
            assertThat(reply.correlationId()).isEqualTo("c-" + protocol);
            JsonNode record = Json.MAPPER.readTree(reply.text());
            assertThat(record.path("status").asText()).isEqualTo("sent");
        }
        FIXTURE.gateway().awaitOutcomes(1);
        assertThat(FIXTURE.meta().sends()).hasSize(1);
        assertThat(FIXTURE.log()).doesNotContain(PASSWORD).doesNotContain("asks for no credentials");
    }

    @Test
    void aClientCanNeitherReadTheGatewaysQueuesNorWriteToTheInternalOne() throws Exception {
        try (LegacyClient client = Protocol.CORE.connect(port(), USER, PASSWORD)) {
            Session session = ((LegacyClient.JakartaJmsClient) client).session();
            String accountsQueue = Queues.deliveryQueue(Accounts.DEFAULT);
            for (String queue : new String[] {Queues.SEND, Queues.DELIVER, accountsQueue, Queues.DEAD_LETTERS}) {
                assertThatThrownBy(() -> session.createConsumer(session.createQueue(queue))).as("consume " + queue)
                        .isInstanceOf(JMSSecurityException.class);
                assertThatThrownBy(() -> session.createBrowser(session.createQueue(queue)).getEnumeration()).as("browse " + queue)
                        .isInstanceOf(JMSSecurityException.class);
            }
            for (String queue : new String[] {Queues.DELIVER, accountsQueue}) {
                assertThatThrownBy(() -> session.createProducer(session.createQueue(queue))
                        .send(session.createTextMessage("{\"recipient_id\":\"702\",\"message\":\"past the intake\"}")))
                        .as("send to " + queue).isInstanceOf(JMSSecurityException.class);
            }
        }
        try (LegacyClient client = Protocol.OPENWIRE.connect(port(), USER, PASSWORD)) {
            javax.jms.Session session = ((LegacyClient.JavaxJmsClient) client).session();
            assertThatThrownBy(() -> session.createConsumer(session.createQueue(Queues.SEND)).receive(2000))
                    .as("consume " + Queues.SEND + " over OpenWire").isInstanceOf(javax.jms.JMSSecurityException.class);
        }
        assertThat(FIXTURE.meta().sends()).isEmpty();
    }
}
