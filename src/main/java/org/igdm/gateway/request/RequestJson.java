package org.igdm.gateway.request;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import org.igdm.gateway.Json;

/** Reads a canonical request from JSON text (an HTTP body, a JMS message, a JSON file element). */
public final class RequestJson {

    private RequestJson() {
    }

    /** Parses and validates; a body that is not one JSON object is as invalid as a bad field. */
    public static SendRequest parse(String json) {
        if (json == null || json.isBlank()) {
            throw new InvalidRequestException("body", "the request is empty; expected a JSON object with recipient_id and message");
        }
        return fromNode(readTree(json));
    }

    /** JSON text as a tree (one request or an array of them); text that is not JSON is an invalid request. */
    public static JsonNode readTree(String json) {
        try {
            return Json.MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            throw new InvalidRequestException("body", "the request is not valid JSON: " + Json.describe(e));
        }
    }

    /** Maps and validates one JSON value that should be a canonical request. */
    public static SendRequest fromNode(JsonNode node) {
        if (node == null || !node.isObject()) {
            throw new InvalidRequestException("body", "expected a JSON object with recipient_id and message, got "
                    + (node == null ? "nothing" : node.getNodeType().toString().toLowerCase()));
        }
        try {
            return RequestValidator.validate(Json.MAPPER.treeToValue(node, SendRequest.class));
        } catch (MismatchedInputException e) {
            String field = e.getPath().isEmpty() ? "body" : e.getPath().get(0).getFieldName();
            throw new InvalidRequestException(field, field + " must be a JSON string");
        } catch (JsonProcessingException e) {
            throw new InvalidRequestException("body", "the request cannot be read: " + Json.describe(e));
        }
    }

}
