package org.igdm.gateway.request;

import com.fasterxml.jackson.annotation.JsonValue;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.Locale;

/**
 * What a request sends, as records name it ({@code kind}) and as Meta's per-kind limits count it. Derived from
 * the request in {@link #of} and nowhere else.
 */
public enum MessageKind {
    TEXT,
    IMAGE,
    VIDEO,
    AUDIO,
    FILE,
    LIKE_HEART,
    MEDIA_SHARE,
    QUICK_REPLIES,
    GENERIC_TEMPLATE,
    BUTTON_TEMPLATE,
    TYPING_ON,
    TYPING_OFF,
    MARK_SEEN,
    REACTION,
    UNREACTION,
    /** A message of any content sent to the author of a comment ({@code comment_id}). */
    PRIVATE_REPLY;

    @JsonValue
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Audio and video: Meta allows 10 calls/s of these per account, a tenth of the pace of the rest. */
    public boolean isAudioOrVideo() {
        return this == AUDIO || this == VIDEO;
    }

    /**
     * The kind of a request; null when the request is too malformed to say (an invalid one). A private reply is
     * {@link #PRIVATE_REPLY} whatever it carries; {@link #contentOf} says what that is.
     */
    public static MessageKind of(SendRequest request) {
        if (request.isPrivateReply()) {
            return PRIVATE_REPLY;
        }
        if (request.senderAction() != null) {
            return switch (request.senderAction()) {
                case "typing_on" -> TYPING_ON;
                case "typing_off" -> TYPING_OFF;
                case "mark_seen" -> MARK_SEEN;
                case "react" -> REACTION;
                case "unreact" -> UNREACTION;
                default -> null;
            };
        }
        return contentOf(request.message());
    }

    /** The kind of a message (text or Meta's message object); null when it is none of Meta's kinds. */
    public static MessageKind contentOf(JsonNode message) {
        if (message == null) {
            return null;
        }
        if (message.isTextual()) {
            return TEXT;
        }
        JsonNode attachment = message.path("attachment");
        if (attachment.isObject()) {
            String type = attachment.path("type").asText();
            return switch (type) {
                case "image" -> IMAGE;
                case "video" -> VIDEO;
                case "audio" -> AUDIO;
                case "file" -> FILE;
                case "like_heart" -> LIKE_HEART;
                case "MEDIA_SHARE" -> MEDIA_SHARE;
                case "template" -> switch (attachment.path("payload").path("template_type").asText()) {
                    case "generic" -> GENERIC_TEMPLATE;
                    case "button" -> BUTTON_TEMPLATE;
                    default -> null;
                };
                default -> null;
            };
        }
        if (message.has("quick_replies")) {
            return QUICK_REPLIES;
        }
        return message.path("text").isTextual() ? TEXT : null;
    }
}
