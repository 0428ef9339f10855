package org.igdm.gateway.delivery;

/** A send the gateway refused itself because Meta would refuse it as outside the messaging window: not retried. */
public class OutsideWindowException extends RuntimeException {

    public OutsideWindowException(String message) {
        super(message);
    }
}
