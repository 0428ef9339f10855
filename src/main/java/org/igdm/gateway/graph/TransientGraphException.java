package org.igdm.gateway.graph;

/** Meta could not take the message now; the same call may succeed later. */
public class TransientGraphException extends GraphApiException {

    public TransientGraphException(int httpStatus, GraphError error, RateLimitUsage usage) {
        super(httpStatus, error, usage);
    }
}
