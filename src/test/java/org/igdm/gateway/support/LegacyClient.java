package org.igdm.gateway.support;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.apache.qpid.jms.JmsConnectionFactory;
import org.igdm.gateway.broker.Queues;

/**
 * A legacy application that puts requests on {@code ig.send} with its own protocol's client, over TCP, the way
 * such systems are written: no gateway-specific property on any message.
 */
public interface LegacyClient extends AutoCloseable {

    /** The protocols legacy systems speak, each with the client they use. */
    enum Protocol {
        /** Artemis's own JMS client. */
        CORE,
        /** ActiveMQ 5 ("Classic") Java applications: activemq-client, javax.jms. */
        OPENWIRE,
        /** Apache Qpid JMS (AMQP 1.0), as .NET and Python clients speak it too. */
        AMQP,
        /** STOMP 1.2 frames on a plain socket. */
        STOMP;

        /** Connects; with a null user, no credentials are given. */
        public LegacyClient connect(int port, String user, String password) throws Exception {
            return switch (this) {
                case CORE -> new JakartaJmsClient(new org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory(
                        "tcp://127.0.0.1:" + port), user, password);
                case OPENWIRE -> new JavaxJmsClient(new org.apache.activemq.ActiveMQConnectionFactory("tcp://127.0.0.1:" + port),
                        user, password);
                case AMQP -> new JakartaJmsClient(new JmsConnectionFactory("amqp://127.0.0.1:" + port), user, password);
                case STOMP -> new Stomp(StompClient.connect(port, user, password));
            };
        }

        public LegacyClient connect(int port) throws Exception {
            return connect(port, null, null);
        }
    }

    /** A reply the gateway sent: the outcome record and its correlation id. */
    record Reply(String text, String correlationId) {
    }

    /** Sends a text message with no property; returns its message id (null where the protocol has none). */
    String send(String text) throws Exception;

    /** Sends a text message asking for the outcome on a reply queue of this client's; returns its message id. */
    String sendForReply(String text, String correlationId) throws Exception;

    /** The next reply, or null when none comes in time. */
    Reply receiveReply(Duration timeout) throws Exception;

    /** Sends a message whose body is these bytes. */
    void sendBytes(byte[] body) throws Exception;

    /** Jakarta JMS clients: Artemis Core and Qpid JMS. */
    final class JakartaJmsClient implements LegacyClient {
        private final jakarta.jms.Connection connection;
        private final jakarta.jms.Session session;
        private final jakarta.jms.MessageProducer producer;
        private final jakarta.jms.TemporaryQueue replies;
        private final jakarta.jms.MessageConsumer replyConsumer;

        JakartaJmsClient(jakarta.jms.ConnectionFactory factory, String user, String password) throws jakarta.jms.JMSException {
            connection = user == null ? factory.createConnection() : factory.createConnection(user, password);
            try {
                connection.start();
                session = connection.createSession(false, jakarta.jms.Session.AUTO_ACKNOWLEDGE);
                producer = session.createProducer(session.createQueue(Queues.SEND));
                replies = session.createTemporaryQueue();
                replyConsumer = session.createConsumer(replies);
            } catch (jakarta.jms.JMSException e) {
                connection.close();
                throw e;
            }
        }

        public jakarta.jms.Session session() {
            return session;
        }

        @Override
        public String send(String text) throws jakarta.jms.JMSException {
            jakarta.jms.TextMessage message = session.createTextMessage(text);
            producer.send(message);
            return message.getJMSMessageID();
        }

        @Override
        public String sendForReply(String text, String correlationId) throws jakarta.jms.JMSException {
            jakarta.jms.TextMessage message = session.createTextMessage(text);
            message.setJMSReplyTo(replies);
            message.setJMSCorrelationID(correlationId);
            producer.send(message);
            return message.getJMSMessageID();
        }

        @Override
        public Reply receiveReply(Duration timeout) throws jakarta.jms.JMSException {
            jakarta.jms.Message reply = replyConsumer.receive(timeout.toMillis());
            return reply == null ? null : new Reply(((jakarta.jms.TextMessage) reply).getText(), reply.getJMSCorrelationID());
        }

        @Override
        public void sendBytes(byte[] body) throws jakarta.jms.JMSException {
            jakarta.jms.BytesMessage message = session.createBytesMessage();
            message.writeBytes(body);
            producer.send(message);
        }

        @Override
        public void close() throws jakarta.jms.JMSException {
            connection.close();
        }
    }

    /** The ActiveMQ 5 client, on javax.jms as those applications are built. */
    final class JavaxJmsClient implements LegacyClient {
        private final javax.jms.Connection connection;
        private final javax.jms.Session session;
        private final javax.jms.MessageProducer producer;
        private final javax.jms.TemporaryQueue replies;
        private final javax.jms.MessageConsumer replyConsumer;

        JavaxJmsClient(javax.jms.ConnectionFactory factory, String user, String password) throws javax.jms.JMSException {
            connection = user == null ? factory.createConnection() : factory.createConnection(user, password);
            try {
                connection.start();
                session = connection.createSession(false, javax.jms.Session.AUTO_ACKNOWLEDGE);
                producer = session.createProducer(session.createQueue(Queues.SEND));
                replies = session.createTemporaryQueue();
                replyConsumer = session.createConsumer(replies);
            } catch (javax.jms.JMSException e) {
                connection.close();
                throw e;
            }
        }

        public javax.jms.Session session() {
            return session;
        }

        @Override
        public String send(String text) throws javax.jms.JMSException {
            javax.jms.TextMessage message = session.createTextMessage(text);
            producer.send(message);
            return message.getJMSMessageID();
        }

        @Override
        public String sendForReply(String text, String correlationId) throws javax.jms.JMSException {
            javax.jms.TextMessage message = session.createTextMessage(text);
            message.setJMSReplyTo(replies);
            message.setJMSCorrelationID(correlationId);
            producer.send(message);
            return message.getJMSMessageID();
        }

        @Override
        public Reply receiveReply(Duration timeout) throws javax.jms.JMSException {
            javax.jms.Message reply = replyConsumer.receive(timeout.toMillis());
            return reply == null ? null : new Reply(((javax.jms.TextMessage) reply).getText(), reply.getJMSCorrelationID());
        }

        @Override
        public void sendBytes(byte[] body) throws javax.jms.JMSException {
            javax.jms.BytesMessage message = session.createBytesMessage();
            message.writeBytes(body);
            producer.send(message);
        }

        @Override
        public void close() throws javax.jms.JMSException {
            connection.close();
        }
    }

    /** STOMP: the reply goes to a queue named in the {@code reply-to} header, which this client subscribes to. */
    final class Stomp implements LegacyClient {
        private final StompClient stomp;
        private final String replyQueue = "/queue/stomp-replies-" + UUID.randomUUID();
        private boolean subscribed;

        Stomp(StompClient stomp) {
            this.stomp = stomp;
        }

        @Override
        public String send(String text) throws Exception {
            expectReceipt(stomp.send("/queue/" + Queues.SEND, text, Map.of()));
            return null;
        }

        @Override
        public String sendForReply(String text, String correlationId) throws Exception {
            if (!subscribed) {
                expectReceipt(stomp.subscribe(replyQueue, "replies"));
                subscribed = true;
            }
            Map<String, String> headers = new HashMap<>();
            headers.put("reply-to", replyQueue);
            if (correlationId != null) {
                headers.put("correlation-id", correlationId);
            }
            expectReceipt(stomp.send("/queue/" + Queues.SEND, text, headers));
            return null;
        }

        @Override
        public Reply receiveReply(Duration timeout) throws Exception {
            StompClient.Frame frame = stomp.receive(timeout);
            return frame == null ? null : new Reply(frame.body(), frame.headers().get("correlation-id"));
        }

        @Override
        public void sendBytes(byte[] body) throws Exception {
            expectReceipt(stomp.sendBytes("/queue/" + Queues.SEND, body));
        }

        private static void expectReceipt(StompClient.Frame answer) {
            if (answer == null || !answer.command().equals("RECEIPT")) {
                throw new IllegalStateException("the broker did not take the frame: " + answer);
            }
        }

        @Override
        public void close() throws Exception {
            stomp.close();
        }
    }

}
