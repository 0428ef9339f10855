package org.igdm.gateway.delivery;

/**
 * A request whose idempotency key another request is delivering right now, refused to a caller that waits for
 * the answer itself: it may ask again once the first has ended (and then gets the first's outcome).
 */
public class KeyInFlightException extends RuntimeException {

    public KeyInFlightException() {
        super("a request with this idempotency_key is being delivered now; send it again once that one has its answer");
    }
}
