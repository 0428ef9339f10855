package org.igdm.gateway.webhook;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.camel.spi.PropertiesComponent;

/**
 * The webhook endpoint's settings: Meta's verify token and app secret (both empty: no webhook endpoint), the
 * received sink, and whether sends outside the messaging window are refused locally. {@link #toString()} never
 * shows the token or the secret.
 */
public record WebhookSettings(String verifyToken, String appSecret, String receivedSink, boolean enforceWindow) {

    public static final String VERIFY_TOKEN = "gateway.webhook.verify-token";
    public static final String APP_SECRET = "gateway.webhook.app-secret";
    public static final String RECEIVED_SINK = "gateway.sink.received";
    public static final String ENFORCE_WINDOW = "gateway.window.enforce";

    public static WebhookSettings from(PropertiesComponent properties) {
        List<String> problems = new ArrayList<>();
        String token = value(properties, VERIFY_TOKEN).orElse(null);
        String secret = value(properties, APP_SECRET).orElse(null);
        if ((token == null) != (secret == null)) {
            problems.add("set both " + VERIFY_TOKEN + " and " + APP_SECRET + " (from your app's Webhooks and Basic settings at Meta) "
                    + "for the webhook endpoint, or neither: only " + (token == null ? APP_SECRET : VERIFY_TOKEN) + " is set");
        }
        String sink = value(properties, RECEIVED_SINK).orElse(null);
        if (sink == null) {
            problems.add(RECEIVED_SINK + " is not set: set it to a Camel endpoint URI for the received webhook events");
        }
        String enforce = value(properties, ENFORCE_WINDOW).orElse("false");
        if (!enforce.equals("true") && !enforce.equals("false")) {
            problems.add(ENFORCE_WINDOW + " must be true or false, got '" + enforce + "'");
        } else if (enforce.equals("true") && token == null) {
            problems.add(ENFORCE_WINDOW + "=true needs the webhook endpoint (" + VERIFY_TOKEN + " and " + APP_SECRET
                    + "): without Meta's webhooks the gateway never hears when a user writes");
        }
        if (!problems.isEmpty()) {
            throw new IllegalStateException("The gateway cannot start:\n  - " + String.join("\n  - ", problems));
        }
        return new WebhookSettings(token, secret, sink, enforce.equals("true"));
    }

    /** Whether the webhook endpoint is served (and so the gateway hears when users write). */
    public boolean enabled() {
        return appSecret != null;
    }

    private static Optional<String> value(PropertiesComponent properties, String key) {
        return properties.resolveProperty(key).map(String::strip).filter(v -> !v.isEmpty());
    }

    @Override
    public String toString() {
        return "WebhookSettings[enabled=" + enabled() + ", receivedSink=" + receivedSink + ", enforceWindow=" + enforceWindow + "]";
    }
}
