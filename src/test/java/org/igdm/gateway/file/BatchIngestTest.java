package org.igdm.gateway.file;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.igdm.gateway.batch.BatchRow;
import org.igdm.gateway.request.SendRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Rows to the queue in chunks, one commit per chunk; keys derived where missing; invalid rows handed on; every row
 * with its batch and row number, and the batch told what is queued after each chunk.
 */
class BatchIngestTest {

    @TempDir
    Path dir;

    /** Records what a broker would see: the rows of each committed chunk. */
    static class RecordingQueue implements RowQueue {
        final List<List<String>> committed = new ArrayList<>();
        final List<SendRequest> requests = new ArrayList<>();
        final List<BatchRow> rows = new ArrayList<>();
        List<String> pending = new ArrayList<>();

        @Override
        public void add(BatchRow at, String source, SendRequest request) {
            pending.add(source);
            requests.add(request);
            rows.add(at);
        }

        @Override
        public void commit() {
            if (!pending.isEmpty()) {
                committed.add(pending);
            }
            pending = new ArrayList<>();
        }

        @Override
        public void close() {
            pending.clear();
        }
    }

    /** Records the batch the ingest opens and what it says is queued. */
    static final class RecordingLedger implements BatchIngest.Ledger {
        final List<String> opened = new ArrayList<>();
        final List<Long> queued = new ArrayList<>();

        @Override
        public String open(BatchFile file) {
            opened.add(file.name() + " " + file.rows());
            return "batch-1";
        }

        @Override
        public void queued(String batchId, long rows) {
            assertThat(batchId).isEqualTo("batch-1");
            queued.add(rows);
        }
    }

    @Test
    void validRowsAreCommittedOneChunkAtATime() throws Exception {
        StringBuilder csv = new StringBuilder("recipient_id,message,idempotency_key\n");
        for (int row = 1; row <= 1201; row++) {
            csv.append(row == 7 ? "x" : String.valueOf(row)).append(",hello ").append(row).append(',')
                    .append(row == 2 ? "given-key" : "").append('\n');
        }
        Path file = Files.writeString(dir.resolve("chunks.csv"), csv);
        RecordingQueue queue = new RecordingQueue();
        List<String> rejected = new ArrayList<>();
        RecordingLedger ledger = new RecordingLedger();

        BatchIngest.Summary summary = new BatchIngest(500, Duration.ofSeconds(10)).run(file, "chunks.csv", ledger, queue,
                (at, source, row) -> rejected.add(at + " " + source + " " + row.invalid().getMessage()));

        assertThat(summary.rows()).isEqualTo(1201);
        assertThat(summary.queued()).isEqualTo(1200);
        assertThat(summary.rejected()).isEqualTo(1);
        assertThat(queue.committed).extracting(List::size).containsExactly(500, 500, 200);
        assertThat(queue.committed.get(0).get(0)).isEqualTo("file:chunks.csv#1");
        assertThat(queue.committed.get(0).get(6)).isEqualTo("file:chunks.csv#8");
        assertThat(rejected).containsExactly("BatchRow[batchId=batch-1, row=7] file:chunks.csv#7 recipient_id must be 1-64 digits, got 'x'");
        assertThat(ledger.opened).containsExactly("chunks.csv 1201");
        assertThat(ledger.queued).containsExactly(500L, 1000L, 1200L);
        assertThat(queue.rows.get(0)).isEqualTo(new BatchRow("batch-1", 1));
        assertThat(queue.rows.get(6)).isEqualTo(new BatchRow("batch-1", 8));
        assertThat(queue.rows).hasSize(1200).extracting(BatchRow::batchId).containsOnly("batch-1");
        String fingerprint = BatchFile.inspect(file, "chunks.csv").fingerprint();
        assertThat(queue.requests.get(0).idempotencyKey()).isEqualTo("file:" + fingerprint + "#1");
        assertThat(queue.requests.get(1).idempotencyKey()).isEqualTo("given-key");
    }

    @Test
    void anUnreadableFileQueuesNothing() throws Exception {
        Path file = Files.writeString(dir.resolve("bad.csv"), "recipient_id,message\n1,ok\n2,\"unclosed\n");
        RecordingQueue queue = new RecordingQueue();
        RecordingLedger ledger = new RecordingLedger();

        assertThatThrownBy(() -> new BatchIngest(1, Duration.ofSeconds(10)).run(file, "bad.csv", ledger, queue, (at, source, row) -> { }))
                .isInstanceOf(UnreadableFileException.class);
        assertThat(queue.requests).isEmpty();
        assertThat(ledger.opened).as("no batch for a file that cannot be read").isEmpty();
    }

    @Test
    void aFileThatAWriterAppendsToWhileItIsQueuedIsRefusedLoudlyAfterItsCheckedRows() throws Exception {
        Path file = Files.writeString(dir.resolve("growing.csv"), "recipient_id,message\n1,first\n2,second\n");
        RecordingQueue queue = new RecordingQueue() {
            @Override
            public void add(BatchRow at, String source, SendRequest request) {
                super.add(at, source, request);
                if (requests.size() == 1) {
                    // the writer wakes up after a pause longer than the settle time and appends more rows
                    try {
                        Files.writeString(file, "3,third\n4,fourth\n", java.nio.file.StandardOpenOption.APPEND);
                    } catch (java.io.IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                }
            }
        };

        assertThatThrownBy(() -> new BatchIngest(10, Duration.ofSeconds(10)).run(file, "growing.csv", new RecordingLedger(), queue,
                (at, source, row) -> { }))
                .isInstanceOf(UnreadableFileException.class)
                .hasMessageContaining("changed while it was being queued")
                .hasMessageContaining("2 checked rows were queued")
                .hasMessageContaining("rename");
        assertThat(queue.committed).containsExactly(List.of("file:growing.csv#1", "file:growing.csv#2"));
    }

    @Test
    void aSymbolicLinkIsRefusedWithoutReadingItsTarget() throws Exception {
        Path secret = Files.writeString(dir.resolve("elsewhere.csv"), "recipient_id,message\n1,root:secret-line\n");
        Path link = Files.createSymbolicLink(dir.resolve("x.csv"), secret);
        RecordingQueue queue = new RecordingQueue();

        assertThatThrownBy(() -> new BatchIngest(1, Duration.ofSeconds(10)).run(link, "x.csv", new RecordingLedger(), queue, (at, source, row) -> { }))
                .isInstanceOf(UnreadableFileException.class)
                .hasMessageContaining("x.csv is a symbolic link")
                .hasMessageNotContaining("secret-line");
        assertThat(queue.requests).isEmpty();
    }

    @Test
    void jsonNestedDeeperThanJacksonAllowsIsUnreadableNotACrash() throws Exception {
        Path file = Files.writeString(dir.resolve("deep.json"), "[".repeat(5000) + "]".repeat(5000));
        RecordingQueue queue = new RecordingQueue();

        assertThatThrownBy(() -> new BatchIngest(1, Duration.ofSeconds(10)).run(file, "deep.json", new RecordingLedger(), queue,
                (at, source, row) -> { }))
                .isInstanceOf(UnreadableFileException.class)
                .hasMessageContaining("nesting depth");
        assertThat(queue.requests).isEmpty();
    }
}
