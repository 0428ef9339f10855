package org.igdm.gateway.delivery;

import java.time.Instant;
import org.apache.camel.BeanInject;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangePattern;
import org.apache.camel.LoggingLevel;
import org.apache.camel.Predicate;
import org.apache.camel.builder.RouteBuilder;
import org.igdm.gateway.GatewaySettings;
import org.igdm.gateway.account.Account;
import org.igdm.gateway.graph.GraphSendResult;
import org.igdm.gateway.graph.OutcomeUnknownException;
import org.igdm.gateway.graph.RejectedByGraphException;
import org.igdm.gateway.graph.TransientGraphException;
import org.igdm.gateway.idempotency.FirstDelivery;
import org.igdm.gateway.idempotency.IdempotencyKeys;
import org.igdm.gateway.observe.GatewayMetrics;
import org.igdm.gateway.pacing.GatewayStoppingException;
import org.igdm.gateway.request.InvalidRequestException;
import org.igdm.gateway.request.RequestJson;
import org.igdm.gateway.request.RequestValidator;
import org.igdm.gateway.request.SendRequest;

/**
 * The delivery core: the only route that sends to Meta. It takes one request (a {@link SendRequest} or its
 * JSON text) from any source, resolves its account, calls the Graph API for it with retries
 * ({@link PacedGraphCall}), and ends with exactly one record in the sent or the failed sink. The record is also
 * the exchange's body when the route returns, for callers that wait. A second route takes the new tokens that
 * appear in the accounts' token files.
 */
public class DeliveryRoutes extends RouteBuilder {

    public static final String DELIVER = "direct:deliver";
    /**
     * Every record, once in its sink, goes here too, before the request leaves its source: the batches of dropped
     * files learn their rows' outcomes from it. A failure there fails the delivery, and the request comes again.
     */
    public static final String RECORDED = "direct:recorded";
    private static final String RECORD_SENT = "direct:record-sent";
    /** Property: what {@link IdempotencyKeys#claim} found for the request's key. */
    private static final String CLAIM = "igClaim";
    /**
     * Property: the request's {@link RequestFingerprint}, taken as it came, before the window check may drop its tag,
     * so that the same request again finds the same fingerprint.
     */
    private static final String FINGERPRINT = "igFingerprint";
    /** How often a queued request whose key is in flight elsewhere looks again. */
    private static final long IN_FLIGHT_RECHECK_MS = 100;

    @BeanInject
    private GatewaySettings settings;
    @BeanInject
    private IdempotencyKeys idempotency;
    @BeanInject
    private PacedGraphCall graphCall;
    @BeanInject
    private MessagingWindowCheck windowCheck;
    @BeanInject
    private ConversationCheck conversationCheck;

    @Override
    public void configure() {
        onException(InvalidRequestException.class)
                .handled(true)
                .maximumRedeliveries(0)
                .process(exchange -> OutcomeRecorder.failed(exchange, FailureCategory.INVALID))
                .to(ExchangePattern.InOnly, settings.failedSink())
                .to(RECORDED);

        // a key already sent for another request: never sent; a queued request ends as one invalid record, a caller
        // that waits for its answer (HTTP) is refused without one
        onException(KeyReusedException.class)
                .handled(DeliveryRoutes::queued)
                .maximumRedeliveries(0)
                .filter(DeliveryRoutes::queued)
                    .process(exchange -> OutcomeRecorder.failed(exchange, FailureCategory.INVALID))
                    .to(ExchangePattern.InOnly, settings.failedSink())
                    .to(RECORDED)
                .end();

        onException(RejectedByGraphException.class, OutsideWindowException.class, AlreadyAnsweredException.class)
                .handled(true)
                .maximumRedeliveries(0)
                .process(this::releaseClaim)
                .process(exchange -> windowCheck.afterRefusal(exchange))
                .process(exchange -> OutcomeRecorder.failed(exchange, FailureCategory.REJECTED))
                .to(ExchangePattern.InOnly, settings.failedSink())
                .to(RECORDED);

        // the request went out, no answer came, and the conversation could not tell whether Meta delivered it:
        // it is not sent again blindly (one the conversation shows as not delivered is a NotDeliveredException, retried)
        onException(OutcomeUnknownException.class)
                .handled(true)
                .maximumRedeliveries(0)
                .process(this::releaseClaim)
                .process(exchange -> OutcomeRecorder.failed(exchange, FailureCategory.EXHAUSTED))
                .to(ExchangePattern.InOnly, settings.failedSink())
                .to(RECORDED);

        // network errors, 5xx, rate limits: the whole Graph call again, backing off exponentially with jitter;
        // a shutdown during the backoff is not the message's failure: it stays with its source, unrecorded
        onException(TransientGraphException.class)
                .handled(exchange -> !stopping(exchange))
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
                .onRedelivery(exchange -> GatewayMetrics.of(exchange).retried(OutcomeRecorder.resolvedAccount(exchange)))
                .process(this::releaseClaim)
                .filter(exchange -> !stopping(exchange))
                    .process(exchange -> OutcomeRecorder.failed(exchange, FailureCategory.EXHAUSTED))
                    .to(ExchangePattern.InOnly, settings.failedSink())
                    .to(RECORDED)
                .end();

        // not a failure: the message stays with its source (a JMS rollback) and is delivered after the restart
        onException(GatewayStoppingException.class)
                .maximumRedeliveries(0)
                .logExhausted(false)
                .process(this::releaseClaim);

        // anything else goes back to the source unhandled, as without this clause; but the key is not left
        // claimed, or every later request with it would wait for an outcome that never comes
        onException(Exception.class)
                .maximumRedeliveries(0)
                .process(this::releaseClaim);

        from(DELIVER).routeId("deliver")
                .process(this::acceptRequest)
                .process(this::claimKey)
                .choice()
                    .when(claimed(IdempotencyKeys.Claim.Granted.class))
                        .process(exchange -> windowCheck.beforeSend(exchange))
                        .process(this::callMeta)
                        .process(exchange -> windowCheck.afterSend(exchange))
                        .process(this::rememberSent)
                        .to(DeliveryRoutes.RECORD_SENT)
                    .when(claimed(IdempotencyKeys.Claim.Reused.class))
                        .process(exchange -> {
                            throw new KeyReusedException();
                        })
                    .when(claimed(IdempotencyKeys.Claim.Unrecorded.class))
                        // Meta confirmed this key's send, but its record never reached the sink: written now
                        .process(this::answerWithPendingRecord)
                        .to(DeliveryRoutes.RECORD_SENT)
                    .when(DeliveryRoutes::replay)
                        // a crash came between the sent record and the acknowledgement: nothing is sent or written
                        // again, but a batch row still learns its outcome (the crash may have come before it did)
                        .process(this::answerWithFirstOutcome)
                        .to(RECORDED)
                    .otherwise()
                        .process(exchange -> OutcomeRecorder.duplicate(exchange, firstDelivery(exchange)))
                        .to(ExchangePattern.InOnly, settings.failedSink())
                        .to(RECORDED)
                        .process(this::answerWithFirstOutcome)
                        .setHeader(DeliveryKeys.OUTCOME, constant("duplicate"))
                .end()
                .removeProperty(CLAIM)
                .removeProperty(FINGERPRINT);

        from("timer:token-files?period=" + settings.tokenReloadInterval().toMillis()).routeId("token-files")
                .process(exchange -> settings.accounts().reloadTokenFiles().forEach(graphCall::tokenRenewed));

        // the sent record into the sink; if the sink fails, the key's pending record is left for the next
        // request with that key (or the next start) to write, and the failure goes to the source
        from(RECORD_SENT).routeId("record-sent")
                .errorHandler(noErrorHandler())
                .doTry()
                    .to(ExchangePattern.InOnly, settings.sentSink())
                .doCatch(Exception.class)
                    .process(this::sentRecordNotWritten)
                .end()
                .to(RECORDED)
                .process(this::rememberRecorded);
    }

    /** The request as a validated {@link SendRequest}, whatever form the source handed it in, and its account. */
    private void acceptRequest(Exchange exchange) {
        Object body = exchange.getMessage().getBody();
        SendRequest request = body instanceof SendRequest given
                ? RequestValidator.validate(given)
                : RequestJson.parse(exchange.getMessage().getBody(String.class));
        String derivedKey = exchange.getProperty(DeliveryKeys.DEFAULT_KEY, String.class);
        if (request.idempotencyKey() == null && derivedKey != null) {
            request = request.withIdempotencyKey(derivedKey);
        }
        exchange.setProperty(DeliveryKeys.REQUEST, request);
        exchange.setProperty(DeliveryKeys.ACCOUNT, settings.accounts().resolve(request.account()));
    }

    /**
     * One attempt; a retry of the delivery route runs it again. An attempt whose outcome is unknown is settled by
     * reading the conversation back, before the recipient's next message and with the key still claimed.
     */
    private void callMeta(Exchange exchange) throws InterruptedException {
        Account account = exchange.getProperty(DeliveryKeys.ACCOUNT, Account.class);
        SendRequest request = exchange.getProperty(DeliveryKeys.REQUEST, SendRequest.class);
        GraphSendResult result;
        try {
            result = graphCall.send(account, request, queued(exchange),
                    () -> exchange.setProperty(DeliveryKeys.ATTEMPTS, exchange.getProperty(DeliveryKeys.ATTEMPTS, 0, Integer.class) + 1));
        } catch (OutcomeUnknownException unknown) {
            result = conversationCheck.delivered(account, request, unknown);
        }
        conversationCheck.sent(account, request, result);
        exchange.setProperty(DeliveryKeys.RESULT, result);
    }

    /**
     * Takes the request's key before Meta is called. While another request with the key is under way, a queued
     * request waits for its outcome; a caller that waits itself (HTTP) is refused at once.
     */
    private void claimKey(Exchange exchange) throws InterruptedException {
        String key = key(exchange);
        if (key == null) {
            exchange.setProperty(CLAIM, new IdempotencyKeys.Claim.Granted());
            return;
        }
        byte[] fingerprint = RequestFingerprint.of(exchange.getProperty(DeliveryKeys.REQUEST, SendRequest.class),
                OutcomeRecorder.resolvedAccount(exchange));
        exchange.setProperty(FINGERPRINT, fingerprint);
        IdempotencyKeys.Claim claim = idempotency.claim(key, fingerprint);
        while (claim instanceof IdempotencyKeys.Claim.InFlight) {
            if (!queued(exchange)) {
                throw new KeyInFlightException();
            }
            if (exchange.getContext().isStopping()) {
                throw new GatewayStoppingException();
            }
            Thread.sleep(IN_FLIGHT_RECHECK_MS);
            claim = idempotency.claim(key, fingerprint);
        }
        exchange.setProperty(CLAIM, claim);
    }

    private static Predicate claimed(Class<? extends IdempotencyKeys.Claim> kind) {
        return exchange -> kind.isInstance(exchange.getProperty(CLAIM));
    }

    private static String key(Exchange exchange) {
        return exchange.getProperty(DeliveryKeys.REQUEST, SendRequest.class).idempotencyKey();
    }

    /** A queued request waits for its account and for another request with its key; a caller of HTTP waits itself. */
    private static boolean queued(Exchange exchange) {
        return exchange.getProperty(DeliveryKeys.WAITS_FOR_ACCOUNT, false, Boolean.class);
    }

    private static FirstDelivery firstDelivery(Exchange exchange) {
        return exchange.getProperty(CLAIM, IdempotencyKeys.Claim.Recorded.class).first();
    }

    private static boolean replay(Exchange exchange) {
        return exchange.getProperty(DeliveryKeys.REPLAY, false, Boolean.class);
    }

    /** During a shutdown a message in backoff is not failed: it stays queued for the next start. */
    private static boolean stopping(Exchange exchange) {
        return exchange.getContext().isStopping()
                || exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class) instanceof GatewayStoppingException;
    }

    /** The call that claimed the key did not send: a later request with the key may. */
    private void releaseClaim(Exchange exchange) {
        String key = key(exchange);
        if (key != null && exchange.getProperty(CLAIM) instanceof IdempotencyKeys.Claim.Granted) {
            idempotency.release(key);
        }
    }

    /** The sent record, and in the store, committed before the record is written: see {@link IdempotencyKeys}. */
    private void rememberSent(Exchange exchange) {
        OutcomeRecord.Sent sent = OutcomeRecorder.sent(exchange);
        String key = key(exchange);
        if (key != null) {
            idempotency.recordSent(key, new FirstDelivery(sent.source(), sent.recipientId(), sent.messageId(), sent.attempts(),
                    Instant.parse(sent.sentAt())), exchange.getMessage().getBody(String.class),
                    exchange.getProperty(FINGERPRINT, byte[].class));
        }
    }

    /** Committed after the sent record is written and before the source is acknowledged. */
    private void rememberRecorded(Exchange exchange) {
        String key = key(exchange);
        if (key != null) {
            idempotency.markRecorded(key);
        }
    }

    private void sentRecordNotWritten(Exchange exchange) {
        Exception cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        String key = key(exchange);
        if (key != null) {
            idempotency.abandonPending(key);
        }
        throw new SentRecordNotWrittenException(exchange.getProperty(DeliveryKeys.RESULT, GraphSendResult.class), cause);
    }

    private void answerWithPendingRecord(Exchange exchange) {
        exchange.getMessage().setBody(exchange.getProperty(CLAIM, IdempotencyKeys.Claim.Unrecorded.class).sentRecord());
        exchange.getMessage().setHeader(DeliveryKeys.OUTCOME, "sent");
    }

    /** The first delivery's sent record becomes the answer, as if the first call had been answered now. */
    private void answerWithFirstOutcome(Exchange exchange) {
        exchange.getMessage().setBody(OutcomeRecorder.firstSentRecord(firstDelivery(exchange),
                exchange.getProperty(DeliveryKeys.REQUEST, SendRequest.class), OutcomeRecorder.resolvedAccount(exchange)));
        exchange.getMessage().setHeader(DeliveryKeys.OUTCOME, "sent");
    }
}
