package org.igdm.gateway.mcp;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.processor.ThrottlerRejectedExecutionException;
import org.igdm.gateway.Json;
import org.igdm.gateway.delivery.DeliveryKeys;
import org.igdm.gateway.http.ApiKeys;
import org.igdm.gateway.http.HttpHeaders;
import org.igdm.gateway.request.InvalidRequestException;
import org.igdm.gateway.request.SendRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Java half of the MCP source ({@code routes/mcp-source.camel.yaml}): the Model Context Protocol's JSON-RPC over
 * Streamable HTTP, without sessions or server-sent events. Each POST carries one message and gets one JSON
 * answer, or 202 when it needs none (a notification). A {@code tools/call} leaves its {@code SendRequest} as the
 * body for the route to deliver ({@link McpToolAnswer} answers it); every other message is answered here.
 */
public final class McpEndpoint {

    public static final String BEAN = "mcpEndpoint";
    public static final String SOURCE = "mcp";
    /** The protocol versions this server speaks, newest first: a client asking for another gets the newest. */
    static final List<String> PROTOCOL_VERSIONS = List.of("2025-11-25", "2025-06-18", "2025-03-26", "2024-11-05");
    static final List<String> METHODS = List.of("initialize", "ping", "tools/list", "tools/call");
    private static final String PROTOCOL_VERSION_HEADER = "MCP-Protocol-Version";
    private static final Set<String> LOOPBACK_HOSTS = Set.of("localhost", "127.0.0.1", "[::1]");
    /** Property: the JSON-RPC id of the request being answered, for the answers written after this class. */
    private static final String REQUEST_ID = "igMcpRequestId";
    private static final String JSON = "application/json";
    private static final Logger LOG = LoggerFactory.getLogger(McpEndpoint.class);

    private final ApiKeys apiKeys;
    private final ObjectNode serverInfo;

    public McpEndpoint(ApiKeys apiKeys) {
        this.apiKeys = apiKeys;
        this.serverInfo = JsonNodeFactory.instance.objectNode().put("name", "ig-dm-gateway")
                .put("version", Objects.requireNonNullElse(McpEndpoint.class.getPackage().getImplementationVersion(), "dev"));
    }

    /**
     * Lets in callers with one of the HTTP source's API keys. Without keys (the server then listens on loopback
     * only), a browser page may still reach it, from another site through DNS rebinding: requests that carry
     * such an {@code Origin} are refused, as the transport requires. Every incoming header is then dropped.
     */
    public void admit(Exchange exchange) {
        HttpHeaders headers = HttpHeaders.of(exchange.getMessage());
        if (!apiKeys.accepts(headers.single("Authorization"))) {
            throw JsonRpcException.refused(401, ApiKeys.HOW_TO);
        }
        String origin = headers.single("Origin");
        if (!apiKeys.required() && origin != null && !fromLoopback(origin)) {
            throw JsonRpcException.refused(403, "requests from web pages of other hosts (Origin " + origin + ") are refused");
        }
        String version = headers.single(PROTOCOL_VERSION_HEADER);
        if (version != null && !PROTOCOL_VERSIONS.contains(version)) {
            throw JsonRpcException.refused(400, "unsupported " + PROTOCOL_VERSION_HEADER + " '" + version + "'; this server speaks "
                    + String.join(", ", PROTOCOL_VERSIONS));
        }
        exchange.setProperty(DeliveryKeys.SOURCE, SOURCE);
        HttpHeaders.dropAll(exchange);
    }

    /** Answers one JSON-RPC message, except a valid tools/call: its request becomes the body, to be delivered. */
    public void handle(Exchange exchange) {
        JsonNode message = read(HttpHeaders.utf8Body(exchange.getMessage()));
        if (!message.has("method")) {
            if (message.has("id") && (message.has("result") || message.has("error"))) {
                // a response, though this server never asks the client anything: nothing to answer
                answerNothing(exchange);
                return;
            }
            throw JsonRpcException.invalidRequest("a JSON-RPC request needs a method");
        }
        JsonNode method = message.get("method");
        if (!method.isTextual()) {
            throw JsonRpcException.invalidRequest("method must be a string");
        }
        JsonNode id = message.get("id");
        if (id == null) {
            // a notification (notifications/initialized, notifications/cancelled, ...): taken note of, not answered
            answerNothing(exchange);
            return;
        }
        if (!id.isTextual() && !id.isIntegralNumber()) {
            throw JsonRpcException.invalidRequest("id must be a string or an integer");
        }
        exchange.setProperty(REQUEST_ID, id);
        JsonNode params = message.path("params");
        if (!params.isMissingNode() && !params.isObject()) {
            throw JsonRpcException.invalidParams(id, "params must be an object");
        }
        switch (method.asText()) {
            case "initialize" -> answer(exchange, initialize(id, params));
            case "ping" -> answer(exchange, JsonNodeFactory.instance.objectNode());
            case "tools/list" -> answer(exchange, JsonNodeFactory.instance.objectNode().set("tools",
                    JsonNodeFactory.instance.arrayNode().add(SendMessageTool.DEFINITION)));
            case "tools/call" -> callTool(exchange, id, params);
            default -> throw JsonRpcException.methodNotFound(id, method.asText());
        }
    }

    /** Whether {@link #handle} left a tool call to deliver rather than an answer. */
    public boolean toolCalled(Exchange exchange) {
        return exchange.getMessage().getBody() instanceof SendRequest;
    }

    /** Any exception that ends an MCP exchange, as a JSON-RPC error or, for a tool call turned away, a tool error. */
    public void failure(Exchange exchange) {
        Exception caught = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        if (caught instanceof JsonRpcException rpc) {
            respond(exchange, rpc.httpStatus(), error(rpc.id(), rpc.code(), rpc.getMessage()));
            if (rpc.httpStatus() == 401) {
                exchange.getMessage().setHeader("WWW-Authenticate", "Bearer");
            }
        } else if (caught instanceof InvalidRequestException unreadable) {
            // a header sent twice or not UTF-8, or a body that is not UTF-8: nothing JSON-RPC could read
            respond(exchange, 400, error(null, JsonRpcException.PARSE_ERROR, unreadable.getMessage()));
        } else if (caught instanceof ThrottlerRejectedExecutionException) {
            answer(exchange, SendMessageTool.error("Not sent: as many sends as the gateway allows are waiting for Meta; "
                    + "call again in a moment."));
        } else {
            LOG.error("MCP request failed: {}", caught == null ? "unknown error" : caught.getMessage(), caught);
            respond(exchange, 200, error(requestId(exchange), JsonRpcException.INTERNAL_ERROR,
                    "the request could not be handled; the gateway's log says why"));
        }
    }

    /** Answers the request being handled with the given result. */
    static void answer(Exchange exchange, JsonNode result) {
        ObjectNode response = envelope(requestId(exchange));
        response.set("result", result);
        respond(exchange, 200, response);
    }

    private static JsonNode read(String body) {
        JsonNode message;
        try {
            message = Json.MAPPER.readTree(body == null ? "" : body);
        } catch (JsonProcessingException e) {
            throw JsonRpcException.parseError("the body is not valid JSON: " + e.getOriginalMessage());
        }
        if (message == null || message.isMissingNode()) {
            throw JsonRpcException.parseError("the body is empty; expected one JSON-RPC message");
        }
        if (message.isArray()) {
            throw JsonRpcException.invalidRequest("batches are not supported; send one JSON-RPC message per POST");
        }
        if (!message.isObject() || !"2.0".equals(message.path("jsonrpc").asText(null))) {
            throw JsonRpcException.invalidRequest("expected a JSON-RPC 2.0 message: an object with \"jsonrpc\": \"2.0\"");
        }
        return message;
    }

    /** The client's protocol version if this server speaks it, else the newest it speaks (the client decides). */
    private ObjectNode initialize(JsonNode id, JsonNode params) {
        JsonNode asked = params.path("protocolVersion");
        if (!asked.isTextual()) {
            throw JsonRpcException.invalidParams(id, "params.protocolVersion must be a string, such as \"" + PROTOCOL_VERSIONS.getFirst() + "\"");
        }
        ObjectNode result = JsonNodeFactory.instance.objectNode();
        result.put("protocolVersion", PROTOCOL_VERSIONS.contains(asked.asText()) ? asked.asText() : PROTOCOL_VERSIONS.getFirst());
        result.putObject("capabilities").putObject("tools").put("listChanged", false);
        result.set("serverInfo", serverInfo);
        return result;
    }

    /**
     * A call with invalid arguments is answered at once, as a tool error the model can correct; a valid one
     * goes on as a request of source {@code mcp}, with a key of its own when the caller gave none.
     */
    private static void callTool(Exchange exchange, JsonNode id, JsonNode params) {
        JsonNode name = params.path("name");
        if (!SendMessageTool.NAME.equals(name.asText(null))) {
            throw JsonRpcException.invalidParams(id, "unknown tool " + name + "; this server offers " + SendMessageTool.NAME);
        }
        JsonNode arguments = params.path("arguments");
        if (arguments.isMissingNode() || arguments.isNull()) {
            arguments = JsonNodeFactory.instance.objectNode();
        } else if (!arguments.isObject()) {
            throw JsonRpcException.invalidParams(id, "params.arguments must be an object");
        }
        try {
            exchange.getMessage().setBody(SendMessageTool.request(arguments));
            exchange.setProperty(DeliveryKeys.DEFAULT_KEY, SOURCE + ":" + UUID.randomUUID());
        } catch (InvalidRequestException invalid) {
            answer(exchange, SendMessageTool.invalid(invalid));
        }
    }

    private static JsonNode requestId(Exchange exchange) {
        return exchange.getProperty(REQUEST_ID, JsonNodeFactory.instance.nullNode(), JsonNode.class);
    }

    private static ObjectNode envelope(JsonNode id) {
        ObjectNode response = JsonNodeFactory.instance.objectNode().put("jsonrpc", "2.0");
        response.set("id", id);
        return response;
    }

    private static ObjectNode error(JsonNode id, int code, String message) {
        ObjectNode response = envelope(id);
        response.putObject("error").put("code", code).put("message", message);
        return response;
    }

    private static void answerNothing(Exchange exchange) {
        Message message = exchange.getMessage();
        message.removeHeaders("*");
        message.setHeader(Exchange.HTTP_RESPONSE_CODE, 202);
        message.setBody(null);
    }

    private static void respond(Exchange exchange, int status, ObjectNode body) {
        Message message = exchange.getMessage();
        message.removeHeaders("*");
        message.setHeader(Exchange.HTTP_RESPONSE_CODE, status);
        message.setHeader(Exchange.CONTENT_TYPE, JSON);
        message.setBody(body.toString());
    }

    private static boolean fromLoopback(String origin) {
        try {
            String host = URI.create(origin).getHost();
            return host != null && LOOPBACK_HOSTS.contains(host);
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
