package org.igdm.gateway.delivery;

import org.igdm.gateway.graph.GraphError;
import org.igdm.gateway.graph.OutcomeUnknownException;
import org.igdm.gateway.graph.RateLimitUsage;
import org.igdm.gateway.graph.TransientGraphException;

/**
 * A call whose outcome was unknown, and the conversation read back afterwards holds no such message: Meta did not
 * deliver it. Transient: it is sent again under the usual retry rules, as one more attempt.
 */
public class NotDeliveredException extends TransientGraphException {

    public NotDeliveredException(OutcomeUnknownException unknown) {
        super(0, new GraphError(unknown.what() + "; the conversation, read back, does not hold the message: Meta did not"
                + " deliver it", null, null, null, null, false), RateLimitUsage.NONE);
        // no cause: Camel routes on the innermost cause first, and the unknown outcome is settled now
    }

    @Override
    public String getMessage() {
        return error().message();
    }
}
