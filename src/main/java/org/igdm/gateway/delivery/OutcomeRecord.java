package org.igdm.gateway.delivery;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.igdm.gateway.request.MessageKind;
import org.igdm.gateway.request.Violation;

/**
 * The one line each request ends as, in the sent or the failed sink (and the answer to HTTP and JMS callers).
 * Field names are the external contract (docs/design.md).
 */
public sealed interface OutcomeRecord {

    @JsonProperty("status")
    String status();

    String source();

    String account();

    String recipientId();

    String idempotencyKey();

    /**
     * A request Meta took. {@code confirmed_by} is {@code conversation} when Meta's answer was lost and the message
     * was found by reading the conversation back (absent when Meta answered the send).
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonPropertyOrder({"status", "source", "account", "recipient_id", "comment_id", "idempotency_key", "kind", "message_id",
            "attempts", "sent_at", "confirmed_by", "rate_limit", "window_remaining_s"})
    record Sent(
            @JsonProperty("source") String source,
            @JsonProperty("account") String account,
            @JsonProperty("recipient_id") String recipientId,
            @JsonProperty("comment_id") String commentId,
            @JsonProperty("idempotency_key") String idempotencyKey,
            @JsonProperty("kind") MessageKind kind,
            @JsonProperty("message_id") String messageId,
            @JsonProperty("attempts") int attempts,
            @JsonProperty("sent_at") String sentAt,
            @JsonProperty("confirmed_by") String confirmedBy,
            @JsonProperty("rate_limit") JsonNode rateLimit,
            @JsonProperty("window_remaining_s") Long windowRemainingSeconds) implements OutcomeRecord {

        @Override
        public String status() {
            return "sent";
        }
    }

    /**
     * A request that was not sent. It keeps what would have been sent ({@code message}, or {@code sender_action}
     * and {@code payload}, and {@code tag}) as it was given, so that it can be replayed, and {@code input} (the
     * start of what arrived) when the input could not be read as a request.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonPropertyOrder({"status", "source", "account", "recipient_id", "comment_id", "idempotency_key", "kind", "message",
            "sender_action", "payload", "tag", "attempts", "failed_at", "error", "input"})
    record Failed(
            @JsonProperty("source") String source,
            @JsonProperty("account") String account,
            @JsonProperty("recipient_id") String recipientId,
            @JsonProperty("comment_id") String commentId,
            @JsonProperty("idempotency_key") String idempotencyKey,
            @JsonProperty("kind") MessageKind kind,
            @JsonProperty("message") JsonNode message,
            @JsonProperty("sender_action") String senderAction,
            @JsonProperty("payload") JsonNode payload,
            @JsonProperty("tag") String tag,
            @JsonProperty("attempts") int attempts,
            @JsonProperty("failed_at") String failedAt,
            @JsonProperty("error") Error error,
            @JsonProperty("input") String input) implements OutcomeRecord {

        @Override
        public String status() {
            return "failed";
        }
    }

    /** {@code error} of a failed record; {@code violations} lists every broken rule of an invalid request. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Error(
            @JsonProperty("category") FailureCategory category,
            @JsonProperty("message") String message,
            @JsonProperty("code") Integer code,
            @JsonProperty("subcode") Integer subcode,
            @JsonProperty("fbtrace_id") String fbtraceId,
            @JsonProperty("http_status") Integer httpStatus,
            @JsonProperty("violations") List<Violation> violations) {
    }
}
