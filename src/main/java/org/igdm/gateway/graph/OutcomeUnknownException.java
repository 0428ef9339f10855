package org.igdm.gateway.graph;

/**
 * The request went out but no answer came back (the call timed out, or the connection broke while Meta had
 * it): Meta may have delivered the message. Meta's Send API has no idempotency key, so calling again could send
 * it twice; it is not retried, and its record says so.
 */
public class OutcomeUnknownException extends GraphApiException {

    public OutcomeUnknownException(String what, Throwable cause) {
        super(0, new GraphError(what + "; Meta may have delivered the message. It was not sent again, because Meta cannot"
                + " tell a repeated send from a new one: look at the conversation before sending it once more",
                null, null, null, null, false), RateLimitUsage.NONE);
        if (cause != null) {
            initCause(cause);
        }
    }

    @Override
    public String getMessage() {
        return error().message();
    }
}
