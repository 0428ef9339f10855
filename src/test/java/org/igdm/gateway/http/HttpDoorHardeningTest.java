package org.igdm.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.igdm.gateway.support.GatewayHttp.json;

import java.net.InetAddress;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.igdm.gateway.support.GatewayFixture;
import org.igdm.gateway.support.GraphStub;
import org.igdm.gateway.support.RunningGateway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The HTTP door against input from a hostile or careless caller: each case was once a way through. */
class HttpDoorHardeningTest {

    private static final String KEY = "k-hardening-2f9c41d8e7";
    private static final String BEARER = "Bearer " + KEY;

    @RegisterExtension
    static final GatewayFixture app = GatewayFixture.withSettings(settings -> settings.put("gateway.http.api-keys", KEY));

    @Test
    void theBodyIsReadAsUtf8WhateverCharsetTheCallerNamesAndMetaGetsUtf8() {
        String text = "Grüße, ¿qué tal? 👋";
        byte[] body = ("{\"recipient_id\":\"42\",\"message\":\"" + text + "\"}").getBytes(StandardCharsets.UTF_8);
        for (String contentType : new String[] {"application/json; charset=UTF-16", "application/json; charset=IBM037",
                "application/json; charset=no-such-charset"}) {
            HttpResponse<String> response = app.http().send(app.http().request("/messages").header("Authorization", BEARER)
                    .header("Content-Type", contentType).POST(HttpRequest.BodyPublishers.ofByteArray(body)));
            assertThat(response.statusCode()).as(contentType).isEqualTo(200);
        }
        assertThat(app.meta().sends()).hasSize(3).allSatisfy(call -> {
            assertThat(GraphStub.form(call)).containsEntry("message", "{\"text\":\"" + text + "\"}");
            assertThat(GraphStub.form(call)).containsEntry("access_token", RunningGateway.TOKEN);
        });
    }

    @Test
    void mediaTypesAreCaseInsensitive() {
        HttpResponse<String> response = app.http().send(app.http().request("/messages").header("Authorization", BEARER)
                .header("Content-Type", "APPLICATION/JSON; Charset=UTF-8")
                .POST(HttpRequest.BodyPublishers.ofString("{\"recipient_id\":\"42\",\"message\":\"hi\"}")));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(app.meta().sends()).hasSize(1);
    }

    @Test
    void aBodyThatIsNotUtf8IsAnswered400NamingTheBodyAndNothingIsSent() {
        byte[] latin1 = "{\"recipient_id\":\"42\",\"message\":\"Grüße\"}".getBytes(Charset.forName("ISO-8859-1"));
        HttpResponse<String> response = app.http().send(app.http().request("/messages").header("Authorization", BEARER)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofByteArray(latin1)));

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(json(response).path("violations").get(0).path("field").asText()).isEqualTo("body");
        assertThat(json(response).path("detail").asText()).contains("UTF-8");
        assertThat(app.meta().sends()).isEmpty();
    }

    @Test
    void anApiKeyInTheQueryStringDoesNotCountAsTheHeader() {
        HttpResponse<String> response = app.http().send(app.http()
                .jsonPost("/messages?Authorization=Bearer%20" + KEY, "{\"recipient_id\":\"42\",\"message\":\"hi\"}"));

        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(app.meta().sends()).isEmpty();
    }

    @Test
    void aNonAsciiIdempotencyKeyIsTheSameKeyInTheHeaderAndInTheField() throws Exception {
        String key = "commande-été-№7";
        HttpResponse<String> first = app.http().post("/messages",
                "{\"recipient_id\":\"42\",\"message\":\"hi\",\"idempotency_key\":\"" + key + "\"}", "Authorization", BEARER);
        // java.net.http would send '?' for each non-ASCII character: a raw HTTP/1.1 request sends the UTF-8 bytes
        String again = rawPost("Idempotency-Key: " + key + "\r\n", "{\"recipient_id\":\"42\",\"message\":\"hi\"}");

        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(again).startsWith("HTTP/1.1 200").contains("\"idempotency_key\":\"" + key + "\"");
        assertThat(app.meta().sends()).hasSize(1);
    }

    @Test
    void twoIdempotencyKeyHeadersAreAnswered400() throws Exception {
        String answer = rawPost("Idempotency-Key: a\r\nIdempotency-Key: b\r\n", "{\"recipient_id\":\"42\",\"message\":\"hi\"}");

        assertThat(answer).startsWith("HTTP/1.1 400").contains("\"field\":\"Idempotency-Key\"");
        assertThat(app.meta().sends()).isEmpty();
    }

    /** One HTTP/1.1 POST /messages with these extra header lines, its bytes exactly as written (UTF-8); the whole answer. */
    private static String rawPost(String headerLines, String body) throws Exception {
        int port = Integer.parseInt(app.gateway().context().getPropertiesComponent().resolveProperty("gateway.http.port").orElseThrow());
        byte[] content = body.getBytes(StandardCharsets.UTF_8);
        String head = "POST /messages HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nContent-Type: application/json\r\n"
                + "Authorization: " + BEARER + "\r\n" + headerLines + "Content-Length: " + content.length + "\r\n\r\n";
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            socket.setSoTimeout(30_000);
            OutputStream out = socket.getOutputStream();
            out.write(head.getBytes(StandardCharsets.UTF_8));
            out.write(content);
            out.flush();
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void jsonIsReadStrictly() {
        Map<String, String> cases = Map.of(
                "{\"recipient_id\":\"42\",\"message\":\"hi\"} {\"x\":1}", "body",
                "{\"recipient_id\":\"42\",\"recipient_id\":\"43\",\"message\":\"hi\"}", "body",
                "{\"recipient_id\":42,\"message\":\"hi\"}", "recipient_id",
                "{\"recipient_id\":\"42\",\"message\":true}", "message");
        cases.forEach((body, field) -> {
            HttpResponse<String> response = app.http().post("/messages", body, "Authorization", BEARER);
            assertThat(response.statusCode()).as(body).isEqualTo(400);
            assertThat(json(response).path("violations").get(0).path("field").asText()).as(body).isEqualTo(field);
        });
        assertThat(app.meta().sends()).isEmpty();
    }

    @Test
    void aSecondGatewayWhoseHttpPortIsTakenRefusesToStart(@org.junit.jupiter.api.io.TempDir Path home) throws Exception {
        int taken = RunningGateway.freePort();
        try (ServerSocket holder = new ServerSocket(taken, 1, InetAddress.getLoopbackAddress())) {
            Map<String, String> settings = RunningGateway.defaults(home, app.meta().url());
            settings.put("gateway.http.port", String.valueOf(taken));
            assertThatThrownBy(() -> RunningGateway.start(home, settings).close())
                    .hasStackTraceContaining("gateway.http.port " + taken)
                    .hasStackTraceContaining("is taken");
        }
        assertThat(Files.exists(home)).isTrue();
    }
}
