package org.igdm.gateway.support;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.igdm.gateway.request.MessageKind;

/**
 * One canonical request of every kind, and Meta's fields for it written out by hand: the form fields of the
 * {@code facebook} API in order (each object as its JSON text; the token follows them) and the same fields as
 * one JSON object for the {@code instagram} API. docs/message-kinds.md shows the same requests.
 */
public final class KindExamples {

    /** @param form Meta's fields in order, without the token: name, then its value as the form carries it */
    public record Example(MessageKind kind, String request, Map<String, String> form) {

        /** The fields as one JSON object, the body of the instagram API. */
        public String json() {
            return form.entrySet().stream()
                    .map(field -> "\"" + field.getKey() + "\":" + (field.getValue().startsWith("{") ? field.getValue() : "\"" + field.getValue() + "\""))
                    .collect(Collectors.joining(",", "{", "}"));
        }

        @Override
        public String toString() {
            return kind.label();
        }
    }

    public static final String USER = "1784140000000101";
    public static final String COMMENT = "17858893269000001";
    public static final String MID = "aWdfZAG1faXRlbToxOklHTWVzc2FnZAUlEOjE3ODQx";

    private static final String TO_USER = "{\"id\":\"" + USER + "\"}";

    private KindExamples() {
    }

    public static List<Example> all() {
        return List.of(
                message(MessageKind.TEXT, "\"Your invoice is ready\"", "{\"text\":\"Your invoice is ready\"}"),
                message(MessageKind.IMAGE, "{\"attachment\":{\"type\":\"image\",\"payload\":{\"url\":\"https://example.com/p/42.jpg\"}}}"),
                message(MessageKind.VIDEO, "{\"attachment\":{\"type\":\"video\",\"payload\":{\"attachment_id\":\"1857777774821032\"}}}"),
                message(MessageKind.AUDIO, "{\"attachment\":{\"type\":\"audio\",\"payload\":{\"url\":\"https://example.com/a/hello.m4a\"}}}"),
                new Example(MessageKind.FILE, "{\"recipient_id\":\"" + USER + "\",\"message\":{\"attachment\":{\"type\":\"file\","
                        + "\"payload\":{\"url\":\"https://example.com/invoices/2026-118.pdf\"}}},\"tag\":\"HUMAN_AGENT\"}",
                        fields("recipient", TO_USER,
                                "message", "{\"attachment\":{\"type\":\"file\",\"payload\":{\"url\":\"https://example.com/invoices/2026-118.pdf\"}}}",
                                "messaging_type", "MESSAGE_TAG", "tag", "HUMAN_AGENT")),
                message(MessageKind.LIKE_HEART, "{\"attachment\":{\"type\":\"like_heart\"}}"),
                message(MessageKind.MEDIA_SHARE, "{\"attachment\":{\"type\":\"MEDIA_SHARE\",\"payload\":{\"id\":\"17895695668004550\"}}}"),
                message(MessageKind.QUICK_REPLIES, "{\"text\":\"How was your delivery?\",\"quick_replies\":["
                        + "{\"content_type\":\"text\",\"title\":\"Great\",\"payload\":\"RATE_5\"},"
                        + "{\"content_type\":\"text\",\"title\":\"Could be better\",\"payload\":\"RATE_3\"}]}"),
                message(MessageKind.GENERIC_TEMPLATE, "{\"attachment\":{\"type\":\"template\",\"payload\":{\"template_type\":\"generic\","
                        + "\"elements\":[{\"title\":\"Trail shoe\",\"subtitle\":\"49 EUR\",\"image_url\":\"https://example.com/p/1.jpg\","
                        + "\"default_action\":{\"type\":\"web_url\",\"url\":\"https://example.com/p/1\"},"
                        + "\"buttons\":[{\"type\":\"web_url\",\"url\":\"https://example.com/p/1\",\"title\":\"View\"},"
                        + "{\"type\":\"postback\",\"title\":\"Buy\",\"payload\":\"BUY_1\"}]}]}}}"),
                message(MessageKind.BUTTON_TEMPLATE, "{\"attachment\":{\"type\":\"template\",\"payload\":{\"template_type\":\"button\","
                        + "\"text\":\"Need help with your order?\",\"buttons\":[{\"type\":\"postback\",\"title\":\"Talk to us\",\"payload\":\"HELP\"}]}}}"),
                action(MessageKind.TYPING_ON, "typing_on", null),
                action(MessageKind.TYPING_OFF, "typing_off", null),
                action(MessageKind.MARK_SEEN, "mark_seen", null),
                action(MessageKind.REACTION, "react", "{\"message_id\":\"" + MID + "\",\"reaction\":\"love\"}"),
                action(MessageKind.UNREACTION, "unreact", "{\"message_id\":\"" + MID + "\"}"),
                new Example(MessageKind.PRIVATE_REPLY, "{\"comment_id\":\"" + COMMENT + "\",\"message\":\"Thanks! The link: https://example.com/sale\"}",
                        fields("recipient", "{\"comment_id\":\"" + COMMENT + "\"}",
                                "message", "{\"text\":\"Thanks! The link: https://example.com/sale\"}", "messaging_type", "RESPONSE")));
    }

    public static Example of(MessageKind kind) {
        return all().stream().filter(example -> example.kind() == kind).findFirst().orElseThrow();
    }

    /** A message object sent as given. */
    private static Example message(MessageKind kind, String object) {
        return message(kind, object, object);
    }

    private static Example message(MessageKind kind, String given, String object) {
        return new Example(kind, "{\"recipient_id\":\"" + USER + "\",\"message\":" + given + "}",
                fields("recipient", TO_USER, "message", object, "messaging_type", "RESPONSE"));
    }

    private static Example action(MessageKind kind, String action, String payload) {
        String request = "{\"recipient_id\":\"" + USER + "\",\"sender_action\":\"" + action + "\""
                + (payload == null ? "" : ",\"payload\":" + payload) + "}";
        return new Example(kind, request, payload == null ? fields("recipient", TO_USER, "sender_action", action)
                : fields("recipient", TO_USER, "sender_action", action, "payload", payload));
    }

    private static Map<String, String> fields(String... namesAndValues) {
        Map<String, String> fields = new LinkedHashMap<>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            fields.put(namesAndValues[i], namesAndValues[i + 1]);
        }
        return fields;
    }
}
