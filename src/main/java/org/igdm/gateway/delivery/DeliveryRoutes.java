package org.igdm.gateway.delivery;

import org.apache.camel.BeanInject;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangePattern;
import org.apache.camel.LoggingLevel;
import org.apache.camel.builder.RouteBuilder;
import org.igdm.gateway.GatewaySettings;
import org.igdm.gateway.graph.GraphCallRoute;
import org.igdm.gateway.graph.RejectedByGraphException;
import org.igdm.gateway.graph.TransientGraphException;
import org.igdm.gateway.idempotency.IdempotencyStore;
import org.igdm.gateway.pacing.GatewayStoppingException;
import org.igdm.gateway.request.InvalidRequestException;
import org.igdm.gateway.request.RequestJson;
import org.igdm.gateway.request.RequestValidator;
import org.igdm.gateway.request.SendRequest;

/**
 * The delivery core: the only route that sends to Meta. It takes one request (a {@link SendRequest} or its
 * JSON text) from any source, calls the Graph API with retries, and ends with exactly one record in the sent
 * or the failed sink. The record is also the exchange's body when the route returns, for callers that wait.
 */
public class DeliveryRoutes extends RouteBuilder {

    public static final String DELIVER = "direct:deliver";

    @BeanInject
    private GatewaySettings settings;
    @BeanInject
    private IdempotencyStore idempotency;

    @Override
    public void configure() {
        onException(InvalidRequestException.class)
                .handled(true)
                .maximumRedeliveries(0)
                .process(exchange -> OutcomeRecorder.failed(exchange, FailureCategory.INVALID))
                .to(ExchangePattern.InOnly, settings.failedSink());

        onException(RejectedByGraphException.class)
                .handled(true)
                .maximumRedeliveries(0)
                .process(exchange -> OutcomeRecorder.failed(exchange, FailureCategory.REJECTED))
                .to(ExchangePattern.InOnly, settings.failedSink());

        // network errors, 5xx, rate limits: the whole Graph call again, backing off exponentially with jitter
        onException(TransientGraphException.class)
                .handled(true)
                .maximumRedeliveries(settings.maxAttempts() - 1)
                .redeliveryDelay(settings.retryInitialDelay().toMillis())
                .useExponentialBackOff()
                .backOffMultiplier(2)
                .maximumRedeliveryDelay(settings.retryMaxDelay().toMillis())
                .useCollisionAvoidance()
                .logRetryAttempted(true)
                .retryAttemptedLogLevel(LoggingLevel.WARN)
                .logStackTrace(false)
                .logExhausted(false)
                .process(exchange -> OutcomeRecorder.failed(exchange, FailureCategory.EXHAUSTED))
                .to(ExchangePattern.InOnly, settings.failedSink());

        // not a failure: the message stays with its source (a JMS rollback) and is delivered after the restart
        onException(GatewayStoppingException.class)
                .maximumRedeliveries(0)
                .logExhausted(false);

        from(DELIVER).routeId("deliver")
                .process(DeliveryRoutes::acceptRequest)
                .choice()
                    .when(this::alreadySent)
                        .process(exchange -> OutcomeRecorder.duplicate(exchange, firstOutcome(exchange)))
                        .to(ExchangePattern.InOnly, settings.failedSink())
                        .process(this::answerWithFirstOutcome)
                    .otherwise()
                        .to(GraphCallRoute.URI)
                        .process(OutcomeRecorder::sent)
                        .process(this::rememberSent)
                        .to(ExchangePattern.InOnly, settings.sentSink())
                .end();
    }

    /** The request as a validated {@link SendRequest}, whatever form the source handed it in. */
    private static void acceptRequest(Exchange exchange) {
        Object body = exchange.getMessage().getBody();
        SendRequest request = body instanceof SendRequest given
                ? RequestValidator.validate(given)
                : RequestJson.parse(exchange.getMessage().getBody(String.class));
        String derivedKey = exchange.getProperty(DeliveryKeys.DEFAULT_KEY, String.class);
        if (request.idempotencyKey() == null && derivedKey != null) {
            request = request.withIdempotencyKey(derivedKey);
        }
        exchange.setProperty(DeliveryKeys.REQUEST, request);
    }

    private boolean alreadySent(Exchange exchange) {
        return firstOutcome(exchange) != null;
    }

    private String firstOutcome(Exchange exchange) {
        String key = exchange.getProperty(DeliveryKeys.REQUEST, SendRequest.class).idempotencyKey();
        return key == null ? null : idempotency.firstOutcome(key).orElse(null);
    }

    /** Committed before the sent record is written and the source acknowledged: see {@link IdempotencyStore}. */
    private void rememberSent(Exchange exchange) {
        String key = exchange.getProperty(DeliveryKeys.REQUEST, SendRequest.class).idempotencyKey();
        if (key != null) {
            idempotency.recordSent(key, exchange.getMessage().getBody(String.class));
        }
    }

    /** A caller that repeats a key gets the first outcome, as if its first call had been answered now. */
    private void answerWithFirstOutcome(Exchange exchange) {
        exchange.getMessage().setBody(firstOutcome(exchange));
        exchange.getMessage().setHeader(DeliveryKeys.OUTCOME, "duplicate");
    }
}
