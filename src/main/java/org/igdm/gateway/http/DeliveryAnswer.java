package org.igdm.gateway.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.util.Objects;
import org.apache.camel.AggregationStrategy;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.igdm.gateway.delivery.DeliveryKeys;

/**
 * Answers POST /messages with the outcome record of its delivery, under the status docs/design.md gives each outcome.
 * The route enriches with {@code direct:deliver} through this strategy rather than calling it in line: the
 * delivery core handles its own failures, and Camel ends the calling route after a handled failure, before
 * the answer would be written. Only the record and the status cross over from the delivery's exchange; a
 * delivery that failed without a record (the enrich aggregates on exception) crosses over as a problem.
 */
public final class DeliveryAnswer implements AggregationStrategy {

    public static final String BEAN = "httpDeliveryAnswer";

    @Override
    public Exchange aggregate(Exchange request, Exchange delivery) {
        if (delivery.getException() != null) {
            // a delivery that ended without an outcome record (a key in flight, a sink that failed): a problem
            try {
                HttpIngress.respondProblem(request, delivery.getException());
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("a problem always serializes", e);
            }
            return request;
        }
        Message outcome = delivery.getMessage();
        int status = status(outcome.getHeader(DeliveryKeys.OUTCOME, String.class),
                outcome.getHeader(DeliveryKeys.FAILURE_CATEGORY, String.class));
        HttpIngress.respond(request, status, HttpIngress.JSON, outcome.getBody(String.class));
        return request;
    }

    static int status(String outcome, String category) {
        if ("sent".equals(outcome) || "duplicate".equals(outcome)) {
            return 200;
        }
        if ("failed".equals(outcome)) {
            switch (Objects.requireNonNullElse(category, "")) {
                case "rejected":
                    return 422;
                case "exhausted":
                    return 503;
                case "invalid":
                    return 400;
                default:
                    break;
            }
        }
        throw new IllegalStateException("the delivery ended without a known outcome: " + outcome + "/" + category);
    }
}
