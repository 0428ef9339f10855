package org.igdm.gateway.bench;

import jakarta.jms.Connection;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import java.util.function.IntFunction;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.igdm.gateway.broker.Queues;

/** A legacy JMS application putting requests on {@code ig.send} over TCP, in transacted batches. */
final class JmsProducer {

    private static final int BATCH = 500;

    private JmsProducer() {
    }

    static void send(int port, int count, IntFunction<String> body) throws Exception {
        try (Connection connection = new ActiveMQConnectionFactory("tcp://127.0.0.1:" + port).createConnection()) {
            Session session = connection.createSession(true, Session.SESSION_TRANSACTED);
            MessageProducer producer = session.createProducer(session.createQueue(Queues.SEND));
            for (int i = 0; i < count; i++) {
                producer.send(session.createTextMessage(body.apply(i)));
                if (i % BATCH == BATCH - 1) {
                    session.commit();
                }
            }
            session.commit();
        }
    }
}
