package org.igdm.gateway.graph;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Meta's error envelope: {@code {"error":{"message","type","code","error_subcode","fbtrace_id","is_transient"}}}.
 * Numbers are null where Meta left them out.
 */
public record GraphError(String message, String type, Integer code, Integer subcode, String fbtraceId, boolean isTransient) {

    /** The envelope inside a response body, or null when the body is not one (an HTML error page, say). */
    static GraphError fromBody(JsonNode body) {
        JsonNode error = body == null ? null : body.get("error");
        if (error == null || !error.isObject()) {
            return null;
        }
        return new GraphError(text(error, "message"), text(error, "type"), number(error, "code"),
                number(error, "error_subcode"), text(error, "fbtrace_id"), error.path("is_transient").asBoolean(false));
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? null : value.asText();
    }

    private static Integer number(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value != null && value.canConvertToInt() ? value.asInt() : null;
    }

    /** "code 10/2534022", the way operators search Meta's documentation. */
    public String codeText() {
        if (code == null) {
            return "no code";
        }
        return subcode == null ? "code " + code : "code " + code + "/" + subcode;
    }
}
