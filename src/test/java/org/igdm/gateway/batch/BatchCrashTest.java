package org.igdm.gateway.batch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.commons.csv.CSVRecord;
import org.igdm.gateway.support.GatewayProcess;
import org.igdm.gateway.support.GraphStub;
import org.igdm.gateway.support.RunningGateway;
import org.igdm.gateway.support.RunsAlone;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The gateway as its own process, killed (SIGKILL) half-way through the delivery of a dropped file and started
 * again: the batch gathered so far survives, and the file ends with one complete result file, a line per row.
 */
@RunsAlone
class BatchCrashTest {

    @TempDir
    Path home;
    GraphStub meta;
    Map<String, String> settings;

    @BeforeEach
    void stub() {
        meta = new GraphStub();
        MixedBatch.stub(meta, 5);
        settings = RunningGateway.defaults(home, meta.url());
        settings.put("gateway.file.poll-ms", "100");
        settings.put("gateway.file.settle-ms", "300");
        settings.put("gateway.batch.poll-ms", "200");
        settings.put("gateway.retry.max-attempts", "3");
    }

    @AfterEach
    void stop() {
        meta.close();
    }

    private Map<Integer, List<JsonNode>> sinkRecords() {
        return MixedBatch.sinkRecordsByRow(new RunningGateway.Sinks(home), MixedBatch.NAME);
    }

    @Test
    void aGatewayKilledHalfWayThroughABatchWritesOneCompleteResultFileAfterTheRestart() throws Exception {
        GatewayProcess first = GatewayProcess.start(home, settings, "first-run.log");
        MixedBatch.drop(home.resolve("inbox"));
        await().atMost(Duration.ofSeconds(180)).until(() -> sinkRecords().size() >= MixedBatch.ROWS * 2 / 5);
        first.kill();
        int beforeRestart = sinkRecords().size();
        assertThat(beforeRestart).as("killed half-way").isLessThan(MixedBatch.ROWS);
        assertThat(MixedBatch.resultFiles(home, MixedBatch.NAME)).isEmpty();

        try (GatewayProcess second = GatewayProcess.start(home, settings, "second-run.log")) {
            await().atMost(Duration.ofSeconds(300)).until(() -> !MixedBatch.resultFiles(home, MixedBatch.NAME).isEmpty());
            Thread.sleep(1500);
        }

        List<Path> files = MixedBatch.resultFiles(home, MixedBatch.NAME);
        assertThat(files).as("one result file").hasSize(1);
        List<CSVRecord> lines = MixedBatch.read(files.getFirst());
        MixedBatch.assertMatchesTheSinks(lines, sinkRecords());
        MixedBatch.assertExpectedOutcomes(lines, false);
        assertThat(Files.readString(home.resolve("second-run.log"))).containsPattern("batch \\S+ \\(mixed.csv\\) finished: 1000 rows");
        System.out.println("BatchCrashTest: killed after " + beforeRestart + " of " + MixedBatch.ROWS + " rows had a record");
    }
}
