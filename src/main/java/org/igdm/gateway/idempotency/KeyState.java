package org.igdm.gateway.idempotency;

import java.security.MessageDigest;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * What a store holds of one key: claimed (a call to Meta is under way), pending (Meta confirmed; {@code fullRecord}
 * is the sent record, not yet in the sink) or recorded (the record is in the sink; only the fields of the duplicate
 * and replay answers are kept). Times are epoch milliseconds, {@code sentAt} epoch microseconds.
 */
record KeyState(char status, long claimedAt, long sentAt, String messageId, String source, String recipientId, int attempts,
        String fullRecord, byte[] fingerprint) {

    static final char CLAIMED = 'C';
    static final char PENDING = 'P';
    static final char RECORDED = 'R';

    /** Meta's confirmation of a send, pending until its record is in the sink. */
    static KeyState pending(long claimedAt, FirstDelivery sent, String sentRecord, byte[] fingerprint) {
        return new KeyState(PENDING, claimedAt, micros(sent.sentAt()), sent.messageId(), sent.source(), sent.recipientId(),
                sent.attempts(), sentRecord, fingerprint);
    }

    /** This key once its record is in the sink: the full record is no longer needed. */
    KeyState recorded() {
        return new KeyState(RECORDED, claimedAt, sentAt, messageId, source, recipientId, attempts, null, fingerprint);
    }

    boolean isPending() {
        return status == PENDING;
    }

    /**
     * What a request with this fingerprint finds once the key was sent: {@link IdempotencyKeys.Claim.Reused} for
     * another request (a key sent before fingerprints were kept matches any), else the record; null while no send
     * is known or the pending record is still to be written by its instance.
     */
    IdempotencyKeys.Claim sentFor(byte[] requestFingerprint) {
        if (status == CLAIMED) {
            return null;
        }
        if (fingerprint != null && !MessageDigest.isEqual(fingerprint, requestFingerprint)) {
            return new IdempotencyKeys.Claim.Reused();
        }
        return status == RECORDED ? new IdempotencyKeys.Claim.Recorded(first()) : null;
    }

    FirstDelivery first() {
        return new FirstDelivery(source, recipientId, messageId, attempts, Instant.EPOCH.plus(sentAt, ChronoUnit.MICROS));
    }

    private static long micros(Instant instant) {
        return ChronoUnit.MICROS.between(Instant.EPOCH, instant);
    }
}
