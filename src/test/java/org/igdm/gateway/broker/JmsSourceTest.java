package org.igdm.gateway.broker;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.igdm.gateway.support.GraphStub.error;
import static org.igdm.gateway.support.GraphStub.form;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import jakarta.jms.Queue;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.igdm.gateway.Json;
import org.igdm.gateway.account.Accounts;
import org.igdm.gateway.support.GatewayFixture;
import org.igdm.gateway.support.GraphStub;
import org.igdm.gateway.support.LegacyJmsClient;
import org.igdm.gateway.support.RunningGateway;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.jms.listener.DefaultMessageListenerContainer;

/** The JMS door, against the real embedded broker over TCP, the way a legacy application connects. */
class JmsSourceTest {

    @RegisterExtension
    final GatewayFixture app = GatewayFixture.withDefaults();
    GraphStub meta;
    RunningGateway gateway;
    LegacyJmsClient legacy;

    @BeforeEach
    void connect() throws Exception {
        meta = app.meta();
        gateway = app.gateway();
        legacy = new LegacyJmsClient(port());
    }

    @AfterEach
    void disconnect() throws Exception {
        legacy.close();
    }

    private int port() {
        return app.jmsPort();
    }

    @Test
    void aQueuedMessageIsSentAndTheOutcomeIsTheReply() throws Exception {
        Queue replies = legacy.session().createTemporaryQueue();
        legacy.send(Queues.SEND, "{\"recipient_id\":\"555\",\"message\":\"from the mainframe\"}", Map.of(), replies);

        String reply = legacy.receiveText(replies, 20_000);
        assertThat(reply).isNotNull();
        JsonNode record = Json.MAPPER.readTree(reply);
        assertThat(record.path("status").asText()).isEqualTo("sent");
        assertThat(record.path("source").asText()).isEqualTo("jms");
        assertThat(record.path("idempotency_key").asText()).startsWith("jms:ID:");

        assertThat(meta.sends()).hasSize(1);
        assertThat(form(meta.sends().get(0))).containsEntry("message", "{\"text\":\"from the mainframe\"}");
        gateway.awaitOutcomes(1);
        assertThat(gateway.sent()).singleElement().satisfies(sent -> assertThat(sent).isEqualTo(record));
        assertThat(legacy.depth(Queues.SEND)).isZero();
    }

    @Test
    void messagePropertiesNeverBecomeGraphApiHeaders() throws Exception {
        legacy.send(Queues.SEND, "{\"recipient_id\":\"555\",\"message\":\"hi\"}",
                Map.of("Authorization", "Bearer stolen", "XLegacyTrace", "abc", "IgSource", "file:orders.csv#7"), null);

        gateway.awaitOutcomes(1);
        var call = meta.sends().get(0);
        assertThat(call.getHeaders().keys()).noneMatch(h -> h.equalsIgnoreCase("Authorization")
                || h.equalsIgnoreCase("XLegacyTrace") || h.equalsIgnoreCase("IgSource") || h.startsWith("JMS"));
        // a client cannot forge where a request came from: IgSource is the gateway's own mark
        assertThat(gateway.sent().get(0).path("source").asText()).isEqualTo("jms");
    }

    @Test
    void theSourceRouteCanBeStoppedAndStartedAgain() throws Exception {
        gateway.stopDeliveryConsumers();
        legacy.send(Queues.SEND, "{\"recipient_id\":\"556\",\"message\":\"queued while stopped\"}");
        Thread.sleep(500);
        assertThat(meta.sends()).isEmpty();

        gateway.startDeliveryConsumers();
        gateway.awaitOutcomes(1);
        assertThat(gateway.sent()).singleElement().satisfies(r -> assertThat(r.path("recipient_id").asText()).isEqualTo("556"));
    }

    @Test
    void theIntakeQueuesOnTheAccountsOwnQueueAndWhatAnEarlierVersionQueuedOnIgDeliverIsStillSent() throws Exception {
        gateway.stopDeliveryConsumers();
        legacy.send(Queues.SEND, "{\"recipient_id\":\"557\",\"message\":\"through the intake\"}");
        legacy.send(Queues.DELIVER, "{\"recipient_id\":\"558\",\"message\":\"queued before the upgrade\"}");
        await().atMost(Duration.ofSeconds(10)).until(() -> legacy.depth(Queues.deliveryQueue(Accounts.DEFAULT)) == 1);
        assertThat(legacy.depth(Queues.DELIVER)).isEqualTo(1);

        gateway.startDeliveryConsumers();
        gateway.awaitOutcomes(2);
        assertThat(gateway.sent()).extracting(r -> r.path("recipient_id").asText()).containsExactlyInAnyOrder("557", "558");
        assertThat(meta.sends()).hasSize(2);
        await().atMost(Duration.ofSeconds(10)).until(() -> legacy.depth(Queues.deliveryQueue(Accounts.DEFAULT)) == 0
                && legacy.depth(Queues.DELIVER) == 0);
    }

    @Test
    void invalidMessagesAreRecordedOnceAndLeaveTheQueue() throws Exception {
        legacy.send(Queues.SEND, "{\"recipient_id\":\"1\",\"message\":");
        legacy.send(Queues.SEND, "{\"recipient_id\":\"1\"}");
        legacy.send(Queues.SEND, "{\"recipient_id\":\"1\",\"message\":\"" + "x".repeat(2000) + "\"}");

        gateway.awaitOutcomes(3);
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5)).until(() -> gateway.failed().size() == 3);
        assertThat(gateway.failed()).extracting(r -> r.path("error").path("message").asText())
                .anySatisfy(m -> assertThat(m).contains("not valid JSON"))
                .anySatisfy(m -> assertThat(m).contains("message is required"))
                .anySatisfy(m -> assertThat(m).contains("message is 2000 bytes in UTF-8; the limit is 1000"));
        assertThat(gateway.failed()).allSatisfy(r -> {
            assertThat(r.path("error").path("category").asText()).isEqualTo("invalid");
            assertThat(r.path("source").asText()).isEqualTo("jms");
        });
        assertThat(meta.sends()).isEmpty();
        assertThat(legacy.depth(Queues.SEND)).isZero();
        assertThat(legacy.depth(Queues.DEAD_LETTERS)).isZero();
    }

    @Test
    void whileMetaAnswers500TheMessageIsRetriedThenDeliveredOnce() throws Exception {
        meta.server().stubFor(post(urlPathEqualTo(GraphStub.PATH)).inScenario("outage").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(error(500, 2, null, "Service temporarily unavailable")).willSetStateTo("still down"));
        meta.server().stubFor(post(urlPathEqualTo(GraphStub.PATH)).inScenario("outage").whenScenarioStateIs("still down")
                .willReturn(aResponse().withStatus(502)).willSetStateTo("up"));
        meta.server().stubFor(post(urlPathEqualTo(GraphStub.PATH)).inScenario("outage").whenScenarioStateIs("up")
                .willReturn(GraphStub.success()));

        legacy.send(Queues.SEND, "{\"recipient_id\":\"777\",\"message\":\"persist\",\"idempotency_key\":\"order-1\"}");

        gateway.awaitOutcomes(1);
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(5)).until(() -> gateway.sent().size() == 1);
        assertThat(meta.sends()).hasSize(3);
        assertThat(gateway.sent().get(0).path("attempts").asInt()).isEqualTo(3);
        assertThat(gateway.failed()).isEmpty();
        assertThat(legacy.depth(Queues.SEND)).isZero();
    }

    @Test
    void aKeyThatWasSentIsNotSentAgain() throws Exception {
        legacy.send(Queues.SEND, "{\"recipient_id\":\"777\",\"message\":\"once\",\"idempotency_key\":\"order-9\"}");
        gateway.awaitOutcomes(1);
        Queue replies = legacy.session().createTemporaryQueue();
        legacy.send(Queues.SEND, "{\"recipient_id\":\"777\",\"message\":\"once\",\"idempotency_key\":\"order-9\"}", Map.of(), replies);

        JsonNode reply = Json.MAPPER.readTree(legacy.receiveText(replies, 20_000));
        assertThat(reply).isEqualTo(RunningGateway.repeatAnswer(gateway.sent().get(0)));
        assertThat(meta.sends()).hasSize(1);
        JsonNode duplicate = gateway.failed().get(0);
        assertThat(duplicate.path("error").path("category").asText()).isEqualTo("duplicate");
        assertThat(duplicate.path("idempotency_key").asText()).isEqualTo("order-9");
        assertThat(duplicate.path("error").path("message").asText()).contains(reply.path("message_id").asText());
    }

    @Test
    void messagesToOneRecipientArriveInQueueOrderAcrossConsumers() throws Exception {
        // uneven answer times: without the group, the four consumers would overtake each other
        meta.server().stubFor(post(urlPathEqualTo(GraphStub.PATH)).willReturn(GraphStub.success().withUniformRandomDelay(0, 20)));
        for (int i = 0; i < 50; i++) {
            legacy.send(Queues.SEND, "{\"recipient_id\":\"999\",\"message\":\"" + i + "\"}", Map.of("JMSXGroupID", "999"), null);
        }

        gateway.awaitOutcomes(50);
        List<String> texts = meta.sends().stream()
                .map(call -> form(call).get("message"))
                .toList();
        List<String> expected = new java.util.ArrayList<>();
        for (int i = 0; i < 50; i++) {
            expected.add("{\"text\":\"" + i + "\"}");
        }
        assertThat(texts).containsExactlyElementsOf(expected);
    }

    @Test
    void stoppedMidRunAndStartedAgainEveryMessageEndsWithExactlyOneRecord() throws Exception {
        // a slow Meta: the stop comes while most are still queued, whatever the consumer count (each call takes 1 s)
        meta.server().stubFor(post(urlPathEqualTo(GraphStub.PATH)).willReturn(GraphStub.success().withFixedDelay(1000)));
        int count = 200;
        for (int i = 0; i < count; i++) {
            legacy.send(Queues.SEND, "{\"recipient_id\":\"" + (1000 + i) + "\",\"message\":\"m" + i + "\"}");
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> gateway.sent().size() >= 10);
        legacy.close();
        gateway.close();
        int beforeRestart = gateway.sent().size();
        assertThat(beforeRestart).isLessThan(count);

        gateway = app.startAgain();
        legacy = new LegacyJmsClient(port());
        gateway.awaitOutcomes(count);
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(5)).until(() -> gateway.sent().size() == count);

        List<String> recipients = gateway.sent().stream().map(r -> r.path("recipient_id").asText()).toList();
        assertThat(recipients).hasSize(count).doesNotHaveDuplicates();
        assertThat(gateway.failed()).isEmpty();
        assertThat(meta.sends()).hasSize(count);
        assertThat(legacy.depth(Queues.SEND)).isZero();
    }

    @Test
    void consumersGrowWithTheQueueUpToTheDerivedCountAndOnlySixteenWaitWhileItIsEmpty() throws Exception {
        // CPUs with room: the trim leaves the account its whole share (it would hold them back on a saturated machine)
        gateway.consumerTrimByHand().resize(0.5);
        DefaultMessageListenerContainer consumers = gateway.listenerContainer(Accounts.DEFAULT);
        // one account at the default 100 sends/s: up to 50 consumers, 16 of them while ig.deliver is empty
        await().atMost(Duration.ofSeconds(30)).until(() -> consumers.getScheduledConsumerCount() == 16);
        assertThat(consumers.getMaxConcurrentConsumers()).isEqualTo(50);

        // a slow Meta: each consumer holds its message for a second, and another starts while none is idle
        meta.server().stubFor(post(urlPathEqualTo(GraphStub.PATH)).willReturn(GraphStub.success().withFixedDelay(1000)));
        int count = 100;
        for (int i = 0; i < count; i++) {
            legacy.send(Queues.SEND, "{\"recipient_id\":\"" + (2000 + i) + "\",\"message\":\"m" + i + "\"}");
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> consumers.getScheduledConsumerCount() > 16);
        gateway.awaitOutcomes(count);
        assertThat(gateway.sent()).hasSize(count);
        assertThat(consumers.getScheduledConsumerCount()).isLessThanOrEqualTo(50);

        // the surplus ones stop after ten empty receives of a second each
        await().atMost(Duration.ofSeconds(40)).until(() -> consumers.getScheduledConsumerCount() == 16);
    }

    @Test
    void anAccountsBacklogSpreadsOverTheConsumersAddedForIt() throws Exception {
        // CPUs with room: the trim leaves the account its whole share, 50 consumers
        gateway.consumerTrimByHand().resize(0.5);
        // a backlog waiting for the consumers, and a slow Meta
        gateway.stopDeliveryConsumers();
        int count = 400;
        for (int i = 0; i < count; i++) {
            legacy.send(Queues.SEND, "{\"recipient_id\":\"" + (4000 + i) + "\",\"message\":\"m" + i + "\"}");
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> legacy.depth(Queues.deliveryQueue(Accounts.DEFAULT)) == count);
        meta.server().stubFor(post(urlPathEqualTo(GraphStub.PATH)).willReturn(GraphStub.success().withFixedDelay(1000)));

        // 16 consumers start, and more as they find work: were the first 16 to take the whole backlog ahead of their
        // work (Artemis's default prefetch, 1 MiB each), those added would find the queue empty, 16 calls at a time
        gateway.startDeliveryConsumers();
        await().atMost(Duration.ofSeconds(90)).until(() -> gateway.sent().size() >= count);

        // each call took a second: those Meta received within 0.9 s of one another were in flight together
        List<Long> received = meta.sends().stream().map(call -> call.getLoggedDate().getTime()).sorted().toList();
        int most = 0;
        for (int first = 0, last = 0; last < received.size(); last++) {
            while (received.get(last) - received.get(first) >= 900) {
                first++;
            }
            most = Math.max(most, last - first + 1);
        }
        assertThat(most).as("calls in flight at once").isGreaterThan(24);
        assertThat(gateway.failed()).isEmpty();
    }

    @Test
    void onSaturatedCpusAnAccountKeepsTwiceItsCallsInFlightAndGetsItsShareBackOnceTheyHaveRoom() throws Exception {
        ConsumerTrim trim = gateway.consumerTrimByHand();
        DefaultMessageListenerContainer consumers = gateway.listenerContainer(Accounts.DEFAULT);
        await().atMost(Duration.ofSeconds(30)).until(() -> consumers.getScheduledConsumerCount() == 16);
        // nothing in flight: the fewest, the 16 kept while idle (its pace needs 10 when Meta answers in 100 ms)
        trim.resize(1.0);
        assertThat(consumers.getMaxConcurrentConsumers()).isEqualTo(16);

        // a slow Meta: without the trim, the container would add consumers as each one holds its message a second
        meta.server().stubFor(post(urlPathEqualTo(GraphStub.PATH)).willReturn(GraphStub.success().withFixedDelay(1000)));
        int count = 160;
        for (int i = 0; i < count; i++) {
            legacy.send(Queues.SEND, "{\"recipient_id\":\"" + (3000 + i) + "\",\"message\":\"m" + i + "\"}");
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> meta.sends().size() >= 16);
        int most = 0;
        for (long end = System.nanoTime() + Duration.ofSeconds(2).toNanos(); System.nanoTime() < end; Thread.sleep(20)) {
            most = Math.max(most, consumers.getScheduledConsumerCount());
        }
        assertThat(most).as("consumers while trimmed").isEqualTo(16);

        // a period in which all 16 were in calls to Meta: about twice as many may run, and they do
        trim.resize(1.0);
        Thread.sleep(1500);
        trim.resize(1.0);
        assertThat(consumers.getMaxConcurrentConsumers()).isBetween(25, 50);
        await().atMost(Duration.ofSeconds(10)).until(() -> consumers.getScheduledConsumerCount() > 16);

        // the CPUs have room again: the whole share
        trim.resize(0.5);
        assertThat(consumers.getMaxConcurrentConsumers()).isEqualTo(50);
        gateway.awaitOutcomes(count);
        assertThat(gateway.sent()).hasSize(count);
        assertThat(gateway.failed()).isEmpty();
    }
}
