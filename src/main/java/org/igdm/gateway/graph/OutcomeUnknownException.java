package org.igdm.gateway.graph;

import java.time.Instant;

/**
 * The request went out but no answer came back (the call timed out, or the connection broke while Meta had
 * it): Meta may have delivered the message. Meta's Send API has no idempotency key, so calling again could send
 * it twice: it is never sent again blindly. The delivery reads the conversation back first; when that cannot
 * tell, {@link #notVerified} says why, and that is what the record says.
 */
public class OutcomeUnknownException extends GraphApiException {

    private final String what;
    private final Instant sentAt;

    /**
     * @param what   what happened to the call
     * @param sentAt when the request went out: a message Meta took for it is no older
     */
    public OutcomeUnknownException(String what, Instant sentAt, Throwable cause) {
        this(what, sentAt, cause, "because Meta cannot tell a repeated send from a new one");
    }

    private OutcomeUnknownException(String what, Instant sentAt, Throwable cause, String because) {
        super(0, new GraphError(what + "; Meta may have delivered the message. It was not sent again, " + because
                + ": look at the conversation before sending it once more", null, null, null, null, false), RateLimitUsage.NONE);
        this.what = what;
        this.sentAt = sentAt;
        if (cause != null) {
            initCause(cause);
        }
    }

    public Instant sentAt() {
        return sentAt;
    }

    /** What happened to the call, without the advice. */
    public String what() {
        return what;
    }

    /** The same unknown outcome, once reading the conversation back could not settle it, for the reason given. */
    public OutcomeUnknownException notVerified(String because) {
        return new OutcomeUnknownException(what, sentAt, getCause(), "because " + because);
    }

    @Override
    public String getMessage() {
        return error().message();
    }
}
