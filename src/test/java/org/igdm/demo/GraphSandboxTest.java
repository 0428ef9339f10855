package org.igdm.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import org.igdm.gateway.Json;
import org.igdm.gateway.account.AccessToken;
import org.igdm.gateway.account.Account;
import org.igdm.gateway.account.Api;
import org.igdm.gateway.graph.ConversationMessage;
import org.igdm.gateway.graph.GraphClient;
import org.igdm.gateway.graph.GraphEndpoints;
import org.igdm.gateway.graph.GraphForm;
import org.igdm.gateway.graph.GraphResponses;
import org.igdm.gateway.graph.GraphSendResult;
import org.igdm.gateway.graph.OutcomeUnknownException;
import org.igdm.gateway.graph.RateLimitUsage;
import org.igdm.gateway.graph.RateLimitedException;
import org.igdm.gateway.graph.RejectedByGraphException;
import org.igdm.gateway.graph.SendApiBody;
import org.igdm.gateway.graph.TransientGraphException;
import org.igdm.gateway.request.RequestJson;
import org.igdm.gateway.request.SendRequest;
import org.igdm.gateway.support.KindExamples;
import org.igdm.gateway.support.RunningGateway;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The sandbox over HTTP, as the gateway's Graph client sees it: each answer is also read by the gateway's own
 * {@link GraphResponses}, so the sandbox is checked against the way the gateway understands Meta.
 */
class GraphSandboxTest {

    private static final AccessToken DEMO_TOKEN = new AccessToken(GraphSandbox.TOKEN);
    private static final String SEND_PATH = "/v25.0/" + GraphSandbox.USER_ID + "/messages";

    private final HttpClient http = HttpClient.newHttpClient();
    private GraphSandbox sandbox;

    /** The demo's two accounts: a Page on the Messenger Platform, and a professional account on the Instagram API. */
    private final Account page = new Account("default", GraphSandbox.USER_ID, Api.FACEBOOK, DEMO_TOKEN, 100, null);
    private final Account studio = new Account("studio", GraphSandbox.INSTAGRAM_USER_ID, Api.INSTAGRAM,
            new AccessToken(GraphSandbox.INSTAGRAM_TOKEN), 100, null);

    @BeforeEach
    void start() {
        sandbox = new GraphSandbox(RunningGateway.freePort());
        sandbox.start();
    }

    @AfterEach
    void stop() {
        sandbox.stop();
    }

    @Test
    void acceptsAWellFormedSendWithAMessageIdAndUsageHeaders() throws Exception {
        HttpResponse<String> answer = send(SEND_PATH, form("17841400000000101", "Hi", null, DEMO_TOKEN));

        assertThat(answer.statusCode()).isEqualTo(200);
        JsonNode body = Json.MAPPER.readTree(answer.body());
        assertThat(body.path("recipient_id").asText()).isEqualTo("17841400000000101");
        assertThat(body.path("message_id").asText()).startsWith("mid.").hasSizeGreaterThan(20);
        GraphSendResult result = read(answer);
        assertThat(result.usage().reported().path("app").path("call_count").asInt()).isBetween(1, 99);
        assertThat(result.usage().reported().path("business_use_case").path(GraphSandbox.USER_ID).get(0).path("type").asText())
                .isEqualTo("instagram");
        assertThat(send(SEND_PATH, form("1", "tagged", SendRequest.HUMAN_AGENT, DEMO_TOKEN)).statusCode()).isEqualTo(200);
    }

    @Test
    void refusesAMissingOrWrongTokenWithCode190() throws Exception {
        assertError(send(SEND_PATH, "recipient=%7B%22id%22%3A%221%22%7D&message=%7B%22text%22%3A%22x%22%7D&messaging_type=RESPONSE"),
                400, 190, null);
        assertError(send(SEND_PATH, form("1", "x", null, new AccessToken("EAAsomething"))), 400, 190, null);
        // a token in the URL is not read: the gateway never puts it there
        assertError(send(SEND_PATH + "?access_token=" + GraphSandbox.TOKEN,
                "recipient=%7B%22id%22%3A%221%22%7D&message=%7B%22text%22%3A%22x%22%7D&messaging_type=RESPONSE"), 400, 190, null);
        assertThatThrownBy(() -> read(send(SEND_PATH, form("1", "x", null, new AccessToken("wrong")))))
                .isInstanceOf(RejectedByGraphException.class).hasMessageContaining("190");
    }

    @Test
    void refusesAnotherAccountAndBadParametersWithCode100() throws Exception {
        assertError(send("/v25.0/17841499999999999/messages", form("1", "x", null, DEMO_TOKEN)), 400, 100, 33);
        assertError(send(SEND_PATH, form("ig-user-42", "x", null, DEMO_TOKEN)), 400, 100, null);
        assertError(send(SEND_PATH, form("1", "é".repeat(501), null, DEMO_TOKEN)), 400, 100, 2534015);
        assertError(send(SEND_PATH, form("1", "x", null, DEMO_TOKEN).replace("RESPONSE", "MESSAGE_TAG&tag=CONFIRMED_EVENT_UPDATE")),
                400, 100, null);
        assertError(send(SEND_PATH, form("1", "x", null, DEMO_TOKEN).replaceFirst("recipient=[^&]*", "recipient=1")), 400, 100, null);
        assertError(send(SEND_PATH, form("1", "x", null, DEMO_TOKEN).replace("RESPONSE", "MESSAGE_TAG")), 400, 100, null);
        assertError(send(SEND_PATH, "recipient=%zz"), 400, 100, null);
        assertError(send("/v25.0/" + GraphSandbox.USER_ID + "/conversations", form("1", "x", null, DEMO_TOKEN)), 404, 100, null);
        assertThatThrownBy(() -> read(send(SEND_PATH, form("1", "", null, DEMO_TOKEN))))
                .isInstanceOf(RejectedByGraphException.class);
    }

    @Test
    void refusesTheMagicRecipientsAsMetaDoes() throws Exception {
        for (int call = 0; call < 2; call++) {
            HttpResponse<String> window = send(SEND_PATH, form("17841402002534022", "x", null, DEMO_TOKEN));
            assertError(window, 400, 10, 2534022);
            assertThatThrownBy(() -> read(window)).isInstanceOf(RejectedByGraphException.class);
            HttpResponse<String> unavailable = send(SEND_PATH, form("17841400000000551", "x", null, DEMO_TOKEN));
            assertError(unavailable, 400, 551, 1545041);
            assertThatThrownBy(() -> read(unavailable)).isInstanceOf(RejectedByGraphException.class);
            HttpResponse<String> down = send(SEND_PATH, form("17841400000000500", "x", null, DEMO_TOKEN));
            assertError(down, 500, 2, null);
            assertThatThrownBy(() -> read(down)).isExactlyInstanceOf(TransientGraphException.class);
        }
    }

    @Test
    void rateLimitsTheMagicRecipientsOnceThenAccepts() throws Exception {
        HttpResponse<String> appLimit = send(SEND_PATH, form("17841400000000613", "x", null, DEMO_TOKEN));
        assertError(appLimit, 400, 613, null);
        assertThatThrownBy(() -> read(appLimit)).isInstanceOfSatisfying(RateLimitedException.class,
                limited -> assertThat(limited.usage().maxPercent()).isEqualTo(100));
        assertThat(send(SEND_PATH, form("17841400000000613", "x", null, DEMO_TOKEN)).statusCode()).isEqualTo(200);

        HttpResponse<String> businessLimit = send(SEND_PATH, form("17841400000080002", "x", null, DEMO_TOKEN));
        assertError(businessLimit, 400, 80002, null);
        assertThatThrownBy(() -> read(businessLimit)).isInstanceOfSatisfying(RateLimitedException.class,
                limited -> assertThat(limited.usage().regainAccess()).isEqualTo(Duration.ofMinutes(1)));
        assertThat(send(SEND_PATH, form("17841400000080002", "x", null, DEMO_TOKEN)).statusCode()).isEqualTo(200);
    }

    @ParameterizedTest
    @MethodSource("org.igdm.gateway.support.KindExamples#all")
    void answersEveryKindAsMetaDoes(KindExamples.Example example) throws Exception {
        HttpResponse<String> answer = send(SEND_PATH, GraphForm.encode(SendApiBody.of(RequestJson.parse(example.request())), DEMO_TOKEN));

        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        JsonNode body = Json.MAPPER.readTree(answer.body());
        assertThat(body.path("recipient_id").asText()).matches("[0-9]+");
        boolean senderAction = example.form().containsKey("sender_action");
        // a sender action is confirmed without a message id, as Meta does
        assertThat(body.has("message_id")).isEqualTo(!senderAction);
        assertThat(GraphResponses.interpret(200, answer.body(), RateLimitUsage.NONE, !senderAction)).isNotNull();
    }

    @Test
    void refusesMalformedKindsWithMetasCodes() throws Exception {
        String image = "recipient=" + enc("{\"id\":\"1\"}") + "&messaging_type=RESPONSE&access_token=" + GraphSandbox.TOKEN + "&message=";
        assertError(send(SEND_PATH, image + enc("{\"attachment\":{\"type\":\"image\",\"payload\":{\"url\":\"http://e.com/a.jpg\"}}}")),
                400, 100, 2534015);
        assertError(send(SEND_PATH, image + enc("{\"attachment\":{\"type\":\"hologram\"}}")), 400, 100, 2534015);
        assertError(send(SEND_PATH, image + enc("{\"text\":\"q\",\"quick_replies\":[{\"content_type\":\"text\",\"title\":\""
                + "x".repeat(21) + "\",\"payload\":\"p\"}]}")), 400, 100, 2534015);
        assertError(send(SEND_PATH, image + "not-json"), 400, 100, 2534015);
        String action = "recipient=" + enc("{\"id\":\"1\"}") + "&access_token=" + GraphSandbox.TOKEN + "&sender_action=";
        assertError(send(SEND_PATH, action + "wave"), 400, 100, null);
        assertError(send(SEND_PATH, action + "react"), 400, 100, null);
        assertError(send(SEND_PATH, "recipient=" + enc("{\"id\":\"1\",\"comment_id\":\"2\"}") + "&access_token=" + GraphSandbox.TOKEN
                + "&sender_action=typing_on"), 400, 100, null);
    }

    @Test
    void refusesASecondPrivateReplyToOneComment() throws Exception {
        String reply = GraphForm.encode(SendApiBody.of(RequestJson.parse("{\"comment_id\":\"17858893269000077\",\"message\":\"Thanks\"}")), DEMO_TOKEN);
        HttpResponse<String> first = send(SEND_PATH, reply);
        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(read(first).messageId()).startsWith("mid.");

        HttpResponse<String> second = send(SEND_PATH, reply);
        assertError(second, 400, 10900, null);
        assertThatThrownBy(() -> read(second)).isInstanceOf(RejectedByGraphException.class)
                .hasMessageContaining("Meta allows one per comment");
    }

    private static String enc(String value) {
        return java.net.URLEncoder.encode(value, java.nio.charset.StandardCharsets.UTF_8);
    }

    @Test
    void answersOtherMethodsAsMetaDoes() throws Exception {
        HttpResponse<String> get = http.send(HttpRequest.newBuilder(URI.create(sandbox.url() + SEND_PATH)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertError(get, 400, 100, null);
    }

    /** The gateway's own Graph client, pointed at the sandbox for both APIs. */
    private GraphClient graphClient() {
        return new GraphClient(new GraphEndpoints(sandbox.url(), sandbox.url(), "v25.0", Duration.ofSeconds(5), Duration.ofSeconds(10)));
    }

    @Test
    void playsBothApisForItsTwoAccountsEachWithItsOwnTokenInItsOwnPlace() {
        GraphClient client = graphClient();
        SendRequest hello = SendRequest.text("17841400000000101", "Hi");

        assertThat(client.send(page, hello, () -> { }).messageId()).startsWith("mid.");
        assertThat(client.send(studio, hello, () -> { }).messageId()).startsWith("mid.");
        // each token works only on its own API, as at Meta, and only for its own account
        assertThatThrownBy(() -> client.send(page.withToken(studio.token()), hello, () -> { }))
                .isInstanceOfSatisfying(RejectedByGraphException.class, e -> assertThat(e.error().code()).isEqualTo(190));
        assertThatThrownBy(() -> client.send(studio.withToken(page.token()), hello, () -> { }))
                .isInstanceOfSatisfying(RejectedByGraphException.class, e -> assertThat(e.error().code()).isEqualTo(190));
        Account otherId = new Account("studio", GraphSandbox.USER_ID, Api.INSTAGRAM, studio.token(), 100, null);
        assertThatThrownBy(() -> client.send(otherId, hello, () -> { }))
                .isInstanceOfSatisfying(RejectedByGraphException.class, e -> assertThat(e.error().code()).isEqualTo(100));
    }

    @Test
    void dropsTheConnectionOfItsMagicRecipientsAndShowsWhatItTookInTheConversations() {
        GraphClient client = graphClient();
        String delivered = "17841400000001408";
        String lost = "17841400000002408";

        assertThatThrownBy(() -> client.send(page, SendRequest.text(delivered, "arrived"), () -> { })).isInstanceOf(OutcomeUnknownException.class);
        assertThatThrownBy(() -> client.send(page, SendRequest.text(lost, "lost"), () -> { })).isInstanceOf(OutcomeUnknownException.class);
        String again = client.send(page, SendRequest.text(lost, "again"), () -> { }).messageId();
        String toStudio = client.send(studio, SendRequest.text("17841400000000777", "to studio"), () -> { }).messageId();

        String thread = client.conversationWith(page, delivered).orElseThrow();
        assertThat(client.messagesOf(page, thread)).singleElement().satisfies(message -> {
            assertThat(message.text()).isEqualTo("arrived");
            assertThat(message.fromId()).isEqualTo(GraphSandbox.USER_ID);
            assertThat(message.toIds()).containsExactly(delivered);
            assertThat(message.id()).startsWith("mid.");
            assertThat(message.createdTime()).isBetween(Instant.now().minusSeconds(10), Instant.now());
        });
        // the dropped call left nothing; the second call did
        assertThat(client.messagesOf(page, client.conversationWith(page, lost).orElseThrow()))
                .extracting(ConversationMessage::id, ConversationMessage::text).containsExactly(tuple(again, "again"));
        // each account sees its own conversations only
        assertThat(client.messagesOf(studio, client.conversationWith(studio, "17841400000000777").orElseThrow()))
                .extracting(ConversationMessage::id).containsExactly(toStudio);
        assertThat(client.conversationWith(studio, delivered)).isEmpty();
        assertThat(client.conversationWith(studio, lost)).isEmpty();
        assertThatThrownBy(() -> client.messagesOf(studio, thread))
                .isInstanceOfSatisfying(RejectedByGraphException.class, e -> assertThat(e.error().code()).isEqualTo(100));
    }

    private static String form(String recipient, String text, String tag, AccessToken token) {
        return GraphForm.encode(SendApiBody.of(SendRequest.text(recipient, text).withTag(tag)), token);
    }

    private HttpResponse<String> send(String path, String formBody) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(sandbox.url() + path))
                .header("Content-Type", GraphForm.CONTENT_TYPE)
                .POST(HttpRequest.BodyPublishers.ofString(formBody)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static GraphSendResult read(HttpResponse<String> answer) {
        RateLimitUsage usage = RateLimitUsage.fromHeaders(answer.headers().firstValue(RateLimitUsage.APP_HEADER).orElse(null),
                answer.headers().firstValue(RateLimitUsage.BUSINESS_HEADER).orElse(null), Duration.ZERO);
        return GraphResponses.interpret(answer.statusCode(), answer.body(), usage, true);
    }

    private static void assertError(HttpResponse<String> answer, int status, int code, Integer subcode) throws Exception {
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(status);
        JsonNode error = Json.MAPPER.readTree(answer.body()).path("error");
        assertThat(error.path("code").asInt()).as(answer.body()).isEqualTo(code);
        assertThat(error.path("fbtrace_id").asText()).isNotBlank();
        assertThat(error.path("message").asText()).isNotBlank().doesNotContain(GraphSandbox.TOKEN);
        if (subcode == null) {
            assertThat(error.has("error_subcode")).as(answer.body()).isFalse();
        } else {
            assertThat(error.path("error_subcode").asInt()).isEqualTo(subcode);
        }
        assertThat(answer.headers().firstValue(RateLimitUsage.APP_HEADER)).isPresent();
    }
}
