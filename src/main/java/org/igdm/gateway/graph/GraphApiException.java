package org.igdm.gateway.graph;

/**
 * A call that Meta answered with an error. Its subclasses are what the delivery route routes on:
 * {@link TransientGraphException} is retried, {@link RejectedByGraphException} goes to the failed sink.
 * The message quotes Meta's own text and codes; it never holds the token, which Meta does not echo.
 */
public abstract class GraphApiException extends RuntimeException {

    private final int httpStatus;
    private final GraphError error;
    private final RateLimitUsage usage;

    protected GraphApiException(int httpStatus, GraphError error, RateLimitUsage usage) {
        super(describe(httpStatus, error));
        this.httpStatus = httpStatus;
        this.error = error;
        this.usage = usage;
    }

    private static String describe(int httpStatus, GraphError error) {
        if (error == null) {
            return "Graph API answered HTTP " + httpStatus + " without an error envelope";
        }
        String explanation = GraphErrorClassifier.explanation(error);
        return "Graph API " + error.codeText() + " (HTTP " + httpStatus + "): " + error.message()
                + (explanation == null ? "" : " (" + explanation + ")");
    }

    public int httpStatus() {
        return httpStatus;
    }

    /** Meta's envelope; null when the answer held none. */
    public GraphError error() {
        return error;
    }

    public RateLimitUsage usage() {
        return usage;
    }

    /** The exception a route can route on, for an answer already classified. */
    public static GraphApiException of(ErrorClass errorClass, int httpStatus, GraphError error, RateLimitUsage usage) {
        return switch (errorClass) {
            case TRANSIENT -> new TransientGraphException(httpStatus, error, usage);
            case RATE_LIMITED -> new RateLimitedException(httpStatus, error, usage);
            case PERMANENT -> new RejectedByGraphException(httpStatus, error, usage);
        };
    }
}
