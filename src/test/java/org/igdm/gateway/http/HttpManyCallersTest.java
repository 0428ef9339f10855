package org.igdm.gateway.http;

import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.igdm.gateway.support.GatewayHttp.json;

import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import org.igdm.gateway.support.GatewayHttp;
import org.igdm.gateway.support.GraphStub;
import org.igdm.gateway.support.RunningGateway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hundreds of callers of POST /messages wait for a slow Meta at once, on the default settings: none is turned away
 * (the bound is sized from the account's pace, not Vert.x's 20 worker threads), and /observe/health answers
 * meanwhile.
 */
class HttpManyCallersTest {

    private static final int CALLERS = 300;

    @TempDir
    Path home;

    @Test
    void threeHundredCallersWaitingForASlowMetaAreAllSentWhileHealthAnswers() throws Exception {
        try (GraphStub meta = new GraphStub();
                RunningGateway gateway = RunningGateway.start(home, RunningGateway.defaults(home, meta.url()));
                ExecutorService callers = Executors.newVirtualThreadPerTaskExecutor()) {
            meta.server().stubFor(post(urlPathEqualTo(GraphStub.PATH)).willReturn(GraphStub.success().withFixedDelay(300)));
            GatewayHttp http = gateway.http();
            // each caller on a connection of its own, as separate clients would be (one HTTP/2 connection carries 100)
            HttpClient ownConnection = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            assertThat(http.get("/observe/health").statusCode()).isEqualTo(200);
            List<Future<HttpResponse<String>>> sends = new ArrayList<>();
            for (int i = 0; i < CALLERS; i++) {
                String request = "{\"recipient_id\":\"" + (7000 + i) + "\",\"message\":\"slow " + i + "\"}";
                sends.add(callers.submit(() -> ownConnection.send(http.jsonPost("/messages", request).build(), BodyHandlers.ofString())));
            }

            // more callers wait inside the gateway at once than Vert.x has worker threads (20) ...
            await().atMost(Duration.ofSeconds(60))
                    .until(() -> gateway.context().getInflightRepository().size("http-send") > 20);
            // ... and health answers while they wait, not after them
            HttpResponse<String> health = http.get("/observe/health");
            assertThat(health.statusCode()).isEqualTo(200);
            assertThat(json(health).path("status").asText()).isEqualTo("UP");
            assertThat(sends.stream().filter(Future::isDone).count()).isLessThan(CALLERS);

            List<HttpResponse<String>> answers = new ArrayList<>();
            for (Future<HttpResponse<String>> send : sends) {
                answers.add(send.get());
            }
            assertThat(answers).allSatisfy(answer -> {
                assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
                assertThat(json(answer).path("status").asText()).isEqualTo("sent");
            });
            Set<String> recipients = answers.stream().map(answer -> json(answer).path("recipient_id").asText())
                    .collect(Collectors.toSet());
            assertThat(recipients).hasSize(CALLERS);
            assertThat(meta.sends()).hasSize(CALLERS);
            assertThat(gateway.sent()).hasSize(CALLERS);
        }
    }
}
