package org.igdm.gateway.request;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The rules of the canonical request, in one place: every source validates with this class, and the rules are
 * Meta's limits for each kind of message, so that Meta never sees a request it would refuse for its shape.
 * Each broken rule names its field by JSON path ({@code message.quick_replies[3].title}).
 */
public final class RequestValidator {

    /** Meta's limit is 1000 (one page says characters): bytes in UTF-8 is the stricter reading. */
    public static final int MAX_MESSAGE_BYTES = 1000;
    public static final int MAX_KEY_LENGTH = 255;
    public static final int MAX_QUICK_REPLIES = 13;
    public static final int MAX_QUICK_REPLY_TITLE = 20;
    public static final int MAX_TEMPLATE_ELEMENTS = 10;
    public static final int MAX_BUTTONS = 3;
    /** Meta's limits on the texts of templates and buttons, in characters. */
    private static final int MAX_ELEMENT_TEXT = 80;
    private static final int MAX_BUTTON_TITLE = 20;
    private static final int MAX_BUTTON_TEMPLATE_TEXT = 640;
    private static final int MAX_PAYLOAD = 1000;
    private static final Pattern DIGITS = Pattern.compile("[0-9]{1,64}");
    private static final Set<String> MESSAGE_FIELDS = Set.of("text", "quick_replies", "attachment");
    private static final Set<String> MEDIA = Set.of("image", "video", "audio", "file");
    /** Meta's attachment types for Instagram, spelled as Meta spells them. */
    private static final List<String> ATTACHMENT_TYPES = List.of("image", "video", "audio", "file", "like_heart", "MEDIA_SHARE", "template");
    private static final List<String> SENDER_ACTIONS = List.of("typing_on", "typing_off", "mark_seen", "react", "unreact");
    private static final int MAX_ECHO = 40;

    private RequestValidator() {
    }

    /** Every rule the request breaks; empty when it is valid. */
    public static List<Violation> violations(SendRequest request) {
        List<Violation> found = new ArrayList<>();
        recipient(request, found);
        if (request.message() == null && request.senderAction() == null) {
            found.add(new Violation("message", "message is required and must not be empty"));
        } else if (request.message() != null && request.senderAction() != null) {
            found.add(new Violation("sender_action", "give message or sender_action, not both"));
        } else if (request.message() != null) {
            message(request.message(), found);
        } else {
            senderAction(request, found);
        }
        if (request.payload() != null && request.senderAction() == null) {
            found.add(new Violation("payload", "payload goes only with sender_action react or unreact"));
        }
        String tag = request.tag();
        if (tag != null && !SendRequest.HUMAN_AGENT.equals(tag)) {
            found.add(new Violation("tag", "tag must be HUMAN_AGENT or left out, got '" + echo(tag) + "'"));
        } else if (tag != null && request.senderAction() != null) {
            found.add(new Violation("tag", "tag goes with a message; a sender action takes none"));
        }
        String key = request.idempotencyKey();
        if (key != null && key.length() > MAX_KEY_LENGTH) {
            found.add(new Violation("idempotency_key",
                    "idempotency_key must be at most " + MAX_KEY_LENGTH + " characters, got " + key.length()));
        }
        return found;
    }

    /** Returns the request when valid; otherwise throws naming every broken rule. */
    public static SendRequest validate(SendRequest request) {
        List<Violation> found = violations(request);
        if (!found.isEmpty()) {
            throw new InvalidRequestException(found);
        }
        return request;
    }

    private static void recipient(SendRequest request, List<Violation> found) {
        String recipient = request.recipientId();
        String comment = request.commentId();
        if (comment != null && recipient != null) {
            found.add(new Violation("comment_id", "give recipient_id (a user) or comment_id (a private reply), not both"));
        } else if (comment != null) {
            digits("comment_id", comment, found);
        } else if (recipient == null || recipient.isEmpty()) {
            found.add(new Violation("recipient_id", "recipient_id is required"));
        } else {
            digits("recipient_id", recipient, found);
        }
    }

    private static void digits(String field, String value, List<Violation> found) {
        if (!DIGITS.matcher(value).matches()) {
            found.add(new Violation(field, field + " must be 1-64 digits, got '" + echo(value) + "'"));
        }
    }

    private static void message(JsonNode message, List<Violation> found) {
        if (message.isTextual()) {
            text("message", message, found);
        } else if (message.isObject()) {
            messageObject(message, found);
        } else {
            found.add(new Violation("message", "message must be text (a JSON string) or a Send API message object, got "
                    + type(message)));
        }
    }

    private static void text(String path, JsonNode text, List<Violation> found) {
        if (!text.isTextual()) {
            found.add(new Violation(path, path + " must be a JSON string, got " + type(text)));
            return;
        }
        if (text.asText().isEmpty()) {
            found.add(new Violation(path, path + " is required and must not be empty"));
            return;
        }
        int bytes = text.asText().getBytes(StandardCharsets.UTF_8).length;
        if (bytes > MAX_MESSAGE_BYTES) {
            found.add(new Violation(path, path + " is " + bytes + " bytes in UTF-8; the limit is " + MAX_MESSAGE_BYTES));
        }
    }

    private static void messageObject(JsonNode message, List<Violation> found) {
        for (Iterator<String> names = message.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!MESSAGE_FIELDS.contains(name)) {
                found.add(new Violation("message." + name, "message." + name
                        + " is not a field of Meta's message object (text, quick_replies, attachment)"));
            }
        }
        boolean hasText = message.has("text");
        boolean hasAttachment = message.has("attachment");
        if (hasText && hasAttachment) {
            found.add(new Violation("message.attachment", "a message has text or an attachment, not both"));
        } else if (!hasText && !hasAttachment) {
            found.add(new Violation("message", "the message object needs text or an attachment"));
        } else if (hasText) {
            text("message.text", message.get("text"), found);
        } else {
            attachment(message.get("attachment"), found);
        }
        if (message.has("quick_replies")) {
            if (!hasText) {
                found.add(new Violation("message.quick_replies", "quick replies go with a text message"));
            }
            quickReplies(message.get("quick_replies"), found);
        }
    }

    private static void quickReplies(JsonNode replies, List<Violation> found) {
        String path = "message.quick_replies";
        if (!count(path, replies, 1, MAX_QUICK_REPLIES, "quick replies", found)) {
            return;
        }
        for (int i = 0; i < replies.size(); i++) {
            String at = path + "[" + i + "]";
            JsonNode reply = replies.get(i);
            if (!object(at, reply, found)) {
                continue;
            }
            if (!"text".equals(reply.path("content_type").asText(null))) {
                found.add(new Violation(at + ".content_type", at + ".content_type must be text (Instagram's only kind of quick reply)"));
            }
            characters(at + ".title", reply.get("title"), MAX_QUICK_REPLY_TITLE, found);
            characters(at + ".payload", reply.get("payload"), MAX_PAYLOAD, found);
        }
    }

    private static void attachment(JsonNode attachment, List<Violation> found) {
        String path = "message.attachment";
        if (!object(path, attachment, found)) {
            return;
        }
        String type = attachment.path("type").asText(null);
        JsonNode payload = attachment.get("payload");
        String payloadPath = path + ".payload";
        if (type == null || !ATTACHMENT_TYPES.contains(type)) {
            found.add(new Violation(path + ".type", path + ".type must be one of " + String.join(", ", ATTACHMENT_TYPES)
                    + (type == null ? "" : ", got '" + echo(type) + "'")));
        } else if (type.equals("like_heart")) {
            if (payload != null) {
                found.add(new Violation(payloadPath, "a like_heart sticker takes no payload"));
            }
        } else if (object(payloadPath, payload, found)) {
            if (MEDIA.contains(type)) {
                media(payloadPath, payload, found);
            } else if (type.equals("MEDIA_SHARE")) {
                id(payloadPath + ".id", payload.get("id"), "the id of the account's own post", found);
            } else {
                template(payloadPath, payload, found);
            }
        }
    }

    /** Media by URL, or by the id of an earlier upload; not both. */
    private static void media(String path, JsonNode payload, List<Violation> found) {
        boolean url = payload.has("url");
        boolean id = payload.has("attachment_id");
        if (url == id) {
            found.add(new Violation(path, path + " needs url or attachment_id, " + (url ? "not both" : "got neither")));
        } else if (url) {
            https(path + ".url", payload.get("url"), found);
        } else {
            id(path + ".attachment_id", payload.get("attachment_id"), "the id Meta gave an uploaded attachment", found);
        }
    }

    private static void template(String path, JsonNode payload, List<Violation> found) {
        String type = payload.path("template_type").asText(null);
        if ("generic".equals(type)) {
            JsonNode elements = payload.get("elements");
            if (!count(path + ".elements", elements, 1, MAX_TEMPLATE_ELEMENTS, "elements", found)) {
                return;
            }
            for (int i = 0; i < elements.size(); i++) {
                element(path + ".elements[" + i + "]", elements.get(i), found);
            }
        } else if ("button".equals(type)) {
            characters(path + ".text", payload.get("text"), MAX_BUTTON_TEMPLATE_TEXT, found);
            buttons(path + ".buttons", payload.get("buttons"), found);
        } else {
            found.add(new Violation(path + ".template_type", path + ".template_type must be generic or button"
                    + (type == null ? "" : ", got '" + echo(type) + "'")));
        }
    }

    private static void element(String path, JsonNode element, List<Violation> found) {
        if (!object(path, element, found)) {
            return;
        }
        characters(path + ".title", element.get("title"), MAX_ELEMENT_TEXT, found);
        if (element.has("subtitle")) {
            characters(path + ".subtitle", element.get("subtitle"), MAX_ELEMENT_TEXT, found);
        }
        if (element.has("image_url")) {
            https(path + ".image_url", element.get("image_url"), found);
        }
        JsonNode action = element.get("default_action");
        if (action != null && object(path + ".default_action", action, found)) {
            if (!"web_url".equals(action.path("type").asText(null))) {
                found.add(new Violation(path + ".default_action.type", path + ".default_action.type must be web_url"));
            }
            https(path + ".default_action.url", action.get("url"), found);
        }
        if (element.has("buttons")) {
            buttons(path + ".buttons", element.get("buttons"), found);
        }
    }

    private static void buttons(String path, JsonNode buttons, List<Violation> found) {
        if (!count(path, buttons, 1, MAX_BUTTONS, "buttons", found)) {
            return;
        }
        for (int i = 0; i < buttons.size(); i++) {
            String at = path + "[" + i + "]";
            JsonNode button = buttons.get(i);
            if (!object(at, button, found)) {
                continue;
            }
            characters(at + ".title", button.get("title"), MAX_BUTTON_TITLE, found);
            String type = button.path("type").asText(null);
            if ("web_url".equals(type)) {
                https(at + ".url", button.get("url"), found);
            } else if ("postback".equals(type)) {
                characters(at + ".payload", button.get("payload"), MAX_PAYLOAD, found);
            } else {
                found.add(new Violation(at + ".type", at + ".type must be web_url or postback"
                        + (type == null ? "" : ", got '" + echo(type) + "'")));
            }
        }
    }

    private static void senderAction(SendRequest request, List<Violation> found) {
        String action = request.senderAction();
        JsonNode payload = request.payload();
        if (!SENDER_ACTIONS.contains(action)) {
            found.add(new Violation("sender_action", "sender_action must be one of " + String.join(", ", SENDER_ACTIONS)
                    + ", got '" + echo(action) + "'"));
            return;
        }
        if (request.isPrivateReply()) {
            found.add(new Violation("sender_action", "a sender action goes to a recipient_id, not to a comment"));
        }
        boolean react = action.equals("react");
        if (!react && !action.equals("unreact")) {
            if (payload != null) {
                found.add(new Violation("payload", action + " takes no payload"));
            }
            return;
        }
        if (!object("payload", payload, found)) {
            return;
        }
        characters("payload.message_id", payload.get("message_id"), MAX_PAYLOAD, found);
        if (react) {
            characters("payload.reaction", payload.get("reaction"), MAX_PAYLOAD, found);
        } else if (payload.has("reaction")) {
            found.add(new Violation("payload.reaction", "unreact takes only payload.message_id"));
        }
    }

    /** A required JSON object. */
    private static boolean object(String path, JsonNode value, List<Violation> found) {
        if (value == null || value.isNull()) {
            found.add(new Violation(path, path + " is required"));
            return false;
        }
        if (!value.isObject()) {
            found.add(new Violation(path, path + " must be a JSON object, got " + type(value)));
            return false;
        }
        return true;
    }

    /** A required array of {@code min} to {@code max} entries. */
    private static boolean count(String path, JsonNode value, int min, int max, String what, List<Violation> found) {
        if (value == null || !value.isArray()) {
            found.add(new Violation(path, path + " must be a JSON array of " + min + " to " + max + " " + what));
            return false;
        }
        if (value.size() < min || value.size() > max) {
            found.add(new Violation(path, path + " holds " + value.size() + " " + what + "; Meta allows " + min + " to " + max));
            return false;
        }
        return true;
    }

    /** A required, non-empty string of at most {@code max} characters (as people count them: code points). */
    private static void characters(String path, JsonNode value, int max, List<Violation> found) {
        if (value == null || !value.isTextual() || value.asText().isEmpty()) {
            found.add(new Violation(path, path + " is required: a non-empty JSON string"));
            return;
        }
        String text = value.asText();
        int length = text.codePointCount(0, text.length());
        if (length > max) {
            found.add(new Violation(path, path + " is " + length + " characters; Meta allows " + max));
        }
    }

    /** An id Meta gave: digits, as a string or a number. */
    private static void id(String path, JsonNode value, String what, List<Violation> found) {
        if (value == null || !(value.isTextual() || value.isIntegralNumber()) || !DIGITS.matcher(value.asText()).matches()) {
            found.add(new Violation(path, path + " must be " + what + " (digits)"));
        }
    }

    /** Meta fetches media and opens links only over https. */
    private static void https(String path, JsonNode value, List<Violation> found) {
        if (value == null || !value.isTextual()) {
            found.add(new Violation(path, path + " is required: an https URL"));
            return;
        }
        String url = value.asText();
        try {
            URI uri = new URI(url);
            if ("https".equals(uri.getScheme() == null ? null : uri.getScheme().toLowerCase(Locale.ROOT)) && uri.getHost() != null) {
                return;
            }
        } catch (URISyntaxException malformed) {
            // reported below
        }
        found.add(new Violation(path, path + " must be an https URL, got '" + echo(url) + "'"));
    }

    private static String type(JsonNode value) {
        return value.getNodeType().toString().toLowerCase(Locale.ROOT);
    }

    private static String echo(String value) {
        return value.length() <= MAX_ECHO ? value : value.substring(0, MAX_ECHO) + "…";
    }
}
