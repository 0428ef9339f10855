package org.igdm.gateway.delivery;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import org.apache.camel.Exchange;
import org.igdm.gateway.Json;
import org.igdm.gateway.graph.GraphApiException;
import org.igdm.gateway.graph.GraphError;
import org.igdm.gateway.graph.GraphErrorClassifier;
import org.igdm.gateway.graph.GraphSendResult;
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

    private OutcomeRecorder() {
    }

    public static void sent(Exchange exchange) {
        SendRequest request = exchange.getProperty(DeliveryKeys.REQUEST, SendRequest.class);
        GraphSendResult result = exchange.getProperty(DeliveryKeys.RESULT, GraphSendResult.class);
        // a private reply goes to a comment's author: Meta's answer says who that is
        String recipient = request.recipientId() != null ? request.recipientId() : result.recipientId();
        OutcomeRecord.Sent sent = new OutcomeRecord.Sent(source(exchange), recipient, request.commentId(), request.idempotencyKey(),
                MessageKind.of(request), result.messageId(), attempts(exchange), Instant.now().toString(), result.usage().reported(),
                windowRemaining(exchange));
        LOG.debug("sent {} {} to {} as {}", sent.kind().label(), sent.source(), request.conversation(), sent.messageId());
        GatewayMetrics.of(exchange).sent();
        write(exchange, sent);
    }

    /** Records the failure that the delivery route caught, under the given category. */
    public static void failed(Exchange exchange, FailureCategory category) {
        Exception caught = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        failed(exchange, error(category, caught, attempts(exchange)));
        if (caught instanceof GraphApiException graph && GraphErrorClassifier.tokenInvalid(graph.error())) {
            LOG.error("ALARM: Meta refused the access token (code 190): every later send will fail too. "
                    + "Renew ig.access-token and restart. Meta said: {}", graph.error().message());
        }
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

    /** Records a request whose key was sent before: not sent again. */
    public static void duplicate(Exchange exchange, String firstSentRecord) {
        String first = "an earlier request with this idempotency_key was sent";
        try {
            JsonNode sent = Json.MAPPER.readTree(firstSentRecord);
            first += " as " + sent.path("message_id").asText() + " at " + sent.path("sent_at").asText()
                    + " (from " + sent.path("source").asText() + ")";
        } catch (JsonProcessingException unreadable) {
            // the first record is stored by this class and always readable; the sentence stays short if not
        }
        failed(exchange, new OutcomeRecord.Error(FailureCategory.DUPLICATE, first + "; not sent again",
                null, null, null, null, null));
    }

    private static void failed(Exchange exchange, OutcomeRecord.Error error) {
        SendRequest request = exchange.getProperty(DeliveryKeys.REQUEST, SendRequest.class);
        String input = request == null ? excerpt(exchange.getMessage().getBody(String.class)) : null;
        OutcomeRecord.Failed failed = request == null
                ? new OutcomeRecord.Failed(source(exchange), null, null, null, null, null, null, null, null,
                        attempts(exchange), Instant.now().toString(), error, input)
                : new OutcomeRecord.Failed(source(exchange), request.recipientId(), request.commentId(), request.idempotencyKey(),
                        MessageKind.of(request), request.message(), request.senderAction(), request.payload(), request.tag(),
                        attempts(exchange), Instant.now().toString(), error, null);
        LOG.info("failed [{}] {} to {}: {}", error.category().label(), failed.source(),
                request == null ? null : request.conversation(), error.message());
        GatewayMetrics.of(exchange).failed(error.category().label());
        write(exchange, failed);
    }

    private static OutcomeRecord.Error error(FailureCategory category, Exception caught, int attempts) {
        if (caught instanceof InvalidRequestException invalid) {
            return new OutcomeRecord.Error(category, invalid.getMessage(), null, null, null, null, invalid.violations());
        }
        if (caught instanceof GraphApiException graph) {
            GraphError meta = graph.error();
            String message = category == FailureCategory.EXHAUSTED
                    ? "gave up after " + attempts + " attempts; the last: " + graph.getMessage()
                    : graph.getMessage();
            return new OutcomeRecord.Error(category, message, meta == null ? null : meta.code(),
                    meta == null ? null : meta.subcode(), meta == null ? null : meta.fbtraceId(),
                    graph.httpStatus() == 0 ? null : graph.httpStatus(), null);
        }
        return new OutcomeRecord.Error(category, caught == null ? category.label() : caught.getMessage(),
                null, null, null, null, null);
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

    private static void write(Exchange exchange, OutcomeRecord record) {
        try {
            exchange.getMessage().setBody(Json.MAPPER.writeValueAsString(record));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("an outcome record always serializes", e);
        }
        exchange.getMessage().setHeader(DeliveryKeys.OUTCOME, record.status());
        exchange.setProperty(DeliveryKeys.RECORD, record);
        if (record instanceof OutcomeRecord.Failed failed) {
            exchange.getMessage().setHeader(DeliveryKeys.FAILURE_CATEGORY, failed.error().category().label());
        }
    }
}
