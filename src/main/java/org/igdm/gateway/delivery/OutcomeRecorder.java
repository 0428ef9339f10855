package org.igdm.gateway.delivery;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.apache.camel.Exchange;
import org.igdm.gateway.Json;
import org.igdm.gateway.account.Account;
import org.igdm.gateway.graph.GraphApiException;
import org.igdm.gateway.graph.GraphError;
import org.igdm.gateway.graph.GraphSendResult;
import org.igdm.gateway.graph.OutcomeUnknownException;
import org.igdm.gateway.idempotency.FirstDelivery;
import org.igdm.gateway.observe.GatewayMetrics;
import org.igdm.gateway.request.InvalidRequestException;
import org.igdm.gateway.request.MessageKind;
import org.igdm.gateway.request.SendRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns the end of a delivery into its {@link OutcomeRecord}: the JSON line becomes the body (for the sink and
 * for the caller) and the {@link DeliveryKeys#OUTCOME} headers say which it is.
 */
public final class OutcomeRecorder {

    private static final Logger LOG = LoggerFactory.getLogger(OutcomeRecorder.class);
    /** How much of an unreadable input the failed record keeps, so an operator can see what arrived. */
    private static final int INPUT_EXCERPT = 2000;
    /** {@code confirmed_by} of a send whose answer was lost and whose message was found in the conversation. */
    static final String CONFIRMED_BY_CONVERSATION = "conversation";

    private OutcomeRecorder() {
    }

    /** Records Meta's confirmation; returns the record, which is also the body. */
    public static OutcomeRecord.Sent sent(Exchange exchange) {
        SendRequest request = exchange.getProperty(DeliveryKeys.REQUEST, SendRequest.class);
        GraphSendResult result = exchange.getProperty(DeliveryKeys.RESULT, GraphSendResult.class);
        // a private reply goes to a comment's author: Meta's answer says who that is
        String recipient = request.recipientId() != null ? request.recipientId() : result.recipientId();
        OutcomeRecord.Sent sent = new OutcomeRecord.Sent(source(exchange), account(exchange, request), recipient, request.commentId(),
                request.idempotencyKey(), MessageKind.of(request), result.messageId(), attempts(exchange), sentAt().toString(),
                result.foundInConversation() ? CONFIRMED_BY_CONVERSATION : null, result.usage().reported(), windowRemaining(exchange));
        LOG.debug("sent {} {} for account {} to {} as {}", sent.kind().label(), sent.source(), sent.account(), request.conversation(),
                sent.messageId());
        GatewayMetrics.of(exchange).sent(sent.account());
        write(exchange, sent);
        return sent;
    }

    /** Records the failure that the delivery route caught, under the given category. */
    public static void failed(Exchange exchange, FailureCategory category) {
        Exception caught = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        failed(exchange, error(category, caught, attempts(exchange)));
    }

    /**
     * Records a request that its source turned away before queueing it (a bad row of a batch file): category
     * invalid, never sent. The record keeps the fields as given (or, when {@code given} is null, the body as
     * {@code input}) so that the request can be fixed and replayed.
     */
    public static void invalid(Exchange exchange, SendRequest given, InvalidRequestException why) {
        exchange.setProperty(DeliveryKeys.REQUEST, given);
        failed(exchange, error(FailureCategory.INVALID, why, 0));
    }

    /** In microseconds: the idempotency store keeps the time at that precision for the duplicate answer. */
    private static Instant sentAt() {
        return Instant.now().truncatedTo(ChronoUnit.MICROS);
    }

    /** Records a request whose key was sent before: not sent again. */
    public static void duplicate(Exchange exchange, FirstDelivery first) {
        String message = "an earlier request with this idempotency_key was sent as " + first.messageId() + " at "
                + first.sentAt() + " (from " + first.source() + "); not sent again";
        failed(exchange, new OutcomeRecord.Error(FailureCategory.DUPLICATE, message, null, null, null, null, null));
    }

    /**
     * The sent record of a key's first delivery as the duplicate and replay answers show it: without the usage
     * and the window of that moment, which are not kept; the account, the comment and the kind are the request's (same key).
     */
    public static String firstSentRecord(FirstDelivery first, SendRequest request, String account) {
        return json(new OutcomeRecord.Sent(first.source(), account, first.recipientId(), request.commentId(), request.idempotencyKey(),
                MessageKind.of(request), first.messageId(), first.attempts(), first.sentAt().toString(), null, null, null));
    }

    private static void failed(Exchange exchange, OutcomeRecord.Error error) {
        SendRequest request = exchange.getProperty(DeliveryKeys.REQUEST, SendRequest.class);
        String input = request == null ? excerpt(exchange.getMessage().getBody(String.class)) : null;
        OutcomeRecord.Failed failed = request == null
                ? new OutcomeRecord.Failed(source(exchange), account(exchange, null), null, null, null, null, null, null, null, null,
                        attempts(exchange), Instant.now().toString(), error, input)
                : new OutcomeRecord.Failed(source(exchange), account(exchange, request), request.recipientId(), request.commentId(),
                        request.idempotencyKey(), MessageKind.of(request), request.message(), request.senderAction(), request.payload(),
                        request.tag(), attempts(exchange), Instant.now().toString(), error, null);
        LOG.info("failed [{}] {} for account {} to {}: {}", error.category().label(), failed.source(), failed.account(),
                request == null ? null : request.conversation(), error.message());
        GatewayMetrics.of(exchange).failed(error.category().label(), resolvedAccount(exchange));
        write(exchange, failed);
    }

    private static OutcomeRecord.Error error(FailureCategory category, Exception caught, int attempts) {
        if (caught instanceof InvalidRequestException invalid) {
            return new OutcomeRecord.Error(category, invalid.getMessage(), null, null, null, null, invalid.violations());
        }
        if (caught instanceof GraphApiException graph) {
            GraphError meta = graph.error();
            String message = category == FailureCategory.EXHAUSTED && !(graph instanceof OutcomeUnknownException)
                    ? "gave up after " + attempts + " attempts; the last: " + graph.getMessage()
                    : graph.getMessage();
            return new OutcomeRecord.Error(category, message, meta == null ? null : meta.code(),
                    meta == null ? null : meta.subcode(), meta == null ? null : meta.fbtraceId(),
                    graph.httpStatus() == 0 ? null : graph.httpStatus(), null);
        }
        return new OutcomeRecord.Error(category, caught == null ? category.label() : caught.getMessage(),
                null, null, null, null, null);
    }

    /** The sending account's name; the request's own {@code account} when it could not be resolved. */
    private static String account(Exchange exchange, SendRequest request) {
        String resolved = resolvedAccount(exchange);
        return resolved != null || request == null ? resolved : request.account();
    }

    /** The name of the account the request was resolved to, or null (an invalid request). */
    public static String resolvedAccount(Exchange exchange) {
        Account account = exchange.getProperty(DeliveryKeys.ACCOUNT, Account.class);
        return account == null ? null : account.name();
    }

    public static String source(Exchange exchange) {
        return exchange.getProperty(DeliveryKeys.SOURCE, "direct", String.class);
    }

    /** Seconds left of the recipient's messaging window when the send went out, if the gateway knows. */
    private static Long windowRemaining(Exchange exchange) {
        Duration remaining = exchange.getProperty(DeliveryKeys.WINDOW_REMAINING, Duration.class);
        return remaining == null ? null : remaining.toSeconds();
    }

    private static int attempts(Exchange exchange) {
        return exchange.getProperty(DeliveryKeys.ATTEMPTS, 0, Integer.class);
    }

    private static String excerpt(String input) {
        if (input == null) {
            return null;
        }
        return input.length() <= INPUT_EXCERPT ? input : input.substring(0, INPUT_EXCERPT) + "…";
    }

    private static String json(OutcomeRecord record) {
        try {
            return Json.MAPPER.writeValueAsString(record);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("an outcome record always serializes", e);
        }
    }

    private static void write(Exchange exchange, OutcomeRecord record) {
        exchange.getMessage().setBody(json(record));
        exchange.getMessage().setHeader(DeliveryKeys.OUTCOME, record.status());
        exchange.setProperty(DeliveryKeys.RECORD, record);
        if (record instanceof OutcomeRecord.Failed failed) {
            exchange.getMessage().setHeader(DeliveryKeys.FAILURE_CATEGORY, failed.error().category().label());
        }
    }
}
