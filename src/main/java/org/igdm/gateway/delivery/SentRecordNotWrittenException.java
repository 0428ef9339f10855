package org.igdm.gateway.delivery;

import org.igdm.gateway.graph.GraphSendResult;

/**
 * Meta accepted the message, but its sent record could not be written to the sink. The record is kept in the
 * idempotency store as pending: the next request with the same key, or the next start, writes it. Sending the
 * request again with its key is therefore safe and never sends the message twice.
 */
public class SentRecordNotWrittenException extends RuntimeException {

    private final String messageId;

    public SentRecordNotWrittenException(GraphSendResult result, Throwable cause) {
        super("Meta accepted the message as " + result.messageId() + ", but its sent record could not be written: "
                + (cause == null ? "unknown error" : cause.getMessage()), cause);
        this.messageId = result.messageId();
    }

    /** Meta's id of the message that was sent. */
    public String messageId() {
        return messageId;
    }
}
