package org.igdm.gateway.file;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.igdm.gateway.support.GraphStub.form;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.igdm.gateway.Json;
import org.igdm.gateway.support.GatewayFixture;
import org.igdm.gateway.support.GraphStub;
import org.igdm.gateway.support.RunningGateway;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The file drop folder in the running gateway: what Meta receives, what the sinks hold, where each file goes. */
class FileSourceTest {

    @RegisterExtension
    static final GatewayFixture FIXTURE = GatewayFixture.withSettings(settings -> {
        settings.put("gateway.file.poll-ms", "100");
        settings.put("gateway.file.settle-ms", "500");
    });
    static GraphStub meta;
    static RunningGateway gateway;
    static Path inbox;

    @BeforeAll
    static void bind() {
        meta = FIXTURE.meta();
        gateway = FIXTURE.gateway();
        inbox = gateway.home().resolve("inbox");
    }

    /** Writes under a name the source ignores, then renames: how a well-behaved producer drops a file. */
    private static void drop(String name, byte[] content) throws IOException {
        Files.createDirectories(inbox);
        Path part = Files.write(inbox.resolve(name + ".part"), content);
        Files.move(part, inbox.resolve(name), StandardCopyOption.ATOMIC_MOVE);
    }

    private static void drop(String name, String content) throws IOException {
        drop(name, content.getBytes(StandardCharsets.UTF_8));
    }

    /** The drops of {@code name} that ended in {@code .done} or {@code .failed} (their names carry a time stamp). */
    private static List<Path> landed(String folder, String name) {
        Path dir = inbox.resolve(folder);
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().endsWith("-" + name)).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void awaitLanded(String folder, String name, int drops) {
        await().atMost(Duration.ofSeconds(30)).until(() -> landed(folder, name).size() >= drops);
    }

    private static List<String> textsMetaReceived() {
        return meta.sends().stream().map(call -> {
            try {
                return Json.MAPPER.readTree(form(call).get("message")).path("text").asText();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }).toList();
    }

    @Test
    void trickyCsvArrivesExactlyAtMeta() throws Exception {
        drop("tricky.csv", "\uFEFFnote,message,tag,recipient_id,unused\r\n"
                + "a,\"Hello, world 😀👍🏽\",,1001,x\r\n"
                + "b,\"she said \"\"hi\"\"\r\nand then, \"\"bye\"\"\",HUMAN_AGENT,1002,y\r\n"
                + "c,ünïcödé & ✓ %20 + =,,1003,z\r\n");

        awaitLanded(".done", "tricky.csv", 1);
        gateway.awaitOutcomes(3);

        assertThat(textsMetaReceived()).containsExactlyInAnyOrder(
                "Hello, world 😀👍🏽", "she said \"hi\"\r\nand then, \"bye\"", "ünïcödé & ✓ %20 + =");
        assertThat(meta.sends()).filteredOn(call -> form(call).get("recipient").equals("{\"id\":\"1002\"}"))
                .singleElement().satisfies(call -> assertThat(form(call)).containsEntry("tag", "HUMAN_AGENT"));
        List<JsonNode> sent = gateway.sent();
        assertThat(sent).extracting(r -> r.path("source").asText())
                .containsExactlyInAnyOrder("file:tricky.csv#1", "file:tricky.csv#2", "file:tricky.csv#3");
        assertThat(sent).allSatisfy(r -> assertThat(r.path("idempotency_key").asText()).matches("file:[0-9a-f]{16}#[123]"));
        assertThat(gateway.failed()).isEmpty();
        assertThat(inbox.resolve("tricky.csv")).doesNotExist();
    }

    @Test
    void jsonArrayAndSingleObject() throws Exception {
        drop("batch.json", "[{\"recipient_id\":\"2001\",\"message\":\"first ☕\",\"idempotency_key\":\"own-key-1\"},\n"
                + " {\"message\":\"second\\nline\",\"recipient_id\":\"2002\",\"other\":42}]");
        drop("single.json", "{\"recipient_id\":\"2003\",\"message\":\"alone\",\"tag\":\"HUMAN_AGENT\"}");

        awaitLanded(".done", "batch.json", 1);
        awaitLanded(".done", "single.json", 1);
        gateway.awaitOutcomes(3);

        assertThat(textsMetaReceived()).containsExactlyInAnyOrder("first ☕", "second\nline", "alone");
        assertThat(gateway.sent()).extracting(r -> r.path("source").asText() + " " + r.path("idempotency_key").asText())
                .anyMatch(s -> s.equals("file:batch.json#1 own-key-1"))
                .anyMatch(s -> s.matches("file:batch.json#2 file:[0-9a-f]{16}#2"))
                .anyMatch(s -> s.matches("file:single.json#1 file:[0-9a-f]{16}#1"));
        assertThat(gateway.failed()).isEmpty();
    }

    @Test
    void invalidRowsAreRecordedAndTheValidOnesSent() throws Exception {
        drop("mixed.csv", "recipient_id,message,tag\n"
                + "3001,good one,\n"
                + "abc,bad recipient,\n"
                + "3002,,\n"
                + "3003,wrong tag,CONFIRMED_EVENT_UPDATE\n"
                + "3004,good two,\n");

        awaitLanded(".done", "mixed.csv", 1);
        gateway.awaitOutcomes(5);

        assertThat(textsMetaReceived()).containsExactlyInAnyOrder("good one", "good two");
        assertThat(gateway.sent()).extracting(r -> r.path("source").asText())
                .containsExactlyInAnyOrder("file:mixed.csv#1", "file:mixed.csv#5");
        List<JsonNode> failed = gateway.failed();
        assertThat(failed).extracting(r -> r.path("source").asText())
                .containsExactly("file:mixed.csv#2", "file:mixed.csv#3", "file:mixed.csv#4");
        assertThat(failed).allSatisfy(r -> {
            assertThat(r.path("error").path("category").asText()).isEqualTo("invalid");
            assertThat(r.path("attempts").asInt()).isZero();
        });
        assertThat(failed.get(0).path("error").path("message").asText()).isEqualTo("recipient_id must be 1-64 digits, got 'abc'");
        assertThat(failed.get(0).path("message").asText()).isEqualTo("bad recipient");
        assertThat(failed.get(1).path("error").path("message").asText()).isEqualTo("message is required and must not be empty");
        assertThat(failed.get(1).path("recipient_id").asText()).isEqualTo("3002");
        assertThat(failed.get(2).path("error").path("violations").get(0).path("field").asText()).isEqualTo("tag");
    }

    @Test
    void linksOutOfTheInboxAndJsonTooDeepToReadGoToFailedWithARecordAndNothingOfThemIsSentOrLogged() throws Exception {
        Path elsewhere = Files.writeString(gateway.home().resolve("elsewhere.csv"), "recipient_id,message\n4101,secret-first-line\n");
        Files.createDirectories(inbox);
        Files.createSymbolicLink(inbox.resolve("linked.csv"), elsewhere);
        drop("deep.json", "[".repeat(3000) + "]".repeat(3000));

        awaitLanded(".failed", "linked.csv", 1);
        awaitLanded(".failed", "deep.json", 1);
        gateway.awaitOutcomes(2);

        assertThat(meta.sends()).isEmpty();
        assertThat(gateway.failed()).extracting(r -> r.path("source").asText() + ": " + r.path("error").path("message").asText())
                .anySatisfy(line -> assertThat(line).startsWith("file:linked.csv: linked.csv is a symbolic link"))
                .anySatisfy(line -> assertThat(line).startsWith("file:deep.json: not valid JSON").contains("nesting depth"));
        assertThat(FIXTURE.log()).doesNotContain("secret-first-line");
        assertThat(elsewhere).exists();
    }

    @Test
    void filesThatCannotBeReadGoToFailedWithTheReason() throws Exception {
        drop("no-header.csv", "4001,hello\n4002,bye\n");
        drop("empty.csv", "");
        drop("latin1.csv", "recipient_id,message\n4003,Gr\u00fc\u00dfe\n".getBytes(StandardCharsets.ISO_8859_1));
        drop("broken.json", "[{\"recipient_id\":\"4004\",\"message\":\"hi\"},");

        for (String name : List.of("no-header.csv", "empty.csv", "latin1.csv", "broken.json")) {
            awaitLanded(".failed", name, 1);
        }
        gateway.awaitOutcomes(4);

        assertThat(meta.sends()).isEmpty();
        assertThat(gateway.sent()).isEmpty();
        assertThat(gateway.failed()).allSatisfy(r -> assertThat(r.path("error").path("category").asText()).isEqualTo("invalid"));
        assertThat(gateway.failed()).extracting(r -> r.path("source").asText() + ": " + r.path("error").path("message").asText())
                .containsExactlyInAnyOrder(
                        "file:no-header.csv: the header row has no recipient_id (or comment_id) column and no message"
                                + " (or attachment_type) column; it must name recipient_id or comment_id, and message or attachment_type"
                                + " (the first line found: 4001,hello)",
                        "file:empty.csv: the file is empty: a CSV batch starts with a header row naming recipient_id or comment_id,"
                                + " and message or attachment_type (and optionally attachment_url, tag, idempotency_key, account)",
                        "file:latin1.csv: the file is not UTF-8 text (a byte sequence after row 0 is not UTF-8):"
                                + " save it as UTF-8 (\"CSV UTF-8\" in Excel)",
                        "file:broken.json: not valid JSON after row 1: Unexpected end-of-input within/between Array entries"
                                + " (line 1, column 41)");
        assertThat(landed(".done", "empty.csv")).isEmpty();
    }

    @Test
    void theSameFileDroppedTwiceSendsEachRowOnce() throws Exception {
        String content = "recipient_id,message\n5001,only once\n5002,also once\n";
        drop("twice.csv", content);
        awaitLanded(".done", "twice.csv", 1);
        gateway.awaitOutcomes(2);

        drop("twice.csv", content);
        awaitLanded(".done", "twice.csv", 2);
        gateway.awaitOutcomes(4);

        assertThat(textsMetaReceived()).containsExactlyInAnyOrder("only once", "also once");
        assertThat(gateway.sent()).hasSize(2);
        assertThat(gateway.failed()).hasSize(2).allSatisfy(r -> {
            assertThat(r.path("error").path("category").asText()).isEqualTo("duplicate");
            assertThat(r.path("source").asText()).startsWith("file:twice.csv#");
        });
    }

    @Test
    void aFileInterruptedMidWayIsTakenAgainWithoutDuplicateRecords() throws Exception {
        String content = "recipient_id,message\n5101,first run\n5102,first run too\n";
        drop("resumed.csv", content);
        awaitLanded(".done", "resumed.csv", 1);
        gateway.awaitOutcomes(2);

        // as after a crash while the file was being queued: the same file is back in the inbox, marked as begun
        // the way the file source marks it (the mark's own form is the source's business)
        InterruptedFiles marks = InterruptedFiles.under(FIXTURE.settings().get("gateway.data"));
        Path again = stage("resumed.csv", content);
        assertThat(marks.begin(again)).isFalse();
        Files.move(again, inbox.resolve("resumed.csv"), StandardCopyOption.ATOMIC_MOVE);
        awaitLanded(".done", "resumed.csv", 2);
        Thread.sleep(1000);

        assertThat(textsMetaReceived()).containsExactlyInAnyOrder("first run", "first run too");
        assertThat(gateway.sent()).hasSize(2);
        assertThat(gateway.failed()).as("rows handed over again end with their first record").isEmpty();

        // the mark went once the file was done: the very same file dropped once more is a new drop, its rows duplicates
        Files.move(stage("resumed.csv", content), inbox.resolve("resumed.csv"), StandardCopyOption.ATOMIC_MOVE);
        awaitLanded(".done", "resumed.csv", 3);
        gateway.awaitOutcomes(4);
        assertThat(gateway.failed()).hasSize(2)
                .allSatisfy(r -> assertThat(r.path("error").path("category").asText()).isEqualTo("duplicate"));
        assertThat(textsMetaReceived()).hasSize(2);
    }

    /** The file as it will sit in the inbox (same name, size and time stamp each time), written outside it. */
    private static Path stage(String name, String content) throws IOException {
        Path staged = Files.createDirectories(gateway.home().resolve("staging")).resolve(name);
        Files.writeString(staged, content);
        Files.setLastModifiedTime(staged, java.nio.file.attribute.FileTime.fromMillis(1_700_000_000_000L));
        return staged;
    }

    @Test
    void aFileBeingWrittenSlowlyIsReadOnlyWhenComplete() throws Exception {
        Files.createDirectories(inbox);
        int rows = 12;
        try (OutputStream out = Files.newOutputStream(inbox.resolve("slow.csv"))) {
            out.write("recipient_id,message\n".getBytes(StandardCharsets.UTF_8));
            for (int row = 1; row <= rows; row++) {
                out.flush();
                Thread.sleep(250);
                assertThat(landed(".done", "slow.csv")).as("taken while still being written").isEmpty();
                out.write(("600" + row + ",slow row " + row + "\n").getBytes(StandardCharsets.UTF_8));
            }
        }
        awaitLanded(".done", "slow.csv", 1);
        gateway.awaitOutcomes(rows);

        assertThat(meta.sends()).hasSize(rows);
        assertThat(gateway.sent()).hasSize(rows);
        assertThat(gateway.failed()).isEmpty();
        assertThat(landed(".done", "slow.csv")).hasSize(1);
    }
}
