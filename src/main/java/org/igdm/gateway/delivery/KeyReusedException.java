package org.igdm.gateway.delivery;

import org.igdm.gateway.request.InvalidRequestException;

/**
 * A request whose idempotency key was sent before for a different request (another account, recipient, comment or
 * message). Answering it with the first request's record would tell its caller that a message it never asked for
 * was its own; it is refused instead, and nothing is sent.
 */
public class KeyReusedException extends InvalidRequestException {

    public KeyReusedException() {
        super("idempotency_key", "idempotency_key was used before for a different request (another account, recipient or "
                + "message); a new request needs a new key");
    }
}
