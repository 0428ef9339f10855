package org.igdm.gateway.broker;

import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;
import org.igdm.gateway.batch.BatchRow;
import org.igdm.gateway.delivery.DeliveryKeys;

/**
 * The first step of the delivery consumers (routes/jms-source.camel.yaml): the marks the gateway put on a message of
 * {@link Queues#DELIVER} become the delivery's typed properties. One typed step rather than a property step per
 * mark, each with an expression to evaluate: this runs for every message the gateway delivers.
 */
public final class QueuedDelivery implements Processor {

    /** Registry name, for the route. */
    public static final String BEAN = "queuedDelivery";
    private static final String JMS_SOURCE = "jms";

    @Override
    public void process(Exchange exchange) {
        Message message = exchange.getMessage();
        String source = message.getHeader(Queues.SOURCE_PROPERTY, String.class);
        exchange.setProperty(DeliveryKeys.SOURCE, source != null ? source : JMS_SOURCE);
        // a request without idempotency_key is keyed by its JMS message id, which a redelivery keeps
        exchange.setProperty(DeliveryKeys.DEFAULT_KEY, "jms:" + message.getHeader("JMSMessageID", String.class));
        // a redelivery (after a crash, say), or a row of a file read anew after one, whose key was sent ends with
        // that first record, not a duplicate
        Boolean replay = message.getHeader(Queues.REPLAY_PROPERTY, Boolean.class);
        exchange.setProperty(DeliveryKeys.REPLAY, replay != null ? replay : message.getHeader("JMSRedelivered", false, Boolean.class));
        // queued messages wait out a rate-limit pause or a Meta outage instead of spending their attempts
        exchange.setProperty(DeliveryKeys.WAITS_FOR_ACCOUNT, true);
        String batch = message.getHeader(Queues.BATCH_PROPERTY, String.class);
        Long row = message.getHeader(Queues.BATCH_ROW_PROPERTY, Long.class);
        if (batch != null && row != null) {
            exchange.setProperty(BatchRow.PROPERTY, new BatchRow(batch, row));
        }
    }
}
