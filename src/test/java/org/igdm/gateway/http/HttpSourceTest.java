package org.igdm.gateway.http;

import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.igdm.gateway.support.GatewayHttp.json;
import static org.igdm.gateway.support.GraphStub.error;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import org.apache.camel.component.platform.http.main.MainHttpServer;
import org.apache.camel.main.MainConfigurationProperties;
import org.apache.camel.test.main.junit5.CamelMainTest;
import org.apache.camel.test.main.junit5.Configure;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.igdm.gateway.support.GatewayFixture;
import org.igdm.gateway.support.GraphStub;
import org.igdm.gateway.support.RunningGateway;
import org.igdm.gateway.support.TestLog;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

/** POST /messages on the running gateway without API keys: each answer docs/design.md names, and what Meta receives. */
@CamelMainTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HttpSourceTest {

    private static final String HELLO = "{\"recipient_id\":\"1234567890\",\"message\":\"Hello, world\"}";

    @RegisterExtension
    static final GatewayFixture app = GatewayFixture.forCamelMainTest(settings -> settings.put("gateway.retry.max-attempts", "2"));

    @Configure
    void settings(MainConfigurationProperties main) {
        app.configure(main);
    }

    @Test
    void aSentMessageIsAnswered200WithItsSentRecord() {
        HttpResponse<String> response = app.http().post("/messages", HELLO);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(type -> assertThat(type).startsWith("application/json"));
        JsonNode record = json(response);
        assertThat(record.path("status").asText()).isEqualTo("sent");
        assertThat(record.path("source").asText()).isEqualTo("http");
        assertThat(record.path("recipient_id").asText()).isEqualTo("1234567890");
        assertThat(record.path("message_id").asText()).startsWith("mid.");
        // no key given: the gateway assigns one, so that the record still carries a key
        assertThat(record.path("idempotency_key").asText()).startsWith("http:");
        assertThat(app.gateway().sent()).singleElement().isEqualTo(record);

        assertThat(app.meta().sends()).singleElement().satisfies(call -> assertThat(call.getBodyAsString()).isEqualTo(
                "recipient=%7B%22id%22%3A%221234567890%22%7D"
                        + "&message=%7B%22text%22%3A%22Hello%2C+world%22%7D"
                        + "&messaging_type=RESPONSE"
                        + "&access_token=" + RunningGateway.TOKEN));
    }

    @Test
    void theIdempotencyKeyHeaderWorksAsTheFieldAndARepeatIsAnsweredWithTheFirstOutcome() {
        HttpResponse<String> first = app.http().post("/messages", HELLO, "Idempotency-Key", "order-77");
        HttpResponse<String> again = app.http().post("/messages", HELLO, "Idempotency-Key", "order-77");

        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(json(first).path("idempotency_key").asText()).isEqualTo("order-77");
        assertThat(again.statusCode()).isEqualTo(200);
        assertThat(json(again)).isEqualTo(RunningGateway.repeatAnswer(json(first)));
        assertThat(app.meta().sends()).hasSize(1);
    }

    @Test
    void aKeyReusedForAnotherRequestIsAnswered422AndTheSameRequestWrittenOtherwiseIsStillTheDuplicate() {
        HttpResponse<String> first = app.http().post("/messages", HELLO, "Idempotency-Key", "order-78");
        HttpResponse<String> other = app.http().post("/messages", "{\"recipient_id\":\"1234567891\",\"message\":\"Hello, world\"}",
                "Idempotency-Key", "order-78");
        HttpResponse<String> same = app.http().post("/messages", "{ \"message\" : \"Hello, world\",\n  \"recipient_id\" : \"1234567890\" }",
                "Idempotency-Key", "order-78");

        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(other.statusCode()).isEqualTo(422);
        assertThat(other.headers().firstValue("Content-Type")).hasValue(Problem.CONTENT_TYPE);
        JsonNode problem = json(other);
        assertThat(problem.path("violations").get(0).path("field").asText()).isEqualTo("idempotency_key");
        assertThat(problem.path("detail").asText()).contains("idempotency_key was used before for a different request");
        assertThat(same.statusCode()).isEqualTo(200);
        assertThat(json(same)).isEqualTo(RunningGateway.repeatAnswer(json(first)));
        assertThat(app.meta().sends()).hasSize(1);
        assertThat(app.gateway().sent()).hasSize(1);
    }

    @Test
    void aBlankIdempotencyKeyHeaderCountsAsNone() {
        HttpResponse<String> response = app.http().post("/messages",
                "{\"recipient_id\":\"42\",\"message\":\"hi\",\"idempotency_key\":\"field-key\"}", "Idempotency-Key", " ");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(json(response).path("idempotency_key").asText()).isEqualTo("field-key");
    }

    @Test
    void aHeaderKeyThatDiffersFromTheFieldIsInvalid() {
        HttpResponse<String> response = app.http().post("/messages",
                "{\"recipient_id\":\"42\",\"message\":\"hi\",\"idempotency_key\":\"a\"}", "Idempotency-Key", "b");

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(json(response).path("violations").get(0).path("field").asText()).isEqualTo("idempotency_key");
        assertThat(app.meta().sends()).isEmpty();
    }

    @Test
    void anInvalidRequestIsAnswered400NamingEachBadFieldAndIsNeverSent() {
        HttpResponse<String> response = app.http().post("/messages",
                "{\"recipient_id\":\"abc\",\"message\":\"" + "é".repeat(600) + "\",\"tag\":\"CONFIRMED_EVENT_UPDATE\"}");

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.headers().firstValue("Content-Type")).hasValue(Problem.CONTENT_TYPE);
        JsonNode problem = json(response);
        assertThat(problem.path("status").asInt()).isEqualTo(400);
        assertThat(problem.path("title").asText()).isEqualTo("Bad Request");
        assertThat(problem.path("violations")).extracting(v -> v.path("field").asText())
                .containsExactly("recipient_id", "message", "tag");
        assertThat(problem.path("violations").get(1).path("reason").asText())
                .isEqualTo("message is 1200 bytes in UTF-8; the limit is 1000");
        assertThat(app.meta().sends()).isEmpty();
        // answered at the door: the caller has the reasons, the sinks are for what the gateway accepted
        assertThat(app.gateway().failed()).isEmpty();
    }

    @Test
    void aMissingFieldIsNamed() {
        HttpResponse<String> response = app.http().post("/messages", "{\"message\":\"to nobody\"}");

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(json(response).path("violations")).singleElement()
                .satisfies(v -> assertThat(v.path("reason").asText()).isEqualTo("recipient_id is required"));
    }

    @Test
    void malformedJsonIsAnswered400() {
        HttpResponse<String> response = app.http().post("/messages", "{\"recipient_id\": \"42\", \"message\": ");

        assertThat(response.statusCode()).isEqualTo(400);
        JsonNode problem = json(response);
        assertThat(problem.path("violations").get(0).path("field").asText()).isEqualTo("body");
        assertThat(problem.path("detail").asText()).contains("not valid JSON");
        assertThat(app.meta().sends()).isEmpty();
    }

    @Test
    void aRefusalByMetaIsAnswered422WithTheFailedRecord() {
        app.meta().server().stubFor(post(urlPathEqualTo(GraphStub.PATH))
                .willReturn(error(400, 10, 2534022, "This message is sent outside of allowed window.")));

        HttpResponse<String> response = app.http().post("/messages", HELLO);

        assertThat(response.statusCode()).isEqualTo(422);
        JsonNode record = json(response);
        assertThat(record.path("status").asText()).isEqualTo("failed");
        assertThat(record.path("error").path("category").asText()).isEqualTo("rejected");
        assertThat(record.path("error").path("code").asInt()).isEqualTo(10);
        assertThat(app.gateway().failed()).singleElement().isEqualTo(record);
    }

    @Test
    void retriesThatRanOutAreAnswered503WithTheFailedRecord() {
        app.meta().server().stubFor(post(urlPathEqualTo(GraphStub.PATH)).willReturn(error(500, 2, null, "Service temporarily unavailable")));

        HttpResponse<String> response = app.http().post("/messages", HELLO);

        assertThat(response.statusCode()).isEqualTo(503);
        assertThat(json(response).path("error").path("category").asText()).isEqualTo("exhausted");
        assertThat(app.meta().sends()).hasSize(2);
    }

    @Test
    void aBodyOverSixtyFourKibIsAnswered413AndOneMibToo() {
        String justOver = "{\"recipient_id\":\"42\",\"message\":\"" + "x".repeat(64 * 1024) + "\"}";
        String oneMib = "{\"recipient_id\":\"42\",\"message\":\"" + "x".repeat(1024 * 1024) + "\"}";

        long logBefore = TestLog.mark();
        HttpResponse<String> over = app.http().post("/messages", justOver);
        assertThat(over.statusCode()).isEqualTo(413);
        assertThat(over.headers().firstValue("Content-Type")).hasValue(Problem.CONTENT_TYPE);
        assertThat(json(over).path("detail").asText()).isEqualTo("the body is larger than 65536 bytes");
        assertThat(app.http().post("/messages", oneMib).statusCode()).isEqualTo(413);
        assertThat(app.meta().sends()).isEmpty();
        // a caller's mistake, not the server's: nothing at ERROR level
        assertThat(TestLog.since(logBefore)).doesNotContain("Unhandled exception in router");
    }

    @Test
    void aBodyUnderTheLimitIsReadAndJudgedByTheRules() {
        String large = "{\"recipient_id\":\"42\",\"message\":\"" + "x".repeat(60 * 1024) + "\"}";

        HttpResponse<String> response = app.http().post("/messages", large);

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(json(response).path("violations").get(0).path("reason").asText())
                .isEqualTo("message is 61440 bytes in UTF-8; the limit is 1000");
    }

    @Test
    void aBodyThatIsNotJsonIsAnswered415() {
        HttpResponse<String> text = app.http().send(app.http().request("/messages")
                .header("Content-Type", "text/plain").POST(HttpRequest.BodyPublishers.ofString(HELLO)));
        HttpResponse<String> form = app.http().send(app.http().request("/messages")
                .header("Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString("a=b")));
        HttpResponse<String> none = app.http().send(app.http().request("/messages").POST(HttpRequest.BodyPublishers.ofString(HELLO)));

        assertThat(text.statusCode()).isEqualTo(415);
        assertThat(form.statusCode()).isEqualTo(415);
        assertThat(none.statusCode()).isEqualTo(415);
        assertThat(app.meta().sends()).isEmpty();
    }

    @Test
    void jsonWithACharsetIsAccepted() {
        HttpResponse<String> response = app.http().send(app.http().request("/messages")
                .header("Content-Type", "application/json; charset=utf-8").POST(HttpRequest.BodyPublishers.ofString(HELLO)));

        assertThat(response.statusCode()).isEqualTo(200);
    }

    @Test
    void otherMethodsAreAnswered405() {
        assertThat(app.http().get("/messages").statusCode()).isEqualTo(405);
        assertThat(app.http().send(app.http().request("/messages").PUT(HttpRequest.BodyPublishers.ofString(HELLO))
                .header("Content-Type", "application/json")).statusCode()).isEqualTo(405);
        assertThat(app.http().send(app.http().request("/messages").DELETE()).statusCode()).isEqualTo(405);
        assertThat(app.http().get("/messages/bulk").statusCode()).isEqualTo(405);
        assertThat(app.meta().sends()).isEmpty();
    }

    @Test
    void incomingHeadersGoNowhere() {
        HttpResponse<String> response = app.http().post("/messages", HELLO,
                "X-Secret-Header", "leak-me", "Authorization", "Bearer nobody-checks-this", "Cookie", "session=abc");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().map().keySet()).map(String::toLowerCase)
                .doesNotContain("x-secret-header", "authorization", "cookie", "igoutcome", "igfailurecategory");
        LoggedRequest call = app.meta().sends().get(0);
        assertThat(call.getAllHeaderKeys()).map(String::toLowerCase)
                .doesNotContain("x-secret-header", "authorization", "cookie", "idempotency-key");
    }

    @Test
    void concurrentRequestsAreEachSentOnceAndAnswered() throws Exception {
        int callers = 24;
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Callable<HttpResponse<String>>> calls = IntStream.range(0, callers)
                    .<Callable<HttpResponse<String>>>mapToObj(i -> () -> app.http().post("/messages",
                            "{\"recipient_id\":\"" + (1000 + i) + "\",\"message\":\"parallel " + i + "\"}"))
                    .toList();
            List<HttpResponse<String>> responses = pool.invokeAll(calls).stream().map(HttpSourceTest::join).toList();

            assertThat(responses).allSatisfy(r -> assertThat(r.statusCode()).isEqualTo(200));
            // each caller hears its own outcome
            for (int i = 0; i < callers; i++) {
                assertThat(json(responses.get(i)).path("recipient_id").asText()).isEqualTo(String.valueOf(1000 + i));
            }
            assertThat(responses.stream().map(r -> json(r).path("message_id").asText()).distinct()).hasSize(callers);
            assertThat(app.meta().sends()).hasSize(callers);
            assertThat(app.gateway().sent()).hasSize(callers);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void withoutApiKeysTheServerListensOnLoopbackOnlyAndSaysSo() {
        assertThat(app.gateway().context().hasService(MainHttpServer.class).getHost()).isEqualTo("127.0.0.1");
        assertThat(app.log())
                .contains("gateway.http.api-keys is empty: the HTTP server accepts calls without a key and therefore listens on 127.0.0.1 only");
    }

    @Test
    void theStartupLogNamesTheEndpointsAtTheLoopbackAddressTheServerListensOn() {
        String log = app.log();
        String at = "http://127.0.0.1:" + app.http().port();
        assertThat(log).contains("HTTP endpoints:", "    " + at + "/messages (POST)", "    " + at + "/messages/bulk (POST)",
                "HTTP management endpoints:", "    " + at + "/observe/health (GET)");
        assertThat(log).doesNotContain("0.0.0.0:" + app.http().port());
    }

    @Test
    void theOpenApiDescriptionIsServedAndNamesEachEndpoint() {
        HttpResponse<String> response = app.http().get("/openapi.yaml");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/yaml"));
        Map<?, ?> description = (Map<?, ?>) new Load(LoadSettings.builder().build()).loadFromString(response.body());
        assertThat(description.get("openapi")).asString().startsWith("3.");
        Map<?, ?> paths = (Map<?, ?>) description.get("paths");
        assertThat(paths).asInstanceOf(InstanceOfAssertFactories.MAP).containsOnlyKeys("/messages", "/messages/bulk", "/mcp", "/batches", "/batches/{id}");
        assertThat(((Map<?, ?>) ((Map<?, ?>) paths.get("/batches/{id}")).get("get")).get("responses"))
                .asInstanceOf(InstanceOfAssertFactories.MAP)
                .containsOnlyKeys("200", "401", "404");
        assertThat(((Map<?, ?>) ((Map<?, ?>) paths.get("/messages")).get("post")).get("responses"))
                .asInstanceOf(InstanceOfAssertFactories.MAP)
                .containsKeys("200", "400", "401", "405", "413", "415", "422", "503");
        assertThat(((Map<?, ?>) ((Map<?, ?>) paths.get("/messages/bulk")).get("post")).get("responses"))
                .asInstanceOf(InstanceOfAssertFactories.MAP)
                .containsKeys("202", "400", "401", "405", "413", "415", "503");
    }

    static <T> T join(Future<T> future) {
        try {
            return future.get();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
