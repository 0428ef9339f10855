package org.igdm.gateway.batch;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * The batches and their rows' outcomes in the gateway's store (tables {@code batch} and {@code batch_row}),
 * shared by every instance that shares the store.
 *
 * <p>Why not Camel's Aggregator with a {@code JdbcAggregationRepository} keyed by the batch: the count it keeps
 * and the row's outcome (which the result file needs, and which a million rows cannot keep in the heap) would be
 * two transactions. A crash between them either loses a count, and the batch never completes, or, when the
 * row's outcome is replayed after the crash, counts it twice, and the batch completes with a row missing. Here a
 * row's outcome and the batch's counters change in one transaction, the row's insert decides whether it counts
 * (the first outcome of a row wins; a replay inserts nothing), and the row lock on the batch's counters orders
 * the outcomes of every consumer on every instance: exactly one of them sees the last row counted and marks the
 * batch finished.
 */
public final class BatchStore {

    /** What {@link #record} did with an outcome. */
    public enum Recorded {
        /** The row's first outcome, counted; the batch still has rows pending. */
        COUNTED,
        /** The row's first outcome, and the batch's last: the batch is finished now. */
        FINISHED,
        /** The row had its outcome already (a replay after a crash, say): nothing changed. */
        ALREADY,
        /** No batch has this id, or no such row: nothing changed. */
        UNKNOWN
    }

    /** Called with each row's outcome in row order; may throw what writing it throws. */
    @FunctionalInterface
    public interface OutcomeSink {
        void accept(BatchOutcome outcome) throws Exception;
    }

    private static final String COLUMNS = "id, file_name, total_rows, queued, sent, failed, started_at, finished_at, result_file";
    private static final String ROW_COLUMNS = "row_no, recipient_id, account, status, category, message_id, attempts, "
            + "finished_at, error, idempotency_key";
    /** Rows fetched from the database at a time while a result file is written: the rest stay in the database. */
    private static final int FETCH_SIZE = 1000;
    /** {@code GET /batches} shows at most this many. */
    private static final int LIST_LIMIT = 1000;

    private final DataSource dataSource;

    public BatchStore(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /**
     * Opens a file's batch. A file taken again after a crash opens its batch again: what was recorded stays. A
     * batch without rows is finished at once.
     */
    public void open(String id, String fileName, String fingerprint, long rows, Instant started) throws SQLException {
        update("INSERT INTO batch (id, file_name, fingerprint, total_rows, started_at, finished_at) VALUES (?, ?, ?, ?, ?, ?) "
                + "ON CONFLICT DO NOTHING", id, fileName, fingerprint, rows, time(started), rows == 0 ? time(started) : null);
    }

    /** How many valid rows of the batch are on the queue; a file taken again after a crash never lowers it. */
    public void queued(String id, long queued) throws SQLException {
        update("UPDATE batch SET queued = GREATEST(queued, ?) WHERE id = ?", queued, id);
    }

    /** Keeps a row's outcome and counts it, once; see the class comment. */
    public Recorded record(String batchId, BatchOutcome outcome, Instant now) throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try {
                Recorded recorded = record(connection, batchId, outcome, now);
                if (recorded == Recorded.ALREADY || recorded == Recorded.UNKNOWN) {
                    connection.rollback();
                } else {
                    connection.commit();
                }
                return recorded;
            } catch (SQLException e) {
                connection.rollback();
                throw e;
            }
        }
    }

    private static Recorded record(Connection connection, String batchId, BatchOutcome outcome, Instant now) throws SQLException {
        int inserted = update(connection, "INSERT INTO batch_row (batch_id, " + ROW_COLUMNS + ") "
                        + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
                batchId, outcome.row(), outcome.recipientId(), outcome.account(), outcome.status(), outcome.category(),
                outcome.messageId(), outcome.attempts(), outcome.finishedAt(), outcome.error(), outcome.idempotencyKey());
        if (inserted == 0) {
            return Recorded.ALREADY;
        }
        // the row lock taken here orders the outcomes of all consumers: the counts below are this outcome's own
        int counted = update(connection, "UPDATE batch SET sent = sent + ?, failed = failed + ? WHERE id = ? AND ? BETWEEN 1 AND total_rows",
                outcome.sent() ? 1 : 0, outcome.sent() ? 0 : 1, batchId, outcome.row());
        if (counted == 0) {
            return Recorded.UNKNOWN;
        }
        int finished = update(connection, "UPDATE batch SET finished_at = ? WHERE id = ? AND sent + failed = total_rows AND finished_at IS NULL",
                time(now), batchId);
        return finished == 1 ? Recorded.FINISHED : Recorded.COUNTED;
    }

    public Optional<Batch> find(String id) throws SQLException {
        List<Batch> found = batches("SELECT " + COLUMNS + " FROM batch WHERE id = ?", id);
        return found.isEmpty() ? Optional.empty() : Optional.of(found.getFirst());
    }

    /** The batches started since then, the latest first. */
    public List<Batch> startedSince(Instant since) throws SQLException {
        return batches("SELECT " + COLUMNS + " FROM batch WHERE started_at >= ? ORDER BY started_at DESC LIMIT " + LIST_LIMIT, time(since));
    }

    /** The batches with rows still pending, the oldest first. */
    public List<Batch> unfinished() throws SQLException {
        return batches("SELECT " + COLUMNS + " FROM batch WHERE finished_at IS NULL ORDER BY started_at");
    }

    /** The finished batches whose result file is not written yet. */
    public List<Batch> awaitingResultFile() throws SQLException {
        return batches("SELECT " + COLUMNS + " FROM batch WHERE finished_at IS NOT NULL AND result_file IS NULL ORDER BY finished_at");
    }

    /**
     * Claims the writing of a batch's result file: false when it is written, or another instance claimed it after
     * {@code staleBefore} (and is taken to be still writing it).
     */
    public boolean claimResultFile(String id, Instant now, Instant staleBefore) throws SQLException {
        return update("UPDATE batch SET result_claimed_at = ? WHERE id = ? AND result_file IS NULL "
                + "AND (result_claimed_at IS NULL OR result_claimed_at < ?)", time(now), id, time(staleBefore)) == 1;
    }

    public void resultFileWritten(String id, String path) throws SQLException {
        update("UPDATE batch SET result_file = ? WHERE id = ?", path, id);
    }

    /** Hands each row's outcome to {@code sink} in row order, fetched a page at a time (never all in the heap). */
    public void forEachOutcome(String batchId, OutcomeSink sink) throws Exception {
        try (Connection connection = dataSource.getConnection()) {
            // PostgreSQL fetches page by page only inside a transaction; H2 pages a large result to disk itself
            connection.setAutoCommit(false);
            try (PreparedStatement select = prepare(connection, "SELECT " + ROW_COLUMNS + " FROM batch_row WHERE batch_id = ? ORDER BY row_no",
                    batchId)) {
                select.setFetchSize(FETCH_SIZE);
                try (ResultSet rows = select.executeQuery()) {
                    while (rows.next()) {
                        sink.accept(new BatchOutcome(rows.getLong(1), rows.getString(2), rows.getString(3), rows.getString(4),
                                rows.getString(5), rows.getString(6), rows.getInt(7), rows.getString(8), rows.getString(9),
                                rows.getString(10)));
                    }
                }
            } finally {
                connection.rollback();
            }
        }
    }

    private List<Batch> batches(String sql, Object... parameters) throws SQLException {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement select = prepare(connection, sql, parameters);
                ResultSet rows = select.executeQuery()) {
            List<Batch> batches = new ArrayList<>();
            while (rows.next()) {
                batches.add(new Batch(rows.getString(1), rows.getString(2), rows.getLong(3), rows.getLong(4), rows.getLong(5),
                        rows.getLong(6), instant(rows.getObject(7, OffsetDateTime.class)),
                        instant(rows.getObject(8, OffsetDateTime.class)), rows.getString(9)));
            }
            return batches;
        }
    }

    private int update(String sql, Object... parameters) throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            return update(connection, sql, parameters);
        }
    }

    private static int update(Connection connection, String sql, Object... parameters) throws SQLException {
        try (PreparedStatement statement = prepare(connection, sql, parameters)) {
            return statement.executeUpdate();
        }
    }

    private static PreparedStatement prepare(Connection connection, String sql, Object... parameters) throws SQLException {
        PreparedStatement statement = connection.prepareStatement(sql);
        for (int i = 0; i < parameters.length; i++) {
            statement.setObject(i + 1, parameters[i]);
        }
        return statement;
    }

    private static OffsetDateTime time(Instant instant) {
        return OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
    }

    private static Instant instant(OffsetDateTime time) {
        return time == null ? null : time.toInstant();
    }
}
