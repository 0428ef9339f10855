package org.igdm.gateway.jms;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import jakarta.jms.MapMessage;
import jakarta.jms.Message;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import jakarta.jms.StreamMessage;
import java.io.ObjectInputStream;
import java.io.Serial;
import java.io.Serializable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.igdm.gateway.account.Accounts;
import org.igdm.gateway.broker.Queues;
import org.igdm.gateway.support.GatewayFixture;
import org.igdm.gateway.support.LegacyClient;
import org.igdm.gateway.support.LegacyClient.Protocol;
import org.igdm.gateway.support.LegacyJmsClient;
import org.igdm.gateway.support.RunningGateway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** What the intake refuses or ignores: message types that cannot hold JSON, Java objects, a client's marks. */
class JmsIntakeTest {

    @RegisterExtension
    static final GatewayFixture FIXTURE = GatewayFixture.withDefaults();

    /** Set if anything in this JVM (the gateway runs here) deserializes a {@link Tripwire}. */
    static final AtomicBoolean DESERIALIZED = new AtomicBoolean();

    private static int port() {
        return Integer.parseInt(FIXTURE.gateway().context().getPropertiesComponent().resolveProperty("gateway.jms.port").orElseThrow());
    }

    private static RunningGateway gateway() {
        return FIXTURE.gateway();
    }

    @ParameterizedTest
    @EnumSource(value = Protocol.class, names = {"CORE", "AMQP"})
    void everyMessageTypeThatCannotHoldJsonGetsOneInvalidRecordNamingIt(Protocol protocol) throws Exception {
        try (LegacyClient client = protocol.connect(port())) {
            Session session = ((LegacyClient.JakartaJmsClient) client).session();
            MessageProducer producer = session.createProducer(session.createQueue(Queues.SEND));
            MapMessage map = session.createMapMessage();
            map.setString("recipient_id", "601");
            map.setString("message", "as a map");
            producer.send(map);
            StreamMessage stream = session.createStreamMessage();
            stream.writeString("{\"recipient_id\":\"601\",\"message\":\"as a stream\"}");
            producer.send(stream);
            producer.send(session.createObjectMessage("{\"recipient_id\":\"601\",\"message\":\"as an object\"}"));
            producer.send(session.createMessage());
        }
        gateway().awaitOutcomes(4);
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(10)).until(() -> gateway().failed().size() == 4);
        assertThat(gateway().failed()).allSatisfy(record -> {
            assertThat(record.path("error").path("category").asText()).isEqualTo("invalid");
            assertThat(record.path("source").asText()).isEqualTo("jms");
        }).extracting(record -> record.path("error").path("message").asText())
                .anySatisfy(m -> assertThat(m).startsWith("a JMS MapMessage cannot hold a request"))
                .anySatisfy(m -> assertThat(m).startsWith("a JMS StreamMessage cannot hold a request"))
                .anySatisfy(m -> assertThat(m).startsWith("a JMS ObjectMessage cannot hold a request"))
                // Qpid JMS sends a body-less message as an empty text
                .anySatisfy(m -> assertThat(m).containsAnyOf("a JMS Message without a body cannot hold a request", "the request is empty"));
        assertThat(gateway().sent()).isEmpty();
        assertThat(FIXTURE.meta().sends()).isEmpty();
        assertQueuesDrained();
    }

    /** A "HashSet bomb" would pin the consumer that deserializes it for ever; the tripwire inside says if one did. */
    @Test
    void anObjectMessageIsNeverDeserialized() throws Exception {
        ArrayList<Object> payload = new ArrayList<>();
        payload.add(new Tripwire());
        payload.add(hashSetBomb());
        try (LegacyJmsClient client = new LegacyJmsClient(port())) {
            Session session = client.session();
            session.createProducer(session.createQueue(Queues.SEND)).send(session.createObjectMessage(payload));
            client.send(Queues.SEND, "{\"recipient_id\":\"602\",\"message\":\"after the bomb\"}");
        }
        gateway().awaitOutcomes(2);
        assertThat(gateway().failed()).singleElement()
                .satisfies(r -> assertThat(r.path("error").path("message").asText()).startsWith("a JMS ObjectMessage cannot hold a request"));
        assertThat(gateway().sent()).singleElement().satisfies(r -> assertThat(r.path("recipient_id").asText()).isEqualTo("602"));
        assertThat(DESERIALIZED).isFalse();
        assertQueuesDrained();
    }

    @Test
    void marksSetByAClientDoNotSteerDelivery() throws Exception {
        String request = "{\"recipient_id\":\"603\",\"message\":\"once\",\"idempotency_key\":\"k-603\"}";
        try (LegacyJmsClient client = new LegacyJmsClient(port())) {
            client.send(Queues.SEND, request);
            gateway().awaitOutcomes(1);
            // a replay mark would turn the second request's duplicate record into a silent success
            client.send(Queues.SEND, request, Map.of(Queues.REPLAY_PROPERTY, "true"), null);
            // a mark that is not a boolean at all once threw inside delivery and looped the message to the DLQ
            client.send(Queues.SEND, "{\"recipient_id\":\"604\",\"message\":\"yes\"}", Map.of(Queues.REPLAY_PROPERTY, "yes"), null);
            client.send(Queues.SEND, "{\"recipient_id\":\"605\",\"message\":\"forged\"}",
                    Map.of(Queues.SOURCE_PROPERTY, "file:payroll.csv#1\nFAKE LOG LINE"), null);
        }
        gateway().awaitOutcomes(4);
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(10)).until(() -> gateway().sent().size() == 3);
        assertThat(gateway().failed()).singleElement().satisfies(r -> {
            assertThat(r.path("error").path("category").asText()).isEqualTo("duplicate");
            assertThat(r.path("idempotency_key").asText()).isEqualTo("k-603");
        });
        assertThat(gateway().sent()).extracting(r -> r.path("recipient_id").asText()).containsExactlyInAnyOrder("603", "604", "605");
        assertThat(gateway().sent()).allSatisfy(r -> assertThat(r.path("source").asText()).isEqualTo("jms"));
        assertThat(FIXTURE.meta().sends()).hasSize(3);
        assertQueuesDrained();
    }

    @Test
    void aKeyReusedForAnotherRequestEndsAsOneInvalidRecordWhileTheSameRequestIsStillTheDuplicate() throws Exception {
        try (LegacyJmsClient client = new LegacyJmsClient(port())) {
            client.send(Queues.SEND, "{\"recipient_id\":\"606\",\"message\":\"first\",\"idempotency_key\":\"k-606\"}");
            gateway().awaitOutcomes(1);
            client.send(Queues.SEND, "{\"recipient_id\":\"607\",\"message\":\"first\",\"idempotency_key\":\"k-606\"}");
            // the same request with its fields in another order and spaced out
            client.send(Queues.SEND, "{ \"idempotency_key\" : \"k-606\", \"message\" : \"first\", \"recipient_id\" : \"606\" }");
        }
        gateway().awaitOutcomes(3);
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(10)).until(() -> gateway().failed().size() == 2);
        assertThat(gateway().failed()).filteredOn(r -> r.path("recipient_id").asText().equals("607")).singleElement().satisfies(r -> {
            assertThat(r.path("error").path("category").asText()).isEqualTo("invalid");
            assertThat(r.path("error").path("message").asText()).contains("idempotency_key was used before for a different request");
            assertThat(r.path("error").path("violations").get(0).path("field").asText()).isEqualTo("idempotency_key");
        });
        assertThat(gateway().failed()).filteredOn(r -> r.path("recipient_id").asText().equals("606")).singleElement()
                .satisfies(r -> assertThat(r.path("error").path("category").asText()).isEqualTo("duplicate"));
        assertThat(gateway().sent()).singleElement().satisfies(r -> assertThat(r.path("recipient_id").asText()).isEqualTo("606"));
        assertThat(FIXTURE.meta().sends()).hasSize(1);
        assertQueuesDrained();
    }

    private static Set<Object> hashSetBomb() {
        Set<Object> root = new HashSet<>();
        Set<Object> left = root;
        Set<Object> right = new HashSet<>();
        for (int i = 0; i < 100; i++) {
            Set<Object> nextLeft = new HashSet<>();
            Set<Object> nextRight = new HashSet<>();
            nextLeft.add("x");
            left.add(nextLeft);
            left.add(nextRight);
            right.add(nextLeft);
            right.add(nextRight);
            left = nextLeft;
            right = nextRight;
        }
        return root;
    }

    static final class Tripwire implements Serializable {
        @Serial
        private static final long serialVersionUID = 1L;

        @Serial
        private void readObject(ObjectInputStream in) throws Exception {
            in.defaultReadObject();
            DESERIALIZED.set(true);
        }
    }

    private static void assertQueuesDrained() throws Exception {
        try (LegacyJmsClient browser = new LegacyJmsClient(port())) {
            await().atMost(Duration.ofSeconds(5)).until(() -> browser.depth(Queues.SEND) == 0 && browser.depth(Queues.deliveryQueue(Accounts.DEFAULT)) == 0);
            assertThat(browser.depth(Queues.DEAD_LETTERS)).isZero();
        }
    }
}
