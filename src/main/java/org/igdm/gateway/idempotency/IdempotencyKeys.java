package org.igdm.gateway.idempotency;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.function.Consumer;

/**
 * The idempotency keys, so that a key is sent once: after a restart, and across every instance that shares a store.
 * {@link EmbeddedKeys} keeps a lone instance's; {@link SharedKeys} those of instances that share a database.
 *
 * <p>A key goes through three states. {@link #claim} takes it before Meta is called, so that two requests with one
 * key never both call Meta: the second finds the key {@link Claim.InFlight}. {@link #recordSent} keeps the sent
 * record, pending, the moment Meta confirms, before that record is written to the sink; {@link #markRecorded} notes
 * that the sink has it, before the source is acknowledged, and keeps only the fields of the duplicate and replay
 * answers. A crash or a sink failure between the two leaves the record pending: it is written by the next request
 * with that key ({@link Claim.Unrecorded}) or by {@link #recoverPending} at the next start. A crash re-sends at most
 * the calls that were under way.
 *
 * <p>Each sent key keeps the fingerprint of its request: a request that brings the key with another fingerprint finds
 * it {@link Claim.Reused}, never the first request's record. Recorded keys are deleted
 * {@code gateway.idempotency.retention-days} after they were claimed.
 */
public interface IdempotencyKeys {

    /** What {@link #claim} found. */
    sealed interface Claim {
        /** The key is this caller's: call Meta, then {@link #recordSent} or {@link #release}. */
        record Granted() implements Claim {
        }

        /** Another request with this key is being delivered now. */
        record InFlight() implements Claim {
        }

        /** The key was sent and its record is in the sink: the record of the duplicate and replay answers. */
        record Recorded(FirstDelivery first) implements Claim {
        }

        /** The key was sent but its record never reached the sink: write it now, then {@link #markRecorded}. */
        record Unrecorded(String sentRecord) implements Claim {
        }

        /** The key was sent for a different request (another fingerprint): this one must not be answered as its duplicate. */
        record Reused() implements Claim {
        }
    }

    /**
     * Takes the key for this caller, unless it is in flight elsewhere or was sent.
     *
     * @param fingerprint the request's ({@link #recordSent}), compared with the one the key was sent for
     */
    Claim claim(String key, byte[] fingerprint);

    /**
     * Meta confirmed the send: the record is kept, pending, until {@link #markRecorded}, with the fingerprint of the
     * request, which later requests with the key must match. Returns once durable.
     */
    void recordSent(String key, FirstDelivery sent, String sentRecord, byte[] fingerprint);

    /** The key's sent record is in the sink: only what the answers need is kept. Returns once durable. */
    void markRecorded(String key);

    /** The claimed call did not send (Meta refused it, retries ran out, the gateway stops): the key is free again. */
    void release(String key);

    /** The sent record could not be written to the sink: the next request with the key (or the next start) writes it. */
    void abandonPending(String key);

    /**
     * Writes every sent record that never reached the sink and whose instance is gone (or gave it up), through
     * {@code sink}, and marks each recorded. Returns how many there were.
     */
    int recoverPending(Consumer<String> sink);

    /** Deletes the keys first claimed longer ago than the retention (never a pending record). Returns how many. */
    int deleteExpired();

    /** The first 16 bytes of the key's SHA-256: the same width for every key, and no collision in practice. */
    static byte[] hash(String key) {
        try {
            return Arrays.copyOf(MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8)), 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
