package org.igdm.gateway.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.igdm.gateway.Json;
import org.igdm.gateway.request.InvalidRequestException;
import org.igdm.gateway.request.RequestJson;
import org.igdm.gateway.request.SendRequest;
import org.igdm.gateway.request.Violation;

/**
 * The tool {@code ig_send_message}, with the seed's name, inputs and answers: its arguments are a canonical
 * request, and its result is Meta's answer with {@code _rateLimit}, or {@code isError} with the reason.
 * The definition (description and input schema) is {@code mcp/ig_send_message.json} beside the classes.
 */
final class SendMessageTool {

    static final String NAME = "ig_send_message";
    /** The tools/list entry. */
    static final JsonNode DEFINITION = load("/mcp/ig_send_message.json");
    private static final List<String> ARGUMENTS = DEFINITION.path("inputSchema").path("properties").propertyStream()
            .map(Map.Entry::getKey).toList();

    private SendMessageTool() {
    }

    /**
     * The arguments as a valid request, checked against the tool's schema (only its arguments, each a string)
     * and then by the rules every source's requests follow.
     */
    static SendRequest request(JsonNode arguments) {
        List<Violation> found = new ArrayList<>();
        arguments.propertyStream().forEach(argument -> {
            String name = argument.getKey();
            if (!ARGUMENTS.contains(name)) {
                found.add(new Violation(name, "'" + name + "' is not an argument of " + NAME + "; it takes " + String.join(", ", ARGUMENTS)));
            } else if (!argument.getValue().isTextual() && !argument.getValue().isNull()) {
                found.add(new Violation(name, name + " must be a string"));
            }
        });
        if (!found.isEmpty()) {
            throw new InvalidRequestException(found);
        }
        return RequestJson.fromNode(arguments);
    }

    /** The result of a call the gateway refused at once: each broken rule, naming its argument. */
    static ObjectNode invalid(InvalidRequestException invalid) {
        return error("Not sent: " + invalid.getMessage() + ".");
    }

    /** The result of a call that was sent (or had been, under its idempotency key): Meta's answer and the usage. */
    static ObjectNode sent(JsonNode sentRecord) {
        ObjectNode answer = JsonNodeFactory.instance.objectNode();
        answer.set("recipient_id", sentRecord.path("recipient_id"));
        answer.set("message_id", sentRecord.path("message_id"));
        JsonNode usage = sentRecord.path("rate_limit");
        answer.set("_rateLimit", usage.isObject() ? usage : JsonNodeFactory.instance.objectNode());
        return result(answer.toString(), false);
    }

    /** The result of a call that ended in the failed sink: what happened and what the caller can do about it. */
    static ObjectNode failed(JsonNode failedRecord) {
        JsonNode error = failedRecord.path("error");
        String reason = error.path("message").asText();
        return error(switch (error.path("category").asText()) {
            case "rejected" -> "Not sent: Meta refused it, and calling again will not help. " + reason;
            case "exhausted" -> "Not sent: " + reason + ". Call again later with idempotency_key \""
                    + failedRecord.path("idempotency_key").asText() + "\", so that it is sent at most once.";
            default -> "Not sent: " + reason;
        });
    }

    static ObjectNode error(String reason) {
        return result(reason, true);
    }

    /** A CallToolResult: one text content. */
    private static ObjectNode result(String text, boolean isError) {
        ObjectNode result = JsonNodeFactory.instance.objectNode();
        result.putArray("content").addObject().put("type", "text").put("text", text);
        result.put("isError", isError);
        return result;
    }

    private static JsonNode load(String resource) {
        try (InputStream in = SendMessageTool.class.getResourceAsStream(resource)) {
            return Json.MAPPER.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + resource, e);
        }
    }
}
