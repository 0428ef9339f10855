package org.igdm.gateway.batch;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.LongStream;
import org.igdm.gateway.store.GatewayStore;
import org.igdm.gateway.store.StoreSettings;
import org.igdm.gateway.support.PostgresServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The batches' bookkeeping on both stores (embedded H2 and a real PostgreSQL server): outcomes arriving in any order,
 * from many threads and twice over, are counted once each, and exactly one of them finishes the batch.
 */
class BatchStoreTest {

    @TempDir
    Path data;
    GatewayStore gatewayStore;
    BatchStore store;

    private void open(boolean onPostgres) {
        gatewayStore = new GatewayStore(onPostgres
                ? new StoreSettings(PostgresServer.shared().newDatabase(), PostgresServer.USER, null, data.toString(), 10)
                : new StoreSettings(null, null, null, data.toString(), 10));
        gatewayStore.start();
        store = new BatchStore(gatewayStore.dataSource());
    }

    @AfterEach
    void close() {
        gatewayStore.stop();
    }

    private static BatchOutcome outcome(long row, boolean sent) {
        return sent
                ? new BatchOutcome(row, "1700" + row, "default", "sent", null, "mid." + row, 1, "2026-11-29T10:00:00Z", null, "k" + row)
                : new BatchOutcome(row, "1700" + row, "default", "failed", "rejected", null, 1, "2026-11-29T10:00:00Z",
                        "Meta said no, \"twice\",\nreally", "k" + row);
    }

    @ParameterizedTest(name = "on PostgreSQL: {0}")
    @ValueSource(booleans = {false, true})
    void outcomesInAnyOrderFromManyThreadsAreCountedOnceAndFinishTheBatchOnce(boolean onPostgres) throws Exception {
        open(onPostgres);
        int rows = 1500;
        store.open("b1", "orders.csv", "0123456789abcdef", rows, Instant.now());
        List<Long> arrivals = new ArrayList<>();
        LongStream.rangeClosed(1, rows).forEach(row -> {
            arrivals.add(row);
            arrivals.add(row);  // every outcome arrives twice, as a replay after a crash would bring it
        });
        Collections.shuffle(arrivals, new Random(7));
        Map<BatchStore.Recorded, AtomicInteger> results = new ConcurrentHashMap<>();
        try (ExecutorService consumers = Executors.newFixedThreadPool(8)) {
            List<Future<?>> done = new ArrayList<>();
            for (long row : arrivals) {
                done.add(consumers.submit(() -> {
                    BatchStore.Recorded recorded = store.record("b1", outcome(row, row % 10 != 0), Instant.now());
                    results.computeIfAbsent(recorded, r -> new AtomicInteger()).incrementAndGet();
                    return null;
                }));
            }
            for (Future<?> each : done) {
                each.get();
            }
        }

        assertThat(results.get(BatchStore.Recorded.FINISHED)).hasValue(1);
        assertThat(results.get(BatchStore.Recorded.COUNTED)).hasValue(rows - 1);
        assertThat(results.get(BatchStore.Recorded.ALREADY)).hasValue(rows);
        Batch batch = store.find("b1").orElseThrow();
        assertThat(batch.sent()).isEqualTo(rows - rows / 10);
        assertThat(batch.failed()).isEqualTo(rows / 10);
        assertThat(batch.pending()).isZero();
        assertThat(batch.finishedAt()).isNotNull();
        List<Long> streamed = new ArrayList<>();
        store.forEachOutcome("b1", outcome -> streamed.add(outcome.row()));
        assertThat(streamed).isEqualTo(LongStream.rangeClosed(1, rows).boxed().toList());
        assertThat(store.awaitingResultFile()).extracting(Batch::id).containsExactly("b1");
    }

    @ParameterizedTest(name = "on PostgreSQL: {0}")
    @ValueSource(booleans = {false, true})
    void theFirstOutcomeOfARowWinsAndStrangersAreNotCounted(boolean onPostgres) throws Exception {
        open(onPostgres);
        store.open("b2", "small.json", "0123456789abcdef", 2, Instant.now());
        store.open("b2", "small.json", "0123456789abcdef", 2, Instant.now());  // the file taken again after a crash

        assertThat(store.record("b2", outcome(1, true), Instant.now())).isEqualTo(BatchStore.Recorded.COUNTED);
        assertThat(store.record("b2", outcome(1, false), Instant.now())).isEqualTo(BatchStore.Recorded.ALREADY);
        assertThat(store.record("b2", outcome(3, true), Instant.now())).as("past the last row").isEqualTo(BatchStore.Recorded.UNKNOWN);
        assertThat(store.record("b2", outcome(0, true), Instant.now())).isEqualTo(BatchStore.Recorded.UNKNOWN);
        assertThat(store.record("nobody", outcome(1, true), Instant.now())).isEqualTo(BatchStore.Recorded.UNKNOWN);
        store.queued("b2", 2);
        store.queued("b2", 1);  // a file taken again counts its queued rows from the start

        Batch batch = store.find("b2").orElseThrow();
        assertThat(batch.sent()).isEqualTo(1);
        assertThat(batch.failed()).isZero();
        assertThat(batch.queued()).isEqualTo(2);
        assertThat(batch.pending()).isEqualTo(1);
        assertThat(batch.finishedAt()).isNull();
        assertThat(store.unfinished()).extracting(Batch::id).containsExactly("b2");
        List<BatchOutcome> kept = new ArrayList<>();
        store.forEachOutcome("b2", kept::add);
        assertThat(kept).containsExactly(outcome(1, true));
    }

    @ParameterizedTest(name = "on PostgreSQL: {0}")
    @ValueSource(booleans = {false, true})
    void oneInstanceAtATimeWritesAResultFileAndNoneOnceItIsWritten(boolean onPostgres) throws Exception {
        open(onPostgres);
        Instant now = Instant.now();
        store.open("b3", "empty.json", "0123456789abcdef", 0, now);
        assertThat(store.find("b3").orElseThrow().finishedAt()).as("a batch without rows is finished at once").isNotNull();

        assertThat(store.claimResultFile("b3", now, now.minus(Duration.ofMinutes(5)))).isTrue();
        assertThat(store.claimResultFile("b3", now.plusSeconds(1), now.minus(Duration.ofMinutes(5))))
                .as("claimed by a writer that may still be at it").isFalse();
        assertThat(store.claimResultFile("b3", now.plusSeconds(600), now.plusSeconds(300)))
                .as("a stale claim: its writer died").isTrue();
        store.resultFileWritten("b3", "outbox/results/x.results.csv");
        assertThat(store.claimResultFile("b3", now.plusSeconds(1200), now.plusSeconds(1200))).isFalse();
        assertThat(store.awaitingResultFile()).isEmpty();
        assertThat(store.startedSince(now.minusSeconds(1))).extracting(Batch::resultFile).containsExactly("outbox/results/x.results.csv");
    }

    @ParameterizedTest(name = "on PostgreSQL: {0}")
    @ValueSource(booleans = {false, true})
    void theResultFileIsRfc4180InUtf8WithAByteOrderMark(boolean onPostgres) throws Exception {
        open(onPostgres);
        store.open("b4", "campaign-nov.csv", "0123456789abcdef", 2, Instant.parse("2026-11-29T10:00:00Z"));
        store.record("b4", outcome(2, false), Instant.parse("2026-11-29T10:05:00Z"));
        store.record("b4", outcome(1, true), Instant.parse("2026-11-29T10:05:01.234Z"));
        Batch batch = store.find("b4").orElseThrow();

        Path file = ResultFile.write(data.resolve("results"), batch, store);

        assertThat(file.getFileName()).hasToString("20261129-100501-234-campaign-nov.results.csv");
        assertThat(new String(Files.readAllBytes(file), StandardCharsets.UTF_8)).isEqualTo("\uFEFF"
                + "row,recipient_id,account,status,category,message_id,attempts,finished_at,error,idempotency_key\r\n"
                + "1,17001,default,sent,,mid.1,1,2026-11-29T10:00:00Z,,k1\r\n"
                + "2,17002,default,failed,rejected,,1,2026-11-29T10:00:00Z,\"Meta said no, \"\"twice\"\",\nreally\",k2\r\n");
        assertThat(Files.list(file.getParent())).containsExactly(file);
    }
}
