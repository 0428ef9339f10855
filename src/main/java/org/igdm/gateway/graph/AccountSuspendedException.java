package org.igdm.gateway.graph;

/**
 * Meta refused the account's token (code 190) and the account is suspended until it gets a new one; a caller
 * that does not wait (HTTP) hears it at once, as for a paused account. No call is made with the refused token.
 */
public class AccountSuspendedException extends TransientGraphException {

    public AccountSuspendedException(String account) {
        super(0, new GraphError("account " + account + " is suspended: Meta refused its access token (code 190). It sends"
                + " again once it has a new token; not called", null, 190, null, null, true), RateLimitUsage.NONE);
    }

    @Override
    public String getMessage() {
        return error().message();
    }
}
