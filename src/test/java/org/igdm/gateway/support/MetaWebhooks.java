package org.igdm.gateway.support;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import org.igdm.gateway.webhook.WebhookSignature;

/** Meta's side of the webhooks in tests: the settings that turn them on, event batches as Meta sends them, signed. */
public final class MetaWebhooks {

    public static final String PATH = "/webhooks/instagram";
    public static final String APP_SECRET = "test-app-secret-3c9d0e7a51b2";
    public static final String VERIFY_TOKEN = "test-verify-token-8e41";

    private MetaWebhooks() {
    }

    /** Turns the webhook endpoint on in a test gateway's settings. */
    public static void enable(Map<String, String> settings) {
        settings.put("gateway.webhook.verify-token", VERIFY_TOKEN);
        settings.put("gateway.webhook.app-secret", APP_SECRET);
    }

    /** A user's text message to the test account, as an item of {@code entry[].messaging}. */
    public static String message(String userId, String mid, String text, Instant at) {
        return "{\"sender\":{\"id\":\"" + userId + "\"},\"recipient\":{\"id\":\"" + RunningGateway.USER_ID + "\"},\"timestamp\":"
                + at.toEpochMilli() + ",\"message\":{\"mid\":\"" + mid + "\",\"text\":\"" + text + "\"}}";
    }

    /** One entry of the test account with the given messaging items. */
    public static String batch(String... messaging) {
        return "{\"object\":\"instagram\",\"entry\":[{\"id\":\"" + RunningGateway.USER_ID + "\",\"time\":" + Instant.now().toEpochMilli()
                + ",\"messaging\":[" + String.join(",", messaging) + "]}]}";
    }

    public static String sign(String body) {
        return new WebhookSignature(APP_SECRET).sign(body.getBytes(StandardCharsets.UTF_8));
    }

    /** POSTs the body signed with the test app secret, as Meta does. */
    public static HttpResponse<String> post(GatewayHttp http, String body) {
        return http.post(PATH, body, "X-Hub-Signature-256", sign(body));
    }
}
