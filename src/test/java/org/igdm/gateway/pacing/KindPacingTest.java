package org.igdm.gateway.pacing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.igdm.gateway.support.GraphStub.form;

import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Predicate;
import org.igdm.gateway.broker.Queues;
import org.igdm.gateway.support.GatewayHttp;
import org.igdm.gateway.support.GraphStub;
import org.igdm.gateway.support.LegacyJmsClient;
import org.igdm.gateway.support.RunningGateway;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Meta's per-kind limits for one account, measured where Meta would see them: the arrival times at the stub. */
class KindPacingTest {

    @TempDir
    Path home;
    GraphStub meta;
    RunningGateway gateway;
    LegacyJmsClient legacy;

    private void start(Map<String, String> overrides) throws Exception {
        meta = new GraphStub();
        Map<String, String> settings = RunningGateway.defaults(home, meta.url());
        settings.putAll(overrides);
        gateway = RunningGateway.start(home, settings);
        legacy = new LegacyJmsClient(Integer.parseInt(settings.get("gateway.jms.port")));
    }

    @AfterEach
    void stop() throws Exception {
        legacy.close();
        gateway.close();
        meta.close();
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
        List<Long> videos = arrivalMillis(KindPacingTest::isVideo);
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
        assertAtMostPerSecond(arrivalMillis(call -> true), 50);
        assertThat(gateway.failed()).isEmpty();
    }

    @Test
    void privateRepliesAreCappedPerHourWhileOtherKindsGoOn() throws Exception {
        start(Map.of("ig.max-private-replies-per-hour", "3", "gateway.jms.consumers", "8"));
        for (int i = 0; i < 5; i++) {
            legacy.send(Queues.SEND, privateReply(i));
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> arrivalMillis(KindPacingTest::isPrivateReply).size() == 3);
        for (int i = 0; i < 3; i++) {
            legacy.send(Queues.SEND, "{\"recipient_id\":\"" + (800 + i) + "\",\"message\":\"still flowing " + i + "\"}");
        }

        await().atMost(Duration.ofSeconds(30)).until(() -> gateway.sent().size() == 3 + 3);
        // a caller that waits for its answer is told at once instead of waiting for the hour to pass
        HttpResponse<String> refused = gateway.http().post("/messages", privateReply(9));
        assertThat(refused.statusCode()).isEqualTo(503);
        assertThat(refused.body()).contains("private replies at most 3 per hour");

        assertThat(arrivalMillis(KindPacingTest::isPrivateReply)).hasSize(3);
        // the two queued beyond the cap wait for their hour: neither sent nor failed
        assertThat(gateway.failed()).extracting(r -> r.path("source").asText()).containsExactly("http");
        assertThat(gateway.sent()).hasSize(6);
    }
}
