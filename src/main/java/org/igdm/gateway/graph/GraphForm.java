package org.igdm.gateway.graph;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.StringJoiner;
import org.igdm.gateway.Json;
import org.igdm.gateway.request.SendRequest;

/**
 * The form body of the Send API call, exactly as Meta's own sample for graph.facebook.com has it: each value
 * a JSON string where Meta wants an object, URL-encoded. The token travels here, never in the URL.
 */
public final class GraphForm {

    public static final String CONTENT_TYPE = "application/x-www-form-urlencoded";

    private GraphForm() {
    }

    public static String encode(SendRequest request, AccessToken token) {
        StringJoiner form = new StringJoiner("&");
        add(form, "recipient", json(Map.of("id", request.recipientId())));
        add(form, "message", json(Map.of("text", request.message())));
        if (request.humanAgent()) {
            add(form, "messaging_type", "MESSAGE_TAG");
            add(form, "tag", SendRequest.HUMAN_AGENT);
        } else {
            add(form, "messaging_type", "RESPONSE");
        }
        add(form, "access_token", token.reveal());
        return form.toString();
    }

    private static void add(StringJoiner form, String name, String value) {
        form.add(name + "=" + URLEncoder.encode(value, StandardCharsets.UTF_8));
    }

    private static String json(Map<String, String> object) {
        try {
            return Json.MAPPER.writeValueAsString(object);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a map of strings always serializes", e);
        }
    }
}
