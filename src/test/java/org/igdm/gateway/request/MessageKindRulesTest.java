package org.igdm.gateway.request;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.stream.Stream;
import org.igdm.gateway.support.KindExamples;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Meta's limits for each kind of message, each broken one named by its JSON path. */
class MessageKindRulesTest {

    private static final String TO = "\"recipient_id\":\"1001\",";

    @ParameterizedTest
    @MethodSource("org.igdm.gateway.support.KindExamples#all")
    void everyExampleIsValidAndOfItsKind(KindExamples.Example example) {
        SendRequest request = RequestJson.parse(example.request());
        assertThat(RequestValidator.violations(request)).isEmpty();
        assertThat(MessageKind.of(request)).isEqualTo(example.kind());
    }

    static Stream<Arguments> brokenRules() {
        String reply = "{\"content_type\":\"text\",\"title\":\"Yes\",\"payload\":\"Y\"}";
        String button = "{\"type\":\"postback\",\"title\":\"Go\",\"payload\":\"GO\"}";
        return Stream.of(
                broken("{" + TO + "\"message\":{\"text\":\"" + "é".repeat(501) + "\"}}", "message.text", "1002 bytes in UTF-8"),
                broken("{" + TO + "\"message\":{\"text\":\"\"}}", "message.text", "must not be empty"),
                broken("{" + TO + "\"message\":42}", "message", "text (a JSON string) or a Send API message object"),
                broken("{" + TO + "\"message\":{\"text\":\"hi\",\"txt\":\"x\"}}", "message.txt", "not a field of Meta's message object"),
                broken("{" + TO + "\"message\":{\"text\":\"q\",\"quick_replies\":[" + (reply + ",").repeat(13) + reply + "]}}",
                        "message.quick_replies", "holds 14 quick replies; Meta allows 1 to 13"),
                broken("{" + TO + "\"message\":{\"text\":\"q\",\"quick_replies\":[" + (reply + ",").repeat(3)
                        + "{\"content_type\":\"text\",\"title\":\"" + "x".repeat(21) + "\",\"payload\":\"P\"}]}}",
                        "message.quick_replies[3].title", "21 characters; Meta allows 20"),
                broken("{" + TO + "\"message\":{\"text\":\"q\",\"quick_replies\":[{\"content_type\":\"user_email\",\"title\":\"a\",\"payload\":\"b\"}]}}",
                        "message.quick_replies[0].content_type", "must be text"),
                broken("{" + TO + "\"message\":{\"attachment\":{\"type\":\"sticker\"}}}", "message.attachment.type",
                        "one of image, video, audio, file, like_heart, MEDIA_SHARE, template, got 'sticker'"),
                broken("{" + TO + "\"message\":{\"attachment\":{\"type\":\"media_share\",\"payload\":{\"id\":\"1\"}}}}", "message.attachment.type",
                        "got 'media_share'"),
                broken("{" + TO + "\"message\":{\"attachment\":{\"type\":\"image\",\"payload\":{\"url\":\"http://example.com/a.jpg\"}}}}",
                        "message.attachment.payload.url", "must be an https URL, got 'http://example.com/a.jpg'"),
                broken("{" + TO + "\"message\":{\"attachment\":{\"type\":\"video\",\"payload\":{}}}}",
                        "message.attachment.payload", "needs url or attachment_id, got neither"),
                broken("{" + TO + "\"message\":{\"attachment\":{\"type\":\"audio\",\"payload\":{\"url\":\"https://e.com/a\",\"attachment_id\":\"1\"}}}}",
                        "message.attachment.payload", "not both"),
                broken("{" + TO + "\"message\":{\"attachment\":{\"type\":\"file\"}}}", "message.attachment.payload", "is required"),
                broken("{" + TO + "\"message\":{\"attachment\":{\"type\":\"MEDIA_SHARE\",\"payload\":{\"id\":\"post-1\"}}}}",
                        "message.attachment.payload.id", "the id of the account's own post"),
                broken("{" + TO + "\"message\":{\"attachment\":{\"type\":\"like_heart\",\"payload\":{\"url\":\"https://e.com\"}}}}",
                        "message.attachment.payload", "takes no payload"),
                broken("{" + TO + "\"message\":{\"text\":\"a\",\"attachment\":{\"type\":\"like_heart\"}}}", "message.attachment", "not both"),
                broken("{" + TO + "\"message\":{\"attachment\":{\"type\":\"template\",\"payload\":{\"template_type\":\"generic\",\"elements\":["
                        + "{\"title\":\"t\"},".repeat(10) + "{\"title\":\"t\"}]}}}}",
                        "message.attachment.payload.elements", "holds 11 elements; Meta allows 1 to 10"),
                broken("{" + TO + "\"message\":{\"attachment\":{\"type\":\"template\",\"payload\":{\"template_type\":\"generic\",\"elements\":["
                        + "{\"title\":\"t\",\"buttons\":[" + (button + ",").repeat(3) + button + "]}]}}}}",
                        "message.attachment.payload.elements[0].buttons", "holds 4 buttons; Meta allows 1 to 3"),
                broken("{" + TO + "\"message\":{\"attachment\":{\"type\":\"template\",\"payload\":{\"template_type\":\"generic\",\"elements\":["
                        + "{\"title\":\"t\"},{\"title\":\"u\",\"image_url\":\"ftp://e.com/i.png\"}]}}}}",
                        "message.attachment.payload.elements[1].image_url", "must be an https URL"),
                broken("{" + TO + "\"message\":{\"attachment\":{\"type\":\"template\",\"payload\":{\"template_type\":\"button\","
                        + "\"text\":\"Pick\",\"buttons\":[]}}}}", "message.attachment.payload.buttons", "holds 0 buttons; Meta allows 1 to 3"),
                broken("{" + TO + "\"message\":{\"attachment\":{\"type\":\"template\",\"payload\":{\"template_type\":\"button\","
                        + "\"text\":\"Pick\",\"buttons\":[{\"type\":\"web_url\",\"title\":\"Open\",\"url\":\"http://e.com\"}]}}}}",
                        "message.attachment.payload.buttons[0].url", "must be an https URL"),
                broken("{" + TO + "\"message\":{\"attachment\":{\"type\":\"template\",\"payload\":{\"template_type\":\"button\","
                        + "\"text\":\"Pick\",\"buttons\":[{\"type\":\"phone_number\",\"title\":\"Call\",\"payload\":\"+1\"}]}}}}",
                        "message.attachment.payload.buttons[0].type", "must be web_url or postback"),
                broken("{" + TO + "\"message\":{\"attachment\":{\"type\":\"template\",\"payload\":{\"template_type\":\"media\"}}}}",
                        "message.attachment.payload.template_type", "must be generic or button"),
                broken("{" + TO + "\"message\":\"hi\",\"sender_action\":\"typing_on\"}", "sender_action", "give message or sender_action, not both"),
                broken("{" + TO.substring(0, TO.length() - 1) + "}", "message", "message is required and must not be empty"),
                broken("{" + TO + "\"sender_action\":\"wave\"}", "sender_action", "must be one of typing_on, typing_off, mark_seen, react, unreact"),
                broken("{" + TO + "\"sender_action\":\"react\"}", "payload", "payload is required"),
                broken("{" + TO + "\"sender_action\":\"react\",\"payload\":{\"message_id\":\"m\"}}", "payload.reaction", "is required"),
                broken("{" + TO + "\"sender_action\":\"unreact\",\"payload\":{}}", "payload.message_id", "is required"),
                broken("{" + TO + "\"sender_action\":\"unreact\",\"payload\":{\"message_id\":\"m\",\"reaction\":\"love\"}}",
                        "payload.reaction", "unreact takes only payload.message_id"),
                broken("{" + TO + "\"sender_action\":\"typing_on\",\"payload\":{\"message_id\":\"m\"}}", "payload", "typing_on takes no payload"),
                broken("{" + TO + "\"message\":\"hi\",\"payload\":{\"message_id\":\"m\"}}", "payload", "only with sender_action react or unreact"),
                broken("{" + TO + "\"sender_action\":\"mark_seen\",\"tag\":\"HUMAN_AGENT\"}", "tag", "a sender action takes none"),
                broken("{\"recipient_id\":\"1\",\"comment_id\":\"2\",\"message\":\"hi\"}", "comment_id", "not both"),
                broken("{\"comment_id\":\"c-2\",\"message\":\"hi\"}", "comment_id", "comment_id must be 1-64 digits"),
                broken("{\"comment_id\":\"2\",\"sender_action\":\"typing_on\"}", "sender_action", "not to a comment"));
    }

    private static Arguments broken(String json, String field, String reason) {
        return Arguments.of(json, field, reason);
    }

    @ParameterizedTest
    @MethodSource("brokenRules")
    void eachBrokenRuleNamesItsField(String json, String field, String reason) {
        assertThatThrownBy(() -> RequestJson.parse(json)).isInstanceOfSatisfying(InvalidRequestException.class,
                invalid -> assertThat(invalid.violations()).singleElement().satisfies(violation -> {
                    assertThat(violation.field()).isEqualTo(field);
                    assertThat(violation.reason()).contains(reason);
                }));
    }

    @Test
    void everyBrokenRuleOfOneMessageIsNamedAtOnce() {
        String json = "{\"comment_id\":\"77\",\"message\":{\"text\":\"q\",\"quick_replies\":["
                + "{\"content_type\":\"text\",\"title\":\"\",\"payload\":\"a\"},"
                + "{\"content_type\":\"text\",\"title\":\"ok\"}]}}";
        assertThatThrownBy(() -> RequestJson.parse(json)).isInstanceOfSatisfying(InvalidRequestException.class,
                invalid -> assertThat(invalid.violations()).extracting(Violation::field)
                        .containsExactly("message.quick_replies[0].title", "message.quick_replies[1].payload"));
    }

    @Test
    void textGivenAsAStringIsMetasTextMessage() {
        SendRequest request = RequestJson.parse("{\"recipient_id\":\"1\",\"message\":\"hi\"}");
        assertThat(request.messageObject().toString()).isEqualTo("{\"text\":\"hi\"}");
        assertThat(request.message().isTextual()).as("kept as given, for the failed record").isTrue();
    }

    @Test
    void aPrivateReplyOfAVideoIsAPrivateReply() {
        SendRequest request = RequestJson.parse("{\"comment_id\":\"1\",\"message\":{\"attachment\":{\"type\":\"video\","
                + "\"payload\":{\"url\":\"https://e.com/v.mp4\"}}}}");
        assertThat(MessageKind.of(request)).isEqualTo(MessageKind.PRIVATE_REPLY);
        assertThat(MessageKind.contentOf(request.message())).isEqualTo(MessageKind.VIDEO);
    }
}
