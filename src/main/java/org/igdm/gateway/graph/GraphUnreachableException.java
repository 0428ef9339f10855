package org.igdm.gateway.graph;

/** The call could not reach Meta (connection refused or timed out, host unknown): nothing was sent, so it is retried like a 5xx. */
public class GraphUnreachableException extends TransientGraphException {

    public GraphUnreachableException(Throwable cause) {
        super(0, new GraphError("Graph API unreachable: " + cause.getClass().getSimpleName() + ": " + cause.getMessage(),
                null, null, null, null, true), RateLimitUsage.NONE);
        initCause(cause);
    }

    @Override
    public String getMessage() {
        return error().message();
    }
}
