package org.igdm.gateway.jms;

import jakarta.jms.BytesMessage;
import jakarta.jms.JMSException;
import jakarta.jms.MapMessage;
import jakarta.jms.Message;
import jakarta.jms.ObjectMessage;
import jakarta.jms.StreamMessage;
import jakarta.jms.TextMessage;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import org.igdm.gateway.request.InvalidRequestException;

/**
 * The JSON text of a request that arrived on {@code ig.send}, whichever protocol brought it: a text message, or
 * a bytes message holding UTF-8 (what STOMP frames with a content-length and AMQP data sections become). Any
 * other message type is an invalid request named by its type; an object message's body is never read, so no
 * client's serialized Java object is ever deserialized.
 */
final class RequestText {

    /** Larger bodies are refused (bytes unread): a request is a few KiB at most. */
    static final int MAX_BYTES = 64 * 1024;

    private RequestText() {
    }

    static String of(Message message) throws JMSException {
        if (message instanceof TextMessage text) {
            String json = text.getText();
            if (json != null && json.length() > MAX_BYTES) {
                throw new InvalidRequestException("body", "the message is " + json.length() + " characters; the limit is " + MAX_BYTES);
            }
            return json;
        }
        if (message instanceof BytesMessage bytes) {
            return utf8(bytes);
        }
        throw new InvalidRequestException("body", "a JMS " + typeOf(message) + " cannot hold a request: send a text message "
                + "(or bytes in UTF-8) holding the request as JSON");
    }

    private static String typeOf(Message message) {
        if (message instanceof ObjectMessage) {
            return "ObjectMessage";
        } else if (message instanceof MapMessage) {
            return "MapMessage";
        } else if (message instanceof StreamMessage) {
            return "StreamMessage";
        }
        return "Message without a body";
    }

    private static String utf8(BytesMessage message) throws JMSException {
        long length = message.getBodyLength();
        if (length > MAX_BYTES) {
            throw new InvalidRequestException("body", "the message is " + length + " bytes; the limit is " + MAX_BYTES);
        }
        byte[] body = new byte[(int) length];
        message.readBytes(body);
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(body)).toString();
        } catch (CharacterCodingException notUtf8) {
            throw new InvalidRequestException("body", "a JMS BytesMessage must hold the request as JSON in UTF-8; these "
                    + length + " bytes are not UTF-8");
        }
    }
}
