package org.igdm.gateway.window;

import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.igdm.gateway.support.GatewayHttp.json;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.igdm.gateway.support.GatewayFixture;
import org.igdm.gateway.support.GraphStub;
import org.igdm.gateway.support.MetaWebhooks;
import org.igdm.gateway.support.RunningGateway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The messaging window end to end with gateway.window.enforce: users write through signed webhooks, sends go
 * through POST /messages, and WireMock, standing in for Meta, shows what reached Meta and what did not.
 */
class WindowEnforcementTest {

    private static final AtomicInteger USERS = new AtomicInteger(7_000_000);

    @RegisterExtension
    static final GatewayFixture app = GatewayFixture.withSettings(WindowEnforcementTest::enforcing);

    private static void enforcing(Map<String, String> settings) {
        MetaWebhooks.enable(settings);
        settings.put("gateway.window.enforce", "true");
    }

    @Test
    void aUserWhoLastWroteMoreThan24HoursAgoIsRefusedWithoutACallToMeta() {
        String user = userWhoWrote(Duration.ofHours(30));

        HttpResponse<String> response = send(user, null);

        assertThat(response.statusCode()).isEqualTo(422);
        JsonNode failed = json(response);
        assertThat(failed.path("error").path("category").asText()).isEqualTo("rejected");
        assertThat(failed.path("error").path("message").asText()).contains("outside the messaging window")
                .contains("the user last wrote at " + lastWrote(user)).contains("not sent to Meta");
        assertThat(failed.path("attempts").asInt()).isZero();
        assertThat(app.gateway().failed()).singleElement().isEqualTo(failed);
        assertThat(app.meta().sends()).isEmpty();
        assertThat(app.http().get("/observe/metrics").body()).containsPattern("gateway_window_refused_total\\{instance=\"[^\"]+\"} [1-9]");
    }

    @Test
    void aUserTheGatewayNeverHeardFromIsLeftToMeta() {
        HttpResponse<String> response = send(newUser(), null);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(json(response).has("window_remaining_s")).isFalse();
        assertThat(app.meta().sends()).hasSize(1);
    }

    @Test
    void aReplyInsideTheWindowSaysHowMuchOfItWasLeft() {
        String user = userWhoWrote(Duration.ofHours(2));

        HttpResponse<String> response = send(user, null);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(json(response).path("window_remaining_s").asLong()).isBetween(Duration.ofHours(22).toSeconds() - 120, Duration.ofHours(22).toSeconds());
        assertThat(GraphStub.form(app.meta().sends().get(0))).containsEntry("messaging_type", "RESPONSE");
    }

    @Test
    void aHumanAgentReplyWithinSevenDaysIsSentWithTheTag() {
        String user = userWhoWrote(Duration.ofDays(3));

        HttpResponse<String> response = send(user, "HUMAN_AGENT");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(json(response).path("window_remaining_s").asLong()).isBetween(Duration.ofDays(4).toSeconds() - 120, Duration.ofDays(4).toSeconds());
        assertThat(GraphStub.form(app.meta().sends().get(0))).containsEntry("messaging_type", "MESSAGE_TAG").containsEntry("tag", "HUMAN_AGENT");
    }

    @Test
    void aHumanAgentReplyWithin24HoursGoesOutAsAResponse() {
        String user = userWhoWrote(Duration.ofHours(1));

        HttpResponse<String> response = send(user, "HUMAN_AGENT");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(GraphStub.form(app.meta().sends().get(0))).containsEntry("messaging_type", "RESPONSE").doesNotContainKey("tag");
    }

    @Test
    void aHumanAgentReplySentAsAResponseAndRepeatedWithItsKeyIsTheDuplicateNotAReusedKey() {
        String user = userWhoWrote(Duration.ofHours(2));
        String request = "{\"recipient_id\":\"" + user + "\",\"message\":\"Your parcel is on its way\",\"tag\":\"HUMAN_AGENT\","
                + "\"idempotency_key\":\"agent-reply-" + user + "\"}";

        HttpResponse<String> first = app.http().post("/messages", request);
        HttpResponse<String> again = app.http().post("/messages", request);

        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(GraphStub.form(app.meta().sends().get(0))).containsEntry("messaging_type", "RESPONSE");
        assertThat(again.statusCode()).as(again.body()).isEqualTo(200);
        assertThat(json(again).path("message_id").asText()).isEqualTo(json(first).path("message_id").asText());
        assertThat(app.meta().sends()).hasSize(1);
    }

    @Test
    void aHumanAgentReplyAfterSevenDaysIsRefusedWithoutACallToMeta() {
        String user = userWhoWrote(Duration.ofDays(8));

        HttpResponse<String> response = send(user, "HUMAN_AGENT");

        assertThat(response.statusCode()).isEqualTo(422);
        assertThat(json(response).path("error").path("message").asText()).contains("more than 7 days ago");
        assertThat(app.meta().sends()).isEmpty();
    }

    @Test
    void theAccountsOwnEchoDoesNotOpenTheWindow() {
        String user = userWhoWrote(Duration.ofHours(30));
        String echo = "{\"sender\":{\"id\":\"" + RunningGateway.USER_ID + "\"},\"recipient\":{\"id\":\"" + user + "\"},\"timestamp\":"
                + Instant.now().toEpochMilli() + ",\"message\":{\"mid\":\"mid.echo-" + user + "\",\"text\":\"we wrote\",\"is_echo\":true}}";
        MetaWebhooks.post(app.http(), MetaWebhooks.batch(echo));

        assertThat(send(user, null).statusCode()).isEqualTo(422);
        assertThat(app.meta().sends()).isEmpty();
    }

    @Test
    void metasWindowRefusalClosesTheWindowUntilTheUserWritesAgain() {
        String user = newUser();
        app.meta().server().stubFor(post(urlPathEqualTo(GraphStub.PATH)).willReturn(
                GraphStub.error(400, 10, 2534022, "This message is sent outside of allowed window.")));

        HttpResponse<String> refusedByMeta = send(user, null);
        HttpResponse<String> refusedLocally = send(user, null);

        assertThat(refusedByMeta.statusCode()).isEqualTo(422);
        assertThat(json(refusedByMeta).path("error").path("subcode").asInt()).isEqualTo(2534022);
        assertThat(refusedLocally.statusCode()).isEqualTo(422);
        assertThat(json(refusedLocally).path("error").path("message").asText()).contains("Meta refused a send to this user");
        assertThat(app.meta().sends()).hasSize(1);

        app.meta().reset();
        write(user, Instant.now());
        assertThat(send(user, null).statusCode()).isEqualTo(200);
        assertThat(app.meta().sends()).hasSize(1);
    }

    @Test
    void theWindowStoreSurvivesARestart() throws Exception {
        Path home = Files.createTempDirectory("ig-dm-gateway-window");
        try (GraphStub meta = new GraphStub()) {
            Map<String, String> settings = RunningGateway.defaults(home, meta.url());
            enforcing(settings);
            String closed = newUser();
            String open = newUser();
            try (RunningGateway gateway = RunningGateway.start(home, settings)) {
                MetaWebhooks.post(gateway.http(), MetaWebhooks.batch(
                        MetaWebhooks.message(closed, "mid.restart-" + closed, "old", Instant.now().minus(2, ChronoUnit.DAYS)),
                        MetaWebhooks.message(open, "mid.restart-" + open, "new", Instant.now().minus(1, ChronoUnit.HOURS))));
            }
            try (RunningGateway restarted = RunningGateway.start(home, settings)) {
                assertThat(restarted.http().post("/messages", request(closed, null)).statusCode()).isEqualTo(422);
                HttpResponse<String> sent = restarted.http().post("/messages", request(open, null));
                assertThat(sent.statusCode()).isEqualTo(200);
                assertThat(json(sent).path("window_remaining_s").asLong()).isPositive();
                assertThat(meta.sends()).singleElement().satisfies(call -> assertThat(GraphStub.form(call).get("recipient")).contains(open));
            }
        } finally {
            RunningGateway.deleteRecursively(home);
        }
    }

    private static String newUser() {
        return String.valueOf(USERS.incrementAndGet());
    }

    /** A new user whose last message, delivered by a signed webhook, is {@code ago} old. */
    private static String userWhoWrote(Duration ago) {
        String user = newUser();
        write(user, Instant.now().minus(ago));
        return user;
    }

    private static void write(String user, Instant at) {
        HttpResponse<String> response = MetaWebhooks.post(app.http(), MetaWebhooks.batch(
                MetaWebhooks.message(user, "mid." + user + "." + at.toEpochMilli(), "hello", at)));
        assertThat(response.statusCode()).isEqualTo(200);
    }

    /** When the user last wrote, as the received sink has it. */
    private static String lastWrote(String user) {
        return app.gateway().received().stream().filter(event -> event.path("sender_id").asText().equals(user))
                .map(event -> event.path("timestamp").asText()).reduce((first, last) -> last).orElseThrow();
    }

    private static HttpResponse<String> send(String user, String tag) {
        return app.http().post("/messages", request(user, tag));
    }

    private static String request(String user, String tag) {
        return "{\"recipient_id\":\"" + user + "\",\"message\":\"Your parcel is on its way\"" + (tag == null ? "" : ",\"tag\":\"" + tag + "\"") + "}";
    }
}
