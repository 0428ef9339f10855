package org.igdm.gateway.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import org.igdm.gateway.Json;
import org.igdm.gateway.support.GatewayFixture;
import org.igdm.gateway.support.GraphStub;
import org.igdm.gateway.support.TypeScriptMcpHost;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The official MCP TypeScript SDK's client ({@code @modelcontextprotocol/sdk}, run by Node.js), as most agents'
 * hosts use it, against a gateway with an API key.
 */
class McpTypeScriptClientTest {

    private static final String KEY = "k-7d2e94b0c1a35f68";

    @RegisterExtension
    static final GatewayFixture app = GatewayFixture.withSettings(settings -> settings.put("gateway.http.api-keys", KEY));

    @BeforeAll
    static void installTheSdk() throws Exception {
        TypeScriptMcpHost.install();
    }

    private static String url() {
        return "http://127.0.0.1:" + app.http().port() + "/mcp";
    }

    @Test
    void aHostListsTheToolSendsThroughTheGatewayAndIsToldWhatIsWrongWithABadCall() throws Exception {
        JsonNode session = TypeScriptMcpHost.session(url(), "Bearer " + KEY, List.of(
                Map.of("recipient_id", "1234567890", "message", "Hello, world"),
                Map.of("recipient_id", "@someone", "message", "hi")));

        assertThat(session.path("error").isMissingNode()).as(session.toString()).isTrue();
        assertThat(session.path("protocolVersion").asText()).isEqualTo("2025-11-25");
        assertThat(session.path("serverInfo").path("name").asText()).isEqualTo("ig-dm-gateway");
        assertThat(session.path("tools")).singleElement().satisfies(tool -> {
            assertThat(tool.path("name").asText()).isEqualTo("ig_send_message");
            assertThat(tool.path("inputSchema").path("required")).isEqualTo(Json.MAPPER.readTree("[\"recipient_id\",\"message\"]"));
            assertThat(tool.path("inputSchema").path("properties").propertyStream().map(Map.Entry::getKey))
                    .containsExactly("recipient_id", "message", "tag", "account", "idempotency_key");
        });

        JsonNode sent = session.path("results").get(0);
        assertThat(sent.path("isError").asBoolean()).isFalse();
        assertThat(sent.path("content")).hasSize(1);
        JsonNode answer = Json.MAPPER.readTree(sent.path("content").get(0).path("text").asText());
        JsonNode record = app.gateway().sent().getFirst();
        assertThat(answer.path("message_id").asText()).startsWith("mid.").isEqualTo(record.path("message_id").asText());
        assertThat(answer.path("_rateLimit").path("app").path("call_count").asInt()).isEqualTo(28);
        assertThat(record.path("source").asText()).isEqualTo("mcp");

        JsonNode refused = session.path("results").get(1);
        assertThat(refused.path("isError").asBoolean()).isTrue();
        assertThat(refused.path("content").get(0).path("text").asText()).isEqualTo("Not sent: recipient_id must be 1-64 digits, got '@someone'.");

        // one call reached Meta, the valid one, with the whole form field by field
        assertThat(app.meta().sends()).singleElement().satisfies(call -> assertThat(GraphStub.form(call))
                .containsExactlyEntriesOf(GraphStub.textForm("1234567890", "Hello, world")));
    }

    @Test
    void aHostWithoutTheKeyIsRefused() throws Exception {
        JsonNode session = TypeScriptMcpHost.session(url(), null, List.of(Map.of("recipient_id", "42", "message", "hi")));

        assertThat(session.path("code").asInt()).as(session.toString()).isEqualTo(401);
        assertThat(app.meta().sends()).isEmpty();
        assertThat(app.gateway().sent()).isEmpty();
    }
}
