package org.igdm.gateway.pacing;

/**
 * One call's place in its account's window ({@link AccountGate#awaitTurn()}): the gate learns when its request was
 * written to the connection to Meta ({@link AccountGate#requestWritten}) and when the call ended
 * ({@link AccountGate#callEnded}).
 */
public final class Turn {

    /** Guarded by the window's owner. */
    boolean written;
    long writtenAt;

    Turn() {
    }
}
