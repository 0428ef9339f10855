package org.igdm.gateway.graph;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.igdm.gateway.Json;
import org.igdm.gateway.request.SendRequest;

/**
 * The fields of Meta's Send API call for a request, in Meta's shape and without the token: the one place that
 * knows them. The Instagram API takes this object as the JSON body; the Messenger Platform takes each of its
 * fields as a form parameter ({@link GraphForm}).
 */
public final class SendApiBody {

    public static final String RECIPIENT = "recipient";
    public static final String MESSAGE = "message";
    public static final String MESSAGING_TYPE = "messaging_type";
    public static final String TAG = "tag";
    /** A reply inside the 24 h window. */
    public static final String RESPONSE = "RESPONSE";
    /** A tagged message: on Instagram only {@link SendRequest#HUMAN_AGENT}, up to 7 days after the user wrote. */
    public static final String MESSAGE_TAG = "MESSAGE_TAG";

    private SendApiBody() {
    }

    /** {@code {"recipient":{"id":…},"message":{"text":…},"messaging_type":"RESPONSE"}}, or MESSAGE_TAG with its tag. */
    public static ObjectNode of(SendRequest request) {
        ObjectNode body = Json.MAPPER.createObjectNode();
        body.putObject(RECIPIENT).put("id", request.recipientId());
        body.putObject(MESSAGE).put("text", request.message());
        if (request.humanAgent()) {
            body.put(MESSAGING_TYPE, MESSAGE_TAG);
            body.put(TAG, SendRequest.HUMAN_AGENT);
        } else {
            body.put(MESSAGING_TYPE, RESPONSE);
        }
        return body;
    }
}
