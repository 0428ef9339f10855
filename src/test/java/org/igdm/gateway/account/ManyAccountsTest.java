package org.igdm.gateway.account;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.igdm.gateway.Json;
import org.igdm.gateway.broker.Queues;
import org.igdm.gateway.support.AccountsStub;
import org.igdm.gateway.support.AccountsStub.StubAccount;
import org.igdm.gateway.support.GatewayHttp;
import org.igdm.gateway.support.GraphStub;
import org.igdm.gateway.support.LegacyJmsClient;
import org.igdm.gateway.support.MetaConversations;
import org.igdm.gateway.support.RunningGateway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Three accounts, two on the Messenger Platform and one on the Instagram API, sending through the file, HTTP and
 * JMS doors of one gateway: each call reaches Meta under its own account's path with that account's token in its
 * API's place, and never with another account's token.
 */
class ManyAccountsTest {

    static final StubAccount ALPHA = new StubAccount("alpha", "17841400000000101", "facebook", "EAA-alpha-page-token");
    static final StubAccount BETA = new StubAccount("beta", "17841400000000202", "facebook", "EAA-beta-page-token");
    static final StubAccount GAMMA = new StubAccount("gamma", "17841400000000303", "instagram", "IGAA-gamma-ig-token");
    static final List<StubAccount> ALL = List.of(ALPHA, BETA, GAMMA);

    static Path home;
    static AccountsStub meta;
    static RunningGateway gateway;
    static Map<String, String> settings;

    @BeforeAll
    static void start() throws Exception {
        home = Files.createTempDirectory("ig-dm-gateway-accounts");
        meta = new AccountsStub(ALPHA, BETA, GAMMA);
        settings = RunningGateway.defaults(home, meta.facebookUrl());
        meta.configure(settings);
        settings.put("gateway.file.poll-ms", "100");
        settings.put("gateway.file.settle-ms", "300");
        settings.put("gateway.graph.read-back-settle-ms", "50");
        gateway = RunningGateway.start(home, settings);
    }

    @AfterAll
    static void stop() throws Exception {
        gateway.close();
        meta.close();
        RunningGateway.deleteRecursively(home);
    }

    @BeforeEach
    void clean() {
        meta.reset();
        gateway.clearSinks();
    }

    @Test
    void eachDoorSendsForEachAccountWithThatAccountsTokenOnly() throws Exception {
        // HTTP: alpha by name, beta by its user id, gamma by name
        GatewayHttp http = gateway.http();
        assertThat(http.post("/messages", request("1001", "http to alpha", "alpha")).statusCode()).isEqualTo(200);
        assertThat(http.post("/messages", request("1002", "http to beta", BETA.userId())).statusCode()).isEqualTo(200);
        HttpResponse<String> toGamma = http.post("/messages", request("1003", "http to gamma", "gamma"));
        assertThat(toGamma.statusCode()).isEqualTo(200);
        assertThat(GatewayHttp.json(toGamma).path("account").asText()).isEqualTo("gamma");
        // JMS
        try (LegacyJmsClient legacy = new LegacyJmsClient(Integer.parseInt(settings.get("gateway.jms.port")))) {
            legacy.send(Queues.SEND, request("2001", "jms to alpha", "alpha"));
            legacy.send(Queues.SEND, request("2002", "jms to beta", "beta"));
            legacy.send(Queues.SEND, request("2003", "jms to gamma", GAMMA.userId()));
        }
        // file: a CSV batch with an account column
        drop("three.csv", "account,recipient_id,message\nalpha,3001,file to alpha\nbeta,3002,file to beta\ngamma,3003,file to gamma\n");

        gateway.awaitOutcomes(9);
        await().atMost(Duration.ofSeconds(30)).until(() -> gateway.sent().size() == 9);

        assertThat(gateway.failed()).isEmpty();
        Map<String, String> accountByRecipient = gateway.sent().stream()
                .collect(Collectors.toMap(r -> r.path("recipient_id").asText(), r -> r.path("account").asText()));
        assertThat(accountByRecipient).containsExactlyInAnyOrderEntriesOf(Map.of(
                "1001", "alpha", "1002", "beta", "1003", "gamma",
                "2001", "alpha", "2002", "beta", "2003", "gamma",
                "3001", "alpha", "3002", "beta", "3003", "gamma"));
        assertThat(meta.calls()).hasSize(9);
        for (StubAccount account : ALL) {
            List<LoggedRequest> calls = meta.callsOf(account);
            assertThat(calls).as(account.name()).hasSize(3);
            for (LoggedRequest call : calls) {
                assertCarriesOnlyItsOwnToken(account, call);
                String recipient = recipientOf(account, call);
                assertThat(accountByRecipient.get(recipient)).isEqualTo(account.name());
            }
        }
    }

    @Test
    void theInstagramBodyIsExactlyMetasShape() throws Exception {
        assertThat(gateway.http().post("/messages",
                "{\"recipient_id\":\"4242\",\"message\":\"Hello ✓\",\"tag\":\"HUMAN_AGENT\",\"account\":\"gamma\"}").statusCode())
                .isEqualTo(200);

        LoggedRequest call = meta.callsOf(GAMMA).get(0);
        assertThat(call.getHeader("Content-Type")).startsWith("application/json");
        assertThat(Json.MAPPER.readTree(call.getBodyAsString())).isEqualTo(Json.MAPPER.readTree(
                "{\"recipient\":{\"id\":\"4242\"},\"message\":{\"text\":\"Hello ✓\"},\"messaging_type\":\"MESSAGE_TAG\",\"tag\":\"HUMAN_AGENT\"}"));
    }

    @Test
    void anUnknownAccountIsAnsweredAtEveryDoorNamingTheConfiguredOnes() throws Exception {
        HttpResponse<String> http = gateway.http().post("/messages", request("5001", "to nobody", "delta"));
        assertThat(http.statusCode()).isEqualTo(400);
        assertThat(GatewayHttp.json(http).path("violations").get(0).path("field").asText()).isEqualTo("account");
        assertThat(GatewayHttp.json(http).path("detail").asText())
                .isEqualTo("account 'delta' is not configured; the accounts are alpha, beta, gamma (a name or its user id)");
        // without an account, several accounts and none named default: the request must say which
        HttpResponse<String> none = gateway.http().post("/messages", "{\"recipient_id\":\"5002\",\"message\":\"to whom?\"}");
        assertThat(none.statusCode()).isEqualTo(400);
        assertThat(GatewayHttp.json(none).path("detail").asText()).startsWith("account is required");
        HttpResponse<String> bulk = gateway.http().post("/messages/bulk",
                "[" + request("5003", "to alpha", "alpha") + "," + request("5004", "to nobody", "delta") + "]");
        assertThat(bulk.statusCode()).isEqualTo(202);
        assertThat(GatewayHttp.json(bulk).path("queued").asInt()).isEqualTo(1);
        assertThat(GatewayHttp.json(bulk).path("rejected").get(0).path("index").asInt()).isEqualTo(1);
        assertThat(GatewayHttp.json(bulk).path("rejected").get(0).path("violations").get(0).path("field").asText()).isEqualTo("account");
        try (LegacyJmsClient legacy = new LegacyJmsClient(Integer.parseInt(settings.get("gateway.jms.port")))) {
            legacy.send(Queues.SEND, request("5005", "to nobody", "delta"));
        }
        drop("unknown.csv", "recipient_id,message,account\n5006,to nobody,delta\n5007,to gamma,gamma\n");

        gateway.awaitOutcomes(4);
        await().atMost(Duration.ofSeconds(10)).until(() -> gateway.sent().size() == 2);
        assertThat(gateway.sent()).extracting(record -> record.path("recipient_id").asText()).containsExactlyInAnyOrder("5003", "5007");
        assertThat(meta.calls()).hasSize(2);
        List<JsonNode> failed = gateway.failed();
        assertThat(failed).extracting(record -> record.path("source").asText()).containsExactlyInAnyOrder("jms", "file:unknown.csv#1");
        assertThat(failed).allSatisfy(record -> {
            assertThat(record.path("account").asText()).isEqualTo("delta");
            assertThat(record.path("error").path("category").asText()).isEqualTo("invalid");
            assertThat(record.path("error").path("message").asText()).contains("the accounts are alpha, beta, gamma");
            assertThat(record.toString()).doesNotContain("EAA-").doesNotContain("IGAA-");
        });
    }

    @Test
    void aCallThatBreaksIsReadBackInItsOwnAccountsConversationAndFoundThereIsSentOnce() {
        meta.answer(BETA, BETA.token(), aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER));
        MetaConversations.thread(meta.server(), "/facebook", true, BETA.userId(), BETA.token(), "6001",
                MetaConversations.message("mid.beta-arrived", Instant.now(), BETA.userId(), "6001", "did it arrive?"));

        HttpResponse<String> answer = gateway.http().post("/messages", request("6001", "did it arrive?", "beta"));

        assertThat(answer.statusCode()).isEqualTo(200);
        JsonNode record = GatewayHttp.json(answer);
        assertThat(record.path("account").asText()).isEqualTo("beta");
        assertThat(record.path("message_id").asText()).isEqualTo("mid.beta-arrived");
        assertThat(record.path("confirmed_by").asText()).isEqualTo("conversation");
        assertThat(record.path("attempts").asInt()).isEqualTo(1);
        assertThat(meta.callsOf(BETA)).hasSize(1);
        MetaConversations.assertReadBack(meta.server(), "/facebook", true, BETA.userId(), BETA.token(), "6001");
        assertThat(gateway.sent()).singleElement().isEqualTo(record);
        assertThat(gateway.failed()).isEmpty();
    }

    @Test
    void aCallThatBreaksOnTheInstagramApiAndIsMissingFromTheConversationIsSentOnceMore() {
        meta.answerFirstCall(GAMMA, aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER));
        MetaConversations.thread(meta.server(), "/instagram", false, GAMMA.userId(), GAMMA.token(), "6002",
                MetaConversations.message("mid.user-wrote", Instant.now(), "6002", GAMMA.userId(), "lost?"));

        HttpResponse<String> answer = gateway.http().post("/messages", request("6002", "lost?", "gamma"));

        assertThat(answer.statusCode()).isEqualTo(200);
        JsonNode record = GatewayHttp.json(answer);
        assertThat(record.path("attempts").asInt()).isEqualTo(2);
        assertThat(record.path("message_id").asText()).startsWith("mid.").isNotEqualTo("mid.user-wrote");
        assertThat(record.has("confirmed_by")).isFalse();
        assertThat(meta.callsOf(GAMMA)).hasSize(2).allSatisfy(call -> assertCarriesOnlyItsOwnToken(GAMMA, call));
        MetaConversations.assertReadBack(meta.server(), "/instagram", false, GAMMA.userId(), GAMMA.token(), "6002");
        assertThat(gateway.sent()).singleElement().isEqualTo(record);
        assertThat(gateway.failed()).isEmpty();
    }

    @Test
    void aQueuedMessageThatBreaksIsReadBackBeforeTheRecipientsNextMessageGoesOut() throws Exception {
        meta.answerFirstCall(ALPHA, aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER));
        MetaConversations.thread(meta.server(), "/facebook", true, ALPHA.userId(), ALPHA.token(), "7001",
                MetaConversations.message("mid.first-arrived", Instant.now(), ALPHA.userId(), "7001", "first"));

        try (LegacyJmsClient legacy = new LegacyJmsClient(Integer.parseInt(settings.get("gateway.jms.port")))) {
            legacy.send(Queues.SEND, request("7001", "first", "alpha"));
            legacy.send(Queues.SEND, request("7001", "second", "alpha"));
        }
        gateway.awaitOutcomes(2);

        assertThat(gateway.failed()).isEmpty();
        assertThat(gateway.sent()).extracting(sent -> sent.path("message_id").asText() + " " + sent.path("confirmed_by").asText())
                .contains("mid.first-arrived conversation");
        List<LoggedRequest> sends = meta.callsOf(ALPHA);
        assertThat(sends).extracting(call -> GraphStub.form(call).get("message")).containsExactly("{\"text\":\"first\"}", "{\"text\":\"second\"}");
        List<LoggedRequest> reads = MetaConversations.reads(meta.server());
        assertThat(reads).hasSize(2);
        // the recipient's next message waited for the read that settled the first
        assertThat(sends.get(1).getLoggedDate()).isAfterOrEqualTo(reads.get(1).getLoggedDate());
    }

    @Test
    void aCallThatBreaksAndCannotBeReadBackIsNotSentAgainAndItsRecordSaysWhy() {
        // the conversation is there, but only for another account's token: Meta refuses beta's read
        meta.answer(BETA, BETA.token(), aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER));
        MetaConversations.thread(meta.server(), "/facebook", true, BETA.userId(), ALPHA.token(), "6003",
                MetaConversations.message("mid.other", Instant.now(), BETA.userId(), "6003", "did it arrive?"));

        HttpResponse<String> answer = gateway.http().post("/messages", request("6003", "did it arrive?", "beta"));

        assertThat(answer.statusCode()).isEqualTo(503);
        JsonNode record = GatewayHttp.json(answer);
        assertThat(record.path("account").asText()).isEqualTo("beta");
        assertThat(record.path("attempts").asInt()).isEqualTo(1);
        assertThat(record.path("error").path("category").asText()).isEqualTo("exhausted");
        assertThat(record.path("error").path("message").asText()).startsWith("the connection failed while Meta had the request")
                .contains("Meta may have delivered the message. It was not sent again, because reading the conversation back failed");
        assertThat(meta.callsOf(BETA)).hasSize(1);
        assertThat(MetaConversations.reads(meta.server())).singleElement()
                .satisfies(read -> assertThat(read.getHeader("Authorization")).isEqualTo("Bearer " + BETA.token()));
        assertThat(gateway.failed()).singleElement().isEqualTo(record);
        assertThat(record.toString()).doesNotContain("EAA-").doesNotContain("IGAA-");
    }

    private static void assertCarriesOnlyItsOwnToken(StubAccount account, LoggedRequest call) {
        String everything = call.getUrl() + "\n" + call.getHeaders() + "\n" + call.getBodyAsString();
        for (StubAccount other : ALL) {
            if (other != account) {
                assertThat(everything).as("a call of %s", account.name()).doesNotContain(other.token());
            }
        }
        assertThat(call.getUrl()).doesNotContain(account.token()).doesNotContain("?");
        if (account.api().equals("instagram")) {
            assertThat(call.getHeader("Authorization")).isEqualTo("Bearer " + account.token());
            assertThat(call.getBodyAsString()).doesNotContain(account.token());
        } else {
            assertThat(GraphStub.form(call)).containsEntry("access_token", account.token());
            assertThat(call.containsHeader("Authorization")).isFalse();
        }
    }

    private static String recipientOf(StubAccount account, LoggedRequest call) {
        try {
            JsonNode recipient = account.api().equals("instagram")
                    ? Json.MAPPER.readTree(call.getBodyAsString()).path("recipient")
                    : Json.MAPPER.readTree(GraphStub.form(call).get("recipient"));
            return recipient.path("id").asText();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    static String request(String recipient, String message, String account) {
        return "{\"recipient_id\":\"" + recipient + "\",\"message\":\"" + message + "\",\"account\":\"" + account + "\"}";
    }

    private static void drop(String name, String content) throws Exception {
        Path inbox = home.resolve("inbox");
        Files.createDirectories(inbox);
        Path part = Files.writeString(inbox.resolve(name + ".part"), content);
        Files.move(part, inbox.resolve(name), StandardCopyOption.ATOMIC_MOVE);
    }
}
