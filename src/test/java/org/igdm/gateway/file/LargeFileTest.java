package org.igdm.gateway.file;

import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import jakarta.jms.Message;
import jakarta.jms.Queue;
import jakarta.jms.Session;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.activemq.artemis.api.core.management.ResourceNames;
import org.apache.activemq.artemis.api.jms.ActiveMQJMSClient;
import org.apache.activemq.artemis.api.jms.management.JMSManagementHelper;
import org.igdm.gateway.account.Accounts;
import org.igdm.gateway.broker.Queues;
import org.igdm.gateway.support.GatewayHttp;
import org.igdm.gateway.support.GatewayProcess;
import org.igdm.gateway.support.GraphStub;
import org.igdm.gateway.support.LegacyJmsClient;
import org.igdm.gateway.support.RunningGateway;
import org.igdm.gateway.support.RunsAlone;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A large CSV through the file source of a gateway running in its own JVM with the heap capped at 256 MiB: it
 * must be queued whole, in constant memory. Only the file source runs (no JMS consumer), so the test measures
 * reading and queueing, and the broker, inside the same capped heap, has to page the growing queue to disk.
 * <p>
 * 200,000 rows by default; the benchmark of README.md runs it with {@code -Dlargefile.rows=1000000}. With
 * {@code -Dlargefile.deliver=true} the gateway is then started again with every route, still under 256 MiB, and
 * delivers the queue to a stand-in for Meta until the file's result file is written: a line per row, streamed from
 * the store. That phase takes as long as delivering the rows does (about 20 minutes for a million at 850
 * messages/s), too long for the test suite, so it is part of the benchmark only.
 */
@RunsAlone
class LargeFileTest {

    private static final int ROWS = Integer.getInteger("largefile.rows", 200_000);
    /** Every this-many-th row is invalid, so rejected rows are part of the load too. */
    private static final int INVALID_EVERY = 10_000;
    private static final boolean DELIVER = Boolean.getBoolean("largefile.deliver");
    private static final List<String> CAPPED_HEAP = List.of("-Xmx256m", "-XX:+ExitOnOutOfMemoryError",
            "-Dlog4j2.configurationFile=classpath:log4j2.properties");
    private static final Pattern SUMMARY = Pattern.compile(
            "file large\\.csv done: (\\d+) rows, (\\d+) queued, (\\d+) rejected, in (\\d+) ms \\((\\d+) rows/s\\)");

    @TempDir
    Path home;

    @Test
    void aLargeFileIsQueuedWholeWithTheHeapCappedAt256MiB() throws Exception {
        Map<String, String> settings = RunningGateway.defaults(home, "http://127.0.0.1:9");
        settings.put("camel.main.routes-include-pattern", "classpath:routes/file-source.camel.yaml");
        settings.put("gateway.file.poll-ms", "200");
        settings.put("gateway.file.settle-ms", "500");
        settings.put("gateway.file.progress-interval-s", "5");
        Path log = home.resolve("gateway.log");
        try (GatewayProcess gateway = GatewayProcess.start(home, settings, log.getFileName().toString(), CAPPED_HEAP)) {
            queueLargeFile(settings, gateway, log);
        }
        if (DELIVER) {
            deliverUntilTheResultFile(settings);
        }
    }

    private void queueLargeFile(Map<String, String> settings, GatewayProcess gateway, Path log) throws Exception {
        Path inbox = Path.of(settings.get("gateway.inbox"));
        Files.createDirectories(inbox);
        Path part = generate(inbox.resolve("large.csv.part"));
        long bytes = Files.size(part);
        Files.move(part, inbox.resolve("large.csv"), StandardCopyOption.ATOMIC_MOVE);

        await().atMost(Duration.ofSeconds(60 + ROWS / 1000)).pollInterval(Duration.ofSeconds(1))
                .until(() -> !gateway.isAlive() || Files.readString(log).contains("file large.csv done"));
        assertThat(gateway.isAlive()).as("the gateway is still running (no OutOfMemoryError); its log ends:\n%s", tail(log)).isTrue();
        Matcher summary = SUMMARY.matcher(Files.readString(log));
        assertThat(summary.find()).as("the summary line in " + log).isTrue();
        long invalid = ROWS / INVALID_EVERY;
        assertThat(Long.parseLong(summary.group(1))).isEqualTo(ROWS);
        assertThat(Long.parseLong(summary.group(2))).isEqualTo(ROWS - invalid);
        assertThat(Long.parseLong(summary.group(3))).isEqualTo(invalid);
        try (Stream<String> lines = Files.lines(log)) {
            lines.filter(line -> line.contains("BatchIngest")).forEach(System.out::println);
        }
        System.out.printf("LargeFileTest: %d rows (%d MiB) queued in %s ms: %s rows/s with -Xmx256m%n",
                ROWS, bytes >> 20, summary.group(4), summary.group(5));

        await().atMost(Duration.ofSeconds(30)).until(() -> movedToDone(inbox));
        assertThat(queueDepth(Integer.parseInt(settings.get("gateway.jms.port")))).isEqualTo(ROWS - invalid);
        assertThat(new RunningGateway.Sinks(home).failed()).hasSize((int) invalid)
                .allSatisfy(record -> assertThat(record.path("error").path("category").asText()).isEqualTo("invalid"));
        // the file is one batch: every row queued or refused (and counted as failed), none sent yet
        JsonNode batch = GatewayHttp.json(new GatewayHttp(Integer.parseInt(settings.get("gateway.http.port"))).get("/batches"))
                .path("batches").get(0);
        assertThat(batch.path("file_name").asText()).isEqualTo("large.csv");
        assertThat(batch.path("rows").asLong()).isEqualTo(ROWS);
        assertThat(batch.path("queued").asLong()).isEqualTo(ROWS - invalid);
        assertThat(batch.path("failed").asLong()).isEqualTo(invalid);
        assertThat(batch.path("pending").asLong()).isEqualTo(ROWS - invalid);
    }

    /** The same gateway with every route: it delivers the queued rows, and the batch ends with its result file. */
    private void deliverUntilTheResultFile(Map<String, String> settings) throws Exception {
        WireMockServer meta = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort().containerThreads(40)
                .disableRequestJournal());
        meta.start();
        meta.stubFor(post(urlPathEqualTo(GraphStub.PATH)).willReturn(okJson("{\"message_id\":\"mid.large\"}")));
        settings.remove("camel.main.routes-include-pattern");
        settings.put("ig.graph-url", "http://127.0.0.1:" + meta.port());
        settings.put("ig.max-sends-per-second", "100000");
        settings.put("gateway.jms.consumers", "16");
        long started = System.nanoTime();
        Path log = home.resolve("delivery.log");
        Path results = home.resolve("outbox").resolve("results");
        try (GatewayProcess gateway = GatewayProcess.start(home, settings, log.getFileName().toString(), CAPPED_HEAP)) {
            await().atMost(Duration.ofSeconds(120 + ROWS / 100)).pollInterval(Duration.ofSeconds(5))
                    .until(() -> !gateway.isAlive() || resultFile(results) != null);
            assertThat(gateway.isAlive()).as("the gateway is still running (no OutOfMemoryError); its log ends:\n%s", tail(log)).isTrue();
        } finally {
            meta.stop();
        }
        long invalid = ROWS / INVALID_EVERY;
        long lines = 0;
        long failed = 0;
        try (BufferedReader text = Files.newBufferedReader(resultFile(results), StandardCharsets.UTF_8)) {
            assertThat(text.readLine()).isEqualTo("\uFEFFrow,recipient_id,account,status,category,message_id,attempts,finished_at,error,idempotency_key");
            for (String line = text.readLine(); line != null; line = text.readLine()) {
                lines++;
                assertThat(line).startsWith(lines + ",");
                failed += line.contains(",failed,invalid,") ? 1 : 0;
            }
        }
        assertThat(lines).isEqualTo(ROWS);
        assertThat(failed).isEqualTo(invalid);
        System.out.printf("LargeFileTest: %d rows delivered and their result file written in %d s with -Xmx256m%n",
                ROWS, Duration.ofNanos(System.nanoTime() - started).toSeconds());
    }

    private static Path resultFile(Path results) throws IOException {
        if (!Files.isDirectory(results)) {
            return null;
        }
        try (Stream<Path> files = Files.list(results)) {
            return files.filter(f -> f.toString().endsWith("-large.results.csv")).findFirst().orElse(null);
        }
    }

    private static String tail(Path log) throws IOException {
        String text = Files.readString(log);
        return text.substring(Math.max(0, text.length() - 4000));
    }

    /** Rows with quoting to do: a comma, doubled quotes, an emoji; every {@link #INVALID_EVERY}th recipient is not digits. */
    private static Path generate(Path file) throws IOException {
        try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            out.write("recipient_id,message,tag\n");
            for (int row = 1; row <= ROWS; row++) {
                String recipient = row % INVALID_EVERY == 0 ? "not-a-number" : String.valueOf(17_000_000 + row % 5_000);
                out.write(recipient + ",\"Hello #" + row + ", your order \"\"" + row + "\"\" has shipped 📦\","
                        + (row % 3 == 0 ? "HUMAN_AGENT" : "") + "\n");
            }
        }
        return file;
    }

    /** Asked of the broker's management address, so that counting does not mean reading every message. */
    private static long queueDepth(int port) throws Exception {
        try (LegacyJmsClient client = new LegacyJmsClient(port)) {
            Session session = client.session();
            Queue replies = session.createTemporaryQueue();
            Message question = session.createMessage();
            JMSManagementHelper.putAttribute(question, ResourceNames.QUEUE + Queues.deliveryQueue(Accounts.DEFAULT), "messageCount");
            question.setJMSReplyTo(replies);
            session.createProducer(ActiveMQJMSClient.createQueue("activemq.management")).send(question);
            Message answer = session.createConsumer(replies).receive(30_000);
            assertThat(answer).as("the broker's management answer").isNotNull();
            return ((Number) JMSManagementHelper.getResult(answer)).longValue();
        }
    }

    private static boolean movedToDone(Path inbox) throws IOException {
        Path done = inbox.resolve(".done");
        if (!Files.isDirectory(done)) {
            return false;
        }
        try (Stream<Path> files = Files.list(done)) {
            return files.anyMatch(f -> f.toString().endsWith("-large.csv"));
        }
    }
}
