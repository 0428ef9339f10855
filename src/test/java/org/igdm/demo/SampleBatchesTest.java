package org.igdm.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SampleBatchesTest {

    @TempDir
    Path inbox;

    @Test
    void dropsEachSampleOnceWholeAndNeverOneAlreadyProcessed() throws Exception {
        Files.createDirectories(inbox.resolve(".done"));
        Files.writeString(inbox.resolve(".done/20261123-213001-042-demo-batch.json"), "[]");

        assertThat(SampleBatches.dropInto(inbox)).containsExactly("demo-batch.csv");
        assertThat(Files.readString(inbox.resolve("demo-batch.csv"))).startsWith("recipient_id,message,tag,idempotency_key,account\r\n");
        assertThat(inbox.resolve("demo-batch.json")).doesNotExist();
        try (var left = Files.list(inbox)) {
            assertThat(left).noneMatch(file -> file.getFileName().toString().endsWith(".part"));
        }

        assertThat(SampleBatches.dropInto(inbox)).isEmpty();
    }
}
