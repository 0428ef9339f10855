package org.igdm.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import jakarta.jms.Queue;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.igdm.gateway.Json;
import org.igdm.gateway.broker.Queues;
import org.igdm.gateway.broker.SendToQueue;
import org.igdm.gateway.support.GatewayHttp;
import org.igdm.gateway.support.LegacyJmsClient;
import org.igdm.gateway.support.RunningGateway;
import org.igdm.gateway.support.TestLog;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The demo as the README runs it: the demo profile and nothing else but folders and free ports (the settings a
 * newcomer never touches), the embedded broker, the sandbox playing Meta, the sample batches through the file
 * drop, HTTP callers and probes, and a legacy JMS client that drives every path. Here the gateway runs in this
 * JVM; DistributionIT runs the README's command itself (the distribution's start script) from another folder.
 */
class DemoProfileTest {

    @TempDir
    Path home;

    @Test
    void everyPathOfTheGatewayEndsInItsSinkAgainstTheSandbox() throws Exception {
        Map<String, String> settings = RunningGateway.demoDefaults(home);
        long logMark = TestLog.mark();
        try (RunningGateway gateway = RunningGateway.startDemo(home, settings);
             LegacyJmsClient legacy = new LegacyJmsClient(Integer.parseInt(settings.get("gateway.jms.port")))) {
            assertThat(gateway.context().getRegistry().lookupByName("graphSandbox")).isInstanceOf(GraphSandbox.class);
            assertThat(TestLog.since(logMark))
                    .contains("DEMO PROFILE: NO REAL INSTAGRAM MESSAGE IS SENT")
                    .contains("Sample batches dropped into " + home.resolve("inbox").toAbsolutePath() + ": [demo-batch.csv, demo-batch.json]");

            Queue replies = legacy.session().createTemporaryQueue();
            legacy.send(Queues.SEND, request("17841400000000301", "demo-jms-1"), Map.of(), replies);
            JsonNode reply = Json.MAPPER.readTree(legacy.receiveText(replies, 20_000));
            assertThat(reply.path("status").asText()).isEqualTo("sent");
            assertThat(reply.path("message_id").asText()).startsWith("mid.");
            assertThat(reply.path("rate_limit").path("app").path("call_count").asInt()).isPositive();
            assertThat(reply.path("rate_limit").path("business_use_case").has(GraphSandbox.USER_ID)).isTrue();

            // not the sample batch's recipient: the sandbox rate-limits each ...613 recipient once
            legacy.send(Queues.SEND, request("17841400000300613", "demo-jms-613"));
            legacy.send(Queues.SEND, request("17841402002534022", "demo-jms-window"));
            legacy.send(Queues.SEND, request("17841400000000551", "demo-jms-551"));
            legacy.send(Queues.SEND, request("17841400000000500", "demo-jms-500"));
            legacy.send(Queues.SEND, request("ig-user-42", "demo-jms-bad-id"));
            legacy.send(Queues.SEND, request("17841400000000301", "demo-jms-1"));
            // the connection drops: after delivering (found by reading the conversation back), or before (sent again)
            legacy.send(Queues.SEND, request("17841400000001408", "demo-jms-delivered-dropped"));
            legacy.send(Queues.SEND, request("17841400000002408", "demo-jms-lost"));

            // the sample batches flow too, once the file drop source runs: only this door's records count here
            await().atMost(Duration.ofSeconds(30)).until(() -> fromJms(gateway.sent()).size() + fromJms(gateway.failed()).size() >= 9);
            assertThat(fromJms(gateway.sent())).extracting(r -> r.path("idempotency_key").asText() + "/" + r.path("attempts").asInt()
                            + "/" + r.path("confirmed_by").asText("-"))
                    .containsExactlyInAnyOrder("demo-jms-1/1/-", "demo-jms-613/2/-", "demo-jms-delivered-dropped/1/conversation",
                            "demo-jms-lost/2/-");
            List<JsonNode> failed = fromJms(gateway.failed());
            assertThat(categories(failed)).containsExactlyInAnyOrder(
                    "demo-jms-window/rejected/10", "demo-jms-551/rejected/551", "demo-jms-500/exhausted/2",
                    "/invalid/0", "demo-jms-1/duplicate/0");
            // refused at the door: the record keeps what arrived, and names the broken rule
            assertThat(failed).filteredOn(r -> r.path("error").path("category").asText().equals("invalid"))
                    .singleElement().satisfies(r -> {
                        assertThat(r.path("error").path("violations").get(0).path("field").asText()).isEqualTo("recipient_id");
                        assertThat(r.path("input").asText()).contains("demo-jms-bad-id");
                    });
            assertThat(failed).filteredOn(r -> r.path("idempotency_key").asText().equals("demo-jms-500"))
                    .singleElement().satisfies(r -> assertThat(r.path("attempts").asInt()).isEqualTo(5));
            assertThat(legacy.depth(Queues.SEND)).isZero();
        }
    }

    @Test
    void theSampleBatchesFlowThroughTheFileDropToBothSinksThenHttpAndProbesAnswer() throws Exception {
        try (RunningGateway gateway = RunningGateway.startDemo(home, RunningGateway.demoDefaults(home))) {
            gateway.awaitOutcomes(21);
            await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(10))
                    .until(() -> gateway.sent().size() + gateway.failed().size() == 21);

            assertThat(gateway.sent()).extracting(r -> r.path("source").asText() + "/" + r.path("attempts").asInt())
                    .containsExactlyInAnyOrder("file:demo-batch.csv#1/1", "file:demo-batch.csv#2/1", "file:demo-batch.csv#3/1",
                            "file:demo-batch.csv#4/1", "file:demo-batch.csv#5/2",
                            "file:demo-batch.json#1/1", "file:demo-batch.json#2/1", "file:demo-batch.json#3/1",
                            "file:demo-batch.json#6/1", "file:demo-batch.json#7/1", "file:demo-batch.json#8/1");
            assertThat(gateway.sent()).allSatisfy(r -> assertThat(r.path("message_id").asText()).startsWith("mid."));
            // the samples use both of the demo's accounts, one on each of Meta's APIs
            assertThat(gateway.sent()).filteredOn(r -> r.path("account").asText().equals("studio"))
                    .extracting(r -> r.path("source").asText())
                    .containsExactlyInAnyOrder("file:demo-batch.csv#2", "file:demo-batch.csv#4", "file:demo-batch.json#1");
            assertThat(gateway.sent()).filteredOn(r -> r.path("account").asText().equals("default")).hasSize(8);
            assertThat(gateway.failed()).filteredOn(r -> r.path("source").asText().equals("file:demo-batch.csv#6"))
                    .singleElement().satisfies(r -> assertThat(r.path("account").asText()).isEqualTo("studio"));
            assertThat(gateway.sent()).filteredOn(r -> r.path("source").asText().matches("file:demo-batch.json#[678]"))
                    .extracting(r -> r.path("kind").asText()).containsExactlyInAnyOrder("image", "quick_replies", "private_reply");
            assertThat(gateway.failed()).extracting(r -> r.path("source").asText() + "/" + r.path("error").path("category").asText()
                            + "/" + r.path("error").path("code").asInt() + "/" + r.path("attempts").asInt())
                    .containsExactlyInAnyOrder("file:demo-batch.csv#6/rejected/10/1", "file:demo-batch.csv#7/rejected/551/1",
                            "file:demo-batch.csv#8/exhausted/2/5", "file:demo-batch.csv#9/invalid/0/0",
                            "file:demo-batch.csv#10/invalid/0/0", "file:demo-batch.csv#11/invalid/0/0",
                            "file:demo-batch.csv#12/duplicate/0/0",
                            "file:demo-batch.json#4/rejected/551/1", "file:demo-batch.json#5/invalid/0/0",
                            "file:demo-batch.json#9/rejected/0/0");
            try (Stream<Path> done = Files.list(home.resolve("inbox/.done"))) {
                assertThat(done.map(file -> file.getFileName().toString()))
                        .hasSize(2).anyMatch(name -> name.endsWith("-demo-batch.csv")).anyMatch(name -> name.endsWith("-demo-batch.json"));
            }

            // the README's curl, and the probes
            GatewayHttp http = gateway.http();
            HttpResponse<String> sent = http.post("/messages", "{\"recipient_id\":\"17841400000000301\",\"message\":\"Hello from curl\"}");
            assertThat(sent.statusCode()).as(sent.body()).isEqualTo(200);
            assertThat(GatewayHttp.json(sent).path("source").asText()).isEqualTo("http");
            assertThat(GatewayHttp.json(sent).path("message_id").asText()).startsWith("mid.");
            HttpResponse<String> refused = http.post("/messages", "{\"recipient_id\":\"17841402002534022\",\"message\":\"Too late?\"}");
            assertThat(refused.statusCode()).as(refused.body()).isEqualTo(422);
            assertThat(GatewayHttp.json(refused).path("error").path("subcode").asInt()).isEqualTo(2534022);
            HttpResponse<String> health = http.get("/observe/health");
            assertThat(health.statusCode()).as(health.body()).isEqualTo(200);
            assertThat(GatewayHttp.json(health).path("status").asText()).isEqualTo("UP");
            assertThat(http.get("/observe/metrics").body()).contains("gateway_messages_sent_total");
        }

        // started again, the demo does not drop the samples it already processed
        try (RunningGateway gateway = RunningGateway.startDemo(home, RunningGateway.demoDefaults(home))) {
            assertThat(home.resolve("inbox/demo-batch.csv")).doesNotExist();
            assertThat(home.resolve("inbox/demo-batch.json")).doesNotExist();
        }
    }

    @Test
    void aWrongTokenIsRefusedAsMetaRefusesItQueuedMessagesWaitAndAllGoOutOnceFixed() throws Exception {
        Map<String, String> settings = RunningGateway.demoDefaults(home);
        String broker = "tcp://127.0.0.1:" + settings.get("gateway.jms.port");
        settings.put("ig.access-token", "EAA-a-real-looking-token");
        long logMark = TestLog.mark();
        try (RunningGateway gateway = RunningGateway.startDemo(home, settings)) {
            // an HTTP caller hears Meta's refusal (422), or, when a sample row met it first, that the account is
            // suspended (503); either way the record carries Meta's code and the account sends no more with that token
            HttpResponse<String> refused = gateway.http().post("/messages", request("17841400000000301", "order-77"));
            assertThat(refused.statusCode()).as(refused.body()).isIn(422, 503);
            assertThat(categories(fromHttp(gateway.failed()))).singleElement().asString()
                    .isIn("order-77/rejected/190", "order-77/exhausted/190");
            assertThat(TestLog.since(logMark)).contains("ALARM: Meta refused the access token of account default")
                    .doesNotContain("EAA-a-real-looking-token");
            // a queued message waits instead of failing, health says which account, and the other account still sends
            try (LegacyJmsClient legacy = new LegacyJmsClient(Integer.parseInt(settings.get("gateway.jms.port")))) {
                legacy.send(Queues.SEND, request("17841400000000302", "order-78"));
            }
            HttpResponse<String> studio = gateway.http().post("/messages",
                    "{\"recipient_id\":\"17841400000000303\",\"message\":\"demo\",\"account\":\"studio\"}");
            assertThat(studio.statusCode()).as(studio.body()).isEqualTo(200);
            HttpResponse<String> health = gateway.http().get("/observe/health");
            assertThat(health.statusCode()).isEqualTo(503);
            assertThat(health.body()).contains("suspended").contains("account default");
            await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(10)).until(() -> fromJms(gateway.sent()).isEmpty()
                    && fromJms(gateway.failed()).isEmpty());
        }

        settings.remove("ig.access-token");
        try (RunningGateway gateway = RunningGateway.startDemo(home, settings)) {
            // the message that waited goes out with the right token
            await().atMost(Duration.ofSeconds(20)).until(() -> fromJms(gateway.sent()).size() == 1);
            assertThat(fromJms(gateway.sent()).get(0).path("idempotency_key").asText()).isEqualTo("order-78");
            // the README's replay: the failed record, as it is, back onto the queue with the command-line client
            ByteArrayOutputStream replies = new ByteArrayOutputStream();
            String failedLine = Json.MAPPER.writeValueAsString(fromHttp(gateway.failed()).get(0));
            assertThat(SendToQueue.send(List.of(failedLine), broker, new PrintStream(replies, true, StandardCharsets.UTF_8))).isTrue();

            JsonNode reply = Json.MAPPER.readTree(replies.toString(StandardCharsets.UTF_8));
            assertThat(reply.path("status").asText()).isEqualTo("sent");
            assertThat(reply.path("account").asText()).isEqualTo("default");
            assertThat(reply.path("idempotency_key").asText()).isEqualTo("order-77");
            await().atMost(Duration.ofSeconds(10)).until(() -> fromJms(gateway.sent()).size() == 2);
            assertThat(fromJms(gateway.sent())).contains(reply);
        }
    }

    @Test
    void theDemoRefusesToStartWithAGraphUrlOtherThanItsSandbox() {
        Map<String, String> settings = RunningGateway.demoDefaults(home);
        settings.put("ig.graph-url", "https://graph.facebook.com");

        assertThatThrownBy(() -> RunningGateway.startDemo(home, settings).close())
                .hasMessageContaining("The demo profile sends only to its Graph API sandbox")
                .hasMessageContaining("https://graph.facebook.com");
    }

    private static String request(String recipient, String key) {
        return "{\"recipient_id\":\"" + recipient + "\",\"message\":\"demo\",\"idempotency_key\":\"" + key + "\"}";
    }

    private static List<JsonNode> fromHttp(List<JsonNode> records) {
        return records.stream().filter(r -> r.path("source").asText().equals("http")).toList();
    }

    private static List<JsonNode> fromJms(List<JsonNode> records) {
        return records.stream().filter(r -> r.path("source").asText().equals("jms")).toList();
    }

    private static List<String> categories(List<JsonNode> failed) {
        return failed.stream().map(r -> r.path("idempotency_key").asText() + "/" + r.path("error").path("category").asText()
                + "/" + r.path("error").path("code").asInt()).toList();
    }
}
