package org.igdm.gateway.cluster;

import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.igdm.gateway.Json;
import org.igdm.gateway.broker.Queues;
import org.igdm.gateway.support.BrokerProcess;
import org.igdm.gateway.support.GatewayHttp;
import org.igdm.gateway.support.GatewayProcess;
import org.igdm.gateway.support.GraphStub;
import org.igdm.gateway.support.PostgresServer;
import org.igdm.gateway.support.RunningGateway;
import org.igdm.gateway.support.RunsAlone;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two gateways, each in its own process, on one standalone Artemis broker (its own process) and one PostgreSQL
 * store: competing consumers of ig.send that share the sent keys and the account's pace.
 */
@RunsAlone
class ClusterTest {

    private static final int PACE = 250;
    private static final int CONSUMERS = 8;

    static Path root;
    static PostgresServer postgres;
    static BrokerProcess broker;
    static GraphStub meta;
    static String storeUrl;
    static final Map<String, GatewayProcess> gateways = new TreeMap<>();
    static final Map<String, Map<String, String>> settings = new TreeMap<>();

    @BeforeAll
    static void startCluster() throws Exception {
        root = Files.createTempDirectory("ig-dm-gateway-cluster");
        postgres = new PostgresServer();
        storeUrl = postgres.newDatabase();
        Files.createDirectories(root.resolve("broker"));
        broker = BrokerProcess.start(root.resolve("broker").resolve("data"), "broker.log");
        meta = new GraphStub();
        meta.server().stubFor(post(urlPathEqualTo(GraphStub.PATH)).willReturn(GraphStub.success().withFixedDelay(20)));
        for (String instance : List.of("a", "b")) {
            Path home = Files.createDirectories(root.resolve(instance));
            Map<String, String> each = RunningGateway.defaults(home, meta.url());
            each.put("gateway.instance", instance);
            // the gateway's own small prefetch: the instances must still share the queue
            each.put("gateway.jms.broker-url", broker.url());
            each.put("gateway.store.url", storeUrl);
            each.put("gateway.store.username", PostgresServer.USER);
            each.put("gateway.jms.consumers", String.valueOf(CONSUMERS));
            each.put("ig.max-sends-per-second", String.valueOf(PACE));
            settings.put(instance, each);
            gateways.put(instance, GatewayProcess.start(home, each, "gateway.log"));
        }
    }

    @AfterAll
    static void stopCluster() throws Exception {
        for (GatewayProcess gateway : gateways.values()) {
            gateway.close();
        }
        meta.close();
        broker.close();
        postgres.close();
        RunningGateway.deleteRecursively(root);
    }

    @Test
    void tenThousandMessagesAreEachSentOnceWithOneRecordAndTheAccountKeepsItsPaceAcrossBothInstances() throws Exception {
        int messages = 10_000;
        int first = 1_000_000;
        queue(first, messages);
        await().atMost(Duration.ofSeconds(240)).until(() -> sentRecords(first, messages).size() >= messages);
        Thread.sleep(1000);

        List<JsonNode> records = sentRecords(first, messages);
        assertThat(records).hasSize(messages);
        assertThat(records).extracting(r -> r.path("recipient_id").asText()).doesNotHaveDuplicates();
        assertThat(failedRecords(first, messages)).isEmpty();
        for (String instance : gateways.keySet()) {
            assertThat(sinks(instance).sent()).as("instance %s took its part", instance).anyMatch(r -> inRange(r, first, messages));
        }
        List<LoggedRequest> calls = calls(first, messages);
        assertThat(calls).hasSize(messages);
        assertThat(callsPerRecipient(calls).values()).containsOnly(1L);
        int most = mostCallsInOneSecond(calls);
        System.out.println("Cluster of two: " + messages + " messages, at most " + most + " calls in one second (pace " + PACE + ")");
        assertThat(most).as("calls in any one-second window, both instances together").isLessThanOrEqualTo(PACE);
    }

    @Test
    void aKeySentThroughOneInstanceIsADuplicateThroughTheOther() {
        String request = "{\"recipient_id\":\"4242\",\"message\":\"once in the cluster\",\"idempotency_key\":\"cluster-key-1\"}";
        HttpResponse<String> viaA = http("a").post("/messages", request);
        HttpResponse<String> viaB = http("b").post("/messages", request);

        assertThat(viaA.statusCode()).isEqualTo(200);
        assertThat(viaB.statusCode()).isEqualTo(200);
        assertThat(GatewayHttp.json(viaB)).isEqualTo(RunningGateway.repeatAnswer(GatewayHttp.json(viaA)));
        assertThat(meta.sends().stream().filter(call -> GraphStub.form(call).get("recipient").contains("4242"))).hasSize(1);
        List<JsonNode> duplicates = sinks("b").failed().stream()
                .filter(r -> r.path("idempotency_key").asText().equals("cluster-key-1")).toList();
        assertThat(duplicates).singleElement().satisfies(r -> {
            assertThat(r.path("error").path("category").asText()).isEqualTo("duplicate");
            assertThat(r.path("error").path("message").asText()).contains(GatewayHttp.json(viaA).path("message_id").asText());
        });
    }

    @Test
    void aKilledInstanceLosesNothingTheOtherCarriesOnAndOnlyItsCallsInFlightReachMetaTwice() throws Exception {
        int messages = 2_000;
        int first = 2_000_000;
        queue(first, messages);
        await().atMost(Duration.ofSeconds(120)).until(() -> sentRecords(first, messages).size() >= messages / 4);
        gateways.get("a").kill();
        int atKill = sentRecords(first, messages).size();
        assertThat(atKill).as("killed mid-batch").isLessThan(messages);

        await("b carries on alone").atMost(Duration.ofSeconds(60))
                .until(() -> sentRecords(first, messages).size() >= atKill + 200);
        gateways.put("a", GatewayProcess.start(root.resolve("a"), settings.get("a"), "gateway-restarted.log"));
        await().atMost(Duration.ofSeconds(180)).until(() -> distinctRecipients(sentRecords(first, messages)) >= messages);
        Thread.sleep(2000);

        List<JsonNode> records = sentRecords(first, messages);
        assertThat(failedRecords(first, messages)).isEmpty();
        assertThat(distinctRecipients(records)).isEqualTo(messages);
        // a record written as the kill came, before its key was marked recorded, is written once more (same message)
        Map<String, List<JsonNode>> perRecipient = records.stream().collect(Collectors.groupingBy(r -> r.path("recipient_id").asText()));
        perRecipient.values().stream().filter(each -> each.size() > 1).forEach(each -> assertThat(each)
                .extracting(r -> r.path("message_id").asText()).containsOnly(each.get(0).path("message_id").asText()));
        Map<String, Long> calls = callsPerRecipient(calls(first, messages));
        assertThat(calls).hasSize(messages);
        long sentTwice = calls.values().stream().filter(count -> count > 1).count();
        System.out.println("Cluster SIGKILL: recipients Meta saw twice = " + sentTwice + " (the killed instance's consumers: " + CONSUMERS + ")");
        assertThat(calls.values()).allMatch(count -> count <= 2);
        assertThat(sentTwice).isLessThanOrEqualTo(CONSUMERS);
    }

    private static void queue(int first, int count) throws Exception {
        var factory = new ActiveMQConnectionFactory(broker.url());
        try (var connection = factory.createConnection()) {
            Session session = connection.createSession(true, Session.SESSION_TRANSACTED);
            MessageProducer producer = session.createProducer(session.createQueue(Queues.SEND));
            for (int i = 0; i < count; i++) {
                producer.send(session.createTextMessage("{\"recipient_id\":\"" + (first + i) + "\",\"message\":\"m" + i + "\"}"));
                if (i % 500 == 499) {
                    session.commit();
                }
            }
            session.commit();
        }
    }

    private static GatewayHttp http(String instance) {
        return new GatewayHttp(Integer.parseInt(settings.get(instance).get("gateway.http.port")));
    }

    private static RunningGateway.Sinks sinks(String instance) {
        return new RunningGateway.Sinks(root.resolve(instance));
    }

    private static boolean inRange(JsonNode record, int first, int count) {
        return inRange(record.path("recipient_id").asText(), first, count);
    }

    private static boolean inRange(String recipient, int first, int count) {
        try {
            long id = Long.parseLong(recipient);
            return id >= first && id < first + count;
        } catch (NumberFormatException other) {
            return false;
        }
    }

    private static List<JsonNode> sentRecords(int first, int count) {
        return gateways.keySet().stream().flatMap(instance -> sinks(instance).sent().stream())
                .filter(r -> inRange(r, first, count)).toList();
    }

    private static List<JsonNode> failedRecords(int first, int count) {
        return gateways.keySet().stream().flatMap(instance -> sinks(instance).failed().stream())
                .filter(r -> inRange(r, first, count)).toList();
    }

    private static long distinctRecipients(List<JsonNode> records) {
        return records.stream().map(r -> r.path("recipient_id").asText()).distinct().count();
    }

    private static String recipient(LoggedRequest call) {
        try {
            return Json.MAPPER.readTree(GraphStub.form(call).get("recipient")).path("id").asText();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<LoggedRequest> calls(int first, int count) {
        return meta.sends().stream().filter(call -> inRange(recipient(call), first, count)).toList();
    }

    private static Map<String, Long> callsPerRecipient(List<LoggedRequest> calls) {
        return calls.stream().collect(Collectors.groupingBy(ClusterTest::recipient, Collectors.counting()));
    }

    /** The most calls Meta received within any one second (a window starting at each call). */
    private static int mostCallsInOneSecond(List<LoggedRequest> calls) {
        long[] times = calls.stream().mapToLong(call -> call.getLoggedDate().getTime()).sorted().toArray();
        int most = 0;
        int start = 0;
        for (int end = 0; end < times.length; end++) {
            while (times[end] - times[start] >= 1000) {
                start++;
            }
            most = Math.max(most, end - start + 1);
        }
        return most;
    }
}
