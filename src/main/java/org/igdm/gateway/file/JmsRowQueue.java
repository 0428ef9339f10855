package org.igdm.gateway.file;

import jakarta.jms.Connection;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.JMSException;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import org.igdm.gateway.Json;
import org.igdm.gateway.account.Accounts;
import org.igdm.gateway.batch.BatchRow;
import org.igdm.gateway.broker.DeliveryProducer;
import org.igdm.gateway.broker.Queues;
import org.igdm.gateway.request.SendRequest;

/**
 * Puts rows on their accounts' internal queues ({@link DeliveryProducer}) in one transacted JMS session: a chunk of
 * rows is one broker transaction, which is what makes a million rows fast (one disk sync per chunk, not per row).
 * The messages look exactly like the requests the JMS intake forwards: the canonical JSON, grouped by account and
 * conversation ({@link Queues#group}) so that one account's messages to one person are delivered in file order, and
 * marked with {@code IgSource} saying where each came from; {@code IgBatch} and {@code IgBatchRow} name the row's
 * batch, to which its outcome is fed.
 */
final class JmsRowQueue implements RowQueue {

    private final Connection connection;
    private final Session session;
    private final DeliveryProducer producer;
    private final boolean replay;

    /** @param replay the rows are handed over again, after an interruption that may have queued some of them */
    JmsRowQueue(ConnectionFactory connections, Accounts accounts, boolean replay) throws JMSException {
        this.replay = replay;
        connection = connections.createConnection();
        try {
            session = connection.createSession(true, Session.SESSION_TRANSACTED);
            producer = new DeliveryProducer(session, accounts);
        } catch (JMSException e) {
            connection.close();
            throw e;
        }
    }

    @Override
    public void add(BatchRow at, String source, SendRequest request) throws Exception {
        TextMessage message = session.createTextMessage(Json.MAPPER.writeValueAsString(request));
        message.setStringProperty(Queues.SOURCE_PROPERTY, source);
        message.setStringProperty(Queues.BATCH_PROPERTY, at.batchId());
        message.setLongProperty(Queues.BATCH_ROW_PROPERTY, at.row());
        if (replay) {
            message.setBooleanProperty(Queues.REPLAY_PROPERTY, true);
        }
        producer.send(request, message);
    }

    @Override
    public void commit() throws JMSException {
        session.commit();
    }

    /** Closing a transacted session rolls back what was not committed. */
    @Override
    public void close() throws JMSException {
        try {
            session.close();
        } finally {
            connection.close();
        }
    }
}
