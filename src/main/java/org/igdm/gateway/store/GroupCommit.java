package org.igdm.gateway.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;
import org.apache.camel.support.service.ServiceSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Durable writes of many concurrent callers in one transaction: one writer thread takes every write waiting
 * at that moment, runs them in order on one connection and commits once, then lets each caller go on. A
 * caller still returns only once its write is committed, but the commit (PostgreSQL's fsync, H2's file write)
 * is paid once per batch, so the cost per write falls as the rate rises instead of capping it.
 *
 * <p>A write that fails rolls its batch back; the writes of that batch are then run again one by one, so that
 * only the failing write's caller gets the error.
 */
public final class GroupCommit extends ServiceSupport {

    private static final Logger LOG = LoggerFactory.getLogger(GroupCommit.class);
    /** A batch takes at most this many writes: a commit now and then even under a flood. */
    private static final int MAX_BATCH = 1000;

    /** One write, run on the writer's connection inside its transaction. */
    @FunctionalInterface
    public interface Write<T> {
        T apply(Connection connection) throws SQLException;
    }

    private record Pending<T>(Write<T> write, CompletableFuture<T> done) {
        /** Runs the write; the result is handed out by {@link Ran#release()} once the transaction is committed. */
        Ran<T> run(Connection connection) throws SQLException {
            return new Ran<>(done, write.apply(connection));
        }
    }

    private record Ran<T>(CompletableFuture<T> done, T result) {
        void release() {
            done.complete(result);
        }
    }

    private final DataSource dataSource;
    private final String name;
    private final BlockingQueue<Pending<?>> queue = new LinkedBlockingQueue<>();
    private Thread writer;
    private volatile boolean running;
    private final AtomicLong commits = new AtomicLong();
    private final AtomicLong writes = new AtomicLong();

    public GroupCommit(DataSource dataSource, String name) {
        this.dataSource = dataSource;
        this.name = name;
    }

    /** Runs the write in the next batch and returns its result once that batch is committed. */
    public <T> T write(Write<T> write) {
        if (!running) {
            throw notCommitted(null);
        }
        CompletableFuture<T> done = new CompletableFuture<>();
        queue.add(new Pending<>(write, done));
        try {
            return done.join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException runtime ? runtime : notCommitted(e.getCause());
        }
    }

    /** Commits so far (one per batch; a failed batch's writes commit one by one and are not counted). */
    public long commits() {
        return commits.get();
    }

    /** Writes committed in batches so far: {@code writes() / commits()} is the mean batch. */
    public long writes() {
        return writes.get();
    }

    @Override
    protected void doStart() {
        running = true;
        writer = Thread.ofPlatform().daemon().name("store-writer-" + name).start(this::writeBatches);
    }

    @Override
    protected void doStop() throws InterruptedException {
        running = false;
        if (writer != null) {
            writer.join(TimeUnit.SECONDS.toMillis(10));
        }
        // a write that came as the writer stopped
        Pending<?> late;
        while ((late = queue.poll()) != null) {
            late.done().completeExceptionally(notCommitted(null));
        }
    }

    private void writeBatches() {
        List<Pending<?>> batch = new ArrayList<>();
        while (running || !queue.isEmpty()) {
            try {
                Pending<?> first = queue.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                queue.drainTo(batch, MAX_BATCH - 1);
                commit(batch);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } finally {
                // a write that neither committed nor failed (the writer was interrupted) must not leave its caller waiting
                batch.stream().filter(pending -> !pending.done().isDone())
                        .forEach(pending -> pending.done().completeExceptionally(notCommitted(null)));
                batch.clear();
            }
        }
    }

    private void commit(List<Pending<?>> batch) {
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            List<Ran<?>> ran = new ArrayList<>(batch.size());
            try {
                for (Pending<?> pending : batch) {
                    ran.add(pending.run(connection));
                }
            } catch (SQLException | RuntimeException failed) {
                connection.rollback();
                commitOneByOne(connection, batch);
                return;
            }
            connection.commit();
            commits.incrementAndGet();
            writes.addAndGet(batch.size());
            // only now: a caller must not go on with a write that is not committed
            ran.forEach(Ran::release);
        } catch (SQLException e) {
            LOG.warn("The store's writer {} could not commit a batch of {} writes: {}", name, batch.size(), e.getMessage());
            batch.forEach(pending -> pending.done().completeExceptionally(notCommitted(e)));
        }
    }

    private void commitOneByOne(Connection connection, List<Pending<?>> batch) throws SQLException {
        for (Pending<?> pending : batch) {
            try {
                Ran<?> ran = pending.run(connection);
                connection.commit();
                ran.release();
            } catch (SQLException | RuntimeException failed) {
                connection.rollback();
                pending.done().completeExceptionally(failed instanceof RuntimeException runtime ? runtime : notCommitted(failed));
            }
        }
    }

    private StoreException notCommitted(Throwable cause) {
        return new StoreException(cause == null ? "the store's writer " + name + " stopped before the write was committed"
                : "the store could not commit a write (" + name + ")", cause);
    }
}
