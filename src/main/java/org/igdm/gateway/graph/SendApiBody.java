package org.igdm.gateway.graph;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.igdm.gateway.Json;
import org.igdm.gateway.request.SendRequest;

/**
 * The fields of one Send API call, as Meta names them, without the token: the one place that maps a request to
 * Meta's JSON. Each API encoding serializes this object ({@link GraphForm} for graph.facebook.com).
 * <ul>
 *   <li>{@code recipient}: {@code {"id"}}, or {@code {"comment_id"}} for a private reply;</li>
 *   <li>{@code message}: Meta's message object (text becomes {@code {"text"}}); or {@code sender_action}, with
 *       {@code payload} for react and unreact;</li>
 *   <li>{@code messaging_type}: {@code RESPONSE}, or {@code MESSAGE_TAG} with {@code tag}; only with a message
 *       (Meta's sender action calls carry none).</li>
 * </ul>
 */
public final class SendApiBody {

    public static final String RECIPIENT = "recipient";
    public static final String MESSAGE = "message";
    public static final String SENDER_ACTION = "sender_action";
    public static final String PAYLOAD = "payload";
    public static final String MESSAGING_TYPE = "messaging_type";
    public static final String TAG = "tag";
    /** A reply inside the 24 h window. */
    public static final String RESPONSE = "RESPONSE";
    /** A tagged message: on Instagram only {@link SendRequest#HUMAN_AGENT}, up to 7 days after the user wrote. */
    public static final String MESSAGE_TAG = "MESSAGE_TAG";

    private SendApiBody() {
    }

    /** Meta's fields for a valid request, in the order Meta's samples give them. */
    public static ObjectNode of(SendRequest request) {
        ObjectNode body = Json.MAPPER.createObjectNode();
        ObjectNode recipient = body.putObject(RECIPIENT);
        if (request.isPrivateReply()) {
            recipient.put("comment_id", request.commentId());
        } else {
            recipient.put("id", request.recipientId());
        }
        if (request.senderAction() != null) {
            body.put(SENDER_ACTION, request.senderAction());
            if (request.payload() != null) {
                body.set(PAYLOAD, request.payload().deepCopy());
            }
            return body;
        }
        body.set(MESSAGE, request.messageObject());
        if (request.humanAgent()) {
            body.put(MESSAGING_TYPE, MESSAGE_TAG);
            body.put(TAG, SendRequest.HUMAN_AGENT);
        } else {
            body.put(MESSAGING_TYPE, RESPONSE);
        }
        return body;
    }
}
