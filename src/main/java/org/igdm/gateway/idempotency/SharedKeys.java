package org.igdm.gateway.idempotency;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import javax.sql.DataSource;
import org.igdm.gateway.store.GroupCommit;
import org.igdm.gateway.store.StoreException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The idempotency keys of instances that share a database (table {@code idempotency_key}, PostgreSQL in a cluster):
 * a claim is a row that names its instance, so that a key is sent once across all of them. A claim or pending record
 * whose instance has stopped (no heartbeat for {@link #STALE_AFTER}) is taken over by another.
 *
 * <p>Every write goes through one {@link GroupCommit}: concurrent deliveries share a commit.
 */
public final class SharedKeys extends RetainedKeys {

    private static final Logger LOG = LoggerFactory.getLogger(SharedKeys.class);
    /** How often an instance says it is alive, and after how long without that its claims are taken over. */
    static final Duration HEARTBEAT = Duration.ofSeconds(2);
    static final Duration STALE_AFTER = Duration.ofSeconds(10);
    /** Retention deletes at most this many keys per statement, so that no transaction grows huge. */
    private static final int DELETE_CHUNK = 10_000;

    private final DataSource dataSource;
    private final String instance;
    private GroupCommit writer;

    public SharedKeys(DataSource dataSource, String instance, Duration retention) {
        this(dataSource, instance, retention, System::currentTimeMillis);
    }

    SharedKeys(DataSource dataSource, String instance, Duration retention, LongSupplier clock) {
        super(retention, clock);
        this.dataSource = dataSource;
        this.instance = instance;
    }

    @Override
    protected void doStart() {
        writer = new GroupCommit(dataSource, "idempotency");
        writer.start();
        // claims and pending records of an earlier run under this instance's name are an ended run's: taken over
        writer.write(connection -> update(connection, "UPDATE idempotency_key SET owner = NULL WHERE owner = ?", instance));
        heartbeat();
        startHousekeeping(this::heartbeatQuietly, HEARTBEAT);
        LOG.info("Idempotency keys: in the shared store as instance {}, kept {} days", instance, retention().toDays());
    }

    @Override
    protected void doStop() throws Exception {
        stopHousekeeping();
        if (writer != null) {
            writer.write(connection -> update(connection, "DELETE FROM store_instance WHERE instance = ?", instance));
            writer.stop();
        }
    }

    /** The writer that commits this store's writes, for its counts. */
    public GroupCommit writer() {
        return writer;
    }

    @Override
    public Claim claim(String key, byte[] fingerprint) {
        byte[] hash = IdempotencyKeys.hash(key);
        while (true) {
            long now = clock.getAsLong();
            if (writer.write(connection -> update(connection, "INSERT INTO idempotency_key (key_hash, status, owner, claimed_at) "
                    + "VALUES (?, '" + KeyState.CLAIMED + "', ?, ?) ON CONFLICT DO NOTHING", hash, instance, now)) == 1) {
                return new Claim.Granted();
            }
            Row row = find(hash);
            if (row == null) {
                continue; // released between the insert and the read: try again
            }
            Claim sent = row.state.sentFor(fingerprint);
            if (sent != null) {
                return sent;
            }
            if (ownerAlive(row.owner)) {
                return new Claim.InFlight();
            }
            if (takeOver(hash, row)) {
                return row.state.isPending() ? new Claim.Unrecorded(row.state.fullRecord()) : new Claim.Granted();
            }
        }
    }

    @Override
    public void recordSent(String key, FirstDelivery sent, String sentRecord, byte[] fingerprint) {
        byte[] hash = IdempotencyKeys.hash(key);
        KeyState pending = KeyState.pending(clock.getAsLong(), sent, sentRecord, fingerprint);
        Object[] fields = {pending.sentAt(), pending.messageId(), pending.source(), pending.recipientId(), pending.attempts(),
            sentRecord, fingerprint};
        // the claim is a row, unless another instance's retention deleted it meanwhile
        writer.write(connection -> update(connection, "UPDATE idempotency_key SET status = '" + KeyState.PENDING + "', sent_at = ?, "
                        + "message_id = ?, source = ?, recipient_id = ?, attempts = ?, full_record = ?, fingerprint = ? WHERE key_hash = ?",
                append(fields, hash)) == 1 ? 1
                : update(connection, "INSERT INTO idempotency_key (status, sent_at, message_id, source, recipient_id, attempts, "
                        + "full_record, fingerprint, key_hash, owner, claimed_at) VALUES ('" + KeyState.PENDING + "', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                        append(fields, hash, instance, pending.claimedAt())));
    }

    private static Object[] append(Object[] first, Object... more) {
        Object[] all = Arrays.copyOf(first, first.length + more.length);
        System.arraycopy(more, 0, all, first.length, more.length);
        return all;
    }

    @Override
    public void markRecorded(String key) {
        markRecorded(IdempotencyKeys.hash(key));
    }

    private void markRecorded(byte[] hash) {
        writer.write(connection -> update(connection, "UPDATE idempotency_key SET status = '" + KeyState.RECORDED + "', owner = NULL, "
                + "full_record = NULL WHERE key_hash = ?", hash));
    }

    @Override
    public void release(String key) {
        writer.write(connection -> update(connection, "DELETE FROM idempotency_key WHERE key_hash = ? AND status = '"
                + KeyState.CLAIMED + "' AND owner = ?", IdempotencyKeys.hash(key), instance));
    }

    @Override
    public void abandonPending(String key) {
        writer.write(connection -> update(connection, "UPDATE idempotency_key SET owner = NULL WHERE key_hash = ? AND status = '"
                + KeyState.PENDING + "' AND owner = ?", IdempotencyKeys.hash(key), instance));
    }

    @Override
    public int recoverPending(Consumer<String> sink) {
        List<Row> pending = new ArrayList<>();
        try (Connection connection = dataSource.getConnection();
                PreparedStatement select = connection.prepareStatement(SELECT + " WHERE status = '" + KeyState.PENDING + "'")) {
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
                sink.accept(row.state.fullRecord());
                markRecorded(row.hash);
                recovered++;
            }
        }
        return recovered(recovered);
    }

    /** Oldest first, in chunks. */
    @Override
    public int deleteExpired() {
        long cutoff = expiredBefore();
        // rows are in claim order: the first one claimed since the cutoff bounds the scan (a claim taken over
        // later keeps its place, hence the time is checked on each row too)
        Long firstKept = read("SELECT id FROM idempotency_key WHERE claimed_at >= ? ORDER BY id LIMIT 1", cutoff);
        long bound = firstKept == null ? Long.MAX_VALUE : firstKept;
        int deleted = 0;
        int chunk;
        do {
            chunk = writer.write(connection -> update(connection, "DELETE FROM idempotency_key WHERE id IN (SELECT id "
                    + "FROM idempotency_key WHERE id < ? AND claimed_at < ? AND status <> '" + KeyState.PENDING + "' ORDER BY id LIMIT "
                    + DELETE_CHUNK + ")", bound, cutoff));
            deleted += chunk;
        } while (chunk == DELETE_CHUNK);
        return deleted(deleted, retention());
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
        long claimedAt = row.state.isPending() ? row.state.claimedAt() : now;
        String status = String.valueOf(row.state.status());
        return writer.write(connection -> owner == null
                ? update(connection, "UPDATE idempotency_key SET owner = ?, claimed_at = ? WHERE key_hash = ? AND status = ? AND owner IS NULL",
                        instance, claimedAt, hash, status)
                : update(connection, "UPDATE idempotency_key SET owner = ?, claimed_at = ? WHERE key_hash = ? AND status = ? AND owner = ?",
                        instance, claimedAt, hash, status, owner)) == 1;
    }

    static final String SELECT = "SELECT key_hash, owner, status, claimed_at, sent_at, message_id, source, recipient_id, "
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

    /** A row of {@code idempotency_key}: the key's hash, the instance that holds it (null: none) and its state. */
    record Row(byte[] hash, String owner, KeyState state) {

        /** The row at the cursor of a {@link #SELECT}. */
        static Row of(ResultSet rows) throws SQLException {
            return new Row(rows.getBytes(1), rows.getString(2), new KeyState(rows.getString(3).charAt(0), rows.getLong(4), rows.getLong(5),
                    rows.getString(6), rows.getString(7), rows.getString(8), rows.getInt(9), rows.getString(10), rows.getBytes(11)));
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
