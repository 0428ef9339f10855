package org.igdm.gateway.webhook;

/** A signed webhook body that is not Meta's Instagram batch: answered 400 naming the field, nothing kept. */
public class InvalidWebhookException extends RuntimeException {

    private final String field;

    public InvalidWebhookException(String field, String message) {
        super(message);
        this.field = field;
    }

    public String field() {
        return field;
    }
}
