package org.igdm.gateway.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;

/**
 * Ends an MCP exchange with a JSON-RPC error, under the HTTP status the Streamable HTTP transport gives it:
 * 400 when the message cannot be answered as a request (its id is unknown), 200 for an error answer to a
 * request, and the transport's own refusals (401, 403, 400) with code -32000.
 */
final class JsonRpcException extends RuntimeException {

    static final int PARSE_ERROR = -32700;
    static final int INVALID_REQUEST = -32600;
    static final int METHOD_NOT_FOUND = -32601;
    static final int INVALID_PARAMS = -32602;
    static final int INTERNAL_ERROR = -32603;
    /** JSON-RPC leaves -32000 to -32099 to the server: here, a request the transport refuses. */
    static final int REFUSED = -32000;

    private final int httpStatus;
    private final int code;
    private final transient JsonNode id;

    private JsonRpcException(int httpStatus, int code, JsonNode id, String message) {
        super(message);
        this.httpStatus = httpStatus;
        this.code = code;
        this.id = id == null ? NullNode.getInstance() : id;
    }

    static JsonRpcException parseError(String why) {
        return new JsonRpcException(400, PARSE_ERROR, null, why);
    }

    static JsonRpcException invalidRequest(String why) {
        return new JsonRpcException(400, INVALID_REQUEST, null, why);
    }

    static JsonRpcException methodNotFound(JsonNode id, String method) {
        return new JsonRpcException(200, METHOD_NOT_FOUND, id, "method '" + method + "' is not offered; this server answers "
                + String.join(", ", McpEndpoint.METHODS));
    }

    static JsonRpcException invalidParams(JsonNode id, String why) {
        return new JsonRpcException(200, INVALID_PARAMS, id, why);
    }

    static JsonRpcException refused(int httpStatus, String why) {
        return new JsonRpcException(httpStatus, REFUSED, null, why);
    }

    int httpStatus() {
        return httpStatus;
    }

    int code() {
        return code;
    }

    /** The id of the request it answers; JSON null when the request's id is unknown. */
    JsonNode id() {
        return id;
    }
}
