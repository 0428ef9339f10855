package org.igdm.gateway.graph;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.StringJoiner;
import org.igdm.gateway.account.AccessToken;

/**
 * The form body of the Messenger Platform's Send API call, exactly as Meta's own sample for graph.facebook.com
 * has it: each field of the {@link SendApiBody} a parameter (an object as its JSON text, a string as is),
 * URL-encoded, and the token in {@code access_token}, never in the URL. The demo sandbox reads the same body
 * with {@link #decode}.
 */
public final class GraphForm {

    public static final String CONTENT_TYPE = "application/x-www-form-urlencoded";
    public static final String ACCESS_TOKEN = "access_token";

    private GraphForm() {
    }

    public static String encode(ObjectNode body, AccessToken token) {
        StringJoiner form = new StringJoiner("&");
        body.properties()
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
