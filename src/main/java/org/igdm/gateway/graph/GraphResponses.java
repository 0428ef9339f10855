package org.igdm.gateway.graph;

import com.fasterxml.jackson.databind.JsonNode;
import org.igdm.gateway.Json;

/** Reads what the Send API answered: a {@link GraphSendResult}, or a classified {@link GraphApiException}. */
public final class GraphResponses {

    private GraphResponses() {
    }

    /**
     * @param messageExpected true for a message, which Meta confirms with its {@code message_id}; a sender action
     *                        (typing, seen, reactions) is confirmed with {@code recipient_id} alone
     */
    public static GraphSendResult interpret(int httpStatus, String body, RateLimitUsage usage, boolean messageExpected) {
        JsonNode json = parse(body);
        boolean confirmed = json != null && (messageExpected ? json.hasNonNull("message_id") : json.hasNonNull("recipient_id"));
        if (httpStatus >= 200 && httpStatus < 300 && confirmed) {
            return new GraphSendResult(json.path("message_id").asText(null), json.path("recipient_id").asText(null), usage);
        }
        // a 2xx without message_id: the send cannot be confirmed, so it is not recorded as sent
        throw failure(httpStatus, json, usage, messageExpected ? "message_id" : "recipient_id");
    }

    /** A read's answer (the Conversations API): Meta's JSON object, or the classified failure. */
    public static JsonNode read(int httpStatus, String body, RateLimitUsage usage) {
        JsonNode json = parse(body);
        if (httpStatus >= 200 && httpStatus < 300 && json != null && json.isObject() && GraphError.fromBody(json) == null) {
            return json;
        }
        throw failure(httpStatus, json, usage, "JSON object");
    }

    /** Meta's error as the exception to route on; a 2xx without an error is refused for lacking {@code expected}. */
    private static GraphApiException failure(int httpStatus, JsonNode json, RateLimitUsage usage, String expected) {
        GraphError error = GraphError.fromBody(json);
        if (httpStatus >= 200 && httpStatus < 300 && error == null) {
            return new RejectedByGraphException(httpStatus, new GraphError("the answer holds no " + expected, null, null, null, null,
                    false), usage);
        }
        return GraphApiException.of(GraphErrorClassifier.classify(httpStatus, error), httpStatus, error, usage);
    }

    private static JsonNode parse(String body) {
        if (body == null || body.isBlank()) {
            return null;
        }
        try {
            return Json.MAPPER.readTree(body);
        } catch (Exception notJson) {
            return null;
        }
    }
}
