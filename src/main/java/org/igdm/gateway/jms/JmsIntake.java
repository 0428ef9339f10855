package org.igdm.gateway.jms;

import jakarta.jms.Connection;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.Destination;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangePattern;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.spi.CamelEvent;
import org.apache.camel.support.SimpleEventNotifierSupport;
import org.apache.camel.support.service.ServiceSupport;
import org.igdm.gateway.GatewaySettings;
import org.igdm.gateway.Json;
import org.igdm.gateway.account.Accounts;
import org.igdm.gateway.broker.BrokerWiring;
import org.igdm.gateway.broker.DeliveryProducer;
import org.igdm.gateway.broker.Queues;
import org.igdm.gateway.delivery.DeliveryKeys;
import org.igdm.gateway.delivery.OutcomeRecorder;
import org.igdm.gateway.request.InvalidRequestException;
import org.igdm.gateway.request.RequestJson;
import org.igdm.gateway.request.SendRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The JMS door. Legacy applications put requests on the public queue {@code ig.send}; this intake, its only
 * consumer in the cluster ({@code ig.send} is an exclusive queue), reads each one whatever protocol brought it,
 * validates it, and forwards it to its account's internal queue {@code ig.deliver.<account>}, where the delivery
 * consumers take it ({@link DeliveryProducer}):
 * <ul>
 *   <li>grouped by account and conversation ({@link Queues#group}), so that one recipient's messages keep the
 *       order in which the producer sent them, though the producer set no property;</li>
 *   <li>with none of the client's properties: marks such as {@code IgSource} and {@code IgReplay} are the
 *       gateway's own, and a client cannot steer delivery with them;</li>
 *   <li>with its {@code JMSReplyTo} and, as {@code JMSCorrelationID}, the request's correlation id, else its
 *       message id: the outcome record is the reply, correlated as JMS request-reply expects.</li>
 * </ul>
 * An invalid request (bad JSON or fields, or a message type that cannot hold JSON) ends here with one
 * {@code invalid} record, which is also the reply; it is acknowledged and never redelivered. Requests move in
 * broker transactions of up to {@link #BATCH} messages (one journal sync each), so the hop costs little.
 */
public final class JmsIntake extends ServiceSupport {

    private static final Logger LOG = LoggerFactory.getLogger(JmsIntake.class);
    /** At most this many requests per broker transaction; a batch holds what has arrived, it never waits to fill. */
    static final int BATCH = 500;
    private static final long POLL_MILLIS = 1000;
    private static final long RETRY_MILLIS = 1000;
    private static final String SOURCE = "jms";

    private final ConnectionFactory connections;
    private final Accounts accounts;
    private final ProducerTemplate records;
    private final String failedSink;
    private volatile boolean running;
    private Thread worker;

    private JmsIntake(ConnectionFactory connections, Accounts accounts, ProducerTemplate records, String failedSink) {
        this.connections = connections;
        this.accounts = accounts;
        this.records = records;
        this.failedSink = failedSink;
    }

    /** Starts the intake once every route runs (the failed sink's included); it stops before they do. */
    public static void wire(CamelContext context, GatewaySettings settings) throws Exception {
        ConnectionFactory connections = context.getRegistry()
                .lookupByNameAndType(BrokerWiring.CONSUMER_CONNECTIONS, ConnectionFactory.class);
        JmsIntake intake = new JmsIntake(connections, settings.accounts(), context.createProducerTemplate(), settings.failedSink());
        context.addStartupListener((started, alreadyStarted) -> intake.start());
        context.getManagementStrategy().addEventNotifier(new SimpleEventNotifierSupport() {
            @Override
            public void notify(CamelEvent event) {
                if (event instanceof CamelEvent.CamelContextStoppingEvent) {
                    intake.stop();
                }
            }
        });
    }

    @Override
    protected void doStart() {
        running = true;
        worker = Thread.ofPlatform().name("jms-intake").daemon().start(this::run);
    }

    /** Lets the batch under way commit; a receive returns within {@link #POLL_MILLIS}. */
    @Override
    protected void doStop() throws Exception {
        running = false;
        if (worker != null) {
            worker.join(POLL_MILLIS + 10_000);
        }
        records.stop();
    }

    private void run() {
        while (running) {
            try (Connection connection = connections.createConnection()) {
                Session session = connection.createSession(true, Session.SESSION_TRANSACTED);
                // on a broker where ig.send does not exist yet, it is made exclusive as on the embedded one
                MessageConsumer requests = session.createConsumer(session.createQueue(Queues.SEND + "?exclusive=true"));
                DeliveryProducer deliveries = new DeliveryProducer(session, accounts);
                MessageProducer replies = session.createProducer(null);
                connection.start();
                LOG.info("The JMS intake takes requests from {} to {}.<account>", Queues.SEND, Queues.DELIVER);
                while (running) {
                    forwardBatch(session, requests, deliveries, replies);
                }
            } catch (Exception e) {
                // closing the connection rolled the batch back: its messages come again, none is lost
                if (running) {
                    LOG.warn("The JMS intake could not take requests from {} ({}); trying again in {} ms",
                            Queues.SEND, e.getMessage(), RETRY_MILLIS);
                    sleepBeforeRetry();
                }
            }
        }
    }

    private void forwardBatch(Session session, MessageConsumer requests, DeliveryProducer deliveries, MessageProducer replies)
            throws Exception {
        Message message = requests.receive(POLL_MILLIS);
        int taken = 0;
        while (message != null) {
            take(session, message, deliveries, replies);
            message = ++taken < BATCH ? requests.receiveNoWait() : null;
        }
        if (taken > 0) {
            session.commit();
        }
    }

    private void take(Session session, Message message, DeliveryProducer deliveries, MessageProducer replies) throws Exception {
        String correlationId = ClientMessage.correlationId(message);
        Destination replyTo = ClientMessage.replyTo(session, message);
        String text = null;
        try {
            text = ClientMessage.text(message);
            SendRequest request = RequestJson.parse(text);
            TextMessage delivery = session.createTextMessage(Json.MAPPER.writeValueAsString(request));
            delivery.setJMSCorrelationID(correlationId);
            delivery.setJMSReplyTo(replyTo);
            deliveries.send(request, delivery);
        } catch (InvalidRequestException invalid) {
            Exchange record = recordInvalid(text, invalid);
            if (replyTo != null) {
                reply(session, replies, replyTo, correlationId, record);
            }
        }
    }

    /** The failed record, written before the batch commits; if the sink fails, the batch comes again. */
    private Exchange recordInvalid(String text, InvalidRequestException invalid) throws Exception {
        Exchange written = records.send(failedSink, ExchangePattern.InOnly, record -> {
            record.setProperty(DeliveryKeys.SOURCE, SOURCE);
            record.getMessage().setBody(text);
            OutcomeRecorder.invalid(record, null, invalid);
        });
        if (written.getException() != null) {
            throw written.getException();
        }
        return written;
    }

    /** A reply that cannot be sent (its queue is gone) is not worth holding the queue for: the record is written. */
    private static void reply(Session session, MessageProducer replies, Destination replyTo, String correlationId, Exchange record) {
        try {
            TextMessage reply = session.createTextMessage(record.getMessage().getBody(String.class));
            reply.setJMSCorrelationID(correlationId);
            reply.setStringProperty(DeliveryKeys.OUTCOME, record.getMessage().getHeader(DeliveryKeys.OUTCOME, String.class));
            reply.setStringProperty(DeliveryKeys.FAILURE_CATEGORY,
                    record.getMessage().getHeader(DeliveryKeys.FAILURE_CATEGORY, String.class));
            replies.send(replyTo, reply);
        } catch (JMSException e) {
            LOG.warn("The reply to an invalid request could not be sent to {}: {}", replyTo, e.getMessage());
        }
    }

    private static void sleepBeforeRetry() {
        try {
            Thread.sleep(RETRY_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
