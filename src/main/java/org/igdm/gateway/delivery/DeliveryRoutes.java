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

        from(DELIVER).routeId("deliver")
                .process(DeliveryRoutes::acceptRequest)
                .to(GraphCallRoute.URI)
                .process(OutcomeRecorder::sent)
                .to(ExchangePattern.InOnly, settings.sentSink());
    }

    /** The request as a validated {@link SendRequest}, whatever form the source handed it in. */
    private static void acceptRequest(Exchange exchange) {
        Object body = exchange.getMessage().getBody();
        SendRequest request = body instanceof SendRequest given
                ? RequestValidator.validate(given)
                : RequestJson.parse(exchange.getMessage().getBody(String.class));
        exchange.setProperty(DeliveryKeys.REQUEST, request);
    }
}
