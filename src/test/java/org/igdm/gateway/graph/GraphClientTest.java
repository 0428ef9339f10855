package org.igdm.gateway.graph;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.igdm.gateway.Json;
import com.fasterxml.jackson.databind.node.TextNode;
import org.igdm.gateway.account.AccessToken;
import org.igdm.gateway.account.Account;
import org.igdm.gateway.account.Api;
import org.igdm.gateway.request.SendRequest;
import org.igdm.gateway.support.GraphStub;
import org.igdm.gateway.support.MetaConversations;
import org.igdm.gateway.support.RunningGateway;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The typed Graph client against a stand-in for Meta: what each API receives, and how each failure is classified. */
class GraphClientTest {

    private static final Account PAGE = new Account("brand1", "17841400000000011", Api.FACEBOOK, new AccessToken("EAA-page-token"), 100, null);
    private static final Account IG = new Account("brand2", "17841400000000022", Api.INSTAGRAM, new AccessToken("IGAA-ig-token"), 100, null);
    private static final SendRequest HELLO = new SendRequest("42", null, TextNode.valueOf("Hi \"there\" & bye"), null, null, null, "k1", "brand1");
    /** Meta's answer to a message it sent, for the servers that are not WireMock. */
    private static final byte[] SENT = "{\"recipient_id\":\"42\",\"message_id\":\"mid.1\"}".getBytes(StandardCharsets.UTF_8);

    private WireMockServer meta;
    private GraphClient client;

    @BeforeEach
    void start() {
        meta = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
        meta.start();
        meta.stubFor(post(anyUrl()).willReturn(GraphStub.success()));
        client = clientWithin(Duration.ofSeconds(10));
    }

    private GraphClient clientWithin(Duration callTimeout) {
        String base = "http://127.0.0.1:" + meta.port();
        // the two APIs on two "hosts": a path prefix tells them apart here
        return new GraphClient(new GraphEndpoints(base + "/facebook/", base + "/instagram", "v25.0", Duration.ofSeconds(2), callTimeout));
    }

    @AfterEach
    void stop() {
        meta.stop();
    }

    private LoggedRequest onlyCall() {
        assertThat(meta.getAllServeEvents()).hasSize(1);
        return meta.getAllServeEvents().get(0).getRequest();
    }

    private static GraphSendResult send(GraphClient client, Account account, SendRequest request) {
        return client.send(account, request, () -> { });
    }

    @Test
    void theHookRunsOnceTheRequestIsWrittenBeforeMetaAnswers() {
        meta.stubFor(post(anyUrl()).willReturn(GraphStub.success().withFixedDelay(500)));
        AtomicLong written = new AtomicLong();
        AtomicInteger hooks = new AtomicInteger();

        client.send(PAGE, HELLO, () -> {
            hooks.incrementAndGet();
            written.set(System.nanoTime());
        });
        long answered = System.nanoTime();

        assertThat(hooks).hasValue(1);
        // Meta answers 500 ms after it has the request: a hook run with the answer would be moments before it
        assertThat(Duration.ofNanos(answered - written.get())).as("from the hook to the answer")
                .isGreaterThan(Duration.ofMillis(400));
        onlyCall();
    }

    @Test
    void aFacebookAccountPostsAFormWithItsTokenInTheBody() {
        GraphSendResult result = send(client, PAGE, HELLO);

        assertThat(result.messageId()).startsWith("mid.");
        assertThat(result.usage().appPercent()).isEqualTo(28);
        assertThat(result.usage().accountPercent()).isEqualTo(12);
        LoggedRequest call = onlyCall();
        assertThat(call.getUrl()).isEqualTo("/facebook/v25.0/17841400000000011/messages");
        assertThat(call.getHeader("Content-Type")).isEqualTo(GraphForm.CONTENT_TYPE);
        assertThat(call.containsHeader("Authorization")).isFalse();
        // Meta's own sample, field by field and in its order
        assertThat(GraphStub.form(call)).containsExactly(
                entry("recipient", "{\"id\":\"42\"}"),
                entry("message", "{\"text\":\"Hi \\\"there\\\" & bye\"}"),
                entry("messaging_type", "RESPONSE"),
                entry("access_token", "EAA-page-token"));
    }

    @Test
    void anInstagramAccountPostsMetasJsonWithABearerToken() throws Exception {
        send(client, IG, new SendRequest("42", null, TextNode.valueOf("Hi"), null, null, "HUMAN_AGENT", "k2", "brand2"));

        LoggedRequest call = onlyCall();
        assertThat(call.getUrl()).isEqualTo("/instagram/v25.0/17841400000000022/messages");
        assertThat(call.getHeader("Authorization")).isEqualTo("Bearer IGAA-ig-token");
        assertThat(call.getHeader("Content-Type")).isEqualTo("application/json");
        JsonNode body = Json.MAPPER.readTree(call.getBodyAsString());
        assertThat(body).isEqualTo(Json.MAPPER.readTree(
                "{\"recipient\":{\"id\":\"42\"},\"message\":{\"text\":\"Hi\"},\"messaging_type\":\"MESSAGE_TAG\",\"tag\":\"HUMAN_AGENT\"}"));
        assertThat(call.getBodyAsString()).doesNotContain("IGAA-ig-token");
    }

    @Test
    void aRefusedTokenIsARejectionThatKeepsMetasCodeAndNeverTheToken() {
        meta.stubFor(post(anyUrl()).willReturn(GraphStub.error(400, 190, null, "Invalid OAuth access token")));

        assertThatThrownBy(() -> send(client, IG, HELLO))
                .isInstanceOfSatisfying(RejectedByGraphException.class, e -> assertThat(e.error().code()).isEqualTo(190))
                .message().doesNotContain("IGAA-ig-token");
    }

    @Test
    void aRefusedConnectionHappenedBeforeAnythingWasSentAndIsTransient() {
        int closed = RunningGateway.freePort();
        GraphClient nowhere = new GraphClient(new GraphEndpoints("http://127.0.0.1:" + closed, "http://127.0.0.1:" + closed,
                "v25.0", Duration.ofSeconds(2), Duration.ofSeconds(5)));

        AtomicInteger hooks = new AtomicInteger();
        assertThatThrownBy(() -> nowhere.send(PAGE, HELLO, hooks::incrementAndGet)).isInstanceOf(GraphUnreachableException.class)
                .isNotInstanceOf(OutcomeUnknownException.class);
        assertThat(hooks).as("no request was written").hasValue(0);
    }

    @Test
    void aConnectionThatBreaksOnceMetaHasTheRequestLeavesTheOutcomeUnknown() {
        meta.stubFor(post(anyUrl()).willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)));

        assertThatThrownBy(() -> send(client, PAGE, HELLO))
                .isInstanceOf(OutcomeUnknownException.class)
                .hasMessageContaining("Meta may have delivered the message")
                .message().doesNotContain("EAA-page-token");
        onlyCall();
    }

    @Test
    void aPostWhoseConnectionBrokeIsNeverSentAgainByTheClient() {
        meta.stubFor(post(anyUrl()).willReturn(aResponse().withFault(Fault.EMPTY_RESPONSE)));

        assertThatThrownBy(() -> send(client, PAGE, HELLO)).isInstanceOf(OutcomeUnknownException.class);
        onlyCall();
    }

    @Test
    void anUnavailableMetaIsToldToTheCallerAfterOneRequestNotRetriedByTheClient() {
        // HttpClient on its own would send a POST again after a 503, once Meta could already have acted on it
        meta.stubFor(post(anyUrl()).willReturn(GraphStub.error(503, 2, null, "Service temporarily unavailable")));

        assertThatThrownBy(() -> send(client, PAGE, HELLO)).isInstanceOf(TransientGraphException.class);
        onlyCall();
    }

    @Test
    void accountsShareKeptAliveConnections() throws Exception {
        Set<Integer> clientPorts = ConcurrentHashMap.newKeySet();
        HttpServer server = serving(exchange -> {
            clientPorts.add(exchange.getRemoteAddress().getPort());
            answerSent(exchange);
        });
        try {
            GraphClient shared = clientOf(server, Duration.ofSeconds(30));
            send(shared, PAGE, HELLO);
            send(shared, IG, HELLO);
            send(shared, PAGE, HELLO);

            assertThat(clientPorts).hasSize(1);
        } finally {
            server.stop(0);
        }
    }

    @Test
    void hundredsOfCallsAreInFlightAtOnce() throws Exception {
        int calls = 300;
        CountDownLatch allArrived = new CountDownLatch(calls);
        // each answer waits until every call has reached the server: a connection cap below 300 would hold some back
        HttpServer server = serving(exchange -> {
            allArrived.countDown();
            try {
                allArrived.await(20, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            answerSent(exchange);
        });
        try {
            GraphClient shared = clientOf(server, Duration.ofSeconds(30));
            try (ExecutorService callers = Executors.newVirtualThreadPerTaskExecutor()) {
                List<Future<GraphSendResult>> results = new ArrayList<>();
                for (int i = 0; i < calls; i++) {
                    Account account = i % 2 == 0 ? PAGE : IG;
                    results.add(callers.submit(() -> send(shared, account, HELLO)));
                }
                for (Future<GraphSendResult> result : results) {
                    assertThat(result.get().messageId()).isEqualTo("mid.1");
                }
            }
            assertThat(allArrived.getCount()).isZero();
        } finally {
            server.stop(0);
        }
    }

    @Test
    void anAnswerWhoseBytesKeepComingEndsAtTheDeadline() throws Exception {
        // a byte every 150 ms, for seven seconds: no read waits as long as the call time, so only a deadline on the
        // whole call ends it
        HttpServer server = serving(exchange -> {
            exchange.sendResponseHeaders(200, SENT.length);
            try (OutputStream body = exchange.getResponseBody()) {
                for (byte next : SENT) {
                    body.write(next);
                    body.flush();
                    Thread.sleep(150);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        try {
            GraphClient impatient = clientOf(server, Duration.ofMillis(500));

            assertTimeoutPreemptively(Duration.ofSeconds(4), () -> assertThatThrownBy(() -> send(impatient, PAGE, HELLO))
                    .isInstanceOf(OutcomeUnknownException.class)
                    .hasMessageStartingWith("no complete answer from Meta within 500 ms"));
        } finally {
            server.stop(0);
        }
    }

    /**
     * A bare HTTP server for what WireMock does not show or do: the connection each request came on, answers held
     * back on a signal or written a byte at a time.
     */
    private static HttpServer serving(HttpHandler handler) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 500);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/", exchange -> {
            exchange.getRequestBody().readAllBytes();
            handler.handle(exchange);
        });
        server.start();
        return server;
    }

    private static void answerSent(HttpExchange exchange) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(200, SENT.length);
        exchange.getResponseBody().write(SENT);
        exchange.close();
    }

    private static GraphClient clientOf(HttpServer server, Duration callTimeout) {
        String base = "http://127.0.0.1:" + server.getAddress().getPort();
        return new GraphClient(new GraphEndpoints(base, base, "v25.0", Duration.ofSeconds(2), callTimeout));
    }

    @Test
    void anAnswerThatTricklesEndsAtTheDeadlineAndItsOutcomeIsUnknown() {
        // the answer comes in small pieces over ten seconds
        meta.stubFor(post(anyUrl()).willReturn(GraphStub.success().withChunkedDribbleDelay(20, 10_000)));
        GraphClient impatient = clientWithin(Duration.ofMillis(500));

        // the bound is there only so that a client that waits for the whole answer fails
        assertTimeoutPreemptively(Duration.ofSeconds(8), () -> assertThatThrownBy(() -> send(impatient, PAGE, HELLO))
                .isInstanceOf(OutcomeUnknownException.class)
                .hasMessageStartingWith("no complete answer from Meta within 500 ms"));
    }

    @Test
    void readsAConversationBackOnEitherApiWithTheTokenOnlyInTheHeader() {
        Instant created = Instant.parse("2026-11-30T00:12:05Z");
        ObjectNode withPicture = MetaConversations.message("mid.2", created, IG.userId(), "42", "");
        withPicture.putObject("attachments").putArray("data").addObject().putObject("image_data").put("url", "https://cdn/x.jpg");
        MetaConversations.thread(meta, "/facebook", true, PAGE.userId(), "EAA-page-token", "42",
                MetaConversations.message("mid.1", created, PAGE.userId(), "42", "Hi \"there\" & bye"));
        MetaConversations.thread(meta, "/instagram", false, IG.userId(), "IGAA-ig-token", "42", withPicture,
                MetaConversations.message("mid.0", created.minusSeconds(5), "42", IG.userId(), "hello"));

        assertThat(client.conversationWith(PAGE, "42")).contains("t_" + PAGE.userId() + "_42");
        assertThat(client.messagesOf(PAGE, "t_" + PAGE.userId() + "_42")).containsExactly(
                new ConversationMessage("mid.1", created, PAGE.userId(), List.of("42"), "Hi \"there\" & bye", Set.of()));
        assertThat(client.conversationWith(IG, "42")).contains("t_" + IG.userId() + "_42");
        assertThat(client.messagesOf(IG, "t_" + IG.userId() + "_42")).containsExactly(
                new ConversationMessage("mid.2", created, IG.userId(), List.of("42"), "", Set.of("image_data")),
                new ConversationMessage("mid.0", created.minusSeconds(5), "42", List.of(IG.userId()), "hello", Set.of()));

        List<LoggedRequest> reads = MetaConversations.reads(meta);
        assertThat(reads).extracting(LoggedRequest::getUrl).containsExactly(
                "/facebook/v25.0/" + PAGE.userId() + "/conversations?platform=instagram&user_id=42",
                "/facebook/v25.0/t_" + PAGE.userId() + "_42?fields=messages%7Bid%2Ccreated_time%2Cfrom%2Cto%2Cmessage%2Cattachments%7D",
                "/instagram/v25.0/" + IG.userId() + "/conversations?user_id=42",
                "/instagram/v25.0/t_" + IG.userId() + "_42?fields=messages%7Bid%2Ccreated_time%2Cfrom%2Cto%2Cmessage%2Cattachments%7D");
        assertThat(reads.subList(0, 2)).allSatisfy(read -> assertThat(read.getHeader("Authorization")).isEqualTo("Bearer EAA-page-token"));
        assertThat(reads.subList(2, 4)).allSatisfy(read -> assertThat(read.getHeader("Authorization")).isEqualTo("Bearer IGAA-ig-token"));
    }

    @Test
    void aUserWithoutAConversationHasNone() {
        MetaConversations.thread(meta, "/facebook", true, PAGE.userId(), "EAA-page-token", "77");

        assertThat(client.conversationWith(PAGE, "77")).isEmpty();
    }

    @Test
    void aFailedReadIsClassifiedLikeAFailedSendAndAnIdCannotLeaveItsPath() {
        meta.stubFor(get(anyUrl()).willReturn(GraphStub.error(400, 100, 33, "Object does not exist")));
        assertThatThrownBy(() -> client.conversationWith(PAGE, "42")).isInstanceOf(RejectedByGraphException.class)
                .hasMessageContaining("code 100/33").hasMessageNotContaining("EAA-page-token");
        meta.stubFor(get(anyUrl()).willReturn(GraphStub.error(500, 2, null, "Service temporarily unavailable")));
        assertThatThrownBy(() -> client.messagesOf(IG, "../me/messages")).isInstanceOf(TransientGraphException.class);
        assertThat(MetaConversations.reads(meta).get(1).getUrl()).startsWith("/instagram/v25.0/..%2Fme%2Fmessages?");
    }
}
