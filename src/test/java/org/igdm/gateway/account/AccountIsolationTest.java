package org.igdm.gateway.account;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.igdm.gateway.account.ManyAccountsTest.request;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.igdm.gateway.Json;
import org.igdm.gateway.broker.Queues;
import org.igdm.gateway.support.AccountsStub;
import org.igdm.gateway.support.AccountsStub.StubAccount;
import org.igdm.gateway.support.GatewayHttp;
import org.igdm.gateway.support.GraphStub;
import org.igdm.gateway.support.LegacyJmsClient;
import org.igdm.gateway.support.RunningGateway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * One account throttled by Meta, or refused for its token, while another keeps sending: the other's callers are
 * answered at once with their messages sent on the first attempt, the troubled account's queued messages wait
 * instead of failing, and a refused account resumes once its token file holds a new token, without a restart.
 * Nothing is lost. Each account's queued messages wait on its own queue with its own consumers: a backlog of the
 * troubled account's, larger than all the consumers of the gateway, holds up nothing of another's.
 */
class AccountIsolationTest {

    static final StubAccount ALPHA = ManyAccountsTest.ALPHA;
    static final StubAccount BETA = ManyAccountsTest.BETA;
    static final StubAccount GAMMA = ManyAccountsTest.GAMMA;
    static final String EXPIRED = "IGAA-gamma-expired-token";

    static Path home;
    static Path gammaTokenFile;
    static AccountsStub meta;
    static RunningGateway gateway;
    static Map<String, String> settings;
    static GatewayHttp http;

    @BeforeAll
    static void start() throws Exception {
        home = Files.createTempDirectory("ig-dm-gateway-isolation");
        gammaTokenFile = home.resolve("gamma.token");
        meta = new AccountsStub(ALPHA, BETA, GAMMA);
        settings = RunningGateway.defaults(home, meta.facebookUrl());
        meta.configure(settings);
        settings.remove("ig.accounts.gamma.access-token");
        settings.put("ig.accounts.gamma.access-token-file", gammaTokenFile.toString());
        Files.writeString(gammaTokenFile, GAMMA.token());
        settings.put("gateway.accounts.token-reload-ms", "200");
        settings.put("gateway.pacing.rate-limit-pause-ms", "300");
        settings.put("gateway.pacing.max-pause-ms", "600");
        // six consumers in all, two for each account's queue: a backlog of one account's outnumbers them all
        settings.put("gateway.jms.consumers", "6");
        gateway = RunningGateway.start(home, settings);
        http = gateway.http();
    }

    @AfterAll
    static void stop() throws Exception {
        gateway.close();
        meta.close();
        RunningGateway.deleteRecursively(home);
    }

    @BeforeEach
    void clean() throws Exception {
        meta.reset();
        gateway.clearSinks();
        Files.writeString(gammaTokenFile, GAMMA.token());
        await().atMost(Duration.ofSeconds(10)).until(() -> http.get("/observe/health").statusCode() == 200);
    }

    /** Queued as the gateway's own sources queue them: one JMS group per account and recipient. */
    private static void queue(String account, String recipient, String... texts) throws Exception {
        try (LegacyJmsClient legacy = new LegacyJmsClient(Integer.parseInt(settings.get("gateway.jms.port")))) {
            for (String text : texts) {
                legacy.send(Queues.SEND, request(recipient, text, account), Map.of(Queues.GROUP_PROPERTY, account + "/" + recipient), null);
            }
        }
    }

    /** Beta's callers over HTTP, eight at a time: each is answered with its own outcome at once. */
    private static void sendForBeta(int count, int firstRecipient) throws Exception {
        try (ExecutorService callers = Executors.newFixedThreadPool(8)) {
            List<Future<HttpResponse<String>>> answers = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                String body = request(String.valueOf(firstRecipient + i), "beta " + i, "beta");
                answers.add(callers.submit(() -> http.post("/messages", body)));
            }
            for (Future<HttpResponse<String>> answer : answers) {
                assertThat(answer.get().statusCode()).as(answer.get().body()).isEqualTo(200);
            }
        }
    }

    private static List<JsonNode> sentFor(String account) {
        return gateway.sent().stream().filter(record -> record.path("account").asText().equals(account)).toList();
    }

    @Test
    void aThrottledAccountWaitsWhileAnotherSendsAndThenDeliversEverything() throws Exception {
        meta.answer(ALPHA, ALPHA.token(), GraphStub.error(400, 80002, null,
                "There have been too many calls to this Instagram account. Wait a bit and try again."));
        queue("alpha", "7001", "alpha first", "alpha second");
        await().atMost(Duration.ofSeconds(10)).until(() -> !meta.callsOf(ALPHA).isEmpty());

        sendForBeta(20, 8000);

        assertThat(sentFor("beta")).hasSize(20);
        assertThat(sentFor("beta")).allSatisfy(record -> assertThat(record.path("attempts").asInt()).isEqualTo(1));
        // alpha is still throttled: its messages wait, none failed, and an HTTP caller hears so at once
        assertThat(sentFor("alpha")).isEmpty();
        HttpResponse<String> caller = http.post("/messages", request("7002", "alpha now?", "alpha"));
        assertThat(caller.statusCode()).isEqualTo(503);
        assertThat(gateway.failed()).singleElement().satisfies(record -> {
            assertThat(record.path("account").asText()).isEqualTo("alpha");
            assertThat(record.path("recipient_id").asText()).isEqualTo("7002");
        });
        String metrics = http.get("/observe/metrics").body();
        assertThat(metrics).containsPattern("gateway_pacing_rate_limit_pauses_total\\{account=\"alpha\",instance=\"[^\"]+\"} [1-9]")
                .containsPattern("gateway_pacing_rate_limit_pauses_total\\{account=\"beta\",instance=\"[^\"]+\"} 0.0");

        meta.reset();

        await().atMost(Duration.ofSeconds(30)).until(() -> sentFor("alpha").size() == 2);
        // in their order
        assertThat(sentFor("alpha")).extracting(record -> record.path("recipient_id").asText()).containsOnly("7001");
        assertThat(meta.callsOf(ALPHA).stream().map(call -> GraphStub.form(call).get("message")).distinct())
                .containsExactly("{\"text\":\"alpha first\"}", "{\"text\":\"alpha second\"}");
        assertThat(gateway.sent()).hasSize(22);
        assertThat(gateway.failed()).hasSize(1);
    }

    @Test
    void aRefusedTokenSuspendsItsAccountOnlyAndANewTokenFileResumesItWithoutARestart() throws Exception {
        Files.writeString(gammaTokenFile, EXPIRED);
        await().atMost(Duration.ofSeconds(10)).until(() -> sentFor("gamma").isEmpty() && tokenNow("gamma").equals(EXPIRED));
        queue("gamma", "6001", "gamma one", "gamma two", "gamma three");
        await().atMost(Duration.ofSeconds(10)).until(() -> http.get("/observe/health").statusCode() == 503);

        sendForBeta(10, 9000);

        assertThat(sentFor("beta")).hasSize(10);
        HttpResponse<String> health = http.get("/observe/health");
        assertThat(GatewayHttp.json(health).path("checks")).anySatisfy(check -> {
            assertThat(check.path("name").asText()).isEqualTo("accounts");
            assertThat(check.path("status").asText()).isEqualTo("DOWN");
            assertThat(check.path("message").asText()).contains("account gamma").doesNotContain("beta");
        });
        // a restart would not bring a new token: the liveness probe stays UP, the readiness probe names the account
        assertThat(http.get("/observe/health/live").statusCode()).isEqualTo(200);
        HttpResponse<String> ready = http.get("/observe/health/ready");
        assertThat(ready.statusCode()).isEqualTo(503);
        assertThat(ready.body()).contains("account gamma");
        assertThat(http.get("/observe/metrics").body()).containsPattern("gateway_account_suspended\\{account=\"gamma\",instance=\"[^\"]+\"} 1.0")
                .containsPattern("gateway_account_suspended\\{account=\"beta\",instance=\"[^\"]+\"} 0.0");
        // an HTTP caller is answered at once, without a call to Meta
        HttpResponse<String> caller = http.post("/messages", request("6002", "gamma now?", "gamma"));
        assertThat(caller.statusCode()).isEqualTo(503);
        assertThat(GatewayHttp.json(caller).path("error").path("message").asText()).contains("account gamma is suspended");
        // the refused token was used once, and no more
        assertThat(callsWithBearer(EXPIRED)).isEqualTo(1);
        assertThat(gateway.failed()).extracting(record -> record.path("recipient_id").asText()).containsExactly("6002");

        Files.writeString(gammaTokenFile, GAMMA.token() + "\n");

        await().atMost(Duration.ofSeconds(30)).until(() -> sentFor("gamma").size() == 3);
        assertThat(callsWithBearer(EXPIRED)).isEqualTo(1);
        assertThat(callsWithBearer(GAMMA.token())).isEqualTo(3);
        await().atMost(Duration.ofSeconds(10)).until(() -> http.get("/observe/health").statusCode() == 200);
        assertThat(gateway.sent()).hasSize(13);
        assertThat(gateway.failed()).hasSize(1);
    }

    @Test
    void aRefusedAccountsBacklogOnTheQueueHoldsUpNoOtherAccountsQueuedMessages() throws Exception {
        Files.writeString(gammaTokenFile, EXPIRED);
        await().atMost(Duration.ofSeconds(10)).until(() -> tokenNow("gamma").equals(EXPIRED));
        // twelve conversations of gamma's, each of which holds a consumer while it waits: more than the gateway has
        List<String> recipients = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            recipients.add(String.valueOf(6101 + i));
            queue("gamma", recipients.get(i), "gamma first to " + recipients.get(i), "gamma second to " + recipients.get(i));
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> http.get("/observe/health").statusCode() == 503);

        for (int i = 0; i < 10; i++) {
            queue("beta", String.valueOf(9100 + i), "beta queued " + i);
        }

        await().atMost(Duration.ofSeconds(20)).until(() -> sentFor("beta").size() == 10);
        assertThat(sentFor("beta")).allSatisfy(record -> assertThat(record.path("attempts").asInt()).isEqualTo(1));
        assertThat(sentFor("gamma")).isEmpty();
        assertThat(gateway.failed()).isEmpty();
        assertThat(callsWithBearer(EXPIRED)).isEqualTo(1);

        Files.writeString(gammaTokenFile, GAMMA.token());
        await().atMost(Duration.ofSeconds(30)).until(() -> sentFor("gamma").size() == 2 * recipients.size());
        // each conversation in the order it was queued
        Map<String, List<String>> textsByRecipient = new java.util.HashMap<>();
        for (LoggedRequest call : meta.callsOf(GAMMA)) {
            if (("Bearer " + GAMMA.token()).equals(call.getHeader("Authorization"))) {
                JsonNode body = Json.MAPPER.readTree(call.getBodyAsString());
                textsByRecipient.computeIfAbsent(body.path("recipient").path("id").asText(), any -> new ArrayList<>())
                        .add(body.path("message").path("text").asText());
            }
        }
        assertThat(textsByRecipient).hasSize(recipients.size());
        recipients.forEach(recipient -> assertThat(textsByRecipient.get(recipient))
                .containsExactly("gamma first to " + recipient, "gamma second to " + recipient));
        assertThat(gateway.failed()).isEmpty();
    }

    private static long callsWithBearer(String token) {
        return meta.callsOf(GAMMA).stream().filter(call -> ("Bearer " + token).equals(call.getHeader("Authorization"))).count();
    }

    private static String tokenNow(String account) {
        return gateway.context().getRegistry().findSingleByType(org.igdm.gateway.GatewaySettings.class)
                .accounts().current(account).token().reveal();
    }
}
