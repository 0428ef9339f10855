package org.igdm.gateway.jms;

import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.igdm.gateway.support.GraphStub.form;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.igdm.gateway.Json;
import org.igdm.gateway.account.Accounts;
import org.igdm.gateway.broker.Queues;
import org.igdm.gateway.support.GatewayFixture;
import org.igdm.gateway.support.GraphStub;
import org.igdm.gateway.support.LegacyClient;
import org.igdm.gateway.support.LegacyClient.Protocol;
import org.igdm.gateway.support.LegacyJmsClient;
import org.igdm.gateway.support.RunningGateway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The JMS door as legacy systems use it: each protocol's own client, over TCP to the embedded broker's one port,
 * with no gateway-specific property on any message.
 */
class LegacyProtocolsTest {

    @RegisterExtension
    static final GatewayFixture FIXTURE = GatewayFixture.withDefaults();

    private static int port() {
        return Integer.parseInt(FIXTURE.gateway().context().getPropertiesComponent().resolveProperty("gateway.jms.port").orElseThrow());
    }

    private static RunningGateway gateway() {
        return FIXTURE.gateway();
    }

    @ParameterizedTest
    @EnumSource(Protocol.class)
    void aRequestWithAReplyQueueGetsItsSentRecordBackCorrelated(Protocol protocol) throws Exception {
        try (LegacyClient client = protocol.connect(port())) {
            client.sendForReply("{\"recipient_id\":\"501\",\"message\":\"over " + protocol + "\"}", "order-" + protocol);

            LegacyClient.Reply reply = client.receiveReply(Duration.ofSeconds(20));
            assertThat(reply).as("the reply").isNotNull();
            assertThat(reply.correlationId()).isEqualTo("order-" + protocol);
            JsonNode record = Json.MAPPER.readTree(reply.text());
            assertThat(record.path("status").asText()).isEqualTo("sent");
            assertThat(record.path("source").asText()).isEqualTo("jms");
            assertThat(record.path("recipient_id").asText()).isEqualTo("501");
            gateway().awaitOutcomes(1);
            assertThat(gateway().sent()).singleElement().isEqualTo(record);
            assertThat(FIXTURE.meta().sends()).singleElement()
                    .satisfies(call -> assertThat(form(call)).containsEntry("message", "{\"text\":\"over " + protocol + "\"}"));
        }
    }

    /** JMS request-reply: without a correlation id of its own, the reply is correlated by the request's message id. */
    @ParameterizedTest
    @EnumSource(value = Protocol.class, names = {"CORE", "OPENWIRE", "AMQP"})
    void withoutACorrelationIdTheReplyCarriesTheRequestsMessageId(Protocol protocol) throws Exception {
        try (LegacyClient client = protocol.connect(port())) {
            String messageId = client.sendForReply("{\"recipient_id\":\"502\",\"message\":\"no correlation id\"}", null);

            LegacyClient.Reply reply = client.receiveReply(Duration.ofSeconds(20));
            assertThat(reply).as("the reply").isNotNull();
            assertThat(messageId).isNotBlank();
            assertThat(reply.correlationId()).isEqualTo(messageId);
        }
    }

    /**
     * An empty correlation id is none: the reply, to a valid request and to an invalid one alike, carries the
     * request's message id, not the id of the gateway's internal message that the client never saw.
     */
    @ParameterizedTest
    @EnumSource(value = Protocol.class, names = {"CORE", "OPENWIRE", "AMQP"})
    void withAnEmptyCorrelationIdTheReplyCarriesTheRequestsMessageId(Protocol protocol) throws Exception {
        try (LegacyClient client = protocol.connect(port())) {
            for (String request : List.of("{\"recipient_id\":\"505\",\"message\":\"empty correlation id\"}", "{\"recipient_id\":\"505\"}")) {
                String messageId = client.sendForReply(request, "");

                LegacyClient.Reply reply = client.receiveReply(Duration.ofSeconds(20));
                assertThat(reply).as("the reply to %s", request).isNotNull();
                assertThat(messageId).isNotBlank();
                assertThat(reply.correlationId()).as("the reply to %s", request).isEqualTo(messageId);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Protocol.class)
    void anInvalidRequestGetsOneInvalidRecordAndIsNotRedelivered(Protocol protocol) throws Exception {
        try (LegacyClient client = protocol.connect(port())) {
            client.sendForReply("{\"recipient_id\":\"503\"}", "bad-" + protocol);

            LegacyClient.Reply reply = client.receiveReply(Duration.ofSeconds(20));
            assertThat(reply).as("the reply").isNotNull();
            assertThat(reply.correlationId()).isEqualTo("bad-" + protocol);
            assertThat(Json.MAPPER.readTree(reply.text()).path("error").path("category").asText()).isEqualTo("invalid");
        }
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(10)).until(() -> gateway().failed().size() == 1);
        JsonNode record = gateway().failed().get(0);
        assertThat(record.path("error").path("category").asText()).isEqualTo("invalid");
        assertThat(record.path("error").path("message").asText()).contains("message is required");
        assertThat(record.path("source").asText()).isEqualTo("jms");
        assertThat(FIXTURE.meta().sends()).isEmpty();
        assertQueuesDrained();
    }

    @ParameterizedTest
    @EnumSource(Protocol.class)
    void fortyMessagesToOneRecipientWithNoPropertiesArriveInOrder(Protocol protocol) throws Exception {
        // uneven answer times: were the messages not kept in order, the delivery consumers would overtake each other
        FIXTURE.meta().server().stubFor(post(urlPathEqualTo(GraphStub.PATH)).willReturn(GraphStub.success().withUniformRandomDelay(0, 25)));
        List<String> expected = new ArrayList<>();
        try (LegacyClient client = protocol.connect(port())) {
            for (int i = 0; i < 40; i++) {
                client.send("{\"recipient_id\":\"504\",\"message\":\"" + protocol + " " + i + "\"}");
                expected.add("{\"text\":\"" + protocol + " " + i + "\"}");
            }
        }
        gateway().awaitOutcomes(40);
        assertThat(FIXTURE.meta().sends()).extracting(call -> form(call).get("message")).containsExactlyElementsOf(expected);
    }

    @ParameterizedTest
    @EnumSource(Protocol.class)
    void bytesInUtf8AreReadLikeTextAndOtherBytesAreInvalid(Protocol protocol) throws Exception {
        try (LegacyClient client = protocol.connect(port())) {
            client.sendBytes("{\"recipient_id\":\"505\",\"message\":\"grüße als Bytes\"}".getBytes(StandardCharsets.UTF_8));
            client.sendBytes("{\"recipient_id\":\"505\",\"message\":\"gr\u00fc\u00dfe\"}".getBytes(StandardCharsets.ISO_8859_1));
        }
        gateway().awaitOutcomes(2);
        assertThat(gateway().sent()).singleElement().satisfies(r -> assertThat(r.path("recipient_id").asText()).isEqualTo("505"));
        assertThat(FIXTURE.meta().sends()).singleElement()
                .satisfies(call -> assertThat(form(call)).containsEntry("message", "{\"text\":\"grüße als Bytes\"}"));
        assertThat(gateway().failed()).singleElement().satisfies(r -> {
            assertThat(r.path("error").path("category").asText()).isEqualTo("invalid");
            assertThat(r.path("error").path("message").asText()).contains("not UTF-8");
        });
    }

    @Test
    void theStartupLogWarnsThatTheBrokerAsksForNoCredentials() {
        assertThat(FIXTURE.log()).contains("The embedded JMS broker asks for no credentials: any local process can put requests on ig.send");
    }

    private static void assertQueuesDrained() throws Exception {
        try (LegacyJmsClient browser = new LegacyJmsClient(port())) {
            await().atMost(Duration.ofSeconds(5)).until(() -> browser.depth(Queues.SEND) == 0 && browser.depth(Queues.deliveryQueue(Accounts.DEFAULT)) == 0);
            assertThat(browser.depth(Queues.DEAD_LETTERS)).isZero();
        }
    }
}
