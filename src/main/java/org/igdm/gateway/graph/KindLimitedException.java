package org.igdm.gateway.graph;

import java.time.Duration;

/** Meta's limit for the request's kind is reached for the account, and the caller does not wait: try again later. */
public class KindLimitedException extends TransientGraphException {

    public KindLimitedException(String limits, Duration remaining) {
        super(0, new GraphError("Meta's per-kind limit is reached for this account (" + limits + "); the next may go in "
                + Math.max(1, remaining.toSeconds()) + " s; not called", null, null, null, null, true), RateLimitUsage.NONE);
    }

    @Override
    public String getMessage() {
        return error().message();
    }
}
