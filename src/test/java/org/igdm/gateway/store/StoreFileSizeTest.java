package org.igdm.gateway.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import org.igdm.gateway.idempotency.FirstDelivery;
import org.igdm.gateway.idempotency.IdempotencyRepository;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The embedded store's file follows the keys it keeps, not the commits that wrote them: sends one after another make
 * a commit each (every one a chunk of H2's file), and while the store stays open the file comes down to a size
 * proportional to the keys.
 */
class StoreFileSizeTest {

    private static final int KEYS = 2_000;
    /** The live data is about 300 bytes a key; this leaves room for the chunks of the last commits. */
    private static final long BOUND = KEYS * 2_000L;

    @TempDir
    Path data;

    @Test
    void sendsInSmallCommitsLeaveAFileProportionalToTheKeys() throws Exception {
        GatewayStore store = new GatewayStore(new StoreSettings(null, null, null, data.toString(), 4));
        store.start();
        IdempotencyRepository keys = new IdempotencyRepository(store.dataSource(), "size-test", true, Duration.ofDays(7));
        keys.start();
        try {
            for (int i = 0; i < KEYS; i++) {
                send(keys, i);
            }
            long commits = keys.writer().commits();
            assertThat(commits).as("one send at a time: no commit is shared").isGreaterThanOrEqualTo(2L * KEYS);

            Path file = data.resolve("store.mv.db");
            await().atMost(Duration.ofMinutes(1)).untilAsserted(() -> assertThat(Files.size(file))
                    .as("the file after %d keys in %d commits", KEYS, commits).isLessThan(BOUND));
            // the keys are all still there: the file is small because the dead chunks went, not the data
            for (int i = 0; i < KEYS; i += 97) {
                assertThat(keys.claim(key(i), fingerprint(i))).isInstanceOf(IdempotencyRepository.Claim.Recorded.class);
            }
        } finally {
            keys.stop();
            store.stop();
        }
    }

    private static void send(IdempotencyRepository keys, int i) {
        String messageId = "aWdfZAG1faXRlbToxOklHTWVzc2FnZAUlEOjE3ODQxNDAwMDAwMDAwMDAxOjM0MDI4MjM2Njg0MTcxMDMwMTI0NDI3" + i;
        assertThat(keys.claim(key(i), fingerprint(i))).isInstanceOf(IdempotencyRepository.Claim.Granted.class);
        keys.recordSent(key(i), new FirstDelivery("file:orders.csv#" + i, "1784140000" + i, messageId, 1,
                Instant.now().truncatedTo(ChronoUnit.MICROS)), "{\"status\":\"sent\",\"message_id\":\"" + messageId + "\"}", fingerprint(i));
        keys.markRecorded(key(i));
    }

    private static String key(int i) {
        return "order-2026-11-29-" + i;
    }

    private static byte[] fingerprint(int i) {
        return Arrays.copyOf(key(i).getBytes(StandardCharsets.UTF_8), 32);
    }
}
