package org.igdm.gateway.sink;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.impl.DefaultCamelContext;
import org.igdm.gateway.Json;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The default sinks on a disk that fills up: a real, small file system (a 64 KiB tmpfs, mounted by the test; the
 * suite runs as root, as CI does). A record is whole in the file or absent from it, never torn.
 */
class JsonLinesSinkTest {

    @TempDir
    Path temp;
    Path disk;
    CamelContext camel;
    ProducerTemplate producer;

    @BeforeEach
    void mountASmallDisk() throws Exception {
        disk = Files.createDirectories(temp.resolve("disk"));
        run("mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", disk.toString());
        camel = new DefaultCamelContext();
        camel.start();
        producer = camel.createProducerTemplate();
    }

    @AfterEach
    void unmount() throws Exception {
        camel.stop();
        run("umount", disk.toString());
    }

    @Test
    void whenTheDiskFillsUpARecordIsWholeOrAbsentAndTheSinkSaysItFails() throws Exception {
        String sink = "jsonl:" + disk.resolve("sent") + "?prefix=sent";
        String record = "{\"status\":\"sent\",\"recipient_id\":\"42\",\"padding\":\"" + "x".repeat(900) + "\"}";
        int written = 0;
        Exchange failed = null;
        while (failed == null && written < 1000) {
            Exchange exchange = producer.send(sink, e -> e.getMessage().setBody(record));
            if (exchange.getException() != null) {
                failed = exchange;
            } else {
                written++;
            }
        }
        JsonLinesComponent component = camel.getComponent(JsonLinesComponent.SCHEME, JsonLinesComponent.class);

        assertThat(failed).as("the disk never filled up").isNotNull();
        assertThat(failed.getException()).isInstanceOf(IOException.class).hasMessageContaining("No space left on device");
        Path file;
        try (var files = Files.list(disk.resolve("sent"))) {
            file = files.findFirst().orElseThrow();
        }
        assertThat(lines(file)).hasSize(written).allSatisfy(line -> assertThat(Json.MAPPER.readTree(line).path("padding").asText()).hasSize(900));
        assertThat(Files.size(file)).isEqualTo((long) written * (record.length() + 1));
        assertThat(component.failures()).containsOnlyKeys(file);

        // space comes back: the next record is a line of its own, and the sink is well again
        Files.writeString(file, "");
        Exchange after = producer.send(sink, e -> e.getMessage().setBody("{\"status\":\"sent\",\"recipient_id\":\"43\"}"));
        assertThat(after.getException()).isNull();
        assertThat(lines(file)).containsExactly("{\"status\":\"sent\",\"recipient_id\":\"43\"}");
        assertThat(component.failures()).isEmpty();
    }

    @Test
    void aRecordWithALineBreakIsRefusedNotSplit() {
        Exchange exchange = producer.send("jsonl:" + disk.resolve("failed") + "?prefix=failed",
                e -> e.getMessage().setBody("{\"a\":1}\n{\"b\":2}"));

        assertThat(exchange.getException()).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("line break");
        assertThat(disk.resolve("failed")).doesNotExist();
    }

    private static List<String> lines(Path file) throws IOException {
        return Files.readAllLines(file);
    }

    private static void run(String... command) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        if (process.waitFor() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed (the test needs root to mount a small tmpfs): " + output);
        }
    }
}
