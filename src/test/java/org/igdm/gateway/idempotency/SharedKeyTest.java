package org.igdm.gateway.idempotency;

import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.igdm.gateway.support.GatewayHttp.json;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.igdm.gateway.broker.Queues;
import org.igdm.gateway.support.GatewayFixture;
import org.igdm.gateway.support.GraphStub;
import org.igdm.gateway.support.LegacyJmsClient;
import org.igdm.gateway.support.RunningGateway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Requests that share an idempotency key while the first is still under way, and a send whose record the sink
 * refused: never two calls to Meta, and in the end one sent record.
 */
class SharedKeyTest {

    private static final String HELLO = "{\"recipient_id\":\"1234567890\",\"message\":\"Hello\"}";

    @RegisterExtension
    static final GatewayFixture app = GatewayFixture.withSettings(settings -> settings.put("gateway.jms.consumers", "4"));

    @Test
    void aSecondHttpRequestWithTheKeyOfOneInFlightIsRefusedWith409AndMetaIsCalledOnce() throws Exception {
        app.meta().server().stubFor(post(urlPathEqualTo(GraphStub.PATH)).willReturn(GraphStub.success().withFixedDelay(1500)));

        CompletableFuture<HttpResponse<String>> first = CompletableFuture.supplyAsync(
                () -> app.http().post("/messages", HELLO, "Idempotency-Key", "retry-1"));
        await().atMost(Duration.ofSeconds(10)).until(() -> app.meta().sends().size() == 1);
        HttpResponse<String> second = app.http().post("/messages", HELLO, "Idempotency-Key", "retry-1");

        assertThat(second.statusCode()).isEqualTo(409);
        assertThat(second.headers().firstValue("Content-Type")).contains("application/problem+json");
        assertThat(json(second).path("detail").asText()).contains("idempotency_key").contains("being delivered now");
        assertThat(first.get().statusCode()).isEqualTo(200);
        HttpResponse<String> afterwards = app.http().post("/messages", HELLO, "Idempotency-Key", "retry-1");
        assertThat(afterwards.statusCode()).isEqualTo(200);
        assertThat(json(afterwards)).isEqualTo(RunningGateway.repeatAnswer(json(first.get())));
        assertThat(app.meta().sends()).hasSize(1);
        assertThat(app.gateway().sent()).hasSize(1);
    }

    @Test
    void queuedRequestsWithOneKeyWaitForTheFirstAndAreThenRefusedAsAKeyReusedForAnotherRecipient() throws Exception {
        app.meta().server().stubFor(post(urlPathEqualTo(GraphStub.PATH)).willReturn(GraphStub.success().withFixedDelay(1000)));
        int jmsPort = Integer.parseInt(app.gateway().context().getPropertiesComponent().resolveProperty("gateway.jms.port").orElseThrow());
        try (LegacyJmsClient legacy = new LegacyJmsClient(jmsPort)) {
            // one key for two recipients, as a file or bulk request may have it: four consumers take them at once
            for (int i = 0; i < 4; i++) {
                legacy.send(Queues.SEND, "{\"recipient_id\":\"" + (100 + i) + "\",\"message\":\"m\",\"idempotency_key\":\"batch-key\"}");
            }
            app.gateway().awaitOutcomes(4);
        }
        assertThat(app.meta().sends()).hasSize(1);
        assertThat(app.gateway().sent()).hasSize(1);
        List<JsonNode> failed = app.gateway().failed();
        // the others are other recipients: not duplicates of the first but new requests under a used key
        assertThat(failed).hasSize(3).allSatisfy(record -> {
            assertThat(record.path("error").path("category").asText()).isEqualTo("invalid");
            assertThat(record.path("error").path("message").asText()).contains("idempotency_key was used before for a different request");
        });
    }

    @Test
    void aSendWhoseRecordTheSinkRefusedIsAnsweredAsAProblemAndRecordedByTheNextRequestWithItsKey() throws Exception {
        // the sent sink's folder is a file: the record cannot be written until it is gone
        Path sentFolder = app.gateway().home().resolve("outbox").resolve("sent");
        Files.createDirectories(sentFolder.getParent());
        Files.writeString(sentFolder, "in the way");

        HttpResponse<String> refused = app.http().post("/messages", HELLO, "Idempotency-Key", "sink-1");

        assertThat(refused.statusCode()).isEqualTo(500);
        assertThat(refused.headers().firstValue("Content-Type")).contains("application/problem+json");
        assertThat(refused.headers().map().keySet()).noneMatch(name -> name.toLowerCase().startsWith("ig"));
        assertThat(app.meta().sends()).as("Meta was called").hasSize(1);
        assertThat(json(refused).path("detail").asText()).contains("Meta accepted the message as mid.").contains("Idempotency-Key");

        Files.delete(sentFolder);
        HttpResponse<String> again = app.http().post("/messages", HELLO, "Idempotency-Key", "sink-1");

        assertThat(again.statusCode()).isEqualTo(200);
        assertThat(app.meta().sends()).as("not sent twice").hasSize(1);
        List<JsonNode> sent = app.gateway().sent();
        assertThat(sent).hasSize(1);
        assertThat(sent.get(0).path("idempotency_key").asText()).isEqualTo("sink-1");
        assertThat(json(refused).path("detail").asText()).contains(sent.get(0).path("message_id").asText());
        assertThat(json(again)).isEqualTo(sent.get(0));
        assertThat(app.gateway().failed()).isEmpty();
    }
}
