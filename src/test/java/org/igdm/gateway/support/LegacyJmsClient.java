package org.igdm.gateway.support;

import jakarta.jms.Connection;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.Queue;
import jakarta.jms.QueueBrowser;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import java.util.Collections;
import java.util.Map;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;

/** A JMS application as a legacy system runs it: a plain Artemis client over TCP to the gateway's broker. */
public final class LegacyJmsClient implements AutoCloseable {

    private final Connection connection;
    private final Session session;

    public LegacyJmsClient(int port) throws JMSException {
        connection = new ActiveMQConnectionFactory("tcp://127.0.0.1:" + port).createConnection();
        connection.start();
        session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
    }

    public Session session() {
        return session;
    }

    /** Puts a text message on a queue, with the given string properties. */
    public void send(String queue, String text, Map<String, String> properties, Queue replyTo) throws JMSException {
        TextMessage message = session.createTextMessage(text);
        for (Map.Entry<String, String> property : properties.entrySet()) {
            message.setStringProperty(property.getKey(), property.getValue());
        }
        if (replyTo != null) {
            message.setJMSReplyTo(replyTo);
        }
        session.createProducer(session.createQueue(queue)).send(message);
    }

    public void send(String queue, String text) throws JMSException {
        send(queue, text, Map.of(), null);
    }

    public String receiveText(Queue queue, long timeoutMillis) throws JMSException {
        try (MessageConsumer consumer = session.createConsumer(queue)) {
            Message message = consumer.receive(timeoutMillis);
            return message == null ? null : ((TextMessage) message).getText();
        }
    }

    /** How many messages wait on the queue now. */
    public int depth(String queue) throws JMSException {
        try (QueueBrowser browser = session.createBrowser(session.createQueue(queue))) {
            return Collections.list(browser.getEnumeration()).size();
        }
    }

    @Override
    public void close() throws JMSException {
        connection.close();
    }
}
