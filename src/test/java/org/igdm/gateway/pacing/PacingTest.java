package org.igdm.gateway.pacing;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.igdm.gateway.support.GraphStub.form;

import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Predicate;
import org.igdm.gateway.broker.Queues;
import org.igdm.gateway.support.GatewayFixture;
import org.igdm.gateway.support.GatewayHttp;
import org.igdm.gateway.support.GraphStub;
import org.igdm.gateway.support.LegacyJmsClient;
import org.igdm.gateway.support.RunningGateway;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The account's manners, measured where Meta would see them: the arrival times at the stub (Meta's per-kind limits included). */
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
        return arrivalMillis(call -> true);
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
    void withAnArrivalBoundAnAccountAtMetasLatencyUsesNearlyItsWholePaceAndNeverMore() throws Exception {
        start(Map.of("ig.max-sends-per-second", "20", "gateway.pacing.arrival-bound-ms", "50"));
        meta.server().stubFor(post(urlPathEqualTo(GraphStub.PATH)).willReturn(GraphStub.success().withFixedDelay(300)));
        // a cold stand-in logs its first requests up to 150 ms after they reached it, as if the network had held them
        legacy.send(Queues.SEND, "{\"recipient_id\":\"99\",\"message\":\"warm-up\"}");
        await().atMost(Duration.ofSeconds(30)).until(() -> gateway.sent().size() == 1);
        meta.server().resetRequests();
        queue(160);

        await().atMost(Duration.ofSeconds(60)).until(() -> gateway.sent().size() == 161);
        List<Long> arrivals = arrivalMillis();
        assertAtMostPerSecond(arrivals, 20);
        // once the first 20 have gone, a call's place frees a second after Meta received it, 50 ms after its request
        // was written at the latest: then 21 calls in a row span about 1.05 s. Without the bound (the default) a place
        // frees a second after the 300 ms answer, 1.3 s after its call started, and no 21 calls in a row span less
        long tightest = Long.MAX_VALUE;
        for (int i = 20; i + 20 < arrivals.size(); i++) {
            tightest = Math.min(tightest, arrivals.get(i + 20) - arrivals.get(i));
        }
        assertThat(tightest).as("the shortest span of 21 calls in a row after the first 20, ms").isLessThan(1_200);
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
        assertThat(gateway.context().getRegistry().findSingleByType(AccountGates.class).of("default").pauses()).isPositive();
    }

    @Test
    void aRetryAfterAnswerPausesTheAccountForAsLongAsItAsks() throws Exception {
        // without Retry-After the account would pause for the backoff alone, a tenth of a second here
        start(Map.of("gateway.pacing.rate-limit-pause-ms", "100"));
        throttleOnceWithRetryAfter("2");
        legacy.send(Queues.SEND, "{\"recipient_id\":\"77\",\"message\":\"after the pause\"}");

        await().atMost(Duration.ofSeconds(30)).until(() -> gateway.sent().size() == 1);
        List<Long> arrivals = arrivalMillis();
        assertThat(arrivals).hasSize(2);
        assertThat(arrivals.get(1) - arrivals.get(0)).as("no call before Retry-After has passed").isBetween(2_000L, 10_000L);
        assertThat(gateway.sent()).singleElement().satisfies(sent -> assertThat(sent.path("attempts").asInt()).isEqualTo(2));
        assertThat(gateway.failed()).isEmpty();
    }

    @Test
    void aRetryAfterLongerThanTheLongestPauseIsCapped() throws Exception {
        start(Map.of("gateway.pacing.max-pause-ms", "2000", "gateway.pacing.rate-limit-pause-ms", "100"));
        throttleOnceWithRetryAfter("3600");
        legacy.send(Queues.SEND, "{\"recipient_id\":\"78\",\"message\":\"within the cap\"}");

        await().atMost(Duration.ofSeconds(30)).until(() -> gateway.sent().size() == 1);
        List<Long> arrivals = arrivalMillis();
        assertThat(arrivals).hasSize(2);
        assertThat(arrivals.get(1) - arrivals.get(0)).isBetween(2_000L, 10_000L);
        assertThat(gateway.failed()).isEmpty();
    }

    /** Meta answers the first call 429 with Retry-After (and no usage headers of its own), then sends. */
    private void throttleOnceWithRetryAfter(String retryAfter) {
        meta.server().resetAll();
        meta.server().stubFor(post(urlPathEqualTo(GraphStub.PATH)).inScenario("429").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse().withStatus(429).withHeader("Retry-After", retryAfter).withBody("Too Many Requests"))
                .willSetStateTo("open"));
        meta.server().stubFor(post(urlPathEqualTo(GraphStub.PATH)).inScenario("429").whenScenarioStateIs("open")
                .willReturn(GraphStub.success()));
    }

    @Test
    void aMinuteLongOutageFailsNothingCallsMetaRarelyAndDeliversEverythingAfter() throws Exception {
        // four consumers: the calls already under way when the breaker opens still reach Meta, so the count below
        // is four plus the probes (with the default, one consumer per message here, it would be all twenty)
        start(Map.of("gateway.breaker.failure-threshold", "3", "gateway.breaker.open-ms", "5000",
                "gateway.breaker.max-open-ms", "10000", "gateway.retry.max-attempts", "3", "gateway.jms.consumers", "4"));
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

    private static String video(int i) {
        return "{\"recipient_id\":\"" + (500 + i) + "\",\"message\":{\"attachment\":{\"type\":\"video\","
                + "\"payload\":{\"url\":\"https://example.com/v/" + i + ".mp4\"}}}}";
    }

    private static String privateReply(int i) {
        return "{\"comment_id\":\"" + (17858893269000000L + i) + "\",\"message\":\"Thanks for comment " + i + "\"}";
    }

    private static boolean isVideo(LoggedRequest call) {
        return form(call).getOrDefault("message", "").contains("\"video\"");
    }

    private static boolean isPrivateReply(LoggedRequest call) {
        return form(call).get("recipient").contains("comment_id");
    }

    private List<Long> arrivalMillis(Predicate<LoggedRequest> which) {
        return meta.sends().stream().filter(which).map(LoggedRequest::getLoggedDate).map(java.util.Date::getTime).sorted().toList();
    }

    /** Any {@code limit + 1} consecutive arrivals span at least a second (minus the stub's millisecond rounding). */
    private static void assertAtMostPerSecond(List<Long> arrivals, int limit) {
        for (int i = limit; i < arrivals.size(); i++) {
            assertThat(arrivals.get(i) - arrivals.get(i - limit)).as("calls %d..%d", i - limit, i).isGreaterThanOrEqualTo(998);
        }
    }

    @Test
    void videoGoesAtTenPerSecondWhileTextForTheSameAccountKeepsItsOwnPace() throws Exception {
        start(Map.of("ig.max-sends-per-second", "50", "gateway.jms.consumers", "16"));
        // one send first, so that the HTTP client's cold start does not bunch the next calls together
        legacy.send(Queues.SEND, "{\"recipient_id\":\"99\",\"message\":\"warm up\"}");
        gateway.awaitOutcomes(1);
        for (int i = 0; i < 30; i++) {
            legacy.send(Queues.SEND, video(i));
        }
        // texts from sixteen callers at once while the videos are on their way
        GatewayHttp http = gateway.http();
        List<Future<HttpResponse<String>>> texts = new ArrayList<>();
        try (ExecutorService callers = Executors.newFixedThreadPool(16)) {
            for (int i = 0; i < 48; i++) {
                String body = "{\"recipient_id\":\"" + (700 + i) + "\",\"message\":\"text " + i + "\"}";
                texts.add(callers.submit(() -> http.post("/messages", body)));
            }
        }
        for (Future<HttpResponse<String>> text : texts) {
            assertThat(text.get().statusCode()).isEqualTo(200);
        }

        await().atMost(Duration.ofSeconds(60)).until(() -> gateway.sent().size() == 1 + 30 + 48);
        List<Long> videos = arrivalMillis(PacingTest::isVideo);
        List<Long> textArrivals = arrivalMillis(call -> !isVideo(call));
        assertThat(videos).hasSize(30);
        assertAtMostPerSecond(videos, 10);
        assertThat(videos.get(29) - videos.get(0)).as("30 videos at 10/s").isGreaterThanOrEqualTo(1_998);
        // the texts are not held to the videos' limit: more than 10 of them reached Meta within one second
        boolean fasterThanVideo = false;
        for (int i = 10; i < textArrivals.size(); i++) {
            fasterThanVideo |= textArrivals.get(i) - textArrivals.get(i - 10) < 1_000;
        }
        assertThat(fasterThanVideo).as("texts faster than 10/s: %s", textArrivals).isTrue();
        // and everything together stays inside the account's pace
        assertAtMostPerSecond(arrivalMillis(), 50);
        assertThat(gateway.failed()).isEmpty();
    }

    @Test
    void privateRepliesAreCappedPerHourWhileOtherKindsGoOn() throws Exception {
        start(Map.of("ig.max-private-replies-per-hour", "3", "gateway.jms.consumers", "8"));
        for (int i = 0; i < 5; i++) {
            legacy.send(Queues.SEND, privateReply(i));
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> arrivalMillis(PacingTest::isPrivateReply).size() == 3);
        for (int i = 0; i < 3; i++) {
            legacy.send(Queues.SEND, "{\"recipient_id\":\"" + (800 + i) + "\",\"message\":\"still flowing " + i + "\"}");
        }

        await().atMost(Duration.ofSeconds(30)).until(() -> gateway.sent().size() == 3 + 3);
        // a caller that waits for its answer is told at once instead of waiting for the hour to pass
        HttpResponse<String> refused = gateway.http().post("/messages", privateReply(9));
        assertThat(refused.statusCode()).isEqualTo(503);
        assertThat(refused.body()).contains("private replies at most 3 per hour");

        assertThat(arrivalMillis(PacingTest::isPrivateReply)).hasSize(3);
        // the two queued beyond the cap wait for their hour: neither sent nor failed
        assertThat(gateway.failed()).extracting(r -> r.path("source").asText()).containsExactly("http");
        assertThat(gateway.sent()).hasSize(6);
    }
}
