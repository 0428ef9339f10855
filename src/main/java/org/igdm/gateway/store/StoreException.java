package org.igdm.gateway.store;

/** The store could not read or commit: the database is unreachable, or refused a statement. */
public class StoreException extends RuntimeException {

    public StoreException(String what, Throwable cause) {
        super(cause == null ? what : what + ": " + cause.getMessage(), cause);
    }
}
