package org.igdm.gateway.mcp;

import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.igdm.gateway.support.GatewayHttp.json;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.igdm.gateway.Json;
import org.igdm.gateway.support.GatewayFixture;
import org.igdm.gateway.support.GraphStub;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The JSON-RPC and transport rules of POST /mcp, as plain HTTP calls show them (no API keys; one tool call at a time). */
class McpProtocolTest {

    private static final String ACCEPT = "application/json, text/event-stream";

    @RegisterExtension
    static final GatewayFixture app = GatewayFixture.withSettings(settings -> settings.put("gateway.mcp.max-concurrent-calls", "1"));

    private static HttpResponse<String> mcp(String body, String... headers) {
        HttpRequest.Builder request = app.http().jsonPost("/mcp", body).header("Accept", ACCEPT);
        if (headers.length > 0) {
            request.headers(headers);
        }
        return app.http().send(request);
    }

    private static void assertError(HttpResponse<String> response, int status, Object id, int code, String message) {
        assertThat(response.statusCode()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
        JsonNode answer = json(response);
        assertThat(answer.path("jsonrpc").asText()).isEqualTo("2.0");
        assertThat(answer.get("id")).isEqualTo(parse(String.valueOf(id)));
        assertThat(answer.path("error").path("code").asInt()).isEqualTo(code);
        assertThat(answer.path("error").path("message").asText()).contains(message);
        assertThat(answer.has("result")).isFalse();
    }

    private static JsonNode parse(String text) {
        try {
            return Json.MAPPER.readTree(text);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(e);
        }
    }

    @Test
    void initializeAnswersTheClientsVersionWhenSpokenAndTheNewestOtherwise() {
        HttpResponse<String> known = mcp("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"protocolVersion\":\"2025-06-18\","
                + "\"capabilities\":{},\"clientInfo\":{\"name\":\"curl\",\"version\":\"8\"}}}");
        HttpResponse<String> future = mcp("{\"jsonrpc\":\"2.0\",\"id\":\"two\",\"method\":\"initialize\",\"params\":{\"protocolVersion\":\"2099-01-01\","
                + "\"capabilities\":{},\"clientInfo\":{\"name\":\"curl\",\"version\":\"8\"}}}");

        assertThat(known.statusCode()).isEqualTo(200);
        JsonNode result = json(known).path("result");
        assertThat(json(known).path("id").asInt()).isEqualTo(1);
        assertThat(result.path("protocolVersion").asText()).isEqualTo("2025-06-18");
        assertThat(result.path("capabilities").path("tools").isObject()).isTrue();
        assertThat(result.path("serverInfo").path("name").asText()).isEqualTo("ig-dm-gateway");
        // no session: the transport's session header is not used
        assertThat(known.headers().firstValue("Mcp-Session-Id")).isEmpty();
        assertThat(json(future).path("id").asText()).isEqualTo("two");
        assertThat(json(future).path("result").path("protocolVersion").asText()).isEqualTo("2025-11-25");
    }

    @Test
    void notificationsAndResponsesAreAccepted202WithoutABody() {
        HttpResponse<String> initialized = mcp("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}");
        HttpResponse<String> cancelled = mcp("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/cancelled\",\"params\":{\"requestId\":3}}");
        HttpResponse<String> response = mcp("{\"jsonrpc\":\"2.0\",\"id\":7,\"result\":{}}");

        assertThat(initialized.statusCode()).isEqualTo(202);
        assertThat(initialized.body()).isEmpty();
        assertThat(cancelled.statusCode()).isEqualTo(202);
        assertThat(response.statusCode()).isEqualTo(202);
    }

    @Test
    void pingIsAnsweredWithAnEmptyResult() {
        HttpResponse<String> response = mcp("{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":\"ping\"}");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(json(response).path("result").isObject()).isTrue();
        assertThat(json(response).path("result").size()).isZero();
    }

    @Test
    void textThatIsNotJsonIsAParseError() {
        assertError(mcp("{\"jsonrpc\":\"2.0\",\"id\":1,"), 400, null, -32700, "the body is not valid JSON");
        assertError(mcp(""), 400, null, -32700, "the body is empty");
    }

    @Test
    void jsonThatIsNotARequestIsAnInvalidRequest() {
        assertError(mcp("{\"id\":1,\"method\":\"ping\"}"), 400, null, -32600, "\"jsonrpc\": \"2.0\"");
        assertError(mcp("{\"jsonrpc\":\"1.0\",\"id\":1,\"method\":\"ping\"}"), 400, null, -32600, "JSON-RPC 2.0");
        assertError(mcp("[{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}]"), 400, null, -32600, "batches are not supported");
        assertError(mcp("{\"jsonrpc\":\"2.0\",\"id\":{\"a\":1},\"method\":\"ping\"}"), 400, null, -32600, "id must be a string or an integer");
        assertError(mcp("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":3}"), 400, null, -32600, "method must be a string");
        assertError(mcp("{\"jsonrpc\":\"2.0\",\"id\":1}"), 400, null, -32600, "needs a method");
    }

    @Test
    void aMethodNotOfferedIsMethodNotFound() {
        assertError(mcp("{\"jsonrpc\":\"2.0\",\"id\":9,\"method\":\"resources/list\"}"), 200, 9, -32601,
                "method 'resources/list' is not offered; this server answers initialize, ping, tools/list, tools/call");
    }

    @Test
    void badParamsAreInvalidParams() {
        assertError(mcp("{\"jsonrpc\":\"2.0\",\"id\":\"a\",\"method\":\"tools/call\",\"params\":{\"name\":\"ig_send_photo\",\"arguments\":{}}}"),
                200, "\"a\"", -32602, "unknown tool \"ig_send_photo\"; this server offers ig_send_message");
        assertError(mcp("{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/call\",\"params\":{\"name\":\"ig_send_message\",\"arguments\":[\"42\",\"hi\"]}}"),
                200, 2, -32602, "params.arguments must be an object");
        assertError(mcp("{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"tools/call\",\"params\":[\"ig_send_message\"]}"),
                200, 3, -32602, "params must be an object");
        assertError(mcp("{\"jsonrpc\":\"2.0\",\"id\":4,\"method\":\"initialize\",\"params\":{\"capabilities\":{}}}"),
                200, 4, -32602, "params.protocolVersion must be a string");
        assertThat(app.meta().sends()).isEmpty();
    }

    @Test
    void aCallWithoutArgumentsNamesTheRequiredOnes() {
        HttpResponse<String> response = mcp("{\"jsonrpc\":\"2.0\",\"id\":8,\"method\":\"tools/call\",\"params\":{\"name\":\"ig_send_message\"}}");

        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode result = json(response).path("result");
        assertThat(result.path("isError").asBoolean()).isTrue();
        assertThat(result.path("content").get(0).path("text").asText())
                .isEqualTo("Not sent: recipient_id is required; message is required and must not be empty.");
        assertThat(app.meta().sends()).isEmpty();
    }

    @Test
    void anUnsupportedProtocolVersionHeaderIsRefused400() {
        assertError(mcp("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\"}", "MCP-Protocol-Version", "2023-01-01"),
                400, null, -32000, "unsupported MCP-Protocol-Version '2023-01-01'");
        assertThat(mcp("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\"}", "MCP-Protocol-Version", "2025-03-26").statusCode())
                .isEqualTo(200);
    }

    @Test
    void withoutApiKeysWebPagesOfOtherHostsAreRefused() {
        String list = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\"}";

        assertError(mcp(list, "Origin", "http://attacker.example"), 403, null, -32000, "Origin http://attacker.example");
        assertThat(mcp(list, "Origin", "null").statusCode()).isEqualTo(403);
        assertThat(mcp(list, "Origin", "http://localhost:6274").statusCode()).isEqualTo(200);
        assertThat(mcp(list, "Origin", "http://127.0.0.1").statusCode()).isEqualTo(200);
    }

    @Test
    void noEventStreamNoSessionAndJsonOnly() {
        // GET would open a server-sent event stream and DELETE end a session: this server offers neither
        assertThat(app.http().send(app.http().request("/mcp").header("Accept", "text/event-stream").GET()).statusCode()).isEqualTo(405);
        assertThat(app.http().send(app.http().request("/mcp").DELETE()).statusCode()).isEqualTo(405);
        assertThat(app.http().send(app.http().request("/mcp").header("Content-Type", "text/plain")
                .POST(HttpRequest.BodyPublishers.ofString("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}"))).statusCode()).isEqualTo(415);
    }

    @Test
    void aCallPastTheConcurrentCallsIsToldAtOnceToCallAgain() throws Exception {
        app.meta().server().stubFor(post(urlPathEqualTo(GraphStub.PATH)).willReturn(GraphStub.success().withFixedDelay(2000)));
        String call = "{\"jsonrpc\":\"2.0\",\"id\":%d,\"method\":\"tools/call\",\"params\":{\"name\":\"ig_send_message\","
                + "\"arguments\":{\"recipient_id\":\"42\",\"message\":\"m%d\"}}}";

        CompletableFuture<HttpResponse<String>> waiting = CompletableFuture.supplyAsync(() -> mcp(call.formatted(1, 1)));
        await().atMost(Duration.ofSeconds(10)).until(() -> app.meta().sends().size() == 1);
        HttpResponse<String> turnedAway = mcp(call.formatted(2, 2));

        assertThat(turnedAway.statusCode()).isEqualTo(200);
        assertThat(json(turnedAway).path("id").asInt()).isEqualTo(2);
        assertThat(json(turnedAway).path("result").path("isError").asBoolean()).isTrue();
        assertThat(json(turnedAway).path("result").path("content").get(0).path("text").asText())
                .isEqualTo("Not sent: as many sends as the gateway allows are waiting for Meta; call again in a moment.");
        assertThat(json(waiting.get(30, TimeUnit.SECONDS)).path("result").path("isError").asBoolean()).isFalse();
        assertThat(app.meta().sends()).hasSize(1);
    }
}
