package org.igdm.gateway.graph;

import java.io.IOException;
import org.apache.camel.BeanInject;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.builder.RouteBuilder;
import org.igdm.gateway.GatewaySettings;
import org.igdm.gateway.delivery.DeliveryKeys;
import org.igdm.gateway.request.SendRequest;

/**
 * One call of Meta's Send API, and the only place that talks HTTP to Meta: the request in property
 * {@link DeliveryKeys#REQUEST} in, a {@link GraphSendResult} in property {@link DeliveryKeys#RESULT} out, or a
 * {@link GraphApiException} thrown. It has no error handler of its own: the caller retries the whole call.
 */
public class GraphCallRoute extends RouteBuilder {

    public static final String URI = "direct:graph-call";
    /** Camel counts redeliveries in these headers: clearing them would retry for ever. */
    private static final String KEEP = "CamelRedelivery*";

    @BeanInject
    private GatewaySettings settings;

    @Override
    public void configure() {
        from(URI).routeId("graph-call")
                .errorHandler(noErrorHandler())
                .process(this::prepareCall)
                .doTry()
                    // no source header ever becomes an HTTP header; Meta's answer is read, not thrown
                    .to(settings.messagesUrl() + "?throwExceptionOnFailure=false&skipRequestHeaders=true"
                            + "&connectTimeout=10000&responseTimeout=30000")
                .doCatch(IOException.class)
                    .process(exchange -> {
                        throw new GraphUnreachableException(exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class));
                    })
                .end()
                .process(this::readAnswer);
    }

    private void prepareCall(Exchange exchange) {
        SendRequest request = exchange.getProperty(DeliveryKeys.REQUEST, SendRequest.class);
        exchange.setProperty(DeliveryKeys.ATTEMPTS, exchange.getProperty(DeliveryKeys.ATTEMPTS, 0, Integer.class) + 1);
        Message message = exchange.getMessage();
        message.removeHeaders("*", KEEP);
        message.setHeader(Exchange.HTTP_METHOD, "POST");
        message.setHeader(Exchange.CONTENT_TYPE, GraphForm.CONTENT_TYPE);
        message.setBody(GraphForm.encode(request, settings.accessToken()));
    }

    private void readAnswer(Exchange exchange) {
        Message message = exchange.getMessage();
        int status = message.getHeader(Exchange.HTTP_RESPONSE_CODE, 0, Integer.class);
        RateLimitUsage usage = RateLimitUsage.fromHeaders(
                message.getHeader(RateLimitUsage.APP_HEADER, String.class),
                message.getHeader(RateLimitUsage.BUSINESS_HEADER, String.class));
        String body = message.getBody(String.class);
        // Meta's response headers stop here: they must not reach a sink, a JMS reply or an HTTP caller
        message.removeHeaders("*", KEEP);
        message.setBody(null);
        exchange.setProperty(DeliveryKeys.RESULT, GraphResponses.interpret(status, body, usage));
    }
}
