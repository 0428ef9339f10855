package org.igdm.gateway.idempotency;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import javax.sql.DataSource;
import org.apache.camel.support.service.ServiceSupport;
import org.igdm.gateway.store.GroupCommit;
import org.igdm.gateway.store.StoreException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The idempotency keys, in the gateway's store (table {@code idempotency_key}), so that a key is sent once:
 * after a restart, and across every instance that shares the store.
 *
 * <p>A key goes through three states. {@link #claim} takes it before Meta is called (a claim names its
 * instance), so that two requests with one key never both call Meta: the second finds the key
 * {@link Claim.InFlight}. {@link #recordSent} replaces the claim by the sent record the moment Meta
 * confirms, before that record is written to the sink; {@link #markRecorded} notes that the sink has it,
 * before the source is acknowledged, and keeps only the fields of the duplicate and replay answers. A crash
 * or a sink failure between the two leaves the record pending: it is written by the next request with that
 * key ({@link Claim.Unrecorded}) or by {@link #recoverPending} at the next start. A claim or pending record
 * whose instance has stopped (no heartbeat for {@link #STALE_AFTER}) is taken over, so a crash re-sends at
 * most the calls that were under way.
 *
 * <p>Each sent key keeps the fingerprint of its request ({@link #recordSent}): a request that brings the key
 * with another fingerprint finds it {@link Claim.Reused}, never the first request's record.
 *
 * <p>On the embedded store, which no other instance shares, claims are kept in memory rather than written: a
 * send then costs two commits (sent, recorded), not three; and a key that {@link KnownKeys} have never seen is
 * claimed without reading the store.
 *
 * <p>Every write goes through one {@link GroupCommit}: concurrent deliveries share a commit. Recorded keys
 * are deleted {@code gateway.idempotency.retention-days} after they were claimed.
 */
public final class IdempotencyRepository extends ServiceSupport {

    private static final Logger LOG = LoggerFactory.getLogger(IdempotencyRepository.class);
    /** How often an instance says it is alive, and after how long without that its claims are taken over. */
    static final Duration HEARTBEAT = Duration.ofSeconds(2);
    static final Duration STALE_AFTER = Duration.ofSeconds(10);
    /** Retention deletes at most this many keys per statement, so that no transaction grows huge. */
    private static final int DELETE_CHUNK = 10_000;
    private static final Duration RETENTION_RUN = Duration.ofHours(1);
    private static final char CLAIMED = 'C';
    private static final char PENDING = 'P';
    private static final char RECORDED = 'R';

    /** What {@link #claim} found. */
    public sealed interface Claim {
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

    private final DataSource dataSource;
    private final String instance;
    private final boolean alone;
    private final Duration retention;
    private final LongSupplier clock;
    private GroupCommit writer;
    /**
     * A lone instance's keys under way (hex of their hashes): its claims, which a shared store keeps as rows; each
     * says whether the store has a row for the key already (one an older run left).
     */
    private final Map<String, Boolean> underWay = new ConcurrentHashMap<>();
    /** A lone instance's filter of the keys in its store; null on a shared store, where other instances write too. */
    private final KnownKeys known;
    private ScheduledExecutorService housekeeping;

    /**
     * @param alone true when no other instance shares the store (the embedded store): claims and pending
     *              records of earlier runs are then taken over at once, without waiting for them to go stale
     */
    public IdempotencyRepository(DataSource dataSource, String instance, boolean alone, Duration retention) {
        this(dataSource, instance, alone, retention, System::currentTimeMillis);
    }

    IdempotencyRepository(DataSource dataSource, String instance, boolean alone, Duration retention, LongSupplier clock) {
        this.dataSource = dataSource;
        this.instance = instance;
        this.alone = alone;
        this.retention = retention;
        this.clock = clock;
        this.known = alone ? new KnownKeys() : null;
    }

    @Override
    protected void doStart() throws SQLException {
        writer = new GroupCommit(dataSource, "idempotency");
        writer.start();
        if (alone) {
            writer.write(connection -> update(connection, "DELETE FROM store_instance WHERE instance <> ?", instance));
        }
        // claims and pending records of an earlier run under this instance's name are an ended run's: taken over
        writer.write(connection -> update(connection, "UPDATE idempotency_key SET owner = NULL WHERE owner = ?", instance));
        int keys = alone ? learnKnownKeys() : -1;
        heartbeat();
        housekeeping = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().name("idempotency-housekeeping").factory());
        housekeeping.scheduleWithFixedDelay(this::heartbeatQuietly, HEARTBEAT.toMillis(), HEARTBEAT.toMillis(), TimeUnit.MILLISECONDS);
        housekeeping.scheduleWithFixedDelay(this::deleteExpiredQuietly, 0, RETENTION_RUN.toMillis(), TimeUnit.MILLISECONDS);
        LOG.info("Idempotency keys: in the store as instance {}, kept {} days{}", instance, retention.toDays(),
                keys < 0 ? "" : "; " + keys + " there now");
    }

    @Override
    protected void doStop() throws Exception {
        if (housekeeping != null) {
            housekeeping.shutdownNow();
        }
        if (writer != null) {
            writer.write(connection -> update(connection, "DELETE FROM store_instance WHERE instance = ?", instance));
            writer.stop();
        }
    }

    /** The writer that commits this repository's writes, for its counts. */
    public GroupCommit writer() {
        return writer;
    }

    /**
     * Takes the key for this caller, unless it is in flight elsewhere or was sent.
     *
     * @param fingerprint the request's ({@link #recordSent}), compared with the one the key was sent for
     */
    public Claim claim(String key, byte[] fingerprint) {
        byte[] hash = hash(key);
        return alone ? claimAlone(hash, fingerprint) : claimShared(hash, fingerprint);
    }

    /**
     * With no other instance on the store, a claim needs no write: the keys under way are this process's, kept
     * in memory, and a crash ends them all (a key under way at a crash was never sent, or its record is pending).
     */
    private Claim claimAlone(byte[] hash, byte[] fingerprint) {
        String underWayKey = HexFormat.of().formatHex(hash);
        if (underWay.putIfAbsent(underWayKey, false) != null) {
            return new Claim.InFlight();
        }
        Row row = known.mayHold(hash) ? find(hash) : null;
        Claim sent = row == null ? null : row.sentFor(fingerprint);
        if (sent != null) {
            underWay.remove(underWayKey);
            return sent;
        }
        underWay.put(underWayKey, row != null);
        return row != null && row.status == PENDING ? new Claim.Unrecorded(row.fullRecord) : new Claim.Granted();
    }

    private Claim claimShared(byte[] hash, byte[] fingerprint) {
        while (true) {
            long now = clock.getAsLong();
            if (writer.write(connection -> update(connection, "INSERT INTO idempotency_key (key_hash, status, owner, claimed_at) "
                    + "VALUES (?, '" + CLAIMED + "', ?, ?) ON CONFLICT DO NOTHING", hash, instance, now)) == 1) {
                return new Claim.Granted();
            }
            Row row = find(hash);
            if (row == null) {
                continue; // released between the insert and the read: try again
            }
            Claim sent = row.sentFor(fingerprint);
            if (sent != null) {
                return sent;
            }
            if (ownerAlive(row.owner)) {
                return new Claim.InFlight();
            }
            if (takeOver(hash, row)) {
                return row.status == CLAIMED ? new Claim.Granted() : new Claim.Unrecorded(row.fullRecord);
            }
        }
    }

    /**
     * Meta confirmed the send: the record is kept, pending, until {@link #markRecorded}, with the fingerprint of
     * the request, which later requests with the key must match. Returns once committed.
     */
    public void recordSent(String key, FirstDelivery sent, String sentRecord, byte[] fingerprint) {
        byte[] hash = hash(key);
        Object[] fields = {micros(sent.sentAt()), sent.messageId(), sent.source(), sent.recipientId(), sent.attempts(), sentRecord,
            fingerprint};
        long now = clock.getAsLong();
        // a shared store's claim is a row already; a lone instance's is not, unless an older run left one
        boolean claimIsARow = !alone || underWay.getOrDefault(HexFormat.of().formatHex(hash), true);
        if (alone) {
            known.add(hash);
        }
        writer.write(connection -> claimIsARow && update(connection, "UPDATE idempotency_key SET status = '" + PENDING + "', sent_at = ?, "
                        + "message_id = ?, source = ?, recipient_id = ?, attempts = ?, full_record = ?, fingerprint = ? WHERE key_hash = ?",
                append(fields, hash)) == 1 ? 1
                : update(connection, "INSERT INTO idempotency_key (status, sent_at, message_id, source, recipient_id, attempts, "
                        + "full_record, fingerprint, key_hash, owner, claimed_at) VALUES ('" + PENDING + "', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                        append(fields, hash, instance, now)));
    }

    private static Object[] append(Object[] first, Object... more) {
        Object[] all = Arrays.copyOf(first, first.length + more.length);
        System.arraycopy(more, 0, all, first.length, more.length);
        return all;
    }

    /** The key's sent record is in the sink: only what the answers need is kept. Returns once committed. */
    public void markRecorded(String key) {
        byte[] hash = hash(key);
        markRecorded(hash);
        ended(hash);
    }

    /** A lone instance's key is no longer under way. */
    private void ended(byte[] hash) {
        if (alone) {
            underWay.remove(HexFormat.of().formatHex(hash));
        }
    }

    private void markRecorded(byte[] hash) {
        writer.write(connection -> update(connection, "UPDATE idempotency_key SET status = '" + RECORDED + "', owner = NULL, "
                + "full_record = NULL WHERE key_hash = ?", hash));
    }

    /** The claimed call did not send (Meta refused it, retries ran out, the gateway stops): the key is free again. */
    public void release(String key) {
        byte[] hash = hash(key);
        if (alone) {
            ended(hash);
            return;
        }
        writer.write(connection -> update(connection, "DELETE FROM idempotency_key WHERE key_hash = ? AND status = '"
                + CLAIMED + "' AND owner = ?", hash, instance));
    }

    /** The sent record could not be written to the sink: the next request with the key (or the next start) writes it. */
    public void abandonPending(String key) {
        byte[] hash = hash(key);
        writer.write(connection -> update(connection, "UPDATE idempotency_key SET owner = NULL WHERE key_hash = ? AND status = '"
                + PENDING + "' AND owner = ?", hash, instance));
        ended(hash);
    }

    /**
     * Writes every sent record that never reached the sink and whose instance is gone (or gave it up), through
     * {@code sink}, and marks each recorded. Returns how many there were.
     */
    public int recoverPending(Consumer<String> sink) {
        List<Row> pending = new ArrayList<>();
        try (Connection connection = dataSource.getConnection();
                PreparedStatement select = connection.prepareStatement(SELECT + " WHERE status = '" + PENDING + "'")) {
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    pending.add(Row.of(rows));
                }
            }
        } catch (SQLException e) {
            throw new StoreException("could not read the pending sent records", e);
        }
        int recovered = 0;
        for (Row row : pending) {
            if (!ownerAlive(row.owner) && takeOver(row.hash, row)) {
                sink.accept(row.fullRecord);
                markRecorded(row.hash);
                recovered++;
            }
        }
        if (recovered > 0) {
            LOG.warn("Wrote {} sent records that an earlier run could not write (Meta had confirmed those sends)", recovered);
        }
        return recovered;
    }

    /**
     * Deletes the keys first claimed longer ago than the retention (never a pending record), oldest first, in
     * chunks. Returns how many.
     */
    public int deleteExpired() {
        long cutoff = clock.getAsLong() - retention.toMillis();
        // rows are in claim order: the first one claimed since the cutoff bounds the scan (a claim taken over
        // later keeps its place, hence the time is checked on each row too)
        Long firstKept = read("SELECT id FROM idempotency_key WHERE claimed_at >= ? ORDER BY id LIMIT 1", cutoff);
        long bound = firstKept == null ? Long.MAX_VALUE : firstKept;
        int deleted = 0;
        int chunk;
        do {
            chunk = writer.write(connection -> update(connection, "DELETE FROM idempotency_key WHERE id IN (SELECT id "
                    + "FROM idempotency_key WHERE id < ? AND claimed_at < ? AND status <> '" + PENDING + "' ORDER BY id LIMIT "
                    + DELETE_CHUNK + ")", bound, cutoff));
            deleted += chunk;
        } while (chunk == DELETE_CHUNK);
        if (deleted > 0) {
            LOG.info("Deleted {} idempotency keys older than {} days", deleted, retention.toDays());
        }
        return deleted;
    }

    /** The first column of the first row, or null. */
    private Long read(String sql, Object parameter) {
        try (Connection connection = dataSource.getConnection(); PreparedStatement select = connection.prepareStatement(sql)) {
            select.setObject(1, parameter);
            try (ResultSet rows = select.executeQuery()) {
                return rows.next() ? rows.getLong(1) : null;
            }
        } catch (SQLException e) {
            throw new StoreException("could not read the idempotency keys", e);
        }
    }

    private void deleteExpiredQuietly() {
        try {
            deleteExpired();
        } catch (RuntimeException e) {
            LOG.warn("Could not delete expired idempotency keys (tried again in {} min): {}", RETENTION_RUN.toMinutes(), e.getMessage());
        }
    }

    private void heartbeat() {
        long now = clock.getAsLong();
        writer.write(connection -> update(connection, "UPDATE store_instance SET seen_at = ? WHERE instance = ?", now, instance) == 1
                ? 1 : update(connection, "INSERT INTO store_instance (instance, seen_at) VALUES (?, ?) ON CONFLICT DO NOTHING", instance, now));
    }

    private void heartbeatQuietly() {
        try {
            heartbeat();
        } catch (RuntimeException e) {
            LOG.warn("Could not tell the store that instance {} is alive: {}", instance, e.getMessage());
        }
    }

    private boolean ownerAlive(String owner) {
        if (owner == null) {
            return false;
        }
        if (owner.equals(instance)) {
            return true;
        }
        Long seen = read("SELECT seen_at FROM store_instance WHERE instance = ?", owner);
        return seen != null && seen > clock.getAsLong() - STALE_AFTER.toMillis();
    }

    /** Makes a claim or pending record of a stopped instance this one's; false if another instance was quicker. */
    private boolean takeOver(byte[] hash, Row row) {
        long now = clock.getAsLong();
        String owner = row.owner;
        return writer.write(connection -> owner == null
                ? update(connection, "UPDATE idempotency_key SET owner = ?, claimed_at = ? WHERE key_hash = ? AND status = ? AND owner IS NULL",
                        instance, row.status == CLAIMED ? now : row.claimedAt, hash, String.valueOf(row.status))
                : update(connection, "UPDATE idempotency_key SET owner = ?, claimed_at = ? WHERE key_hash = ? AND status = ? AND owner = ?",
                        instance, row.status == CLAIMED ? now : row.claimedAt, hash, String.valueOf(row.status), owner)) == 1;
    }

    /** Every key hash in the store, into the filter; returns how many. */
    private int learnKnownKeys() {
        int keys = 0;
        try (Connection connection = dataSource.getConnection();
                PreparedStatement select = connection.prepareStatement("SELECT key_hash FROM idempotency_key")) {
            select.setFetchSize(10_000);
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    known.add(rows.getBytes(1));
                    keys++;
                }
            }
        } catch (SQLException e) {
            throw new StoreException("could not read the idempotency keys", e);
        }
        return keys;
    }

    private static final String SELECT = "SELECT key_hash, status, owner, claimed_at, sent_at, message_id, source, recipient_id, "
            + "attempts, full_record, fingerprint FROM idempotency_key";

    private Row find(byte[] hash) {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement select = connection.prepareStatement(SELECT + " WHERE key_hash = ?")) {
            select.setBytes(1, hash);
            try (ResultSet rows = select.executeQuery()) {
                return rows.next() ? Row.of(rows) : null;
            }
        } catch (SQLException e) {
            throw new StoreException("could not read an idempotency key", e);
        }
    }

    private record Row(byte[] hash, char status, String owner, long claimedAt, long sentAt, String messageId, String source,
            String recipientId, int attempts, String fullRecord, byte[] fingerprint) {

        static Row of(ResultSet rows) throws SQLException {
            return new Row(rows.getBytes(1), rows.getString(2).charAt(0), rows.getString(3), rows.getLong(4), rows.getLong(5),
                    rows.getString(6), rows.getString(7), rows.getString(8), rows.getInt(9), rows.getString(10), rows.getBytes(11));
        }

        /**
         * What a request with this fingerprint finds once the key was sent: {@link Claim.Reused} for another request
         * (a key sent before fingerprints were kept matches any), else the record; null while no send is known
         * or the pending record's instance still writes it.
         */
        Claim sentFor(byte[] requestFingerprint) {
            if (status == CLAIMED) {
                return null;
            }
            if (fingerprint != null && !MessageDigest.isEqual(fingerprint, requestFingerprint)) {
                return new Claim.Reused();
            }
            return status == RECORDED ? new Claim.Recorded(first()) : null;
        }

        FirstDelivery first() {
            return new FirstDelivery(source, recipientId, messageId, attempts, Instant.EPOCH.plus(sentAt, ChronoUnit.MICROS));
        }

    }

    private static long micros(Instant instant) {
        return ChronoUnit.MICROS.between(Instant.EPOCH, instant);
    }

    /** The first 16 bytes of the key's SHA-256: the same width for every key, and no collision in practice. */
    static byte[] hash(String key) {
        try {
            return Arrays.copyOf(MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8)), 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    private static int update(Connection connection, String sql, Object... parameters) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                statement.setObject(i + 1, parameters[i]);
            }
            return statement.executeUpdate();
        }
    }
}
