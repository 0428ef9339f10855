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
        GraphError error = GraphError.fromBody(json);
        if (httpStatus >= 200 && httpStatus < 300 && error == null) {
            // a 2xx without message_id: the send cannot be confirmed, so it is not recorded as sent
            throw new RejectedByGraphException(httpStatus, new GraphError("the answer holds no "
                    + (messageExpected ? "message_id" : "recipient_id"), null, null, null, null, false), usage);
        }
        throw GraphApiException.of(GraphErrorClassifier.classify(httpStatus, error), httpStatus, error, usage);
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
