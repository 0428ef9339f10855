package org.igdm.gateway.graph;

/** Meta throttles the account: a transient failure that also holds back every other send of the account. */
public class RateLimitedException extends TransientGraphException {

    public RateLimitedException(int httpStatus, GraphError error, RateLimitUsage usage) {
        super(httpStatus, error, usage);
    }
}
