package org.igdm.gateway.idempotency;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.apache.camel.support.service.ServiceSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What both stores of keys share: the retention, their clock, and a housekeeping thread that deletes the expired keys
 * at start and hourly, beside a task of the store's own.
 */
abstract sealed class RetainedKeys extends ServiceSupport implements IdempotencyKeys permits EmbeddedKeys, SharedKeys {

    private static final Logger LOG = LoggerFactory.getLogger(IdempotencyKeys.class);
    private static final Duration RETENTION_RUN = Duration.ofHours(1);

    private final Duration retention;
    /** Epoch milliseconds. */
    final LongSupplier clock;
    private ScheduledExecutorService housekeeping;
    private Future<?> startDeletion;

    RetainedKeys(Duration retention, LongSupplier clock) {
        this.retention = retention;
        this.clock = clock;
    }

    /** Deletes the expired keys now and hourly, and runs {@code task} every {@code period}. */
    final void startHousekeeping(Runnable task, Duration period) {
        housekeeping = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().name("idempotency-housekeeping").factory());
        housekeeping.scheduleWithFixedDelay(task, period.toMillis(), period.toMillis(), TimeUnit.MILLISECONDS);
        startDeletion = housekeeping.submit(this::deleteExpiredQuietly);
        housekeeping.scheduleWithFixedDelay(this::deleteExpiredQuietly, RETENTION_RUN.toMillis(), RETENTION_RUN.toMillis(),
                TimeUnit.MILLISECONDS);
    }

    /** Waits until the deletion at start has run: a test whose clock moves on must not race it. */
    final void awaitStartDeletion() throws Exception {
        startDeletion.get(10, TimeUnit.SECONDS);
    }

    final void stopHousekeeping() throws InterruptedException {
        if (housekeeping != null) {
            housekeeping.shutdownNow();
            housekeeping.awaitTermination(10, TimeUnit.SECONDS);
        }
    }

    final Duration retention() {
        return retention;
    }

    /** Keys claimed before this time (epoch milliseconds) have expired. */
    final long expiredBefore() {
        return clock.getAsLong() - retention.toMillis();
    }

    /** Says how many expired keys were deleted; returns that. */
    static int deleted(int keys, Duration retention) {
        if (keys > 0) {
            LOG.info("Deleted {} idempotency keys older than {} days", keys, retention.toDays());
        }
        return keys;
    }

    /** Says how many pending records were written; returns that. */
    static int recovered(int records) {
        if (records > 0) {
            LOG.warn("Wrote {} sent records that an earlier run could not write (Meta had confirmed those sends)", records);
        }
        return records;
    }

    private void deleteExpiredQuietly() {
        try {
            deleteExpired();
        } catch (RuntimeException e) {
            LOG.warn("Could not delete expired idempotency keys (tried again in {} min): {}", RETENTION_RUN.toMinutes(), e.getMessage());
        }
    }
}
