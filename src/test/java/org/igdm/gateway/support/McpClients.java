package org.igdm.gateway.support;

import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.spec.McpSchema;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A real MCP client, the MCP Java SDK's, connected to a running gateway's {@code /mcp} over its Streamable HTTP
 * transport, as an agent's host connects.
 */
public final class McpClients {

    private McpClients() {
    }

    /** A client that speaks the SDK's protocol versions and sends {@code authorization} (when not null). */
    public static McpSyncClient connect(RunningGateway gateway, String authorization) {
        return connect(gateway, authorization, null);
    }

    /** A client that speaks only {@code protocolVersion} (all the SDK's when null). */
    public static McpSyncClient connect(RunningGateway gateway, String authorization, String protocolVersion) {
        HttpRequest.Builder requests = HttpRequest.newBuilder();
        if (authorization != null) {
            requests.header("Authorization", authorization);
        }
        HttpClientStreamableHttpTransport.Builder transport = HttpClientStreamableHttpTransport
                .builder("http://127.0.0.1:" + gateway.http().port())
                .endpoint("/mcp")
                .requestBuilder(requests);
        if (protocolVersion != null) {
            transport.supportedProtocolVersions(List.of(protocolVersion));
        }
        return McpClient.sync(transport.build())
                .clientInfo(new McpSchema.Implementation("ig-dm-gateway-tests", "1"))
                .requestTimeout(Duration.ofSeconds(30))
                .build();
    }

    /** Calls {@code ig_send_message} with the given arguments. */
    public static McpSchema.CallToolResult send(McpSyncClient client, Map<String, Object> arguments) {
        return client.callTool(new McpSchema.CallToolRequest("ig_send_message", arguments));
    }

    /** The text of the result's one content. */
    public static String text(McpSchema.CallToolResult result) {
        return ((McpSchema.TextContent) result.content().getFirst()).text();
    }
}
