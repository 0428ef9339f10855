package org.igdm.gateway.graph;

/** Meta refused the message for good (window closed, user unavailable, bad parameter, token, permission). */
public class RejectedByGraphException extends GraphApiException {

    public RejectedByGraphException(int httpStatus, GraphError error, RateLimitUsage usage) {
        super(httpStatus, error, usage);
    }
}
