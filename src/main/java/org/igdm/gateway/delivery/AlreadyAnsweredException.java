package org.igdm.gateway.delivery;

/** A private reply to a comment the account has answered already: Meta allows one, so the gateway does not call. */
public class AlreadyAnsweredException extends RuntimeException {

    public AlreadyAnsweredException(String message) {
        super(message);
    }
}
