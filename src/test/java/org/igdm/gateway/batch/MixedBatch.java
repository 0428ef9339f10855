package org.igdm.gateway.batch;

import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;
import org.igdm.gateway.support.GraphStub;
import org.igdm.gateway.support.RunningGateway;

/**
 * A batch file whose rows end every way a row can: sent at once, invalid (refused at the door), rejected by Meta,
 * sent after a transient failure, and exhausted. Meta's stand-in answers per recipient (every row has its own), so
 * the expected outcome of each row is known; the result file is checked against what the sinks hold.
 */
final class MixedBatch {

    static final String NAME = "mixed.csv";
    static final int ROWS = 1000;

    private MixedBatch() {
    }

    static String recipient(int row) {
        return String.valueOf(90_000_000_000L + row);
    }

    static boolean invalid(int row) {
        return row % 53 == 0;
    }

    static boolean exhausted(int row) {
        return !invalid(row) && row % 250 == 0;
    }

    static boolean rejected(int row) {
        return !invalid(row) && !exhausted(row) && row % 97 == 0;
    }

    static boolean retried(int row) {
        return !invalid(row) && !exhausted(row) && !rejected(row) && row % 89 == 0;
    }

    static long count(java.util.function.IntPredicate which) {
        return java.util.stream.IntStream.rangeClosed(1, ROWS).filter(which).count();
    }

    /** Meta's answers: success (after {@code delayMillis}) unless the recipient is one of the failing rows. */
    static void stub(GraphStub meta, int delayMillis) {
        meta.server().resetAll();
        meta.server().stubFor(post(urlPathEqualTo(GraphStub.PATH)).atPriority(10).willReturn(GraphStub.success().withFixedDelay(delayMillis)));
        for (int row = 1; row <= ROWS; row++) {
            String id = recipient(row);
            if (rejected(row)) {
                meta.server().stubFor(post(urlPathEqualTo(GraphStub.PATH)).atPriority(1).withRequestBody(containing(id))
                        .willReturn(GraphStub.error(400, 100, 2018001, "No matching user found")));
            } else if (exhausted(row)) {
                meta.server().stubFor(post(urlPathEqualTo(GraphStub.PATH)).atPriority(1).withRequestBody(containing(id))
                        .willReturn(GraphStub.error(503, 2, null, "Service temporarily unavailable")));
            } else if (retried(row)) {
                meta.server().stubFor(post(urlPathEqualTo(GraphStub.PATH)).atPriority(1).withRequestBody(containing(id))
                        .inScenario("retry " + id).whenScenarioStateIs(STARTED).willSetStateTo("failed once")
                        .willReturn(GraphStub.error(503, 2, null, "Service temporarily unavailable")));
                meta.server().stubFor(post(urlPathEqualTo(GraphStub.PATH)).atPriority(1).withRequestBody(containing(id))
                        .inScenario("retry " + id).whenScenarioStateIs("failed once")
                        .willReturn(GraphStub.success()));
            }
        }
    }

    /** Writes the file under another name and renames it into the inbox, as a careful producer does. */
    static void drop(Path inbox) throws IOException {
        StringBuilder csv = new StringBuilder("recipient_id,message\n");
        for (int row = 1; row <= ROWS; row++) {
            csv.append(invalid(row) ? "abc" + row : recipient(row)).append(",\"Hello, row ").append(row).append("\"\n");
        }
        Files.createDirectories(inbox);
        Path part = Files.writeString(inbox.resolve(NAME + ".part"), csv);
        Files.move(part, inbox.resolve(NAME), StandardCopyOption.ATOMIC_MOVE);
    }

    /** The result files of batches of {@code fileName} under {@code outbox/results}. */
    static List<Path> resultFiles(Path home, String fileName) {
        Path results = home.resolve("outbox").resolve("results");
        String suffix = "-" + fileName.substring(0, fileName.lastIndexOf('.')) + ".results.csv";
        if (!Files.isDirectory(results)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(results)) {
            return files.filter(file -> file.getFileName().toString().endsWith(suffix)).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The lines of a result file, after checking that it starts with the byte order mark. */
    static List<CSVRecord> read(Path resultFile) throws IOException {
        byte[] bytes = Files.readAllBytes(resultFile);
        assertThat(new String(bytes, 0, 3, StandardCharsets.UTF_8)).as("the byte order mark").isEqualTo("\uFEFF");
        try (Reader text = Files.newBufferedReader(resultFile, StandardCharsets.UTF_8)) {
            text.skip(1);
            return CSVFormat.RFC4180.builder().setHeader().setSkipHeaderRecord(true).get().parse(text).getRecords();
        }
    }

    /** The records of each row of a file in both sinks, by row number. */
    static Map<Integer, List<JsonNode>> sinkRecordsByRow(RunningGateway.Sinks sinks, String fileName) {
        List<JsonNode> records = new ArrayList<>(sinks.sent());
        records.addAll(sinks.failed());
        String prefix = "file:" + fileName + "#";
        return records.stream().filter(record -> record.path("source").asText().startsWith(prefix))
                .collect(Collectors.groupingBy(record -> Integer.parseInt(record.path("source").asText().substring(prefix.length()))));
    }

    /**
     * Each line is its row's outcome as a sink holds it, in row order, one line per row: the record it matches is
     * one of the row's records (after a crash, a row may have been recorded twice).
     */
    static void assertMatchesTheSinks(List<CSVRecord> lines, Map<Integer, List<JsonNode>> byRow) {
        assertThat(lines).hasSize(ROWS);
        for (int row = 1; row <= ROWS; row++) {
            CSVRecord line = lines.get(row - 1);
            assertThat(line.get("row")).isEqualTo(String.valueOf(row));
            assertThat(byRow.get(row)).as("the sink records of row %d", row).isNotEmpty();
            assertThat(byRow.get(row)).as("row %d: %s", row, line.toMap()).anySatisfy(record -> {
                boolean sent = record.path("status").asText().equals("sent");
                assertThat(line.get("status")).isEqualTo(record.path("status").asText());
                assertThat(line.get("recipient_id")).isEqualTo(record.path("recipient_id").asText());
                assertThat(line.get("account")).isEqualTo("default");
                assertThat(line.get("idempotency_key")).isEqualTo(record.path("idempotency_key").asText());
                assertThat(line.get("attempts")).isEqualTo(record.path("attempts").asText());
                assertThat(line.get("message_id")).isEqualTo(sent ? record.path("message_id").asText() : "");
                assertThat(line.get("finished_at")).isEqualTo(record.path(sent ? "sent_at" : "failed_at").asText());
                assertThat(line.get("category")).isEqualTo(sent ? "" : record.path("error").path("category").asText());
                assertThat(line.get("error")).isEqualTo(sent ? "" : record.path("error").path("message").asText());
            });
        }
    }

    /**
     * The outcome each row must have, whatever the order the rows were delivered in; {@code uninterrupted}: the
     * retried rows took two attempts (a restart may have spent the first one before it).
     */
    static void assertExpectedOutcomes(List<CSVRecord> lines, boolean uninterrupted) {
        for (CSVRecord line : lines) {
            int row = Integer.parseInt(line.get("row"));
            String expected = invalid(row) ? "failed invalid" : exhausted(row) ? "failed exhausted"
                    : rejected(row) ? "failed rejected" : "sent ";
            assertThat(line.get("status") + " " + line.get("category")).as("row %d", row).isEqualTo(expected);
            if (uninterrupted && retried(row)) {
                assertThat(line.get("attempts")).as("row %d was sent at the second attempt", row).isEqualTo("2");
            }
        }
    }
}
