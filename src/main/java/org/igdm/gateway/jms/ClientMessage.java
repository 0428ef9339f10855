package org.igdm.gateway.jms;

import jakarta.jms.BytesMessage;
import jakarta.jms.Destination;
import jakarta.jms.JMSException;
import jakarta.jms.MapMessage;
import jakarta.jms.Message;
import jakarta.jms.ObjectMessage;
import jakarta.jms.Session;
import jakarta.jms.StreamMessage;
import jakarta.jms.TextMessage;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import org.apache.activemq.artemis.jms.client.ActiveMQDestination;
import org.igdm.gateway.broker.EmbeddedBroker;
import org.igdm.gateway.request.InvalidRequestException;

/**
 * A request as it arrived on {@code ig.send}, read the same whichever protocol's client sent it (the broker hands
 * the intake every message as Artemis Core).
 */
final class ClientMessage {

    /** Larger bodies are refused (bytes unread): a request is a few KiB at most. */
    static final int MAX_BYTES = 64 * 1024;

    /** Where the broker keeps the message id an AMQP client gave (Qpid JMS's {@code JMSMessageID}). */
    private static final String AMQP_MESSAGE_ID = "NATIVE_MESSAGE_ID";
    /** Where the broker keeps the message id an ActiveMQ 5 client gave. */
    private static final String OPENWIRE_MESSAGE_ID = "__HDR_MESSAGE_ID";

    private ClientMessage() {
    }

    /**
     * The JSON text: of a text message, or of a bytes message holding UTF-8 (what STOMP frames with a
     * content-length and AMQP data sections become). Any other message type is an invalid request named by its
     * type; an object message's body is never read, so no client's serialized Java object is ever deserialized.
     */
    static String text(Message message) throws JMSException {
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

    /**
     * The correlation id of the reply, as JMS request-reply expects it: the request's correlation id when it has
     * one, else its message id as the client knows it (null for STOMP, which has none). An empty id counts as
     * none, as Camel's reply counts it: forwarded empty, it would make the reply carry the id of the gateway's
     * internal message, which the client never saw.
     */
    static String correlationId(Message message) throws JMSException {
        if (isGiven(message.getJMSCorrelationID())) {
            return message.getJMSCorrelationID();
        }
        for (String clientId : new String[] {AMQP_MESSAGE_ID, OPENWIRE_MESSAGE_ID}) {
            if (isGiven(message.getStringProperty(clientId))) {
                return message.getStringProperty(clientId);
            }
        }
        return message.getJMSMessageID();
    }

    private static boolean isGiven(String id) {
        return id != null && !id.isEmpty();
    }

    /**
     * Where the reply goes: the message's {@code JMSReplyTo}, or a STOMP {@code reply-to} header, which may name
     * its queue the ActiveMQ 5 way ({@code /queue/name}) as STOMP clients subscribe to it.
     */
    static Destination replyTo(Session session, Message message) throws JMSException {
        Destination replyTo = message.getJMSReplyTo();
        if (replyTo instanceof ActiveMQDestination named && named.getAddress().startsWith(EmbeddedBroker.ANYCAST_PREFIX)) {
            return session.createQueue(named.getAddress().substring(EmbeddedBroker.ANYCAST_PREFIX.length()));
        }
        return replyTo;
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
