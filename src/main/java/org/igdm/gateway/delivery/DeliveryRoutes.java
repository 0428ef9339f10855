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
import org.igdm.gateway.observe.GatewayMetrics;
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
    /**
     * Every record, once in its sink, goes here too, before the request leaves its source: the batches of dropped
     * files learn their rows' outcomes from it. A failure there fails the delivery, and the request comes again.
     */
    public static final String RECORDED = "direct:recorded";
    /** Property: the {@link IdempotencyStore.Sent} of an earlier delivery under the request's key. */
    private static final String FIRST_DELIVERY = "igFirstDelivery";

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
                .to(ExchangePattern.InOnly, settings.failedSink())
                .to(RECORDED);

        onException(RejectedByGraphException.class, OutsideWindowException.class)
                .handled(true)
                .maximumRedeliveries(0)
                .bean(MessagingWindowCheck.BEAN, "afterRefusal")
                .process(exchange -> OutcomeRecorder.failed(exchange, FailureCategory.REJECTED))
                .to(ExchangePattern.InOnly, settings.failedSink())
                .to(RECORDED);

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
                .onRedelivery(exchange -> GatewayMetrics.of(exchange).retried())
                .process(exchange -> OutcomeRecorder.failed(exchange, FailureCategory.EXHAUSTED))
                .to(ExchangePattern.InOnly, settings.failedSink())
                .to(RECORDED);

        // not a failure: the message stays with its source (a JMS rollback) and is delivered after the restart
        onException(GatewayStoppingException.class)
                .maximumRedeliveries(0)
                .logExhausted(false);

        from(DELIVER).routeId("deliver")
                .process(DeliveryRoutes::acceptRequest)
                .process(this::lookUpKey)
                .choice()
                    .when(exchangeProperty(FIRST_DELIVERY).isNull())
                        .bean(MessagingWindowCheck.BEAN, "beforeSend")
                        .to(GraphCallRoute.URI)
                        .process(OutcomeRecorder::sent)
                        .process(this::rememberSent)
                        .to(ExchangePattern.InOnly, settings.sentSink())
                        .to(RECORDED)
                        .process(this::rememberRecorded)
                    .when(this::replayOfUnrecordedSend)
                        // a crash came between Meta's confirmation and the sent record: write it now
                        .process(this::answerWithFirstOutcome)
                        .to(ExchangePattern.InOnly, settings.sentSink())
                        .to(RECORDED)
                        .process(this::rememberRecorded)
                    .when(DeliveryRoutes::replay)
                        // a crash came between the sent record and the acknowledgement: it is all done
                        .process(this::answerWithFirstOutcome)
                    .otherwise()
                        .process(exchange -> OutcomeRecorder.duplicate(exchange, firstDelivery(exchange).sentRecord()))
                        .to(ExchangePattern.InOnly, settings.failedSink())
                        .to(RECORDED)
                        .process(this::answerWithFirstOutcome)
                        .setHeader(DeliveryKeys.OUTCOME, constant("duplicate"))
                .end()
                .removeProperty(FIRST_DELIVERY);
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

    private void lookUpKey(Exchange exchange) {
        String key = key(exchange);
        if (key != null) {
            idempotency.find(key).ifPresent(first -> exchange.setProperty(FIRST_DELIVERY, first));
        }
    }

    private static String key(Exchange exchange) {
        return exchange.getProperty(DeliveryKeys.REQUEST, SendRequest.class).idempotencyKey();
    }

    private static IdempotencyStore.Sent firstDelivery(Exchange exchange) {
        return exchange.getProperty(FIRST_DELIVERY, IdempotencyStore.Sent.class);
    }

    private static boolean replay(Exchange exchange) {
        return exchange.getProperty(DeliveryKeys.REPLAY, false, Boolean.class);
    }

    private boolean replayOfUnrecordedSend(Exchange exchange) {
        return replay(exchange) && !firstDelivery(exchange).recorded();
    }

    /** Committed before the sent record is written: see {@link IdempotencyStore}. */
    private void rememberSent(Exchange exchange) {
        String key = key(exchange);
        if (key != null) {
            idempotency.recordSent(key, exchange.getMessage().getBody(String.class));
        }
    }

    /** Committed after the sent record is written and before the source is acknowledged. */
    private void rememberRecorded(Exchange exchange) {
        String key = key(exchange);
        if (key != null) {
            idempotency.markRecorded(key);
        }
    }

    /** The first delivery's sent record becomes the answer, as if the first call had been answered now. */
    private void answerWithFirstOutcome(Exchange exchange) {
        exchange.getMessage().setBody(firstDelivery(exchange).sentRecord());
        exchange.getMessage().setHeader(DeliveryKeys.OUTCOME, "sent");
    }
}
