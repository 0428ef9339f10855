package org.igdm.gateway.graph;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.StringJoiner;
import org.igdm.gateway.Json;
import org.igdm.gateway.request.SendRequest;

/**
 * The form body of the Send API call, exactly as Meta's own sample for graph.facebook.com has it: each value
 * a JSON string where Meta wants an object, URL-encoded. The token travels here, never in the URL.
 * The field names and messaging types are Meta's; the demo sandbox reads the same body with {@link #decode}.
 */
public final class GraphForm {

    public static final String CONTENT_TYPE = "application/x-www-form-urlencoded";
    public static final String RECIPIENT = "recipient";
    public static final String MESSAGE = "message";
    public static final String MESSAGING_TYPE = "messaging_type";
    public static final String TAG = "tag";
    public static final String ACCESS_TOKEN = "access_token";
    /** A reply inside the 24 h window. */
    public static final String RESPONSE = "RESPONSE";
    /** A tagged message: on Instagram only {@link SendRequest#HUMAN_AGENT}, up to 7 days after the user wrote. */
    public static final String MESSAGE_TAG = "MESSAGE_TAG";

    private GraphForm() {
    }

    public static String encode(SendRequest request, AccessToken token) {
        StringJoiner form = new StringJoiner("&");
        add(form, RECIPIENT, json(Map.of("id", request.recipientId())));
        add(form, MESSAGE, json(Map.of("text", request.message())));
        if (request.humanAgent()) {
            add(form, MESSAGING_TYPE, MESSAGE_TAG);
            add(form, TAG, SendRequest.HUMAN_AGENT);
        } else {
            add(form, MESSAGING_TYPE, RESPONSE);
        }
        add(form, ACCESS_TOKEN, token.reveal());
        return form.toString();
    }

    /** The fields of a URL-encoded form, in the order they came; a name without {@code =} has an empty value. */
    public static Map<String, String> decode(String body) {
        Map<String, String> fields = new LinkedHashMap<>();
        if (body == null || body.isEmpty()) {
            return fields;
        }
        for (String pair : body.split("&")) {
            int eq = pair.indexOf('=');
            String name = eq < 0 ? pair : pair.substring(0, eq);
            String value = eq < 0 ? "" : pair.substring(eq + 1);
            fields.put(URLDecoder.decode(name, StandardCharsets.UTF_8), URLDecoder.decode(value, StandardCharsets.UTF_8));
        }
        return fields;
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
