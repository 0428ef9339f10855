package org.igdm.gateway.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.igdm.gateway.support.GatewayHttp.json;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.igdm.gateway.Json;
import org.igdm.gateway.support.GatewayFixture;
import org.igdm.gateway.support.MetaWebhooks;
import org.igdm.gateway.support.RunningGateway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Meta's webhooks through the real HTTP server into the received sink: the handshake, the signature, once per event. */
class WebhookSourceTest {

    private static final Instant WROTE = Instant.now().minus(5, ChronoUnit.MINUTES).truncatedTo(ChronoUnit.MILLIS);

    @RegisterExtension
    static final GatewayFixture app = GatewayFixture.withSettings(MetaWebhooks::enable);

    @Test
    void theVerificationEchoesTheChallengeOnlyForTheRightToken() {
        HttpResponse<String> right = app.http().get(MetaWebhooks.PATH
                + "?hub.mode=subscribe&hub.verify_token=" + MetaWebhooks.VERIFY_TOKEN + "&hub.challenge=1158201444");
        HttpResponse<String> wrong = app.http().get(MetaWebhooks.PATH + "?hub.mode=subscribe&hub.verify_token=guess&hub.challenge=1158201444");
        HttpResponse<String> noMode = app.http().get(MetaWebhooks.PATH
                + "?hub.verify_token=" + MetaWebhooks.VERIFY_TOKEN + "&hub.challenge=1158201444");

        assertThat(right.statusCode()).isEqualTo(200);
        assertThat(right.body()).isEqualTo("1158201444");
        assertThat(right.headers().firstValue("Content-Type")).hasValueSatisfying(type -> assertThat(type).startsWith("text/plain"));
        assertThat(wrong.statusCode()).isEqualTo(403);
        assertThat(wrong.body()).doesNotContain("1158201444").contains("hub.verify_token");
        assertThat(noMode.statusCode()).isEqualTo(403);
    }

    @Test
    void eachEventOfASignedBatchIsKeptOnceAlsoWhenMetaDeliversTheBatchAgain() throws Exception {
        String echo = "{\"sender\":{\"id\":\"" + RunningGateway.USER_ID + "\"},\"recipient\":{\"id\":\"5550101\"},\"timestamp\":"
                + WROTE.toEpochMilli() + ",\"message\":{\"mid\":\"mid.echo-1\",\"text\":\"Thanks!\",\"is_echo\":true}}";
        String reaction = "{\"sender\":{\"id\":\"5550101\"},\"recipient\":{\"id\":\"" + RunningGateway.USER_ID + "\"},\"timestamp\":"
                + WROTE.toEpochMilli() + ",\"reaction\":{\"mid\":\"mid.echo-1\",\"action\":\"react\",\"reaction\":\"love\",\"emoji\":\"❤\"}}";
        String seen = "{\"sender\":{\"id\":\"5550101\"},\"recipient\":{\"id\":\"" + RunningGateway.USER_ID + "\"},\"timestamp\":"
                + WROTE.toEpochMilli() + ",\"read\":{\"mid\":\"mid.echo-1\"}}";
        String batch = MetaWebhooks.batch(MetaWebhooks.message("5550101", "mid.user-1", "Is my order on its way?", WROTE), echo, reaction, seen);

        double messagesBefore = metric("gateway_webhook_events_total", "kind=\"message\"");
        double seenBefore = metric("gateway_webhook_events_total", "kind=\"seen\"");

        HttpResponse<String> first = MetaWebhooks.post(app.http(), batch);
        HttpResponse<String> again = MetaWebhooks.post(app.http(), batch);

        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(json(first).path("kept").asInt()).isEqualTo(4);
        assertThat(again.statusCode()).isEqualTo(200);
        assertThat(json(again).path("kept").asInt()).isZero();
        List<JsonNode> received = app.gateway().received();
        assertThat(received).extracting(event -> event.path("kind").asText()).containsExactly("message", "echo", "reaction", "seen");
        JsonNode message = received.get(0);
        assertThat(message.path("account").asText()).isEqualTo("default");
        assertThat(message.path("account_id").asText()).isEqualTo(RunningGateway.USER_ID);
        assertThat(message.path("sender_id").asText()).isEqualTo("5550101");
        assertThat(message.path("recipient_id").asText()).isEqualTo(RunningGateway.USER_ID);
        assertThat(message.path("timestamp").asText()).isEqualTo(WROTE.toString());
        assertThat(message.path("event")).isEqualTo(Json.MAPPER.readTree(MetaWebhooks.message("5550101", "mid.user-1", "Is my order on its way?", WROTE)));
        assertThat(received.get(1).path("sender_id").asText()).isEqualTo(RunningGateway.USER_ID);
        assertThat(metric("gateway_webhook_events_total", "kind=\"message\"")).isEqualTo(messagesBefore + 1);
        assertThat(metric("gateway_webhook_events_total", "kind=\"seen\"")).isEqualTo(seenBefore + 1);
    }

    @Test
    void aRedeliveredMessageInAnotherBatchIsNotKeptAgainButItsNeighbourIs() {
        String known = MetaWebhooks.message("5550102", "mid.user-2", "first", WROTE);
        MetaWebhooks.post(app.http(), MetaWebhooks.batch(known));
        HttpResponse<String> mixed = MetaWebhooks.post(app.http(),
                MetaWebhooks.batch(known, MetaWebhooks.message("5550102", "mid.user-3", "second", WROTE.plusSeconds(1))));

        assertThat(json(mixed).path("events").asInt()).isEqualTo(2);
        assertThat(json(mixed).path("kept").asInt()).isEqualTo(1);
        assertThat(app.gateway().received()).extracting(event -> event.path("event").path("message").path("text").asText())
                .containsExactly("first", "second");
    }

    @Test
    void aBatchThatCouldNotBeKeptIsAnswered500AndKeptWhenMetaDeliversItAgain() throws Exception {
        String body = MetaWebhooks.batch(MetaWebhooks.message("5550106", "mid.unkept-1", "kept at the second try", WROTE));
        // the received sink's folder is a file: the sink cannot be written
        Path folder = app.gateway().home().resolve("outbox/received");
        Files.createDirectories(folder.getParent());
        Files.writeString(folder, "in the way");

        HttpResponse<String> failed = MetaWebhooks.post(app.http(), body);

        assertThat(failed.statusCode()).isEqualTo(500);
        Files.delete(folder);
        HttpResponse<String> redelivered = MetaWebhooks.post(app.http(), body);
        assertThat(redelivered.statusCode()).isEqualTo(200);
        assertThat(json(redelivered).path("kept").asInt()).isEqualTo(1);
        assertThat(app.gateway().received()).singleElement()
                .satisfies(event -> assertThat(event.path("event").path("message").path("mid").asText()).isEqualTo("mid.unkept-1"));
    }

    @Test
    void theInstagramLoginShapeWithChangesIsKeptToo() {
        String body = "{\"object\":\"instagram\",\"entry\":[{\"id\":\"" + RunningGateway.USER_ID + "\",\"time\":1764400000,\"changes\":["
                + "{\"field\":\"messages\",\"value\":{\"sender\":{\"id\":\"5550103\"},\"recipient\":{\"id\":\"" + RunningGateway.USER_ID
                + "\"},\"timestamp\":\"1764400000\",\"message\":{\"mid\":\"mid.changes-1\",\"text\":\"hello\"}}},"
                + "{\"field\":\"comments\",\"value\":{\"from\":{\"id\":\"5550104\",\"username\":\"ana\"},\"id\":\"17890001\",\"text\":\"Price?\"}}]}]}";

        assertThat(MetaWebhooks.post(app.http(), body).statusCode()).isEqualTo(200);

        assertThat(app.gateway().received()).satisfiesExactly(
                message -> {
                    assertThat(message.path("kind").asText()).isEqualTo("message");
                    assertThat(message.path("sender_id").asText()).isEqualTo("5550103");
                    assertThat(message.path("timestamp").asText()).isEqualTo(Instant.ofEpochSecond(1764400000).toString());
                    assertThat(message.path("event").path("field").asText()).isEqualTo("messages");
                },
                comment -> {
                    assertThat(comment.path("kind").asText()).isEqualTo("comments");
                    assertThat(comment.path("sender_id").asText()).isEqualTo("5550104");
                });
    }

    @Test
    void aMissingAWrongOrATamperedSignatureIsRefused403AndNothingIsKept() {
        String body = MetaWebhooks.batch(MetaWebhooks.message("5550105", "mid.forged-1", "forged", WROTE));
        double refusedBefore = metric("gateway_webhook_signature_refused_total");

        HttpResponse<String> missing = app.http().post(MetaWebhooks.PATH, body);
        HttpResponse<String> wrong = app.http().post(MetaWebhooks.PATH, body, "X-Hub-Signature-256",
                new WebhookSignature("another-app-secret").sign(body.getBytes()));
        HttpResponse<String> malformed = app.http().post(MetaWebhooks.PATH, body, "X-Hub-Signature-256", "sha256=not-hex");
        HttpResponse<String> tampered = app.http().post(MetaWebhooks.PATH, body.replace("forged", "tampered"),
                "X-Hub-Signature-256", MetaWebhooks.sign(body));
        // platform-http copies query parameters into Camel's headers: the signature counts only as a header
        HttpResponse<String> inTheQuery = app.http().post(MetaWebhooks.PATH + "?X-Hub-Signature-256="
                + URLEncoder.encode(MetaWebhooks.sign(body), StandardCharsets.UTF_8), body);

        assertThat(List.of(missing, wrong, malformed, tampered, inTheQuery)).allSatisfy(response -> assertThat(response.statusCode()).isEqualTo(403));
        assertThat(json(missing).path("detail").asText()).contains("X-Hub-Signature-256 is missing");
        assertThat(json(tampered).path("detail").asText()).contains("does not match the body");
        assertThat(app.gateway().received()).isEmpty();
        assertThat(metric("gateway_webhook_signature_refused_total")).isEqualTo(refusedBefore + 5);
        // nor were the ids kept: the genuine delivery of the same event is kept
        assertThat(json(MetaWebhooks.post(app.http(), body)).path("kept").asInt()).isEqualTo(1);
        assertThat(app.log()).doesNotContain(MetaWebhooks.APP_SECRET).doesNotContain(MetaWebhooks.VERIFY_TOKEN);
    }

    @Test
    void aSignedBodyThatIsNotAnInstagramBatchIsRefused400NamingTheField() {
        String page = "{\"object\":\"page\",\"entry\":[]}";
        HttpResponse<String> response = MetaWebhooks.post(app.http(), page);

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(json(response).path("violations").get(0).path("field").asText()).isEqualTo("object");
        assertThat(MetaWebhooks.post(app.http(), "not json").statusCode()).isEqualTo(400);
        assertThat(app.gateway().received()).isEmpty();
    }

    /** A metric's value now (0 before it was first counted), over its lines that carry these labels (and any others). */
    private static double metric(String name, String... labels) {
        return app.http().get("/observe/metrics").body().lines()
                .filter(line -> line.startsWith(name + "{") || line.startsWith(name + " "))
                .filter(line -> java.util.Arrays.stream(labels).allMatch(line::contains))
                .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1))).sum();
    }
}
