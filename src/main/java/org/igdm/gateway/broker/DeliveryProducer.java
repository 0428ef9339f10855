package org.igdm.gateway.broker;

import jakarta.jms.DeliveryMode;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageProducer;
import jakarta.jms.Queue;
import jakarta.jms.Session;
import java.util.HashMap;
import java.util.Map;
import org.igdm.gateway.account.Accounts;
import org.igdm.gateway.request.SendRequest;

/**
 * Puts requests on their delivery queues ({@link Queues#deliveryQueue}) in one of the gateway's sessions, persistent
 * and grouped by account and conversation ({@link Queues#group}), so that one recipient's messages keep their order.
 * The sources that queue many requests at once use it: the JMS intake and the file source.
 */
public final class DeliveryProducer {

    private final Session session;
    private final Accounts accounts;
    private final MessageProducer producer;
    private final Map<String, Queue> queues = new HashMap<>();

    public DeliveryProducer(Session session, Accounts accounts) throws JMSException {
        this.session = session;
        this.accounts = accounts;
        this.producer = session.createProducer(null);
        producer.setDeliveryMode(DeliveryMode.PERSISTENT);
    }

    /** Sends the request's message in the session (its transaction, when it has one). */
    public void send(SendRequest request, Message message) throws JMSException {
        message.setStringProperty(Queues.GROUP_PROPERTY, Queues.group(request));
        String name = Queues.deliveryQueue(accounts, request);
        Queue queue = queues.get(name);
        if (queue == null) {
            queue = session.createQueue(name);
            queues.put(name, queue);
        }
        producer.send(queue, message);
    }
}
