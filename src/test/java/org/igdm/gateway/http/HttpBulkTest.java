package org.igdm.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.igdm.gateway.support.GatewayHttp.json;
import static org.igdm.gateway.support.GraphStub.form;

import com.fasterxml.jackson.databind.JsonNode;
import jakarta.jms.Message;
import jakarta.jms.QueueBrowser;
import jakarta.jms.TextMessage;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.igdm.gateway.Json;
import org.igdm.gateway.account.Accounts;
import org.igdm.gateway.broker.Queues;
import org.igdm.gateway.support.GatewayFixture;
import org.igdm.gateway.support.GraphStub;
import org.igdm.gateway.support.LegacyJmsClient;
import org.igdm.gateway.support.RunningGateway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** POST /messages/bulk: validated at the door, the valid elements queued on ig.deliver and sent by the delivery consumers. */
class HttpBulkTest {

    @RegisterExtension
    static final GatewayFixture app = GatewayFixture.withDefaults();

    @Test
    void validElementsAreQueuedAndSentAndInvalidOnesAreListedWithTheirReasons() {
        HttpResponse<String> response = app.http().post("/messages/bulk", """
                [{"recipient_id":"101","message":"first"},
                 {"recipient_id":"not-digits","message":""},
                 {"recipient_id":"102","message":"second","tag":"HUMAN_AGENT","idempotency_key":"own-key"},
                 "not an object"]""");

        assertThat(response.statusCode()).isEqualTo(202);
        JsonNode answer = json(response);
        assertThat(answer.path("queued").asInt()).isEqualTo(2);
        assertThat(answer.path("rejected")).hasSize(2);
        assertThat(answer.path("rejected").get(0).path("index").asInt()).isEqualTo(1);
        assertThat(answer.path("rejected").get(0).path("violations")).extracting(v -> v.path("field").asText())
                .containsExactly("recipient_id", "message");
        assertThat(answer.path("rejected").get(1).path("index").asInt()).isEqualTo(3);
        assertThat(answer.path("rejected").get(1).path("violations").get(0).path("reason").asText())
                .contains("expected a JSON object");

        app.gateway().awaitOutcomes(2);
        assertThat(app.meta().sends()).hasSize(2);
        assertThat(app.meta().sends()).extracting(call -> form(call).get("message"))
                .containsExactlyInAnyOrder("{\"text\":\"first\"}", "{\"text\":\"second\"}");
        assertThat(app.gateway().sent()).hasSize(2).allSatisfy(record -> {
            assertThat(record.path("source").asText()).isEqualTo("http");
            assertThat(record.path("idempotency_key").asText()).isNotEmpty();
        });
        assertThat(app.gateway().sent()).extracting(r -> r.path("idempotency_key").asText()).contains("own-key");
        // invalid elements were answered; they leave no record
        assertThat(app.gateway().failed()).isEmpty();
    }

    @Test
    void queuedMessagesAreCanonicalJsonGroupedByRecipientAndCarryNoHttpHeader(@TempDir Path elsewhere) throws Exception {
        // a gateway without the delivery consumers leaves the queued messages on ig.deliver to be looked at
        Map<String, String> noConsumer = RunningGateway.defaults(elsewhere, app.meta().url());
        noConsumer.put("camel.main.routes-exclude-pattern", "**/jms-source.camel.yaml");
        try (RunningGateway queueOnly = RunningGateway.start(elsewhere, noConsumer);
                LegacyJmsClient legacy = new LegacyJmsClient(Integer.parseInt(noConsumer.get("gateway.jms.port")))) {
            HttpResponse<String> response = queueOnly.http().post("/messages/bulk",
                    "[{\"recipient_id\":\"201\",\"message\":\"a\",\"extra\":\"dropped\"},{\"recipient_id\":\"202\",\"message\":\"b\"}]",
                    "Idempotency-Key", "batch-9", "X-Trace", "should-not-travel");
            assertThat(response.statusCode()).isEqualTo(202);

            List<Message> queued = browse(legacy);
            assertThat(queued).hasSize(2);
            TextMessage first = (TextMessage) queued.get(0);
            assertThat(Json.MAPPER.readTree(first.getText())).isEqualTo(Json.MAPPER.readTree(
                    "{\"recipient_id\":\"201\",\"message\":\"a\",\"idempotency_key\":\"batch-9#0\"}"));
            assertThat(first.getStringProperty("JMSXGroupID")).isEqualTo("201");
            assertThat(first.getStringProperty(Queues.SOURCE_PROPERTY)).isEqualTo("http");
            assertThat(queued.get(1).getStringProperty("JMSXGroupID")).isEqualTo("202");
            for (Message message : queued) {
                List<String> names = Collections.list(message.getPropertyNames()).stream().map(Object::toString).toList();
                assertThat(names).map(String::toLowerCase)
                        .doesNotContain("x-trace", "x_trace", "idempotency-key", "idempotency_key", "content-type", "content_type");
            }
        }
        assertThat(app.meta().sends()).isEmpty();
    }

    @Test
    void theSameBatchPostedAgainWithTheSameIdempotencyKeyIsNotSentTwice() {
        String batch = "[{\"recipient_id\":\"301\",\"message\":\"once\"},{\"recipient_id\":\"302\",\"message\":\"only once\"}]";

        assertThat(app.http().post("/messages/bulk", batch, "Idempotency-Key", "retry-me").statusCode()).isEqualTo(202);
        app.gateway().awaitOutcomes(2);
        assertThat(app.http().post("/messages/bulk", batch, "Idempotency-Key", "retry-me").statusCode()).isEqualTo(202);
        app.gateway().awaitOutcomes(4);

        assertThat(app.meta().sends()).hasSize(2);
        assertThat(app.gateway().sent()).hasSize(2);
        assertThat(app.gateway().failed()).hasSize(2).allSatisfy(record ->
                assertThat(record.path("error").path("category").asText()).isEqualTo("duplicate"));
    }

    @Test
    void aBodyThatIsNotAnArrayIsAnswered400() {
        HttpResponse<String> object = app.http().post("/messages/bulk", "{\"recipient_id\":\"1\",\"message\":\"m\"}");
        HttpResponse<String> malformed = app.http().post("/messages/bulk", "[{\"recipient_id\":");

        assertThat(object.statusCode()).isEqualTo(400);
        assertThat(json(object).path("violations").get(0).path("reason").asText())
                .isEqualTo("expected a JSON array of requests, got object");
        assertThat(malformed.statusCode()).isEqualTo(400);
        assertThat(json(malformed).path("detail").asText()).contains("not valid JSON");
        assertThat(app.meta().sends()).isEmpty();
    }

    @Test
    void aBulkBodyOverSixtyFourKibIsAnswered413() {
        String element = "{\"recipient_id\":\"42\",\"message\":\"" + "x".repeat(900) + "\"},";
        String big = "[" + element.repeat(80) + "{\"recipient_id\":\"42\",\"message\":\"end\"}]";

        assertThat(app.http().post("/messages/bulk", big).statusCode()).isEqualTo(413);
    }

    private static List<Message> browse(LegacyJmsClient legacy) throws Exception {
        List<Message> messages = new ArrayList<>();
        try (QueueBrowser browser = legacy.session().createBrowser(legacy.session().createQueue(Queues.deliveryQueue(Accounts.DEFAULT)))) {
            Collections.list(browser.getEnumeration()).forEach(m -> messages.add((Message) m));
        }
        return messages;
    }
}
