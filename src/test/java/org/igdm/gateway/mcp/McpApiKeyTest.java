package org.igdm.gateway.mcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.igdm.gateway.support.GatewayHttp.json;
import static org.igdm.gateway.support.McpClients.send;

import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.McpHttpClientTransportAuthorizationException;
import java.net.http.HttpResponse;
import java.util.Map;
import org.igdm.gateway.support.GatewayFixture;
import org.igdm.gateway.support.McpClients;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A gateway with API keys: an MCP host needs one of them too, as the HTTP source's callers do. */
class McpApiKeyTest {

    private static final String KEY = "k1-0c5e9b27d4a8f136";
    private static final String LIST = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\"}";

    @RegisterExtension
    static final GatewayFixture app = GatewayFixture.withSettings(settings -> settings.put("gateway.http.api-keys", KEY + ",k2-other"));

    @Test
    void aClientWithoutTheKeyIsRefusedAndNothingIsSent() {
        // the SDK's client reports a 401 as an authorization error, as a host then shows it
        try (McpSyncClient client = McpClients.connect(app.gateway(), null)) {
            assertThatThrownBy(client::initialize).hasRootCauseInstanceOf(McpHttpClientTransportAuthorizationException.class);
        }
        try (McpSyncClient client = McpClients.connect(app.gateway(), "Bearer " + KEY + "x")) {
            assertThatThrownBy(client::initialize).hasRootCauseInstanceOf(McpHttpClientTransportAuthorizationException.class);
        }
        assertThat(app.meta().sends()).isEmpty();
        assertThat(app.gateway().sent()).isEmpty();
        assertThat(app.gateway().failed()).isEmpty();
    }

    @Test
    void theRefusalIs401WithABearerChallenge() {
        HttpResponse<String> response = app.http().post("/mcp", LIST);

        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(response.headers().firstValue("WWW-Authenticate")).hasValue("Bearer");
        assertThat(json(response).path("error").path("message").asText())
                .isEqualTo("send one of the gateway's API keys as 'Authorization: Bearer <key>'");
    }

    @Test
    void theKeyInTheQueryStringIsNoKey() {
        HttpResponse<String> response = app.http().post("/mcp?Authorization=Bearer%20" + KEY, LIST);

        assertThat(response.statusCode()).isEqualTo(401);
    }

    @Test
    void aClientWithTheKeySendsAndTheKeyGoesNoFurther() {
        try (McpSyncClient client = McpClients.connect(app.gateway(), "Bearer " + KEY)) {
            client.initialize();
            assertThat(send(client, Map.of("recipient_id", "42", "message", "with a key")).isError()).isFalse();
        }
        assertThat(app.meta().sends()).singleElement().satisfies(call -> {
            assertThat(call.getHeader("Authorization")).isNull();
            assertThat(call.getBodyAsString()).doesNotContain(KEY);
        });
        assertThat(app.gateway().sent()).singleElement().satisfies(sent -> assertThat(sent.toString()).doesNotContain(KEY));
    }

    @Test
    void withAKeyTheOriginOfABrowserPageIsNoReasonToRefuse() {
        HttpResponse<String> response = app.http().post("/mcp", LIST, "Authorization", "Bearer " + KEY, "Origin", "https://agent.example");

        assertThat(response.statusCode()).isEqualTo(200);
    }
}
