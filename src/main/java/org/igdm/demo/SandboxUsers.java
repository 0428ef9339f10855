package org.igdm.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.igdm.gateway.Json;
import org.igdm.gateway.webhook.WebhookSignature;
import org.igdm.gateway.webhook.WebhookSource;

/**
 * The demo's Instagram users: {@code POST /demo/users/<id>/messages} with a text (and {@code ?hours_ago=N} for a
 * message written N hours ago) makes the sandbox deliver that user's message to the gateway the way Meta does, as a
 * webhook signed with the demo's app secret. The answer is the gateway's, so a newcomer sees the message kept
 * ({@code outbox/received/}) and the user's messaging window open.
 */
final class SandboxUsers {

    static final String PATH = "/demo/users/";
    private static final Pattern WRITE = Pattern.compile("/demo/users/(\\d{1,64})/messages/?");
    private static final Pattern HOURS_AGO = Pattern.compile("(?:^|&)hours_ago=(\\d{1,5})(?:&|$)");
    private static final Map<String, String> JSON = Map.of("Content-Type", "application/json; charset=UTF-8");

    private final URI webhook;
    private final WebhookSignature signature;
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    SandboxUsers(int gatewayPort, String appSecret) {
        this.webhook = URI.create("http://127.0.0.1:" + gatewayPort + WebhookSource.PATH);
        this.signature = new WebhookSignature(appSecret);
    }

    SandboxAnswer answer(String method, String path, String query, String text) throws IOException {
        Matcher user = WRITE.matcher(path);
        if (!user.matches()) {
            return problem(404, "POST " + PATH + "<user id: 1-64 digits>/messages with the message as the body");
        }
        if (!"POST".equals(method)) {
            return problem(405, "POST the message the user writes");
        }
        if (text.isBlank()) {
            return problem(400, "the body is the message the user writes: it is empty");
        }
        Matcher hoursAgo = HOURS_AGO.matcher(query == null ? "" : query);
        Instant wrote = Instant.now().minus(Duration.ofHours(hoursAgo.find() ? Long.parseLong(hoursAgo.group(1)) : 0));
        byte[] batch = batch(user.group(1), text, wrote);
        HttpResponse<String> delivered;
        try {
            delivered = client.send(HttpRequest.newBuilder(webhook).timeout(Duration.ofSeconds(30))
                    .header("Content-Type", "application/json")
                    .header(WebhookSignature.HEADER, signature.sign(batch))
                    .POST(HttpRequest.BodyPublishers.ofByteArray(batch)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException stopping) {
            Thread.currentThread().interrupt();
            return problem(503, "the sandbox is stopping");
        }
        ObjectNode answer = Json.MAPPER.createObjectNode();
        answer.put("webhook_status", delivered.statusCode());
        answer.set("gateway_answer", readable(delivered.body()));
        answer.set("delivered", Json.MAPPER.readTree(batch));
        return new SandboxAnswer(delivered.statusCode() == 200 ? 200 : 502, JSON, answer.toString());
    }

    /** Meta's batch for one message from the user to the sandbox's account. */
    private static byte[] batch(String userId, String text, Instant wrote) {
        ObjectNode root = Json.MAPPER.createObjectNode().put("object", "instagram");
        ObjectNode entry = root.putArray("entry").addObject().put("id", GraphSandbox.USER_ID).put("time", Instant.now().toEpochMilli());
        ObjectNode messaging = entry.putArray("messaging").addObject();
        messaging.putObject("sender").put("id", userId);
        messaging.putObject("recipient").put("id", GraphSandbox.USER_ID);
        messaging.put("timestamp", wrote.toEpochMilli());
        messaging.putObject("message").put("mid", "mid.demo-" + UUID.randomUUID()).put("text", text);
        return root.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static JsonNode readable(String body) {
        try {
            return Json.MAPPER.readTree(body);
        } catch (IOException notJson) {
            return Json.MAPPER.getNodeFactory().textNode(body);
        }
    }

    private static SandboxAnswer problem(int status, String detail) {
        return new SandboxAnswer(status, JSON, Json.MAPPER.createObjectNode().put("status", status).put("detail", detail).toString());
    }
}
