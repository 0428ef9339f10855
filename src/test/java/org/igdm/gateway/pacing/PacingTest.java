package org.igdm.gateway.pacing;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.igdm.gateway.broker.Queues;
import org.igdm.gateway.support.GatewayFixture;
import org.igdm.gateway.support.GraphStub;
import org.igdm.gateway.support.LegacyJmsClient;
import org.igdm.gateway.support.RunningGateway;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The account's manners, measured where Meta would see them: the arrival times at the stub. */
class PacingTest {

    @RegisterExtension
    final GatewayFixture app = GatewayFixture.startedByEachTest();
    GraphStub meta;
    RunningGateway gateway;
    LegacyJmsClient legacy;

    private void start(Map<String, String> overrides) throws Exception {
        meta = app.meta();
        gateway = app.start(settings -> settings.putAll(overrides));
        legacy = new LegacyJmsClient(app.jmsPort());
    }

    @AfterEach
    void disconnect() throws Exception {
        legacy.close();
    }

    private void queue(int count) throws Exception {
        for (int i = 0; i < count; i++) {
            legacy.send(Queues.SEND, "{\"recipient_id\":\"" + (100 + i) + "\",\"message\":\"m" + i + "\"}");
        }
    }

    private List<Long> arrivalMillis() {
        return meta.sends().stream().map(LoggedRequest::getLoggedDate).map(java.util.Date::getTime).sorted().toList();
    }

    @Test
    void fiveHundredMessagesAtFiftyPerSecondTakeTenSecondsAndNeverBurst() throws Exception {
        start(Map.of("ig.max-sends-per-second", "50", "gateway.jms.consumers", "8"));
        queue(500);

        await().atMost(Duration.ofSeconds(60)).until(() -> gateway.sent().size() == 500);
        List<Long> arrivals = arrivalMillis();
        assertThat(arrivals).hasSize(500);
        assertThat(arrivals.get(499) - arrivals.get(0)).isGreaterThanOrEqualTo(9_900);
        // any 51 consecutive calls span at least a second (minus the stub's millisecond clock rounding)
        for (int i = 50; i < arrivals.size(); i++) {
            assertThat(arrivals.get(i) - arrivals.get(i - 50)).as("calls %d..%d", i - 50, i).isGreaterThanOrEqualTo(998);
        }
        assertThat(gateway.failed()).isEmpty();
    }

    @Test
    void aRateLimitAnswerPausesTheWholeAccountThenEverythingIsDelivered() throws Exception {
        // Meta asks for a minute; the test caps every pause at 3 s so that it runs in seconds
        start(Map.of("gateway.pacing.max-pause-ms", "3000", "ig.max-sends-per-second", "20"));
        // one send first, so that the HTTP client's cold start does not bunch the next calls together
        legacy.send(Queues.SEND, "{\"recipient_id\":\"99\",\"message\":\"warm up\"}");
        gateway.awaitOutcomes(1);
        meta.server().resetAll();
        meta.server().stubFor(post(urlPathEqualTo(GraphStub.PATH)).inScenario("bucket").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse().withStatus(400)
                        .withHeader("X-Business-Use-Case-Usage", "{\"1\":[{\"type\":\"instagram\",\"call_count\":100,"
                                + "\"total_cputime\":10,\"total_time\":10,\"estimated_time_to_regain_access\":1}]}")
                        .withBody("{\"error\":{\"message\":\"Too many calls\",\"type\":\"IGApiException\",\"code\":80002,\"fbtrace_id\":\"x\"}}"))
                .willSetStateTo("open"));
        meta.server().stubFor(post(urlPathEqualTo(GraphStub.PATH)).inScenario("bucket").whenScenarioStateIs("open")
                .willReturn(GraphStub.success()));
        queue(20);

        await().atMost(Duration.ofSeconds(30)).until(() -> gateway.sent().size() == 21);
        // calls already under way when the first answer came may be refused too; after the last refusal the
        // account is quiet for the whole pause
        List<ServeEvent> calls = meta.server().getAllServeEvents();
        long lastRefused = calls.stream().filter(call -> call.getResponse().getStatus() == 400)
                .mapToLong(call -> call.getRequest().getLoggedDate().getTime()).max().orElseThrow();
        long firstSent = calls.stream().filter(call -> call.getResponse().getStatus() == 200)
                .mapToLong(call -> call.getRequest().getLoggedDate().getTime()).filter(at -> at > lastRefused).min().orElseThrow();
        assertThat(firstSent - lastRefused).as("no call while the account is paused").isGreaterThanOrEqualTo(2_900);
        assertThat(calls).filteredOn(call -> call.getResponse().getStatus() == 200).hasSize(20);
        assertThat(gateway.failed()).isEmpty();
        assertThat(gateway.context().getRegistry().findSingleByType(AccountGate.class).pauses()).isPositive();
    }

    @Test
    void aMinuteLongOutageFailsNothingCallsMetaRarelyAndDeliversEverythingAfter() throws Exception {
        start(Map.of("gateway.breaker.failure-threshold", "3", "gateway.breaker.open-ms", "5000",
                "gateway.breaker.max-open-ms", "10000", "gateway.retry.max-attempts", "3"));
        meta.server().stubFor(post(urlPathEqualTo(GraphStub.PATH)).willReturn(aResponse().withStatus(503).withBody("down")));
        queue(20);

        Thread.sleep(60_000);
        int callsDuringOutage = meta.sends().size();
        assertThat(gateway.failed()).isEmpty();
        meta.reset();

        await().atMost(Duration.ofSeconds(30)).until(() -> gateway.sent().size() == 20);
        assertThat(gateway.failed()).isEmpty();
        assertThat(gateway.sent()).extracting(r -> r.path("recipient_id").asText()).doesNotHaveDuplicates();
        // three failures trip the breaker; after that one probe every 5-10 s
        System.out.println("Calls to Meta during the 60 s outage: " + callsDuringOutage);
        assertThat(callsDuringOutage).isLessThanOrEqualTo(12);
    }
}
