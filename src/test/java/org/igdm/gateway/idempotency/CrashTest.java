package org.igdm.gateway.idempotency;

import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.igdm.gateway.broker.Queues;
import org.igdm.gateway.support.GatewayProcess;
import org.igdm.gateway.support.GraphStub;
import org.igdm.gateway.support.RunningGateway;
import org.igdm.gateway.support.RunsAlone;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real application as its own process, stopped mid-run by SIGKILL or SIGTERM and started again:
 * every request ends sent, with its record, and Meta sees a recipient twice at most for the calls that were
 * under way at the instant of a kill; the same holds for a record written at that instant.
 */
@RunsAlone
class CrashTest {

    /** Enough for the interruption to come mid-run (after a fifth) with thousands still queued; volume is the benchmark's. */
    private static final int MESSAGES = 5_000;
    private static final int CONSUMERS = 4;

    @TempDir
    Path home;
    GraphStub meta;
    Map<String, String> settings;
    int repeatedRecords;

    @BeforeEach
    void stub() {
        meta = new GraphStub();
        meta.server().stubFor(post(urlPathEqualTo(GraphStub.PATH)).willReturn(GraphStub.success().withFixedDelay(2)));
        settings = RunningGateway.defaults(home, meta.url());
        settings.put("gateway.jms.consumers", String.valueOf(CONSUMERS));
        settings.put("ig.max-sends-per-second", "2000");
    }

    @AfterEach
    void stop() {
        meta.close();
    }

    @Test
    void aKilledGatewayLosesNothingAndRecordsEveryMessageOnce() throws Exception {
        int sentTwice = runInterruptedBy(gateway -> {
            gateway.kill();
            // the killed process could not delete the native library it unpacked: it is the one copy, in its own folder
            assertThat(fileNames(home.resolve("data").resolve("native"))).singleElement().asString().startsWith("librocksdbjni");
        });
        System.out.println("SIGKILL crash test: recipients Meta saw twice = " + sentTwice + ", sent records written twice = "
                + repeatedRecords + " (consumers in flight: " + CONSUMERS + ")");
        assertThat(sentTwice).isLessThanOrEqualTo(CONSUMERS);
        assertThat(fileNames(temporaryFolder())).as("unpacked by either run into java.io.tmpdir").noneMatch(name -> name.startsWith("librocksdbjni"));
    }

    private static List<String> fileNames(Path folder) throws IOException {
        try (Stream<Path> files = Files.list(folder)) {
            return files.map(file -> file.getFileName().toString()).toList();
        }
    }

    @Test
    void aGracefulStopLosesAndDuplicatesNothing() throws Exception {
        // the JVM reports a SIGTERM as 143 (128 + 15) even when its shutdown hooks completed
        int sentTwice = runInterruptedBy(gateway -> assertThat(gateway.terminate()).isIn(0, 143));
        assertThat(Files.readString(home.resolve("first-run.log")))
                .contains("Embedded Artemis broker stopped").containsPattern("ig-dm-gateway\\) shutdown in");
        assertThat(sentTwice).isZero();
        assertThat(repeatedRecords).isZero();
    }

    interface Interruption {
        void stop(GatewayProcess gateway) throws Exception;
    }

    /** Queues the messages, interrupts the gateway mid-run, restarts it; returns how many recipients Meta saw twice. */
    private int runInterruptedBy(Interruption interruption) throws Exception {
        GatewayProcess first = GatewayProcess.start(home, settings, "first-run.log", jvmOptions());
        queueMessages();
        await().atMost(Duration.ofSeconds(120)).until(() -> sinkSize() >= MESSAGES / 5);
        interruption.stop(first);
        int beforeRestart = sinkSize();
        assertThat(beforeRestart).as("interrupted mid-run").isLessThan(MESSAGES);

        try (GatewayProcess second = GatewayProcess.start(home, settings, "second-run.log", jvmOptions())) {
            await().atMost(Duration.ofSeconds(180)).until(() -> sinkSize() >= MESSAGES);
            Thread.sleep(1000);
        }

        assertThat(sink().failed()).as("no message failed or was taken for a duplicate").isEmpty();
        Map<String, List<JsonNode>> recordsPerRecipient = sink().sent().stream()
                .collect(Collectors.groupingBy(r -> r.path("recipient_id").asText()));
        assertThat(recordsPerRecipient).as("every message has its sent record").hasSize(MESSAGES);
        // the one window left: a kill between writing a sent record and committing that it was written leaves
        // the same record twice (same message_id), for a message that was being recorded at that instant
        List<List<JsonNode>> repeated = recordsPerRecipient.values().stream().filter(records -> records.size() > 1).toList();
        assertThat(repeated).allSatisfy(records -> assertThat(records).hasSize(2)
                .extracting(r -> r.path("message_id").asText()).containsOnly(records.get(0).path("message_id").asText()));
        assertThat(repeated.size()).isLessThanOrEqualTo(CONSUMERS);
        repeatedRecords = repeated.size();

        Map<String, Long> callsPerRecipient = meta.sends().stream()
                .map(call -> GraphStub.form(call).get("recipient"))
                .collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
        assertThat(callsPerRecipient).hasSize(MESSAGES);
        return (int) callsPerRecipient.values().stream().filter(count -> count > 1).count();
    }

    /** The harness's heap cap, and a temporary folder of the test's own, whose files it can see. */
    private List<String> jvmOptions() throws IOException {
        return List.of("-Xmx512m", "-Djava.io.tmpdir=" + Files.createDirectories(temporaryFolder()));
    }

    private Path temporaryFolder() {
        return home.resolve("tmp");
    }

    private void queueMessages() throws Exception {
        var factory = new ActiveMQConnectionFactory("tcp://127.0.0.1:" + settings.get("gateway.jms.port"));
        try (var connection = factory.createConnection()) {
            Session session = connection.createSession(true, Session.SESSION_TRANSACTED);
            MessageProducer producer = session.createProducer(session.createQueue(Queues.SEND));
            for (int i = 0; i < MESSAGES; i++) {
                producer.send(session.createTextMessage("{\"recipient_id\":\"" + (1_000_000 + i) + "\",\"message\":\"m" + i + "\"}"));
                if (i % 500 == 499) {
                    session.commit();
                }
            }
            session.commit();
        }
    }

    /** Reads the sinks the process writes, with the same reader the in-process tests use. */
    private RunningGateway.Sinks sink() {
        return new RunningGateway.Sinks(home);
    }

    private int sinkSize() {
        return (int) sink().count();
    }
}
