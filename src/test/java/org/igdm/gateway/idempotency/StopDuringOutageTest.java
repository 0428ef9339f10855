package org.igdm.gateway.idempotency;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.igdm.gateway.broker.Queues;
import org.igdm.gateway.support.GatewayProcess;
import org.igdm.gateway.support.GraphStub;
import org.igdm.gateway.support.LegacyJmsClient;
import org.igdm.gateway.support.RunningGateway;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGTERM while Meta is down and messages wait out their retry backoff: they are not failed by the shutdown.
 * They stay queued, and after the restart each ends with one record, its real outcome.
 */
class StopDuringOutageTest {

    private static final int MESSAGES = 3;

    @TempDir
    Path home;
    GraphStub meta = new GraphStub();

    @AfterEach
    void stop() {
        meta.close();
    }

    @Test
    void messagesInBackoffAtASigtermEndWithOneRecordAfterTheRestart() throws Exception {
        meta.server().stubFor(post(urlPathEqualTo(GraphStub.PATH)).willReturn(aResponse().withStatus(502)));
        Map<String, String> settings = RunningGateway.defaults(home, meta.url());
        // long backoffs, and no breaker: the messages sit in their retry backoff when the SIGTERM comes
        settings.put("gateway.retry.initial-delay-ms", "3000");
        settings.put("gateway.retry.max-delay-ms", "3000");
        settings.put("gateway.breaker.failure-threshold", "1000");

        try (GatewayProcess first = GatewayProcess.start(home, settings, "first-run.log")) {
            try (LegacyJmsClient legacy = new LegacyJmsClient(Integer.parseInt(settings.get("gateway.jms.port")))) {
                for (int i = 0; i < MESSAGES; i++) {
                    legacy.send(Queues.SEND, "{\"recipient_id\":\"" + (500 + i) + "\",\"message\":\"during the outage\"}");
                }
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> meta.sends().size() >= MESSAGES);
            first.terminate();
        }
        RunningGateway.Sinks sinks = new RunningGateway.Sinks(home);
        assertThat(sinks.failed()).as("the shutdown is not the messages' failure").isEmpty();

        meta.server().resetAll();
        meta.answerSuccess();
        try (GatewayProcess second = GatewayProcess.start(home, settings, "second-run.log")) {
            await().atMost(Duration.ofSeconds(60)).until(() -> sinks.count() >= MESSAGES);
            Thread.sleep(1000);
        }
        assertThat(sinks.failed()).isEmpty();
        assertThat(sinks.sent()).extracting(record -> record.path("recipient_id").asText())
                .containsExactlyInAnyOrder("500", "501", "502");
        assertThat(sinks.sent()).extracting(JsonNode::toString).doesNotHaveDuplicates();
    }
}
