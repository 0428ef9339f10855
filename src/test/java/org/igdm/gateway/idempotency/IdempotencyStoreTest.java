package org.igdm.gateway.idempotency;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdempotencyStoreTest {

    @TempDir
    Path data;

    @Test
    void aSentKeyAndWhetherItsRecordWasWrittenSurviveARestart() {
        IdempotencyStore store = new IdempotencyStore(data.resolve("idempotency.mv.db"));
        store.start();
        store.recordSent("order-1", "{\"message_id\":\"mid.1\"}");
        store.recordSent("order-2", "{\"message_id\":\"mid.2\"}");
        store.markRecorded("order-2");
        store.stop();

        IdempotencyStore reopened = new IdempotencyStore(data.resolve("idempotency.mv.db"));
        reopened.start();
        assertThat(reopened.find("order-1")).contains(new IdempotencyStore.Sent("{\"message_id\":\"mid.1\"}", false));
        assertThat(reopened.find("order-2")).contains(new IdempotencyStore.Sent("{\"message_id\":\"mid.2\"}", true));
        assertThat(reopened.find("order-3")).isEmpty();
        reopened.stop();
    }
}
