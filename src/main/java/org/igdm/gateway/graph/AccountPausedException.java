package org.igdm.gateway.graph;

import java.time.Duration;

/** The account is paused (Meta rate-limits it, or Meta is down) and the caller does not wait: try again later. */
public class AccountPausedException extends TransientGraphException {

    public AccountPausedException(Duration remaining) {
        super(0, new GraphError("sending is paused for this account for another " + Math.max(1, remaining.toSeconds())
                + " s (Meta rate-limits it, or Meta is down); not called", null, null, null, null, true), RateLimitUsage.NONE);
    }

    @Override
    public String getMessage() {
        return error().message();
    }
}
