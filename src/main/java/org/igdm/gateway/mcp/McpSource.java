package org.igdm.gateway.mcp;

import org.apache.camel.CamelContext;
import org.igdm.gateway.http.ApiKeys;

/**
 * Wires the MCP source: the beans of its YAML route. It is served by the HTTP source's server, so it takes
 * the same API keys, and listens where that server listens (loopback only without keys).
 */
public final class McpSource {

    private McpSource() {
    }

    public static void configure(CamelContext context, ApiKeys keys) {
        context.getRegistry().bind(McpEndpoint.BEAN, new McpEndpoint(keys));
        context.getRegistry().bind(McpToolAnswer.BEAN, new McpToolAnswer());
    }
}
