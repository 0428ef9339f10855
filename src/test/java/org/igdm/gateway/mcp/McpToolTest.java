package org.igdm.gateway.mcp;

import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.igdm.gateway.support.GraphStub.error;
import static org.igdm.gateway.support.McpClients.send;
import static org.igdm.gateway.support.McpClients.text;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.spec.McpSchema;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.igdm.gateway.Json;
import org.igdm.gateway.pacing.AccountGate;
import org.igdm.gateway.pacing.AccountGates;
import org.igdm.gateway.support.GatewayFixture;
import org.igdm.gateway.support.GraphStub;
import org.igdm.gateway.support.McpClients;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** An agent's host on the MCP Java SDK's client, calling ig_send_message on the running gateway (no API keys). */
class McpToolTest {

    @RegisterExtension
    static final GatewayFixture app = GatewayFixture.withSettings(settings -> {
        settings.put("gateway.retry.max-attempts", "2");
        settings.put("gateway.pacing.rate-limit-pause-ms", "500");
    });

    private static McpSyncClient client;

    @BeforeAll
    static void connect() {
        client = McpClients.connect(app.gateway(), null);
        client.initialize();
    }

    @AfterAll
    static void disconnect() {
        client.close();
    }

    @BeforeEach
    void accountNotPaused() {
        AccountGate gate = app.gateway().context().getRegistry().findSingleByType(AccountGates.class).of("default");
        await().atMost(Duration.ofSeconds(5)).until(() -> !gate.paused());
    }

    @Test
    void theGatewayOffersTheSeedsToolWithItsInputs() {
        assertThat(client.getServerCapabilities().tools()).isNotNull();
        List<McpSchema.Tool> tools = client.listTools().tools();

        assertThat(tools).singleElement().satisfies(tool -> {
            assertThat(tool.name()).isEqualTo("ig_send_message");
            assertThat(tool.description()).contains("24 hours", "7 days", "HUMAN_AGENT", "instagram_manage_messages");
            Map<String, Object> schema = tool.inputSchema();
            assertThat(schema).containsEntry("type", "object").containsEntry("required", List.of("recipient_id", "message"));
            @SuppressWarnings("unchecked")
            Map<String, Map<String, Object>> properties = (Map<String, Map<String, Object>>) schema.get("properties");
            assertThat(properties).containsOnlyKeys("recipient_id", "message", "tag", "account", "idempotency_key");
            assertThat(properties.values()).allSatisfy(property -> assertThat(property).containsEntry("type", "string"));
        });
    }

    @Test
    void aCallIsSentThroughTheGatewayAndAnsweredWithMetasAnswerAndTheUsage() throws Exception {
        McpSchema.CallToolResult result = send(client, Map.of("recipient_id", "1234567890", "message", "Hello, world"));

        assertThat(result.isError()).isFalse();
        assertThat(result.content()).hasSize(1);
        JsonNode answer = Json.MAPPER.readTree(text(result));
        JsonNode sent = app.gateway().sent().getFirst();
        assertThat(answer.path("message_id").asText()).startsWith("mid.").isEqualTo(sent.path("message_id").asText());
        assertThat(answer.path("recipient_id").asText()).isEqualTo("1234567890");
        assertThat(answer.path("_rateLimit").path("app").path("call_count").asInt()).isEqualTo(28);
        assertThat(answer.path("_rateLimit").path("business_use_case").path("1234").get(0).path("type").asText()).isEqualTo("instagram");
        assertThat(sent.path("source").asText()).isEqualTo("mcp");
        // no key given: the gateway assigns one, so that the record still carries a key
        assertThat(sent.path("idempotency_key").asText()).startsWith("mcp:");
        // the whole form, field by field in Meta's order
        assertThat(app.meta().sends()).singleElement().satisfies(call -> assertThat(GraphStub.form(call))
                .containsExactlyEntriesOf(GraphStub.textForm("1234567890", "Hello, world")));
    }

    @Test
    void theTagAndTheIdempotencyKeyArePassedOnAndARepeatIsAnsweredWithTheFirstResult() throws Exception {
        Map<String, Object> arguments = Map.of("recipient_id", "42", "message", "a human replies", "tag", "HUMAN_AGENT",
                "idempotency_key", "ticket-981");

        McpSchema.CallToolResult first = send(client, arguments);
        McpSchema.CallToolResult again = send(client, arguments);

        assertThat(first.isError()).isFalse();
        // the first result, less the usage Meta reported at that moment (the idempotency store does not keep it)
        ObjectNode firstResult = (ObjectNode) Json.MAPPER.readTree(text(first));
        firstResult.putObject("_rateLimit");
        assertThat(Json.MAPPER.readTree(text(again))).isEqualTo(firstResult);
        assertThat(app.meta().sends()).singleElement().satisfies(call -> assertThat(GraphStub.form(call))
                .containsEntry("messaging_type", "MESSAGE_TAG").containsEntry("tag", "HUMAN_AGENT"));
        assertThat(app.gateway().sent()).singleElement()
                .satisfies(sent -> assertThat(sent.path("idempotency_key").asText()).isEqualTo("ticket-981"));
    }

    @Test
    void anInvalidCallIsAToolErrorNamingEachArgumentAndNothingIsSent() {
        McpSchema.CallToolResult result = send(client, Map.of("recipient_id", "@someone", "message", "", "tag", "URGENT"));

        assertThat(result.isError()).isTrue();
        assertThat(text(result)).isEqualTo("Not sent: recipient_id must be 1-64 digits, got '@someone'; "
                + "message is required and must not be empty; tag must be HUMAN_AGENT or left out, got 'URGENT'.");
        assertThat(app.meta().sends()).isEmpty();
        assertThat(app.gateway().sent()).isEmpty();
        assertThat(app.gateway().failed()).isEmpty();
    }

    @Test
    void argumentsOutsideTheSchemaAreToolErrorsToo() {
        Map<String, Object> arguments = new LinkedHashMap<>();
        arguments.put("recipient_id", 1234567890L);
        arguments.put("message", Map.of("text", "hi"));
        arguments.put("comment_id", "178");

        McpSchema.CallToolResult result = send(client, arguments);

        assertThat(result.isError()).isTrue();
        assertThat(text(result)).contains("recipient_id must be a string", "message must be a string",
                "'comment_id' is not an argument of ig_send_message; it takes recipient_id, message, tag, account, idempotency_key");
        assertThat(app.meta().sends()).isEmpty();
    }

    @Test
    void aRefusalByMetaIsAToolErrorWithMetasCodeAndAFailedRecord() {
        app.meta().server().stubFor(post(urlPathEqualTo(GraphStub.PATH))
                .willReturn(error(400, 10, 2534022, "This message is sent outside of allowed window.")));

        McpSchema.CallToolResult result = send(client, Map.of("recipient_id", "42", "message", "too late"));

        assertThat(result.isError()).isTrue();
        assertThat(text(result)).isEqualTo("Not sent: Meta refused it, and calling again will not help. "
                + "Graph API code 10/2534022 (HTTP 400): This message is sent outside of allowed window.");
        assertThat(app.meta().sends()).hasSize(1);
        assertThat(app.gateway().failed()).singleElement().satisfies(failed -> {
            assertThat(failed.path("source").asText()).isEqualTo("mcp");
            assertThat(failed.path("error").path("category").asText()).isEqualTo("rejected");
        });
    }

    @Test
    void aCallWhileTheAccountIsPausedIsToldPromptlyAndMetaIsNotCalledAgain() {
        app.meta().server().stubFor(post(urlPathEqualTo(GraphStub.PATH))
                .willReturn(error(400, 613, 2534040, "Calls to this api have exceeded the rate limit.")));

        McpSchema.CallToolResult first = send(client, Map.of("recipient_id", "42", "message", "slow down"));
        McpSchema.CallToolResult second = send(client, Map.of("recipient_id", "43", "message", "still paused"));

        assertThat(first.isError()).isTrue();
        assertThat(text(first)).contains("sending is paused for this account", "Call again later with idempotency_key \"mcp:");
        assertThat(second.isError()).isTrue();
        assertThat(text(second)).contains("sending is paused for this account");
        // the first attempt met the rate limit; every later one found the account paused
        assertThat(app.meta().sends()).hasSize(1);
        assertThat(app.gateway().failed()).hasSize(2)
                .allSatisfy(failed -> assertThat(failed.path("error").path("category").asText()).isEqualTo("exhausted"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"2025-03-26", "2025-06-18", "2025-11-25"})
    void aClientOfEachCurrentProtocolVersionIsAnsweredInItsVersion(String version) {
        try (McpSyncClient only = McpClients.connect(app.gateway(), null, version)) {
            assertThat(only.initialize().protocolVersion()).isEqualTo(version);
            assertThat(only.listTools().tools()).extracting(McpSchema.Tool::name).containsExactly("ig_send_message");
            assertThat(send(only, Map.of("recipient_id", "42", "message", "v" + version)).isError()).isFalse();
        }
        assertThat(app.meta().sends()).hasSize(1);
    }
}
