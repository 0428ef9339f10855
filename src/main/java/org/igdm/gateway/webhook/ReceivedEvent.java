package org.igdm.gateway.webhook;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;

/**
 * One webhook event as the received sink keeps it: the account (its name when configured, and its Instagram user
 * id), who sent it to whom, when, its kind, and Meta's event as it came.
 *
 * @param eventId    the identity an event keeps when Meta redelivers it (see {@link WebhookEvents})
 * @param occurredAt when the event happened, by Meta's time stamp
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"account", "account_id", "kind", "sender_id", "recipient_id", "timestamp", "received_at", "event"})
public record ReceivedEvent(
        @JsonIgnore String eventId,
        @JsonProperty("account") String account,
        @JsonProperty("account_id") String accountId,
        @JsonProperty("kind") String kind,
        @JsonProperty("sender_id") String senderId,
        @JsonProperty("recipient_id") String recipientId,
        @JsonIgnore Instant occurredAt,
        @JsonIgnore Instant receivedAt,
        @JsonProperty("event") JsonNode event) {

    /** Kinds in which a user (not the account) acts; an echo is the account's own message. */
    public static final String MESSAGE = "message";
    public static final String ECHO = "echo";

    @JsonProperty("timestamp")
    public String timestamp() {
        return occurredAt.toString();
    }

    @JsonProperty("received_at")
    public String receivedAtText() {
        return receivedAt.toString();
    }

    /**
     * True when the user wrote to the account: a message, a reaction, a postback or a referral. These open the
     * messaging window; an echo, a read receipt and other fields do not.
     */
    @JsonIgnore
    public boolean userWrote() {
        return senderId != null && !senderId.equals(accountId) && WebhookEvents.USER_ACTIONS.contains(kind);
    }
}
