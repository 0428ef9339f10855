package org.igdm.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.igdm.gateway.support.GatewayHttp.json;

import java.net.http.HttpResponse;
import org.apache.camel.component.platform.http.main.MainHttpServer;
import org.apache.camel.main.MainConfigurationProperties;
import org.apache.camel.test.main.junit5.CamelMainTest;
import org.apache.camel.test.main.junit5.Configure;
import org.igdm.gateway.support.GatewayFixture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A gateway with API keys: every send needs one of them as a bearer token. */
@CamelMainTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HttpApiKeyTest {

    private static final String KEY_ONE = "k1-5f0c9a7e2b8d4e61";
    private static final String KEY_TWO = "k2-93b1d0c4a6e75f28";
    private static final String HELLO = "{\"recipient_id\":\"42\",\"message\":\"hello\"}";

    @RegisterExtension
    static final GatewayFixture app = GatewayFixture.forCamelMainTest(settings -> settings.put("gateway.http.api-keys", " " + KEY_ONE + " , " + KEY_TWO + " "));

    @Configure
    void settings(MainConfigurationProperties main) {
        app.configure(main);
    }

    @Test
    void withoutAKeyTheAnswerIs401AndNothingIsSent() {
        HttpResponse<String> response = app.http().post("/messages", HELLO);

        assertUnauthorized(response);
        assertThat(app.meta().sends()).isEmpty();
        assertThat(app.gateway().sent()).isEmpty();
        assertThat(app.gateway().failed()).isEmpty();
    }

    @Test
    void aWrongKeyIsAnswered401() {
        assertUnauthorized(app.http().post("/messages", HELLO, "Authorization", "Bearer " + KEY_ONE + "x"));
        assertUnauthorized(app.http().post("/messages", HELLO, "Authorization", "Bearer " + KEY_ONE.substring(1)));
        assertUnauthorized(app.http().post("/messages", HELLO, "Authorization", "Bearer "));
        assertUnauthorized(app.http().post("/messages", HELLO, "Authorization", "Basic " + KEY_ONE));
        assertUnauthorized(app.http().post("/messages", HELLO, "Authorization", KEY_ONE));
        assertUnauthorized(app.http().post("/messages", HELLO, "Authorization", "Bearer " + KEY_ONE + "," + KEY_TWO));
        assertThat(app.meta().sends()).isEmpty();
    }

    @Test
    void eitherConfiguredKeyIsAccepted() {
        HttpResponse<String> first = app.http().post("/messages", HELLO, "Authorization", "Bearer " + KEY_ONE);
        HttpResponse<String> second = app.http().post("/messages", HELLO, "Authorization", "bearer " + KEY_TWO);

        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(second.statusCode()).isEqualTo(200);
        assertThat(app.meta().sends()).hasSize(2);
        // the caller's key never travels on to Meta
        assertThat(app.meta().sends()).allSatisfy(call -> {
            assertThat(call.getHeader("Authorization")).isNull();
            assertThat(call.getBodyAsString()).doesNotContain(KEY_ONE, KEY_TWO);
        });
    }

    @Test
    void bulkSendsNeedAKeyToo() {
        String batch = "[" + HELLO + "]";

        assertUnauthorized(app.http().post("/messages/bulk", batch));
        assertThat(app.http().post("/messages/bulk", batch, "Authorization", "Bearer " + KEY_TWO).statusCode()).isEqualTo(202);
        app.gateway().awaitOutcomes(1);
        assertThat(app.meta().sends()).hasSize(1);
    }

    @Test
    void theRulesOfTheRequestAreCheckedOnlyForCallersWithAKey() {
        assertUnauthorized(app.http().post("/messages", "{not json"));
        assertThat(app.http().post("/messages", "{not json", "Authorization", "Bearer " + KEY_ONE).statusCode()).isEqualTo(400);
    }

    @Test
    void healthAndTheDescriptionStayOpenForProbes() {
        assertThat(app.http().get("/observe/health").statusCode()).isEqualTo(200);
        assertThat(app.http().get("/openapi.yaml").statusCode()).isEqualTo(200);
    }

    @Test
    void metricsNameFoldersAndAccountsSoBeyondLoopbackTheyAreForKeyHoldersOnly() {
        assertUnauthorized(app.http().get("/observe/metrics"));
        assertUnauthorized(app.http().get("/observe/metrics?Authorization=Bearer%20" + KEY_ONE));
        HttpResponse<String> scraped = app.http().send(app.http().request("/observe/metrics").header("Authorization", "Bearer " + KEY_TWO).GET());
        assertThat(scraped.statusCode()).isEqualTo(200);
        assertThat(scraped.body()).contains("gateway_messages_sent_total");
    }

    @Test
    void withKeysTheServerListensOnTheConfiguredAddressAndTheKeysAreNeverLogged() {
        app.http().post("/messages", HELLO, "Authorization", "Bearer " + KEY_ONE);
        app.http().post("/messages", HELLO, "Authorization", "Bearer wrong-" + KEY_TWO);

        assertThat(app.gateway().context().hasService(MainHttpServer.class).getHost()).isEqualTo("0.0.0.0");
        String log = app.log();
        assertThat(log).contains("HTTP callers must send one of the 2 API key(s) configured in gateway.http.api-keys");
        assertThat(log).contains("    http://0.0.0.0:" + app.http().port() + "/messages (POST)");
        assertThat(log).doesNotContain(KEY_ONE, KEY_TWO);
    }

    private static void assertUnauthorized(HttpResponse<String> response) {
        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(response.headers().firstValue("WWW-Authenticate")).hasValue("Bearer");
        assertThat(response.headers().firstValue("Content-Type")).hasValue(Problem.CONTENT_TYPE);
        assertThat(json(response).path("title").asText()).isEqualTo("Unauthorized");
        assertThat(response.body()).doesNotContain(KEY_ONE, KEY_TWO);
    }
}
