package org.igdm.gateway.batch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.commons.csv.CSVRecord;
import org.igdm.gateway.support.GatewayFixture;
import org.igdm.gateway.support.GatewayHttp;
import org.igdm.gateway.support.RunningGateway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Dropped files in the running gateway end with one result file each, whose lines are what the sinks hold; the
 * batch endpoints, the progress lines and the pending-rows metric follow the batch while it runs.
 */
class BatchResultsTest {

    private static final String KEY = "batch-test-key-3c1f9d";

    @RegisterExtension
    static final GatewayFixture FIXTURE = GatewayFixture.withSettings(settings -> {
        settings.put("gateway.http.api-keys", KEY);
        settings.put("gateway.file.poll-ms", "100");
        settings.put("gateway.file.settle-ms", "300");
        settings.put("gateway.file.progress-interval-s", "1");
        settings.put("gateway.batch.poll-ms", "200");
        settings.put("gateway.retry.max-attempts", "3");
    });

    private static RunningGateway gateway() {
        return FIXTURE.gateway();
    }

    private static JsonNode get(String path) {
        return GatewayHttp.json(getText(path));
    }

    private static HttpResponse<String> getText(String path) {
        HttpResponse<String> response = FIXTURE.http().send(FIXTURE.http().request(path).header("Authorization", "Bearer " + KEY).GET());
        assertThat(response.statusCode()).as("GET %s: %s", path, response.body()).isEqualTo(200);
        return response;
    }

    /** The batch of the file of this name that GET /batches lists, the latest first; null while there is none. */
    private static JsonNode batchOf(String fileName) {
        for (JsonNode batch : get("/batches").path("batches")) {
            if (batch.path("file_name").asText().equals(fileName)) {
                return batch;
            }
        }
        return null;
    }

    private static long sinkCount(Map<Integer, List<JsonNode>> byRow, String status) {
        return byRow.values().stream().filter(records -> records.getFirst().path("status").asText().equals(status)).count();
    }

    @Test
    void aMixedFileEndsWithOneResultFileThatMatchesTheSinksAndItsProgressMatchesThemWhileItRuns() throws Exception {
        MixedBatch.stub(FIXTURE.meta(), 10);
        MixedBatch.drop(gateway().home().resolve("inbox"));

        await().atMost(Duration.ofSeconds(120)).until(() -> batchOf(MixedBatch.NAME) != null
                && batchOf(MixedBatch.NAME).path("queued").asLong() == MixedBatch.ROWS - MixedBatch.count(MixedBatch::invalid)
                && gateway().sent().size() >= 100);
        String id = batchOf(MixedBatch.NAME).path("id").asText();
        // delivery stops half-way (the messages in flight end first): the counts must be the sinks' now
        gateway().stopDeliveryConsumers();
        try {
            JsonNode running = get("/batches/" + id);
            Map<Integer, List<JsonNode>> byRow = MixedBatch.sinkRecordsByRow(new RunningGateway.Sinks(gateway().home()), MixedBatch.NAME);
            assertThat(running.path("file_name").asText()).isEqualTo(MixedBatch.NAME);
            assertThat(running.path("rows").asLong()).isEqualTo(MixedBatch.ROWS);
            assertThat(running.path("sent").asLong()).isEqualTo(sinkCount(byRow, "sent"));
            assertThat(running.path("failed").asLong()).isEqualTo(sinkCount(byRow, "failed"));
            long pending = MixedBatch.ROWS - byRow.size();
            assertThat(pending).as("stopped half-way").isPositive();
            assertThat(running.path("pending").asLong()).isEqualTo(pending);
            assertThat(running.path("finished").isNull()).isTrue();
            assertThat(running.path("result_file").isNull()).isTrue();
            assertThat(MixedBatch.resultFiles(gateway().home(), MixedBatch.NAME)).isEmpty();
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(getText("/observe/metrics").body())
                    .containsPattern("gateway_batch_rows_pending\\{batch=\"" + id + "\",instance=\"[^\"]+\"} " + pending + "\\.0"));
            assertThat(FIXTURE.log()).contains("batch " + id + " (" + MixedBatch.NAME + "): " + MixedBatch.ROWS + " rows, "
                    + running.path("queued").asLong() + " queued, " + running.path("sent").asLong() + " sent, "
                    + running.path("failed").asLong() + " failed, " + pending + " pending");
        } finally {
            gateway().startDeliveryConsumers();
        }

        await().atMost(Duration.ofSeconds(300)).until(() -> !MixedBatch.resultFiles(gateway().home(), MixedBatch.NAME).isEmpty());
        List<Path> files = MixedBatch.resultFiles(gateway().home(), MixedBatch.NAME);
        assertThat(files).hasSize(1);
        List<CSVRecord> lines = MixedBatch.read(files.getFirst());
        Map<Integer, List<JsonNode>> byRow = MixedBatch.sinkRecordsByRow(new RunningGateway.Sinks(gateway().home()), MixedBatch.NAME);
        assertThat(byRow.values()).as("one record per row").allSatisfy(records -> assertThat(records).hasSize(1));
        MixedBatch.assertMatchesTheSinks(lines, byRow);
        MixedBatch.assertExpectedOutcomes(lines, true);

        JsonNode finished = get("/batches/" + id);
        assertThat(finished.path("sent").asLong()).isEqualTo(sinkCount(byRow, "sent"))
                .isEqualTo(MixedBatch.ROWS - MixedBatch.count(r -> MixedBatch.invalid(r) || MixedBatch.exhausted(r) || MixedBatch.rejected(r)));
        assertThat(finished.path("failed").asLong()).isEqualTo(sinkCount(byRow, "failed"));
        assertThat(finished.path("pending").asLong()).isZero();
        assertThat(finished.path("finished").asText()).isNotEmpty();
        assertThat(finished.path("result_file").asText()).isEqualTo(files.getFirst().toString());
        assertThat(FIXTURE.log()).contains("batch " + id + " (" + MixedBatch.NAME + ") finished: 1000 rows");
        Thread.sleep(1500);
        assertThat(MixedBatch.resultFiles(gateway().home(), MixedBatch.NAME)).as("written once").hasSize(1);
        assertThat(getText("/observe/metrics").body()).doesNotContain("batch=\"" + id + "\"");
    }

    @Test
    void aFileDroppedAgainIsANewBatchWhoseRowsEndDuplicateAndAJsonBatchGetsAResultFileToo() throws Exception {
        Path inbox = gateway().home().resolve("inbox");
        String csv = "recipient_id,message\n17840000000001,first\n17840000000002,second\n";
        drop(inbox, "again.csv", csv);
        await().atMost(Duration.ofSeconds(60)).until(() -> MixedBatch.resultFiles(gateway().home(), "again.csv").size() == 1);
        drop(inbox, "again.csv", csv);
        drop(inbox, "small.json", "[{\"recipient_id\":\"17840000000003\",\"message\":\"json\"},{\"recipient_id\":\"x\",\"message\":\"bad\"}]");
        await().atMost(Duration.ofSeconds(60)).until(() -> MixedBatch.resultFiles(gateway().home(), "again.csv").size() == 2
                && MixedBatch.resultFiles(gateway().home(), "small.json").size() == 1);

        List<Path> again = MixedBatch.resultFiles(gateway().home(), "again.csv");
        assertThat(MixedBatch.read(again.get(0))).extracting(line -> line.get("row") + " " + line.get("status") + " " + line.get("category"))
                .containsExactly("1 sent ", "2 sent ");
        List<CSVRecord> second = MixedBatch.read(again.get(1));
        assertThat(second).extracting(line -> line.get("row") + " " + line.get("status") + " " + line.get("category"))
                .containsExactly("1 failed duplicate", "2 failed duplicate");
        assertThat(second.getFirst().get("error")).startsWith("an earlier request with this idempotency_key was sent as mid.");
        assertThat(MixedBatch.read(MixedBatch.resultFiles(gateway().home(), "small.json").getFirst()))
                .extracting(line -> line.get("row") + " " + line.get("status") + " " + line.get("category"))
                .containsExactly("1 sent ", "2 failed invalid");
        assertThat(get("/batches").path("batches")).extracting(batch -> batch.path("file_name").asText())
                .containsSubsequence("small.json", "again.csv", "again.csv");
    }

    @Test
    void theBatchEndpointsAskForTheKeyAndNameAnUnknownBatch() {
        HttpResponse<String> anonymous = FIXTURE.http().get("/batches");
        assertThat(anonymous.statusCode()).isEqualTo(401);
        assertThat(anonymous.headers().firstValue("WWW-Authenticate")).hasValue("Bearer");
        assertThat(FIXTURE.http().get("/batches/whatever").statusCode()).isEqualTo(401);

        HttpResponse<String> unknown = FIXTURE.http().send(FIXTURE.http().request("/batches/no-such-batch")
                .header("Authorization", "Bearer " + KEY).GET());
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(unknown.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(GatewayHttp.json(unknown).path("detail").asText()).contains("no-such-batch");
    }

    private static void drop(Path inbox, String name, String content) throws Exception {
        Files.createDirectories(inbox);
        Path part = Files.writeString(inbox.resolve(name + ".part"), content);
        Files.move(part, inbox.resolve(name), StandardCopyOption.ATOMIC_MOVE);
    }
}
