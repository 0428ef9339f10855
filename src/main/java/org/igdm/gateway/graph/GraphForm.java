package org.igdm.gateway.graph;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.StringJoiner;
import org.igdm.gateway.request.SendRequest;

/**
 * The form body of the Send API call, exactly as Meta's own sample for graph.facebook.com has it: each field of
 * {@link SendApiBody} a form parameter (an object as its JSON text), URL-encoded, then the token. The token
 * travels here, never in the URL. The demo sandbox reads the same body with {@link #decode}.
 */
public final class GraphForm {

    public static final String CONTENT_TYPE = "application/x-www-form-urlencoded";
    public static final String ACCESS_TOKEN = "access_token";

    private GraphForm() {
    }

    public static String encode(SendRequest request, AccessToken token) {
        StringJoiner form = new StringJoiner("&");
        SendApiBody.of(request).properties()
                .forEach(field -> add(form, field.getKey(), field.getValue().isTextual() ? field.getValue().asText() : field.getValue().toString()));
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
}
