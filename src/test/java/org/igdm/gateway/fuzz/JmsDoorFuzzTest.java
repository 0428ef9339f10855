package org.igdm.gateway.fuzz;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import jakarta.jms.BytesMessage;
import jakarta.jms.JMSException;
import jakarta.jms.MapMessage;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Queue;
import jakarta.jms.Session;
import jakarta.jms.StreamMessage;
import jakarta.jms.TextMessage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import org.igdm.gateway.Json;
import org.igdm.gateway.account.Accounts;
import org.igdm.gateway.broker.Queues;
import org.igdm.gateway.delivery.DeliveryKeys;
import org.igdm.gateway.support.GraphStub;
import org.igdm.gateway.support.LegacyJmsClient;
import org.igdm.gateway.support.RunningGateway;

/**
 * Generated messages on the public queue {@code ig.send}: any JMS message type, any text, any client properties
 * (the gateway's own marks among them, with junk values), with a reply queue or without. Each message ends as
 * exactly one record, its reply if it asked for one, and at most one call to Meta (none for an invalid request);
 * nothing reaches the dead-letter queue or comes round again, and a good message right after it is still sent.
 * A fixed seed and a bounded count keep it reproducible and within the suite's time.
 */
class JmsDoorFuzzTest {

    /** Long enough for a message and its follower on a busy machine; a looping message is back only after 1 s. */
    private static final Duration OUTCOME_WAIT = Duration.ofSeconds(20);
    private static final String REPLIES = "fuzz.replies";
    /** The marks the gateway puts on its own messages, and the ids a client library keeps in properties. */
    private static final String[] PROPERTY_NAMES = {Queues.REPLAY_PROPERTY, Queues.SOURCE_PROPERTY, Queues.BATCH_PROPERTY,
            Queues.BATCH_ROW_PROPERTY, Queues.GROUP_PROPERTY, DeliveryKeys.OUTCOME, DeliveryKeys.FAILURE_CATEGORY,
            "NATIVE_MESSAGE_ID", "__HDR_MESSAGE_ID", "idempotency_key", "recipient_id", "JMSXUserID"};
    private static final AtomicLong FOLLOWERS = new AtomicLong();

    private static Path home;
    private static GraphStub meta;
    private static RunningGateway gateway;
    private static LegacyJmsClient client;
    private static MessageProducer producer;
    private static Queue replies;
    private static MessageConsumer replyConsumer;

    /** How the generated message is built: its type, what it holds, its properties, where its reply goes. */
    enum Kind { TEXT, BYTES, MAP, STREAM, OBJECT, EMPTY }

    record Posted(Kind kind, String text, byte[] bytes, Map<String, Object> properties, boolean withReplyTo,
            String correlationId, boolean surelyValid) {

        @Override
        public String toString() {
            String shown = text == null ? "null" : text.length() > 300 ? text.substring(0, 300) + "…(" + text.length() + ")" : text;
            return kind + " " + shown + (kind == Kind.BYTES ? " bytes=" + bytes.length : "") + " properties=" + properties
                    + " replyTo=" + withReplyTo + " correlationId=" + correlationId;
        }
    }

    @BeforeContainer
    static void start() throws Exception {
        home = Files.createTempDirectory("ig-dm-gateway-fuzz-jms");
        meta = new GraphStub();
        gateway = RunningGateway.start(home, RunningGateway.defaults(home, meta.url()));
        client = new LegacyJmsClient(Integer.parseInt(gateway.context().getPropertiesComponent()
                .resolveProperty("gateway.jms.port").orElseThrow()));
        Session session = client.session();
        producer = session.createProducer(session.createQueue(Queues.SEND));
        replies = session.createQueue(REPLIES);
        replyConsumer = session.createConsumer(replies);
    }

    @AfterContainer
    static void stop() throws Exception {
        client.close();
        gateway.close();
        meta.close();
        RunningGateway.deleteRecursively(home);
    }

    @Property(tries = 160, seed = "20261129")
    void anyMessageOnIgSendEndsAsOneRecordAndTheNextGoodMessageIsStillSent(@ForAll("messages") Posted posted) throws Exception {
        SinceTry since = SinceTry.begin(home, meta);
        String follower = "424242424242" + FOLLOWERS.incrementAndGet();

        Message message = build(posted);
        producer.send(message);
        producer.send(client.session().createTextMessage(
                "{\"recipient_id\":\"" + follower + "\",\"message\":\"after a generated message\"}"));

        await().atMost(OUTCOME_WAIT).pollInterval(Duration.ofMillis(10)).until(() -> since.recorded(2));
        List<JsonNode> newSent = since.sentRecords();
        List<JsonNode> newFailed = since.failedRecords();
        assertThat(newSent.size() + newFailed.size()).as("records for the message and its follower: %s %s", newSent, newFailed)
                .isEqualTo(2);
        assertThat(newSent).as("the follower's record").filteredOn(r -> r.path("recipient_id").asText().equals(follower)).hasSize(1);
        JsonNode record = newSent.stream().filter(r -> !r.path("recipient_id").asText().equals(follower)).findFirst()
                .orElseGet(() -> newFailed.getFirst());

        assertThat(record.path("source").asText()).as("the source of %s", record).isEqualTo("jms");
        if (record.path("status").asText().equals("failed")) {
            assertThat(record.path("error").path("category").asText()).as("category of %s", record).isIn("invalid", "duplicate", "rejected");
        }
        if (posted.surelyValid()) {
            assertThat(record.path("status").asText()).as("a valid request, whatever its properties: %s", record).isEqualTo("sent");
        }
        if (posted.kind() != Kind.TEXT && posted.kind() != Kind.BYTES) {
            assertThat(record.path("error").path("message").asText()).as("%s", record).contains("cannot hold a request");
        }
        // one call per sent record: none for an invalid request, never two for one message
        assertThat(since.callsToMeta()).as("calls to Meta").hasSameSizeAs(newSent);
        assertThat(since.callsToMeta())
                .filteredOn(call -> GraphStub.form(call).get("recipient").equals("{\"id\":\"" + follower + "\"}")).hasSize(1);

        if (posted.withReplyTo()) {
            Message reply = replyConsumer.receive(OUTCOME_WAIT.toMillis());
            assertThat(reply).as("the reply").isNotNull();
            assertThat(Json.MAPPER.readTree(((TextMessage) reply).getText()).path("status").asText()).isEqualTo(record.path("status").asText());
            assertThat(reply.getJMSCorrelationID()).isEqualTo(expectedCorrelationId(message));
        }
        assertThat(replyConsumer.receive(posted.withReplyTo() ? 50 : 1)).as("a second reply").isNull();
        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(10))
                .until(() -> client.depth(Queues.SEND) == 0 && client.depth(Queues.deliveryQueue(Accounts.DEFAULT)) == 0);
        assertThat(client.depth(Queues.DEAD_LETTERS)).as("messages on the dead-letter queue").isZero();
        assertThat(since.log()).as("the log").doesNotContain(" ERROR ").doesNotContain("could not take requests");
    }

    /**
     * The request's correlation id (an empty one is none), else its message id as the client knows it: the broker
     * keeps an AMQP or OpenWire client's own id in a property, and the gateway takes it from there (so a Core client
     * that sets that property names its own reply's correlation id).
     */
    private static String expectedCorrelationId(Message message) throws JMSException {
        if (message.getJMSCorrelationID() != null && !message.getJMSCorrelationID().isEmpty()) {
            return message.getJMSCorrelationID();
        }
        for (String clientId : new String[] {"NATIVE_MESSAGE_ID", "__HDR_MESSAGE_ID"}) {
            String id = message.getStringProperty(clientId);
            if (id != null && !id.isEmpty()) {
                return id;
            }
        }
        return message.getJMSMessageID();
    }

    private static Message build(Posted posted) throws JMSException {
        Session session = client.session();
        Message message = switch (posted.kind()) {
            case TEXT -> session.createTextMessage(posted.text());
            case BYTES -> {
                BytesMessage bytes = session.createBytesMessage();
                bytes.writeBytes(posted.bytes());
                yield bytes;
            }
            case MAP -> {
                MapMessage map = session.createMapMessage();
                map.setString("recipient_id", "1");
                map.setString("message", posted.text());
                yield map;
            }
            case STREAM -> {
                StreamMessage stream = session.createStreamMessage();
                stream.writeString(posted.text());
                yield stream;
            }
            // a harmless Serializable: the gateway must not read it, whatever it is
            case OBJECT -> session.createObjectMessage(posted.text());
            case EMPTY -> session.createMessage();
        };
        for (Map.Entry<String, Object> property : posted.properties().entrySet()) {
            try {
                message.setObjectProperty(property.getKey(), property.getValue());
            } catch (JMSException refusedByTheClientLibrary) {
                // a property the client itself will not send never reaches the gateway: nothing to test
            }
        }
        if (posted.withReplyTo()) {
            message.setJMSReplyTo(replies);
        }
        message.setJMSCorrelationID(posted.correlationId());
        return message;
    }

    @Provide
    Arbitrary<Posted> messages() {
        Arbitrary<Kind> kinds = Arbitraries.frequency(
                Tuple.of(8, Kind.TEXT), Tuple.of(4, Kind.BYTES), Tuple.of(1, Kind.MAP),
                Tuple.of(1, Kind.STREAM), Tuple.of(1, Kind.OBJECT), Tuple.of(1, Kind.EMPTY));
        Arbitrary<Map<String, Object>> properties = Arbitraries.maps(
                Arbitraries.oneOf(Arbitraries.of(PROPERTY_NAMES), Arbitraries.strings().alpha().ofMinLength(1).ofMaxLength(8).map(n -> "x" + n)),
                propertyValues()).ofMaxSize(5);
        Arbitrary<String> correlationIds = Arbitraries.oneOf(Arbitraries.just(null), Arbitraries.strings().ofMaxLength(40));
        Arbitrary<Boolean> valid = Arbitraries.integers().between(0, 3).map(n -> n == 0);
        return Combinators.combine(kinds, valid, Generated.validRequests(), Generated.texts(), bytes(), properties, Arbitraries.of(true, false),
                correlationIds).as((kind, isValid, validText, text, raw, props, withReplyTo, correlationId) -> {
                    boolean takesText = kind == Kind.TEXT || kind == Kind.BYTES;
                    String body = isValid && takesText ? validText : text;
                    byte[] bytes = raw.length > 0 && !(isValid && takesText) ? raw : body.getBytes(StandardCharsets.UTF_8);
                    return new Posted(kind, body, bytes, props, withReplyTo, correlationId, isValid && takesText);
                });
    }

    /** Values of the types a JMS property may have, junk strings with line breaks among them. */
    private static Arbitrary<Object> propertyValues() {
        return Arbitraries.oneOf(
                Arbitraries.of("true", "false", "yes", "", "file:payroll.csv#1\nFAKE LOG LINE", "batch-1", "-1", "1e9"),
                Arbitraries.strings().ofMaxLength(30),
                Arbitraries.of(true, false),
                Arbitraries.longs(),
                Arbitraries.integers(),
                Arbitraries.doubles(),
                Arbitraries.bytes());
    }

    /** A bytes message's body: mostly the text in UTF-8 (empty here), else any bytes, or the text in UTF-16. */
    private static Arbitrary<byte[]> bytes() {
        return Arbitraries.frequencyOf(
                Tuple.of(3, Arbitraries.just(new byte[0])),
                Tuple.of(1, Arbitraries.bytes().array(byte[].class).ofMinSize(1).ofMaxSize(300)),
                Tuple.of(1, Generated.requests().map(text -> text.getBytes(StandardCharsets.UTF_16))));
    }
}
