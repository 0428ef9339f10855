package org.igdm.gateway.delivery;

import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.igdm.gateway.support.GatewayHttp.json;
import static org.igdm.gateway.support.GraphStub.form;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.igdm.gateway.Json;
import org.igdm.gateway.broker.Queues;
import org.igdm.gateway.request.MessageKind;
import org.igdm.gateway.store.GatewayStore;
import org.igdm.gateway.support.GatewayFixture;
import org.igdm.gateway.support.GraphStub;
import org.igdm.gateway.support.KindExamples;
import org.igdm.gateway.support.LegacyJmsClient;
import org.igdm.gateway.support.RunningGateway;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every kind of message through the running gateway's three doors: what Meta receives, what the sinks and callers get. */
class MessageKindsTest {

    @RegisterExtension
    static final GatewayFixture app = GatewayFixture.withSettings(settings -> {
        settings.put("gateway.file.poll-ms", "100");
        settings.put("gateway.file.settle-ms", "300");
    });

    /**
     * Each test starts from a gateway that answered no comment: the doors' tests send the same private reply, which
     * the gateway would otherwise refuse as a second one.
     */
    @BeforeEach
    void forgetAnsweredComments() throws SQLException {
        DataSource store = app.gateway().context().getRegistry().lookupByNameAndType(GatewayStore.DATA_SOURCE, DataSource.class);
        try (Connection connection = store.getConnection(); Statement delete = connection.createStatement()) {
            delete.executeUpdate("DELETE FROM answered_comments");
        }
    }

    /** Meta's fields of a call, the token included, in the order they came. */
    private static Map<String, String> withToken(Map<String, String> fields) {
        Map<String, String> form = new LinkedHashMap<>(fields);
        form.put("access_token", RunningGateway.TOKEN);
        return form;
    }

    @ParameterizedTest
    @MethodSource("org.igdm.gateway.support.KindExamples#all")
    void everyKindReachesMetaExactlyThroughHttp(KindExamples.Example example) {
        HttpResponse<String> response = app.http().post("/messages", example.request());

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode record = json(response);
        assertThat(record.path("kind").asText()).isEqualTo(example.kind().label());
        assertThat(app.meta().sends()).singleElement()
                .satisfies(call -> assertThat(form(call)).containsExactlyEntriesOf(withToken(example.form())));
        switch (example.kind()) {
            case TYPING_ON, TYPING_OFF, MARK_SEEN, REACTION, UNREACTION ->
                // Meta confirms a sender action without a message id
                assertThat(record.has("message_id")).isFalse();
            case PRIVATE_REPLY -> {
                assertThat(record.path("comment_id").asText()).isEqualTo(KindExamples.COMMENT);
                // the comment's author, as Meta named them
                assertThat(record.path("recipient_id").asText()).isEqualTo(GraphStub.ANSWERED_RECIPIENT);
                assertThat(record.path("message_id").asText()).startsWith("mid.");
            }
            default -> {
                assertThat(record.path("recipient_id").asText()).isEqualTo(KindExamples.USER);
                assertThat(record.path("message_id").asText()).startsWith("mid.");
            }
        }
        assertThat(app.gateway().sent()).singleElement().isEqualTo(record);
    }

    static Stream<Arguments> invalidAtTheDoor() {
        String to = "{\"recipient_id\":\"1001\",";
        return Stream.of(
                Arguments.of(to + "\"message\":{\"text\":\"Rate us\",\"quick_replies\":[" + "{\"content_type\":\"text\",\"title\":\"ok\",\"payload\":\"p\"},".repeat(3)
                        + "{\"content_type\":\"text\",\"title\":\"far too long for a quick reply\",\"payload\":\"p\"}]}}", "message.quick_replies[3].title"),
                Arguments.of(to + "\"message\":{\"attachment\":{\"type\":\"image\",\"payload\":{\"url\":\"http://example.com/a.jpg\"}}}}",
                        "message.attachment.payload.url"),
                Arguments.of(to + "\"message\":{\"attachment\":{\"type\":\"gif\",\"payload\":{\"url\":\"https://example.com/a.gif\"}}}}",
                        "message.attachment.type"),
                Arguments.of(to + "\"sender_action\":\"react\",\"payload\":{\"reaction\":\"love\"}}", "payload.message_id"),
                Arguments.of(to + "\"message\":\"hi\",\"sender_action\":\"typing_on\"}", "sender_action"),
                Arguments.of("{\"recipient_id\":\"1001\",\"comment_id\":\"17858893269000001\",\"message\":\"hi\"}", "comment_id"));
    }

    @ParameterizedTest
    @MethodSource("invalidAtTheDoor")
    void invalidKindsAreAnswered400NamingTheField(String body, String field) {
        HttpResponse<String> response = app.http().post("/messages", body);

        assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(json(response).path("violations")).singleElement()
                .satisfies(violation -> assertThat(violation.path("field").asText()).isEqualTo(field));
        assertThat(app.meta().sends()).isEmpty();
    }

    @Test
    void csvRowsCarryAttachmentsAndPrivateRepliesAndBadOnesNameTheirColumn() throws Exception {
        drop("media.csv", "recipient_id,comment_id,message,attachment_type,attachment_url\n"
                + "1001,,,image,https://example.com/p/42.jpg\n"
                + ",17858893269000001,Thanks for your comment!,,\n"
                + "1002,,,like_heart,\n"
                + "1003,,,video,http://example.com/v.mp4\n"
                + "1004,,hello,image,https://example.com/x.jpg\n"
                + "1005,,,,https://example.com/y.jpg\n");

        app.gateway().awaitOutcomes(6);

        assertThat(app.meta().sends()).extracting(call -> form(call).get("recipient") + " " + form(call).get("message"))
                .containsExactlyInAnyOrder(
                        "{\"id\":\"1001\"} {\"attachment\":{\"type\":\"image\",\"payload\":{\"url\":\"https://example.com/p/42.jpg\"}}}",
                        "{\"comment_id\":\"17858893269000001\"} {\"text\":\"Thanks for your comment!\"}",
                        "{\"id\":\"1002\"} {\"attachment\":{\"type\":\"like_heart\"}}");
        assertThat(app.gateway().sent()).extracting(r -> r.path("kind").asText())
                .containsExactlyInAnyOrder("image", "private_reply", "like_heart");
        assertThat(app.gateway().failed()).extracting(r -> r.path("source").asText() + " " + r.path("kind").asText() + " "
                        + r.path("error").path("violations").get(0).path("field").asText())
                .containsExactly("file:media.csv#4 video attachment_url", "file:media.csv#5 image message",
                        "file:media.csv#6 text attachment_type");
        assertThat(app.gateway().failed().get(0).path("error").path("message").asText())
                .isEqualTo("attachment_url must be an https URL, got 'http://example.com/v.mp4'");
    }

    @Test
    void jsonFilesAndJmsCarryEveryKind() throws Exception {
        List<KindExamples.Example> viaFile = List.of(KindExamples.of(MessageKind.QUICK_REPLIES), KindExamples.of(MessageKind.REACTION),
                KindExamples.of(MessageKind.GENERIC_TEMPLATE));
        drop("rich.json", "[" + String.join(",", viaFile.stream().map(KindExamples.Example::request).toList()) + "]");
        List<KindExamples.Example> viaJms = List.of(KindExamples.of(MessageKind.BUTTON_TEMPLATE), KindExamples.of(MessageKind.AUDIO),
                KindExamples.of(MessageKind.PRIVATE_REPLY));
        int jmsPort = Integer.parseInt(app.gateway().context().getPropertiesComponent().resolveProperty("gateway.jms.port").orElseThrow());
        try (LegacyJmsClient legacy = new LegacyJmsClient(jmsPort)) {
            for (KindExamples.Example example : viaJms) {
                legacy.send(Queues.SEND, example.request());
            }
        }

        app.gateway().awaitOutcomes(6);

        List<Map<String, String>> received = app.meta().sends().stream().map(GraphStub::form).toList();
        assertThat(received).containsExactlyInAnyOrderElementsOf(Stream.concat(viaFile.stream(), viaJms.stream())
                .map(example -> withToken(example.form())).toList());
        assertThat(app.gateway().sent()).extracting(r -> r.path("source").asText().replaceAll("#.*", "") + " " + r.path("kind").asText())
                .containsExactlyInAnyOrder("file:rich.json quick_replies", "file:rich.json reaction", "file:rich.json generic_template",
                        "jms button_template", "jms audio", "jms private_reply");
        assertThat(app.gateway().failed()).isEmpty();
    }

    @Test
    void aBulkRequestQueuesEveryKindAndRejectsTheBrokenOnesByIndex() {
        KindExamples.Example survey = KindExamples.of(MessageKind.QUICK_REPLIES);
        KindExamples.Example reply = KindExamples.of(MessageKind.PRIVATE_REPLY);
        String broken = "{\"recipient_id\":\"1001\",\"sender_action\":\"unreact\"}";

        HttpResponse<String> response = app.http().post("/messages/bulk", "[" + survey.request() + "," + broken + "," + reply.request() + "]");

        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        assertThat(json(response).path("queued").asInt()).isEqualTo(2);
        assertThat(json(response).path("rejected")).singleElement().satisfies(rejected -> {
            assertThat(rejected.path("index").asInt()).isEqualTo(1);
            assertThat(rejected.path("violations").get(0).path("field").asText()).isEqualTo("payload");
        });
        app.gateway().awaitOutcomes(2);
        assertThat(app.meta().sends()).extracting(GraphStub::form)
                .containsExactlyInAnyOrder(withToken(survey.form()), withToken(reply.form()));
    }

    @Test
    void aFailedRecordKeepsWhatWouldHaveBeenSentSoThatItCanBeReplayed() throws Exception {
        app.meta().server().stubFor(post(urlPathEqualTo(GraphStub.PATH))
                .willReturn(GraphStub.error(400, 100, 2534015, "Invalid message data")));
        KindExamples.Example template = KindExamples.of(MessageKind.GENERIC_TEMPLATE);
        KindExamples.Example reaction = KindExamples.of(MessageKind.REACTION);

        assertThat(app.http().post("/messages", template.request()).statusCode()).isEqualTo(422);
        assertThat(app.http().post("/messages", reaction.request()).statusCode()).isEqualTo(422);

        List<JsonNode> failed = app.gateway().failed();
        assertThat(failed).hasSize(2);
        JsonNode given = Json.MAPPER.readTree(template.request());
        assertThat(failed.get(0).path("kind").asText()).isEqualTo("generic_template");
        assertThat(failed.get(0).path("message")).isEqualTo(given.path("message"));
        assertThat(failed.get(0).path("error").path("category").asText()).isEqualTo("rejected");
        assertThat(failed.get(1).path("kind").asText()).isEqualTo("reaction");
        assertThat(failed.get(1).path("sender_action").asText()).isEqualTo("react");
        assertThat(failed.get(1).path("payload")).isEqualTo(Json.MAPPER.readTree(reaction.request()).path("payload"));

        // the record, its status and outcome fields removed, is the request again
        app.meta().reset();
        for (JsonNode record : failed) {
            assertThat(app.http().post("/messages", record.toString()).statusCode()).isEqualTo(200);
        }
        assertThat(app.meta().sends()).extracting(GraphStub::form)
                .containsExactly(withToken(template.form()), withToken(reaction.form()));
    }

    @Test
    void aSecondPrivateReplyFromTheGatewayIsRefusedWithoutACallToMeta() {
        String first = KindExamples.of(MessageKind.PRIVATE_REPLY).request();
        assertThat(app.http().post("/messages", first).statusCode()).isEqualTo(200);

        HttpResponse<String> response = app.http().post("/messages",
                "{\"comment_id\":\"" + KindExamples.COMMENT + "\",\"message\":\"Another answer to the same comment\"}");

        assertThat(response.statusCode()).isEqualTo(422);
        JsonNode record = json(response);
        assertThat(record.path("comment_id").asText()).isEqualTo(KindExamples.COMMENT);
        assertThat(record.path("error").path("category").asText()).isEqualTo("rejected");
        assertThat(record.path("error").path("message").asText())
                .contains("this comment already has its private reply: Meta allows one per comment")
                .contains("not sent to Meta");
        assertThat(record.path("attempts").asInt()).isZero();
        assertThat(app.meta().sends()).as("only the first reply reached Meta").hasSize(1);
    }

    /** A reply the gateway did not send (through another tool, say): Meta's refusal says so. */
    @Test
    void aSecondPrivateReplyToOneCommentIsRejectedSayingSo() {
        app.meta().server().stubFor(post(urlPathEqualTo(GraphStub.PATH))
                .willReturn(GraphStub.error(400, 10900, null, "(#10900) Activity already replied to")));

        HttpResponse<String> response = app.http().post("/messages", KindExamples.of(MessageKind.PRIVATE_REPLY).request());

        assertThat(response.statusCode()).isEqualTo(422);
        JsonNode record = json(response);
        assertThat(record.path("kind").asText()).isEqualTo("private_reply");
        assertThat(record.path("comment_id").asText()).isEqualTo(KindExamples.COMMENT);
        assertThat(record.path("error").path("category").asText()).isEqualTo("rejected");
        assertThat(record.path("error").path("code").asInt()).isEqualTo(10900);
        assertThat(record.path("error").path("message").asText())
                .contains("this comment already has its private reply: Meta allows one per comment");
        assertThat(app.meta().sends()).hasSize(1);
    }

    private static void drop(String name, String content) throws IOException {
        Path inbox = app.gateway().home().resolve("inbox");
        Files.createDirectories(inbox);
        Path part = Files.writeString(inbox.resolve(name + ".part"), content, StandardCharsets.UTF_8);
        Files.move(part, inbox.resolve(name), StandardCopyOption.ATOMIC_MOVE);
    }
}
