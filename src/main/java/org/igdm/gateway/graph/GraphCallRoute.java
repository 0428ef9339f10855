package org.igdm.gateway.graph;

import java.io.IOException;
import java.time.Duration;
import org.apache.camel.BeanInject;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.builder.RouteBuilder;
import org.igdm.gateway.GatewaySettings;
import org.igdm.gateway.delivery.DeliveryKeys;
import org.igdm.gateway.pacing.AccountGate;
import org.igdm.gateway.pacing.KindLimits;
import org.igdm.gateway.request.SendRequest;

/**
 * One delivery attempt through Meta's Send API, and the only place that talks HTTP to Meta: the request in
 * property {@link DeliveryKeys#REQUEST} in, a {@link GraphSendResult} in property {@link DeliveryKeys#RESULT}
 * out, or a {@link GraphApiException} thrown. Every call waits for its turn at the {@link AccountGate}, and a
 * call of a kind Meta limits further (audio and video, private replies) first at the {@link KindLimits}.
 * For a queued message (property {@link DeliveryKeys#WAITS_FOR_ACCOUNT}), a rate-limit answer or a failure
 * while Meta is down is not the message's fault: the call is made again once the gate opens, without spending
 * an attempt. The route has no error handler of its own: the caller retries the whole attempt.
 */
public class GraphCallRoute extends RouteBuilder {

    public static final String URI = "direct:graph-call";
    /** Camel counts redeliveries in these headers: clearing them would retry for ever. */
    private static final String KEEP = "CamelRedelivery*";
    private static final String CALL_AGAIN = "igCallAgain";
    /** A caller that waits for its answer (HTTP) waits for a kind's limit this long at most; longer is a pause. */
    private static final Duration LONGEST_CALLER_WAIT = Duration.ofSeconds(1);

    @BeanInject
    private GatewaySettings settings;
    @BeanInject
    private AccountGate gate;
    @BeanInject
    private KindLimits kindLimits;

    @Override
    public void configure() {
        from(URI).routeId("graph-call")
                .errorHandler(noErrorHandler())
                .setProperty(CALL_AGAIN, constant(true))
                .loopDoWhile(exchangeProperty(CALL_AGAIN).isEqualTo(true))
                    .process(this::awaitTurn)
                    .doTry()
                        .process(this::prepareCall)
                        // no source header ever becomes an HTTP header; Meta's answer is read, not thrown
                        .to(settings.messagesUrl() + "?throwExceptionOnFailure=false&skipRequestHeaders=true"
                                + "&connectTimeout=10000&responseTimeout=30000")
                        .process(this::readAnswer)
                    .doCatch(IOException.class)
                        .process(exchange -> failedTransiently(exchange,
                                new GraphUnreachableException(exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class))))
                    .doFinally()
                        .process(this::callEnded)
                    .end()
                .end()
                .removeProperty(CALL_AGAIN);
    }

    /**
     * Queued messages wait for the account (and their kind's limit); a caller that waits itself (HTTP) gets a
     * transient failure instead of a long wait.
     */
    private void awaitTurn(Exchange exchange) throws InterruptedException {
        SendRequest request = request(exchange);
        Duration paused = gate.pausedFor();
        if (!waitsForAccount(exchange) && !paused.isZero()) {
            throw new AccountPausedException(paused);
        }
        Duration kindWait = kindLimits.waitFor(account(), request);
        if (!waitsForAccount(exchange) && kindWait.compareTo(LONGEST_CALLER_WAIT) > 0) {
            throw new KindLimitedException(kindLimits.describe(request), kindWait);
        }
        kindLimits.awaitTurn(account(), request);
        try {
            gate.awaitTurn();
        } catch (InterruptedException | RuntimeException e) {
            kindLimits.callEnded(account(), request);
            throw e;
        }
    }

    private void callEnded(Exchange exchange) {
        gate.callEnded();
        kindLimits.callEnded(account(), request(exchange));
    }

    /** The sending account, as the kind limits know it. */
    private String account() {
        return settings.userId();
    }

    private static SendRequest request(Exchange exchange) {
        return exchange.getProperty(DeliveryKeys.REQUEST, SendRequest.class);
    }

    private static boolean waitsForAccount(Exchange exchange) {
        return exchange.getProperty(DeliveryKeys.WAITS_FOR_ACCOUNT, false, Boolean.class);
    }

    private void prepareCall(Exchange exchange) {
        SendRequest request = request(exchange);
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
        try {
            exchange.setProperty(DeliveryKeys.RESULT, GraphResponses.interpret(status, body, usage,
                    request(exchange).senderAction() == null));
            gate.answered(usage.maxPercent());
            exchange.setProperty(CALL_AGAIN, false);
        } catch (RateLimitedException throttled) {
            gate.rateLimited(throttled.usage().regainAccess(), throttled.usage().maxPercent());
            if (!waitsForAccount(exchange)) {
                throw throttled;
            }
        } catch (TransientGraphException failure) {
            failedTransiently(exchange, failure);
        } catch (RejectedByGraphException refused) {
            gate.answered(usage.maxPercent());
            throw refused;
        }
    }

    /** An isolated failure is the message's: it spends an attempt. During an outage a queued message waits instead. */
    private void failedTransiently(Exchange exchange, TransientGraphException failure) {
        boolean outage = gate.failedTransiently();
        if (!outage || !waitsForAccount(exchange)) {
            throw failure;
        }
    }
}
