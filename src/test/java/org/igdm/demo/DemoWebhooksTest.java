package org.igdm.demo;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import org.igdm.gateway.support.GatewayHttp;
import org.igdm.gateway.support.RunningGateway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's webhook demo: the sandbox plays a user who writes, the gateway keeps the message and the window opens. */
class DemoWebhooksTest {

    @TempDir
    Path home;

    @Test
    void aUserWritesThroughASignedWebhookAndTheReplyGoesOutInsideTheWindow() throws Exception {
        Map<String, String> settings = RunningGateway.demoDefaults(home);
        // the README's second step turns enforcement on the same way
        settings.put("gateway.window.enforce", "true");
        try (RunningGateway gateway = RunningGateway.startDemo(home, settings)) {
            GatewayHttp sandbox = new GatewayHttp(Integer.parseInt(settings.get("gateway.demo.sandbox-port")));

            HttpResponse<String> wrote = sandbox.send(sandbox.request("/demo/users/17841400000000301/messages")
                    .POST(HttpRequest.BodyPublishers.ofString("Where is my parcel?")));

            assertThat(wrote.statusCode()).as(wrote.body()).isEqualTo(200);
            assertThat(GatewayHttp.json(wrote).path("gateway_answer").path("kept").asInt()).isEqualTo(1);
            assertThat(gateway.received()).singleElement().satisfies(event -> {
                assertThat(event.path("account").asText()).isEqualTo("default");
                assertThat(event.path("sender_id").asText()).isEqualTo("17841400000000301");
                assertThat(event.path("event").path("message").path("text").asText()).isEqualTo("Where is my parcel?");
            });
            HttpResponse<String> reply = gateway.http().post("/messages", "{\"recipient_id\":\"17841400000000301\",\"message\":\"On its way!\"}");
            assertThat(reply.statusCode()).as(reply.body()).isEqualTo(200);
            assertThat(GatewayHttp.json(reply).path("window_remaining_s").asLong()).isBetween(86_000L, 86_400L);

            // a user who wrote 30 hours ago: the reply is refused without a call to the sandbox
            sandbox.send(sandbox.request("/demo/users/17841400000000302/messages?hours_ago=30")
                    .POST(HttpRequest.BodyPublishers.ofString("Hello?")));
            HttpResponse<String> late = gateway.http().post("/messages", "{\"recipient_id\":\"17841400000000302\",\"message\":\"Sorry!\"}");
            assertThat(late.statusCode()).as(late.body()).isEqualTo(422);
            JsonNode refused = GatewayHttp.json(late);
            assertThat(refused.path("error").path("message").asText()).contains("the user last wrote at").contains("not sent to Meta");
            assertThat(refused.path("attempts").asInt()).isZero();
        }
    }
}
