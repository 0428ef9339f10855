package org.igdm.gateway.file;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import org.igdm.gateway.batch.BatchRow;
import org.igdm.gateway.request.InvalidRequestException;
import org.igdm.gateway.request.SendRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes a batch file through {@link BatchFile#inspect} and then row by row: a valid row goes on the queue (with an idempotency key derived
 * from the file when it has none), committed every {@code chunkSize} rows; an invalid row is handed to
 * {@code rejects}. The file is a batch ({@link Ledger}): every row is handed on with its {@link BatchRow}. Logs when
 * it starts, every {@code progressEvery} while it runs, and a summary at the end.
 */
public final class BatchIngest {

    /** What is done with a row that breaks the request rules: it ends as a failed record. */
    @FunctionalInterface
    public interface Rejects {
        void reject(BatchRow at, String source, FileRow row) throws Exception;
    }

    /** Where the file's batch is kept: opened once the file is checked, told how many rows are queued after each chunk. */
    public interface Ledger {

        /** Opens the file's batch and returns its id. */
        String open(BatchFile file) throws Exception;

        void queued(String batchId, long queued) throws Exception;
    }

    /** The counts of one file, and how long it took. */
    public record Summary(long rows, long queued, long rejected, Duration took) {

        public long rowsPerSecond() {
            return rows * 1000 / Math.max(1, took.toMillis());
        }
    }

    private static final Logger LOG = LoggerFactory.getLogger(BatchIngest.class);

    private final int chunkSize;
    private final Duration progressEvery;

    public BatchIngest(int chunkSize, Duration progressEvery) {
        if (chunkSize < 1) {
            throw new IllegalArgumentException("the chunk size must be at least 1, got " + chunkSize);
        }
        this.chunkSize = chunkSize;
        this.progressEvery = progressEvery;
    }

    /** A rule a valid row must also pass before it is queued (its account exists, say); it throws when not. */
    @FunctionalInterface
    public interface RowCheck {
        void check(SendRequest request) throws InvalidRequestException;
    }

    /**
     * Checks the file, then queues and rejects its rows.
     *
     * @throws UnreadableFileException when the file cannot be read as a batch at all; nothing of it was queued
     */
    public Summary run(Path path, String name, Ledger ledger, RowQueue queue, Rejects rejects) throws Exception {
        return run(path, name, ledger, queue, rejects, request -> { });
    }

    /** As {@link #run(Path, String, Ledger, RowQueue, Rejects)}, rejecting also the rows that {@code rowCheck} refuses. */
    public Summary run(Path path, String name, Ledger ledger, RowQueue queue, Rejects rejects, RowCheck rowCheck) throws Exception {
        long started = System.nanoTime();
        FileState taken = FileState.of(path, name);
        BatchFile file = BatchFile.inspect(path, name);
        if (!taken.equals(FileState.of(path, name))) {
            throw new FileStillChangingException(name);
        }
        String batch = ledger.open(file);
        LOG.info("file {}: {} rows ({}, content {}) checked in {} ms, queueing in chunks of {}", name, file.rows(),
                file.format(), file.fingerprint(), Duration.ofNanos(System.nanoTime() - started).toMillis(), chunkSize);
        long nextReport = started + progressEvery.toNanos();
        long queued = 0;
        long rejected = 0;
        int inChunk = 0;
        try (BatchRows rows = file.open()) {
            // the rows that were checked, and no more: what a writer appends now is not part of this batch
            for (FileRow row = next(rows, file, 0); row != null; row = next(rows, file, row.number())) {
                String source = file.source(row.number());
                BatchRow at = new BatchRow(batch, row.number());
                row = checked(row, rowCheck);
                if (row.isValid()) {
                    queue.add(at, source, withKey(file, row));
                    queued++;
                    if (++inChunk == chunkSize) {
                        queue.commit();
                        ledger.queued(batch, queued);
                        inChunk = 0;
                    }
                } else {
                    rejects.reject(at, source, row);
                    rejected++;
                }
                if (System.nanoTime() >= nextReport) {
                    nextReport = System.nanoTime() + progressEvery.toNanos();
                    Summary sofar = new Summary(row.number(), queued, rejected, Duration.ofNanos(System.nanoTime() - started));
                    LOG.info("file {}: {} of {} rows read, {} queued, {} rejected, {} rows/s", file.name(), sofar.rows(),
                            file.rows(), queued, rejected, sofar.rowsPerSecond());
                }
            }
        }
        queue.commit();
        ledger.queued(batch, queued);
        FileState after = FileState.of(path, name);
        if (!taken.equals(after)) {
            throw new UnreadableFileException("the file changed while it was being queued (" + taken.size() + " bytes when taken, "
                    + after.size() + " now): its " + file.rows() + " checked rows were queued, and anything written after "
                    + "them was not sent. Write batch files under another name (orders.csv.part) and rename them when "
                    + "complete; drop the missing rows as a file of their own");
        }
        Summary done = new Summary(queued + rejected, queued, rejected, Duration.ofNanos(System.nanoTime() - started));
        LOG.info("file {} done: {} rows, {} queued, {} rejected, in {} ms ({} rows/s)", name, done.rows(), queued,
                rejected, done.took().toMillis(), done.rowsPerSecond());
        return done;
    }

    private static FileRow checked(FileRow row, RowCheck rowCheck) {
        if (!row.isValid()) {
            return row;
        }
        try {
            rowCheck.check(row.request());
            return row;
        } catch (InvalidRequestException refused) {
            return FileRow.invalid(row.number(), row.request(), null, refused);
        }
    }

    private static FileRow next(BatchRows rows, BatchFile file, long last) throws IOException {
        return last < file.rows() ? rows.next() : null;
    }

    /** A row without a key is keyed by the file's content and its row number, so it is never sent twice. */
    private static SendRequest withKey(BatchFile file, FileRow row) {
        SendRequest request = row.request();
        return request.idempotencyKey() != null ? request : request.withIdempotencyKey(file.derivedKey(row.number()));
    }
}
