package org.igdm.gateway.delivery;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.igdm.gateway.support.GraphStub.error;
import static org.igdm.gateway.support.GraphStub.form;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.apache.camel.BeanInject;
import org.apache.camel.Exchange;
import org.apache.camel.main.MainConfigurationProperties;
import org.apache.camel.test.main.junit5.CamelMainTest;
import org.apache.camel.test.main.junit5.Configure;
import org.igdm.gateway.pacing.AccountGate;
import org.igdm.gateway.pacing.AccountGates;
import org.igdm.gateway.request.SendRequest;
import org.igdm.gateway.support.GatewayFixture;
import org.igdm.gateway.support.GraphStub;
import org.igdm.gateway.support.MetaConversations;
import org.igdm.gateway.support.RunningGateway;
import org.igdm.gateway.support.TestLog;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The delivery core in the running application: what Meta receives, and what each outcome leaves in the sinks. */
@CamelMainTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DeliveryRouteTest {

    @RegisterExtension
    static final GatewayFixture app = GatewayFixture.forCamelMainTest(settings -> {
        settings.put("gateway.retry.max-attempts", "3");
        // these tests count each message's own retries; the breaker, which trips across messages, has PacingTest
        settings.put("gateway.breaker.failure-threshold", "1000");
        settings.put("gateway.pacing.rate-limit-pause-ms", "500");
        settings.put("gateway.graph.read-back-settle-ms", "50");
    });

    @BeanInject
    AccountGates gates;
    GraphStub meta;
    RunningGateway gateway;
    /** Where the log stood when the test began: its own lines come after. */
    long logMark;

    @Configure
    void settings(MainConfigurationProperties main) {
        app.configure(main);
    }

    @BeforeEach
    void accountNotPaused() {
        AccountGate gate = gate();
        await().atMost(Duration.ofSeconds(5)).until(() -> !gate.paused());
        meta = app.meta();
        gateway = app.gateway();
        logMark = TestLog.mark();
    }

    private AccountGate gate() {
        return gates.of("default");
    }

    private Exchange deliver(Object request) {
        return gateway.producer().request(DeliveryRoutes.DELIVER, exchange -> exchange.getMessage().setBody(request));
    }

    @Test
    void sendsTheExactFormBodyMetaExpects() {
        Exchange done = deliver("{\"recipient_id\":\"1234567890\",\"message\":\"Hello, world\"}");

        assertThat(meta.sends()).hasSize(1);
        LoggedRequest call = meta.sends().get(0);
        assertThat(call.getBodyAsString()).isEqualTo(
                "recipient=%7B%22id%22%3A%221234567890%22%7D"
                        + "&message=%7B%22text%22%3A%22Hello%2C+world%22%7D"
                        + "&messaging_type=RESPONSE"
                        + "&access_token=" + RunningGateway.TOKEN);
        assertThat(call.getHeader("Content-Type")).startsWith("application/x-www-form-urlencoded");
        assertThat(call.getUrl()).isEqualTo(GraphStub.PATH).doesNotContain(RunningGateway.TOKEN);

        assertThat(done.getMessage().getHeader(DeliveryKeys.OUTCOME)).isEqualTo("sent");
        JsonNode sent = gateway.sent().get(0);
        assertThat(sent.path("status").asText()).isEqualTo("sent");
        assertThat(sent.path("recipient_id").asText()).isEqualTo("1234567890");
        assertThat(sent.path("message_id").asText()).startsWith("mid.");
        assertThat(sent.path("attempts").asInt()).isEqualTo(1);
        assertThat(sent.path("sent_at").asText()).isNotEmpty();
        assertThat(sent.path("rate_limit").path("app").path("call_count").asInt()).isEqualTo(28);
        assertThat(sent.path("rate_limit").path("business_use_case").path("1234").get(0).path("type").asText())
                .isEqualTo("instagram");
        assertThat(gateway.failed()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "plain ASCII text",
        "emoji 😀👍🏽 and ünïcödé",
        "she said \"hi\" and 'bye'",
        "line one\nline two\r\nline three\ttabbed",
        "a & b = c % d + e",
        "%26%3D already-encoded looking text +++",
        "backslash \\ and slash / and json {\"x\":1}"
    })
    void tricky_text_arrives_intact(String text) throws Exception {
        deliver(SendRequest.text("42", text));

        LoggedRequest call = meta.sends().get(0);
        Map<String, String> fields = form(call);
        assertThat(fields.keySet()).containsExactly("recipient", "message", "messaging_type", "access_token");
        assertThat(fields.get("recipient")).isEqualTo("{\"id\":\"42\"}");
        JsonNode message = org.igdm.gateway.Json.MAPPER.readTree(fields.get("message"));
        assertThat(message.size()).isEqualTo(1);
        assertThat(message.path("text").asText()).isEqualTo(text);
        assertThat(fields.get("messaging_type")).isEqualTo("RESPONSE");
        // nothing in the raw body is left unencoded that would split or end a field
        assertThat(call.getBodyAsString().split("&")).hasSize(4);
    }

    @Test
    void humanAgentTagSendsMessageTag() {
        deliver("{\"recipient_id\":\"42\",\"message\":\"An agent here\",\"tag\":\"HUMAN_AGENT\"}");

        assertThat(meta.sends().get(0).getBodyAsString()).isEqualTo(
                "recipient=%7B%22id%22%3A%2242%22%7D&message=%7B%22text%22%3A%22An+agent+here%22%7D"
                        + "&messaging_type=MESSAGE_TAG&tag=HUMAN_AGENT&access_token=" + RunningGateway.TOKEN);
    }

    @Test
    void aTransientErrorThenSuccessIsOneSentRecordWithTwoAttempts() {
        meta.server().stubFor(post(urlPathEqualTo(GraphStub.PATH)).inScenario("flaky")
                .whenScenarioStateIs(Scenario.STARTED)
                .willReturn(error(500, 2, null, "Service temporarily unavailable"))
                .willSetStateTo("recovered"));
        meta.server().stubFor(post(urlPathEqualTo(GraphStub.PATH)).inScenario("flaky")
                .whenScenarioStateIs("recovered").willReturn(GraphStub.success()));

        deliver("{\"recipient_id\":\"42\",\"message\":\"retry me\",\"idempotency_key\":\"k-1\"}");

        assertThat(meta.sends()).hasSize(2);
        assertThat(gateway.failed()).isEmpty();
        assertThat(gateway.sent()).singleElement().satisfies(sent -> {
            assertThat(sent.path("attempts").asInt()).isEqualTo(2);
            assertThat(sent.path("idempotency_key").asText()).isEqualTo("k-1");
        });
    }

    private void connectionBreaksOnce() {
        meta.server().stubFor(post(urlPathEqualTo(GraphStub.PATH)).inScenario("breaks once").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)).willSetStateTo("answered"));
        meta.server().stubFor(post(urlPathEqualTo(GraphStub.PATH)).inScenario("breaks once").whenScenarioStateIs("answered")
                .willReturn(GraphStub.success()));
    }

    /** The account's message in its conversation with the user, as Meta shows it once it took the send. */
    private static ObjectNode fromTheAccount(String messageId, Instant created, String userId, String text) {
        return MetaConversations.message(messageId, created, RunningGateway.USER_ID, userId, text);
    }

    @Test
    void aBrokenCallWhoseMessageTheConversationHoldsIsSentAndNotSentAgain() {
        connectionBreaksOnce();
        MetaConversations.thread(meta.server(), "", true, RunningGateway.USER_ID, RunningGateway.TOKEN, "42",
                MetaConversations.message("mid.answer", Instant.now().plusSeconds(1), "42", RunningGateway.USER_ID, "did it arrive?"),
                fromTheAccount("mid.arrived", Instant.now(), "42", "did it arrive?"),
                fromTheAccount("mid.older", Instant.now().minusSeconds(60), "42", "an earlier message"));

        Exchange done = deliver("{\"recipient_id\":\"42\",\"message\":\"did it arrive?\"}");

        assertThat(meta.sends()).hasSize(1);
        MetaConversations.assertReadBack(meta.server(), "", true, RunningGateway.USER_ID, RunningGateway.TOKEN, "42");
        assertThat(done.getMessage().getHeader(DeliveryKeys.OUTCOME)).isEqualTo("sent");
        assertThat(gateway.sent()).singleElement().satisfies(sent -> {
            assertThat(sent.path("message_id").asText()).isEqualTo("mid.arrived");
            assertThat(sent.path("confirmed_by").asText()).isEqualTo("conversation");
            assertThat(sent.path("attempts").asInt()).isEqualTo(1);
        });
        assertThat(gateway.failed()).isEmpty();
        assertThat(TestLog.since(logMark)).contains("the conversation holds the message as mid.arrived: recorded as sent, not sent again");
    }

    @Test
    void aBrokenCallWhoseMessageTheConversationLacksIsSentOnceMore() {
        connectionBreaksOnce();
        // the same text sent a minute ago is an earlier message, not this one
        MetaConversations.thread(meta.server(), "", true, RunningGateway.USER_ID, RunningGateway.TOKEN, "42",
                fromTheAccount("mid.yesterday", Instant.now().minusSeconds(60), "42", "see you"));

        Exchange done = deliver("{\"recipient_id\":\"42\",\"message\":\"see you\"}");

        assertThat(meta.sends()).hasSize(2);
        assertThat(meta.sends()).extracting(GraphStub::form).containsOnly(GraphStub.textForm("42", "see you"));
        assertThat(MetaConversations.reads(meta.server())).hasSize(2);
        assertThat(done.getMessage().getHeader(DeliveryKeys.OUTCOME)).isEqualTo("sent");
        assertThat(gateway.sent()).singleElement().satisfies(sent -> {
            assertThat(sent.path("message_id").asText()).startsWith("mid.").isNotEqualTo("mid.yesterday");
            assertThat(sent.has("confirmed_by")).isFalse();
            assertThat(sent.path("attempts").asInt()).isEqualTo(2);
        });
        assertThat(gateway.failed()).isEmpty();
        assertThat(TestLog.since(logMark)).contains("the conversation does not hold the message: sending it again");
    }

    @Test
    void theSameTextTheGatewayJustSentIsNotTakenForTheBrokenCallsMessage() {
        deliver("{\"recipient_id\":\"46\",\"message\":\"thanks!\"}");
        String first = gateway.sent().get(0).path("message_id").asText();
        // the conversation shows that first message, as new as the broken call, with the same text
        MetaConversations.thread(meta.server(), "", true, RunningGateway.USER_ID, RunningGateway.TOKEN, "46",
                fromTheAccount(first, Instant.now(), "46", "thanks!"));
        connectionBreaksOnce();

        deliver("{\"recipient_id\":\"46\",\"message\":\"thanks!\"}");

        assertThat(meta.sends()).hasSize(3);
        assertThat(MetaConversations.reads(meta.server())).hasSize(2);
        assertThat(gateway.sent()).hasSize(2).last().satisfies(sent -> {
            assertThat(sent.path("message_id").asText()).startsWith("mid.").isNotEqualTo(first);
            assertThat(sent.has("confirmed_by")).isFalse();
            assertThat(sent.path("attempts").asInt()).isEqualTo(2);
        });
        assertThat(gateway.failed()).isEmpty();
    }

    @Test
    void aUserWithoutAConversationDidNotGetTheMessageAndRepeatedBreaksEndExhausted() {
        // every call breaks, and the account has no conversation with the user: each break is read back, and sent
        // again while the attempts last (3 here)
        meta.server().stubFor(post(urlPathEqualTo(GraphStub.PATH)).willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)));
        MetaConversations.thread(meta.server(), "", true, RunningGateway.USER_ID, RunningGateway.TOKEN, "43");

        deliver("{\"recipient_id\":\"43\",\"message\":\"anyone?\"}");

        assertThat(meta.sends()).hasSize(3);
        // no conversation: one read each time
        assertThat(MetaConversations.reads(meta.server())).hasSize(3);
        assertThat(gateway.sent()).isEmpty();
        assertThat(gateway.failed()).singleElement().satisfies(failed -> {
            assertThat(failed.path("error").path("category").asText()).isEqualTo("exhausted");
            assertThat(failed.path("attempts").asInt()).isEqualTo(3);
            assertThat(failed.path("error").path("message").asText()).startsWith("gave up after 3 attempts; the last: the connection failed")
                    .endsWith("the conversation, read back, does not hold the message: Meta did not deliver it");
        });
    }

    @Test
    void aBrokenCallWhoseConversationCannotBeReadIsNotSentAgainAndItsRecordSaysWhy() {
        meta.server().stubFor(post(urlPathEqualTo(GraphStub.PATH)).willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)));
        meta.server().stubFor(get(urlPathEqualTo("/v25.0/" + RunningGateway.USER_ID + "/conversations"))
                .willReturn(error(403, 200, null, "Requires instagram_manage_messages permission")));

        Exchange done = deliver("{\"recipient_id\":\"42\",\"message\":\"nobody home\"}");

        assertThat(meta.sends()).hasSize(1);
        assertThat(MetaConversations.reads(meta.server())).hasSize(1);
        assertThat(done.getMessage().getHeader(DeliveryKeys.FAILURE_CATEGORY)).isEqualTo("exhausted");
        JsonNode failed = gateway.failed().get(0);
        assertThat(failed.path("error").path("category").asText()).isEqualTo("exhausted");
        assertThat(failed.path("error").path("message").asText())
                .startsWith("the connection failed while Meta had the request")
                .contains("Meta may have delivered the message. It was not sent again, because reading the conversation back failed:"
                        + " Graph API code 200 (HTTP 403): Requires instagram_manage_messages permission");
        assertThat(failed.path("attempts").asInt()).isEqualTo(1);
        assertThat(failed.path("message").asText()).isEqualTo("nobody home");
        assertThat(gateway.sent()).isEmpty();
        assertThat(failed.toString()).doesNotContain(RunningGateway.TOKEN);
    }

    @Test
    void aBrokenCallWhoseConversationHoldsALikeMessageWithoutAReadableTimeIsNotSentAgain() {
        connectionBreaksOnce();
        ObjectNode timeless = fromTheAccount("mid.timeless", Instant.now(), "42", "is this you?");
        timeless.put("created_time", "yesterday evening");
        // an older message with the same text and a readable time is not the call's: it settles nothing
        MetaConversations.thread(meta.server(), "", true, RunningGateway.USER_ID, RunningGateway.TOKEN, "42",
                timeless, fromTheAccount("mid.older", Instant.now().minusSeconds(60), "42", "is this you?"));

        Exchange done = deliver("{\"recipient_id\":\"42\",\"message\":\"is this you?\"}");

        assertThat(meta.sends()).hasSize(1);
        MetaConversations.assertReadBack(meta.server(), "", true, RunningGateway.USER_ID, RunningGateway.TOKEN, "42");
        assertThat(done.getMessage().getHeader(DeliveryKeys.FAILURE_CATEGORY)).isEqualTo("exhausted");
        assertThat(gateway.sent()).isEmpty();
        assertThat(gateway.failed()).singleElement().satisfies(failed -> {
            assertThat(failed.path("error").path("category").asText()).isEqualTo("exhausted");
            assertThat(failed.path("error").path("message").asText()).contains("It was not sent again, because the conversation"
                    + " holds a message like it whose time (created_time) the gateway cannot read");
            assertThat(failed.path("attempts").asInt()).isEqualTo(1);
        });
    }

    @Test
    void aBrokenPrivateReplyCannotBeReadBackAndIsNotSentAgain() {
        meta.server().stubFor(post(urlPathEqualTo(GraphStub.PATH)).willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)));

        deliver("{\"comment_id\":\"1790000000000077\",\"message\":\"thanks for your comment\"}");

        assertThat(meta.sends()).hasSize(1);
        assertThat(MetaConversations.reads(meta.server())).isEmpty();
        assertThat(gateway.sent()).isEmpty();
        assertThat(gateway.failed()).singleElement().satisfies(failed -> {
            assertThat(failed.path("error").path("category").asText()).isEqualTo("exhausted");
            assertThat(failed.path("error").path("message").asText()).contains("It was not sent again, because a private reply goes to"
                    + " a comment's author, whose conversation the gateway cannot look up");
        });
    }

    @Test
    void aBrokenImageIsFoundByItsAttachmentAndAReactionCannotBeReadBack() {
        meta.server().stubFor(post(urlPathEqualTo(GraphStub.PATH)).willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)));
        ObjectNode video = fromTheAccount("mid.video", Instant.now(), "44", "");
        video.putObject("attachments").putArray("data").addObject().putObject("video_data").put("url", "https://cdn.example/v.mp4");
        ObjectNode image = fromTheAccount("mid.image", Instant.now(), "44", "");
        image.putObject("attachments").putArray("data").addObject().putObject("image_data").put("url", "https://cdn.example/i.png");
        MetaConversations.thread(meta.server(), "", true, RunningGateway.USER_ID, RunningGateway.TOKEN, "44",
                video, fromTheAccount("mid.text", Instant.now(), "44", "a caption"), image);

        deliver("{\"recipient_id\":\"44\",\"message\":{\"attachment\":{\"type\":\"image\",\"payload\":{\"url\":\"https://example.com/i.png\"}}}}");
        deliver("{\"recipient_id\":\"44\",\"sender_action\":\"react\",\"payload\":{\"message_id\":\"mid.user\",\"reaction\":\"love\"}}");

        assertThat(meta.sends()).hasSize(2);
        assertThat(MetaConversations.reads(meta.server())).hasSize(2);
        assertThat(gateway.sent()).singleElement().satisfies(sent -> {
            assertThat(sent.path("kind").asText()).isEqualTo("image");
            assertThat(sent.path("message_id").asText()).isEqualTo("mid.image");
        });
        assertThat(gateway.failed()).singleElement().satisfies(failed -> {
            assertThat(failed.path("kind").asText()).isEqualTo("reaction");
            assertThat(failed.path("error").path("message").asText())
                    .contains("It was not sent again, because the conversation does not show a reaction as it was sent");
        });
    }

    @Test
    void readingBackIsPacedAtMetasTwoReadsASecondForTheAccount() throws Exception {
        List<String> users = List.of("51", "52", "53");
        meta.server().stubFor(post(urlPathEqualTo(GraphStub.PATH)).willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)));
        for (String user : users) {
            MetaConversations.thread(meta.server(), "", true, RunningGateway.USER_ID, RunningGateway.TOKEN, user,
                    fromTheAccount("mid.to" + user, Instant.now(), user, "hello " + user));
        }

        try (ExecutorService callers = Executors.newVirtualThreadPerTaskExecutor()) {
            for (String user : users) {
                callers.submit(() -> deliver("{\"recipient_id\":\"" + user + "\",\"message\":\"hello " + user + "\"}"));
            }
        }

        assertThat(gateway.sent()).extracting(sent -> sent.path("message_id").asText())
                .containsExactlyInAnyOrder("mid.to51", "mid.to52", "mid.to53");
        assertThat(meta.sends()).hasSize(3);
        List<LoggedRequest> reads = MetaConversations.reads(meta.server());
        assertThat(reads).hasSize(6);
        // a read holds its place until a second after it ended: any third read came more than a second after the first
        for (int i = 0; i + 2 < reads.size(); i++) {
            assertThat(reads.get(i + 2).getLoggedDate().getTime() - reads.get(i).getLoggedDate().getTime())
                    .as("reads %d and %d", i, i + 2).isGreaterThanOrEqualTo(1000);
        }
    }

    @Test
    void fiveHundredsWithoutAnEnvelopeAreRetriedUntilExhausted() {
        meta.server().stubFor(post(urlPathEqualTo(GraphStub.PATH)).willReturn(aResponse().withStatus(503).withBody("<html>down</html>")));

        deliver("{\"recipient_id\":\"42\",\"message\":\"outage\"}");

        assertThat(meta.sends()).hasSize(3);
        JsonNode failed = gateway.failed().get(0);
        assertThat(failed.path("error").path("category").asText()).isEqualTo("exhausted");
        assertThat(failed.path("error").path("http_status").asInt()).isEqualTo(503);
    }

    @Test
    void aRateLimitPausesTheAccountAndACallerThatWaitsItselfIsToldPromptly() {
        meta.server().stubFor(post(urlPathEqualTo(GraphStub.PATH))
                .willReturn(error(400, 613, 2534040, "Calls to this api have exceeded the rate limit.")));

        Exchange done = deliver("{\"recipient_id\":\"42\",\"message\":\"slow down\"}");

        // one call: every later attempt finds the account paused and does not call Meta again
        assertThat(meta.sends()).hasSize(1);
        assertThat(done.getMessage().getHeader(DeliveryKeys.FAILURE_CATEGORY)).isEqualTo("exhausted");
        JsonNode failed = gateway.failed().get(0);
        assertThat(failed.path("attempts").asInt()).isEqualTo(1);
        assertThat(failed.path("error").path("message").asText()).contains("gave up after", "sending is paused for this account");
    }

    @Test
    void aPermanentRefusalGoesStraightToTheFailedSink() {
        meta.server().stubFor(post(urlPathEqualTo(GraphStub.PATH))
                .willReturn(error(400, 10, 2534022, "This message is sent outside of allowed window.")));

        Exchange done = deliver("{\"recipient_id\":\"42\",\"message\":\"too late\",\"idempotency_key\":\"late-1\"}");

        assertThat(meta.sends()).hasSize(1);
        assertThat(done.getMessage().getHeader(DeliveryKeys.OUTCOME)).isEqualTo("failed");
        JsonNode failed = gateway.failed().get(0);
        assertThat(failed.path("source").asText()).isEqualTo("direct");
        assertThat(failed.path("recipient_id").asText()).isEqualTo("42");
        assertThat(failed.path("idempotency_key").asText()).isEqualTo("late-1");
        assertThat(failed.path("attempts").asInt()).isEqualTo(1);
        assertThat(failed.path("failed_at").asText()).isNotEmpty();
        JsonNode error = failed.path("error");
        assertThat(error.path("category").asText()).isEqualTo("rejected");
        assertThat(error.path("code").asInt()).isEqualTo(10);
        assertThat(error.path("subcode").asInt()).isEqualTo(2534022);
        assertThat(error.path("fbtrace_id").asText()).isEqualTo("AbCdEfGh123");
        assertThat(error.path("http_status").asInt()).isEqualTo(400);
        assertThat(error.path("message").asText()).contains("outside of allowed window");
        assertThat(gateway.sent()).isEmpty();
    }

    @Test
    void anInvalidTokenIsRejectedAndRaisesAnAlarm() throws Exception {
        meta.server().stubFor(post(urlPathEqualTo(GraphStub.PATH))
                .willReturn(error(400, 190, 463, "Error validating access token: Session has expired.")));

        deliver("{\"recipient_id\":\"42\",\"message\":\"hello\"}");

        assertThat(meta.sends()).hasSize(1);
        assertThat(gateway.failed().get(0).path("error").path("code").asInt()).isEqualTo(190);
        assertThat(TestLog.since(logMark)).contains("ALARM: Meta refused the access token of account default (code 190)");
        // the account is suspended: the next send is not made with the refused token
        try {
            assertThat(gate().suspended()).isTrue();
            deliver("{\"recipient_id\":\"43\",\"message\":\"hello again\"}");
            assertThat(meta.sends()).hasSize(1);
            assertThat(gateway.failed().get(1).path("error").path("message").asText()).contains("account default is suspended");
        } finally {
            // as a new token in its token file would
            gate().resume();
        }
    }

    @Test
    void invalidRequestsAreRecordedWithTheirReasonAndNeverSent() {
        deliver("{\"recipient_id\":\"abc\",\"message\":\"" + "é".repeat(600) + "\",\"tag\":\"CONFIRMED_EVENT_UPDATE\"}");
        deliver("{\"message\":\"\"}");
        deliver("not json at all");

        assertThat(meta.sends()).isEmpty();
        assertThat(gateway.sent()).isEmpty();
        var failed = gateway.failed();
        assertThat(failed).hasSize(3).allSatisfy(record -> {
            assertThat(record.path("error").path("category").asText()).isEqualTo("invalid");
            assertThat(record.path("attempts").asInt()).isZero();
        });
        assertThat(failed.get(0).path("error").path("message").asText()).contains(
                "recipient_id must be 1-64 digits, got 'abc'",
                "message is 1200 bytes in UTF-8; the limit is 1000",
                "tag must be HUMAN_AGENT or left out, got 'CONFIRMED_EVENT_UPDATE'");
        assertThat(failed.get(0).path("error").path("violations")).hasSize(3);
        assertThat(failed.get(1).path("error").path("message").asText())
                .contains("recipient_id is required", "message is required");
        assertThat(failed.get(2).path("error").path("message").asText()).contains("not valid JSON");
        assertThat(failed.get(2).path("input").asText()).isEqualTo("not json at all");
    }

    @Test
    void theTokenAppearsNowhereButTheFormBody() throws Exception {
        meta.server().stubFor(post(urlPathEqualTo(GraphStub.PATH)).willReturn(error(500, 1, null, "An unknown error occurred")));
        deliver("{\"recipient_id\":\"42\",\"message\":\"one\"}");
        meta.reset();
        deliver("{\"recipient_id\":\"42\",\"message\":\"two\"}");
        meta.server().stubFor(post(urlPathEqualTo(GraphStub.PATH)).willReturn(error(403, 200, null, "Permissions error")));
        deliver("{\"recipient_id\":\"42\",\"message\":\"three\"}");

        for (JsonNode record : gateway.sent()) {
            assertThat(record.toString()).doesNotContain(RunningGateway.TOKEN);
        }
        for (JsonNode record : gateway.failed()) {
            assertThat(record.toString()).doesNotContain(RunningGateway.TOKEN);
        }
        assertThat(gateway.sent()).hasSize(1);
        assertThat(gateway.failed()).hasSize(2);
        assertThat(TestLog.since(logMark)).doesNotContain(RunningGateway.TOKEN);
    }
}
