package org.igdm.gateway.request;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import org.igdm.gateway.Json;

/**
 * The canonical send request: what every source (file row, HTTP body, JMS message) turns its input into.
 * Field names are the external contract; unknown fields are ignored so that sources may carry extra columns.
 *
 * <p>{@code message} is kept as given: a JSON string (text) or Meta's Send API message object, so that an
 * invalid request is answered in the caller's own terms and a failed record holds what arrived. The JSON
 * values are copied in and must not be changed by anyone holding the request.
 *
 * @param recipientId    the user's Instagram-scoped id; or null for a private reply
 * @param commentId      the comment a private reply answers; or null
 * @param message        text (a JSON string) or a Send API message object; null with a sender action
 * @param senderAction   typing_on, typing_off, mark_seen, react or unreact, instead of a message
 * @param payload        what react and unreact act on: {@code {"message_id", "reaction"}}
 * @param tag            only HUMAN_AGENT, or null
 * @param idempotencyKey the caller's key, or one the source derived
 * @param account        the account that sends it, by name or user id; or null for the default one
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record SendRequest(
        @JsonProperty("recipient_id") String recipientId,
        @JsonProperty("comment_id") String commentId,
        @JsonProperty("message") JsonNode message,
        @JsonProperty("sender_action") String senderAction,
        @JsonProperty("payload") JsonNode payload,
        @JsonProperty("tag") String tag,
        @JsonProperty("idempotency_key") String idempotencyKey,
        @JsonProperty("account") String account) {

    /** The only message tag Instagram offers: a human agent's reply, allowed up to 7 days after the user wrote. */
    public static final String HUMAN_AGENT = "HUMAN_AGENT";

    /** An empty optional cell (a CSV column left blank, say) or a JSON null means the field is absent. */
    public SendRequest {
        recipientId = blankToNull(recipientId);
        commentId = blankToNull(commentId);
        message = copy(message);
        senderAction = blankToNull(senderAction);
        payload = copy(payload);
        tag = blankToNull(tag);
        idempotencyKey = blankToNull(idempotencyKey);
        account = blankToNull(account);
    }

    /** A text message to a user. */
    public static SendRequest text(String recipientId, String text) {
        return new SendRequest(recipientId, null, text == null ? null : TextNode.valueOf(text), null, null, null, null, null);
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value;
    }

    private static JsonNode copy(JsonNode value) {
        return value == null || value.isNull() || value.isMissingNode() ? null : value.deepCopy();
    }

    public boolean humanAgent() {
        return HUMAN_AGENT.equals(tag);
    }

    /** A private reply: it goes to the author of a comment, not to a user id. */
    @JsonIgnore
    public boolean isPrivateReply() {
        return commentId != null;
    }

    /**
     * Meta's message object: text given as a string becomes {@code {"text": …}}; an object is Meta's already.
     * Null for a sender action.
     */
    @JsonIgnore
    public ObjectNode messageObject() {
        if (message == null) {
            return null;
        }
        if (message.isObject()) {
            return message.deepCopy();
        }
        return Json.MAPPER.createObjectNode().put("text", message.asText());
    }

    /**
     * Who the request goes to, for keeping one conversation's messages in order: the user, or the comment a
     * private reply answers (its author is known only to Meta).
     */
    @JsonIgnore
    public String conversation() {
        return commentId != null ? "comment:" + commentId : recipientId;
    }

    public SendRequest withTag(String newTag) {
        return new SendRequest(recipientId, commentId, message, senderAction, payload, newTag, idempotencyKey, account);
    }

    public SendRequest withIdempotencyKey(String key) {
        return new SendRequest(recipientId, commentId, message, senderAction, payload, tag, key, account);
    }
}
