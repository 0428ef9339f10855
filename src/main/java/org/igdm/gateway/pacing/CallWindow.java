package org.igdm.gateway.pacing;

import java.util.ArrayDeque;
import java.util.PriorityQueue;

/**
 * The calls that Meta may still count in a sliding period (a second for a pace, an hour for private replies): the
 * one rule behind {@link AccountGate} and {@link KindLimits}.
 *
 * <p>Meta counts a call when it receives it: after its request was written to the connection and, at the latest,
 * when the call ended or {@code arrivalBound} after the request was written, whichever comes first. A call therefore
 * counts from its start until a period after that moment (until a period after its end while no one reports when its
 * request was written). A call starts only while fewer than the limit count: any call that Meta receives less than a
 * period before or after it was still counted when it started, so Meta never sees more than the limit in any period.
 *
 * <p>Not thread-safe: its owner holds its own lock around every call.
 */
final class CallWindow {

    private final long periodNanos;
    private final long arrivalBoundNanos;
    /** Calls in flight whose request has not been written yet. */
    private int unwritten;
    /** When the requests of the other calls in flight were written, oldest first. */
    private final ArrayDeque<Long> written = new ArrayDeque<>();
    /** The latest moment Meta may have received each ended call: it counts until a period after. */
    private final PriorityQueue<Long> received = new PriorityQueue<>();

    CallWindow(long periodNanos, long arrivalBoundNanos) {
        this.periodNanos = periodNanos;
        this.arrivalBoundNanos = arrivalBoundNanos;
    }

    Turn started() {
        unwritten++;
        return new Turn();
    }

    void written(Turn turn, long now) {
        if (!turn.written) {
            turn.written = true;
            turn.writtenAt = now;
            unwritten--;
            written.addLast(now);
        }
    }

    void ended(Turn turn, long now) {
        if (turn.written) {
            written.removeFirstOccurrence(turn.writtenAt);
            received.add(latestReceipt(turn.writtenAt, now));
        } else {
            ended(now);
        }
    }

    /** A call whose request's writing was not reported has ended: it counts until a period after now. */
    void ended(long now) {
        unwritten--;
        received.add(now);
    }

    /** The calls Meta may count in a period that includes {@code now}. */
    int counted(long now) {
        long since = now - periodNanos;
        while (!received.isEmpty() && received.peek() <= since) {
            received.poll();
        }
        int writtenLongAgo = 0;
        for (long writtenAt : written) {
            if (stillCounted(writtenAt, since)) {
                break;
            }
            writtenLongAgo++; // still in flight, but Meta received it more than a period ago
        }
        return unwritten + written.size() - writtenLongAgo + received.size();
    }

    /** Zero when a call may start now within {@code limit}; otherwise how long at least until a counted call stops counting. */
    long nanosUntilRoom(long now, int limit) {
        if (counted(now) < limit) {
            return 0;
        }
        // a call in flight may end now, and then counts until a period after that at the earliest
        long earliest = unwritten > 0 ? now : Long.MAX_VALUE;
        if (!received.isEmpty()) {
            earliest = Math.min(earliest, received.peek());
        }
        for (long writtenAt : written) {
            if (stillCounted(writtenAt, now - periodNanos)) {
                earliest = Math.min(earliest, latestReceipt(writtenAt, now));
                break;
            }
        }
        return earliest + periodNanos - now;
    }

    /** The calls started and not yet ended. */
    int inFlight() {
        return unwritten + written.size();
    }

    private boolean stillCounted(long writtenAt, long since) {
        return since - writtenAt < arrivalBoundNanos;
    }

    /** A request written at {@code writtenAt} whose call ends (or might end) at {@code now} reached Meta by then. */
    private long latestReceipt(long writtenAt, long now) {
        return now - writtenAt < arrivalBoundNanos ? now : writtenAt + arrivalBoundNanos;
    }
}
