package org.igdm.gateway.observe;

import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.igdm.gateway.support.GatewayHttp.json;
import static org.igdm.gateway.support.GraphStub.error;

import com.github.tomakehurst.wiremock.stubbing.Scenario;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.igdm.gateway.broker.EmbeddedBroker;
import org.igdm.gateway.support.GatewayHttp;
import org.igdm.gateway.support.GatewayFixture;
import org.igdm.gateway.support.GraphStub;
import org.igdm.gateway.support.RunningGateway;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** /observe/health and /observe/metrics on the running gateway. */
class ObserveTest {

    @RegisterExtension
    // an operator's bound on the callers that wait for Meta (by default it is sized from the accounts' paces)
    final GatewayFixture app = GatewayFixture.withSettings(settings -> {
        settings.put("gateway.http.max-concurrent-sends", "16");
        settings.put("gateway.instance", "gw-a");
    });
    GraphStub meta;
    RunningGateway gateway;
    GatewayHttp http;

    @BeforeEach
    void start() {
        meta = app.meta();
        gateway = app.gateway();
        http = gateway.http();
    }

    @Test
    void healthIsUpWhileTheRoutesAndTheBrokerAreAndDownOnceTheBrokerStopsAndBulkIsAnswered503() throws Exception {
        HttpResponse<String> up = http.get("/observe/health");
        assertThat(up.statusCode()).isEqualTo(200);
        assertThat(http.get("/observe/health/live").statusCode()).isEqualTo(200);
        assertThat(http.get("/observe/health/ready").statusCode()).isEqualTo(200);
        assertThat(json(up).path("status").asText()).isEqualTo("UP");
        assertThat(up.body()).as("health names the instance that answers").contains("gw-a");

        gateway.context().getRegistry().findSingleByType(EmbeddedBroker.class).stop();

        HttpResponse<String> down = http.get("/observe/health");
        assertThat(down.statusCode()).isEqualTo(503);
        assertThat(json(down).path("status").asText()).isEqualTo("DOWN");
        assertThat(json(down).path("checks")).anySatisfy(check -> {
            assertThat(check.path("name").asText()).isEqualTo("broker");
            assertThat(check.path("status").asText()).isEqualTo("DOWN");
            assertThat(check.path("message").asText()).isEqualTo("the embedded broker is not running");
        });
        assertThat(http.get("/observe/health/ready").statusCode()).isEqualTo(503);
        // and a bulk request, which needs the queue, is told to come back
        HttpResponse<String> bulk = http.post("/messages/bulk", "[{\"recipient_id\":\"42\",\"message\":\"hi\"}]");
        assertThat(bulk.statusCode()).isEqualTo(503);
        assertThat(json(bulk).path("detail").asText()).startsWith("the durable queue is unavailable");
    }

    @Test
    void healthIsDownWhenARouteIsStopped() throws Exception {
        gateway.context().getRouteController().stopRoute("http-bulk");

        HttpResponse<String> down = http.get("/observe/health");

        assertThat(down.statusCode()).isEqualTo(503);
        assertThat(json(down).path("checks")).anySatisfy(check -> {
            assertThat(check.path("name").asText()).isEqualTo("route:http-bulk");
            assertThat(check.path("status").asText()).isEqualTo("DOWN");
        });
    }

    @Test
    void healthAnswersAtOnceWhileSendsWaitForASlowMetaAndCallersPastTheLimitAreAskedToComeBack() throws Exception {
        meta.server().stubFor(post(urlPathEqualTo(GraphStub.PATH)).willReturn(GraphStub.success().withFixedDelay(5000)));
        int callers = 30;
        ExecutorService pool = Executors.newFixedThreadPool(callers);
        try {
            List<Future<HttpResponse<String>>> sends = new ArrayList<>();
            for (int i = 0; i < callers; i++) {
                String request = "{\"recipient_id\":\"" + (500 + i) + "\",\"message\":\"slow\"}";
                sends.add(pool.submit(() -> http.post("/messages", request)));
            }
            // the sends hold their places while Meta takes its time; the rest have been answered
            await().atMost(Duration.ofSeconds(4)).until(() -> sends.stream().filter(Future::isDone).count() == callers - 16
                    && gateway.context().getInflightRepository().size("http-send") == 16);

            long start = System.nanoTime();
            HttpResponse<String> health = http.get("/observe/health");
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            assertThat(health.statusCode()).isEqualTo(200);
            assertThat(took).isLessThan(Duration.ofSeconds(1));

            List<HttpResponse<String>> answers = new ArrayList<>();
            for (Future<HttpResponse<String>> send : sends) {
                answers.add(send.get());
            }
            // gateway.http.max-concurrent-sends = 16 waited for Meta; the others heard 503 at once
            assertThat(answers).filteredOn(r -> r.statusCode() == 200).hasSize(16);
            assertThat(answers).filteredOn(r -> r.statusCode() == 503).hasSize(callers - 16).allSatisfy(busy -> {
                assertThat(busy.headers().firstValue("Retry-After")).hasValue("1");
                assertThat(json(busy).path("detail").asText()).startsWith("as many sends as the gateway allows");
            });
            assertThat(meta.sends()).hasSize(16);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void metricsShowCamelsRouteFiguresAndTheGatewaysOwnCounters() {
        String hello = "{\"recipient_id\":\"42\",\"message\":\"hi\"}";
        meta.server().stubFor(post(urlPathEqualTo(GraphStub.PATH)).inScenario("flaky")
                .whenScenarioStateIs(Scenario.STARTED)
                .willReturn(error(500, 2, null, "Service temporarily unavailable"))
                .willSetStateTo("recovered"));
        meta.server().stubFor(post(urlPathEqualTo(GraphStub.PATH)).inScenario("flaky")
                .whenScenarioStateIs("recovered").willReturn(error(400, 10, 2534022, "outside of allowed window")));
        http.post("/messages", hello);
        meta.reset();
        http.post("/messages", hello);

        HttpResponse<String> metrics = http.get("/observe/metrics");

        assertThat(metrics.statusCode()).isEqualTo(200);
        assertThat(metrics.headers().firstValue("Content-Type")).hasValueSatisfying(type -> assertThat(type).startsWith("text/plain"));
        // every figure, Camel's included, names the instance (gateway.instance)
        assertThat(metrics.body()).contains(
                "\ngateway_messages_sent_total{account=\"default\",instance=\"gw-a\"} 1.0\n",
                "\ngateway_messages_failed_total{account=\"default\",category=\"rejected\",instance=\"gw-a\"} 1.0\n",
                "\ngateway_retries_total{account=\"default\",instance=\"gw-a\"} 1.0\n",
                // the last answer reported 28% app usage (the app's, shared) and 12% business use case usage (the account's)
                "\ngateway_rate_limit_app_usage_percent{instance=\"gw-a\"} 28.0\n",
                "\ngateway_rate_limit_usage_percent{account=\"default\",instance=\"gw-a\"} 12.0\n",
                "\ngateway_pacing_rate{account=\"default\",instance=\"gw-a\"} 100.0\n",
                "\ngateway_pacing_paused_seconds{account=\"default\",instance=\"gw-a\"} 0.0\n",
                "\ngateway_pacing_rate_limit_pauses_total{account=\"default\",instance=\"gw-a\"} 0.0\n",
                "\ngateway_pacing_breaker_openings_total{account=\"default\",instance=\"gw-a\"} 0.0\n",
                "\ngateway_pacing_breaker_open{account=\"default\",instance=\"gw-a\"} 0.0\n",
                "\ngateway_account_suspended{account=\"default\",instance=\"gw-a\"} 0.0\n",
                "camel_exchanges_total{camelContext=\"ig-dm-gateway\",eventType=\"route\",instance=\"gw-a\",kind=\"CamelRoute\",routeId=\"http-send\"} 2.0")
                .doesNotContain(RunningGateway.TOKEN);
    }
}
