package org.igdm.gateway.request;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * The canonical send request: what every source (file row, HTTP body, JMS message) turns its input into.
 * Field names are the external contract (docs/design.md); unknown fields are ignored so that sources may carry
 * extra columns.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record SendRequest(
        @JsonProperty("recipient_id") String recipientId,
        @JsonProperty("message") String message,
        @JsonProperty("tag") String tag,
        @JsonProperty("idempotency_key") String idempotencyKey) {

    /** The only message tag Instagram offers: a human agent's reply, allowed up to 7 days after the user wrote. */
    public static final String HUMAN_AGENT = "HUMAN_AGENT";

    /** An empty optional cell (a CSV column left blank, say) means the field is absent. */
    public SendRequest {
        tag = blankToNull(tag);
        idempotencyKey = blankToNull(idempotencyKey);
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value;
    }

    public boolean humanAgent() {
        return HUMAN_AGENT.equals(tag);
    }

    public SendRequest withIdempotencyKey(String key) {
        return new SendRequest(recipientId, message, tag, key);
    }
}
