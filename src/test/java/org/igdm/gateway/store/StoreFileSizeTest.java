package org.igdm.gateway.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The embedded store's file follows the rows it keeps, not the commits that wrote them: writes one after another make
 * a commit each (every one a chunk of H2's file), and while the store stays open the file comes down to a size
 * proportional to the rows.
 */
class StoreFileSizeTest {

    private static final int ROWS = 4_000;
    /** A webhook event's row is about 100 bytes; this leaves room for the chunks of the last commits. */
    private static final long BOUND = ROWS * 1_500L;

    @TempDir
    Path data;

    @Test
    void writesInSmallCommitsLeaveAFileProportionalToTheRows() throws Exception {
        GatewayStore store = new GatewayStore(new StoreSettings(null, null, null, data.toString(), 4));
        store.start();
        GroupCommit writer = new GroupCommit(store.dataSource(), "size-test");
        writer.start();
        try {
            // ids at random places of the index, as Meta's event ids and the keys' hashes fall
            for (int i = 0; i < ROWS; i++) {
                byte[] id = new byte[32];
                ThreadLocalRandom.current().nextBytes(id);
                writer.write(connection -> {
                    try (PreparedStatement insert = connection.prepareStatement("INSERT INTO webhook_events (event_id, kept_at) VALUES (?, ?)")) {
                        insert.setString(1, HexFormat.of().formatHex(id));
                        insert.setTimestamp(2, Timestamp.from(Instant.now()));
                        return insert.executeUpdate();
                    }
                });
            }
            long commits = writer.commits();
            assertThat(commits).as("one write at a time: no commit is shared").isEqualTo(ROWS);

            Path file = data.resolve("store.mv.db");
            await().atMost(Duration.ofMinutes(1)).untilAsserted(() -> assertThat(Files.size(file))
                    .as("the file after %d rows in %d commits", ROWS, commits).isLessThan(BOUND));
            // the rows are all still there: the file is small because the dead chunks went, not the data
            try (var connection = store.dataSource().getConnection(); Statement count = connection.createStatement();
                    ResultSet rows = count.executeQuery("SELECT COUNT(*) FROM webhook_events")) {
                rows.next();
                assertThat(rows.getLong(1)).isEqualTo(ROWS);
            }
        } finally {
            writer.stop();
            store.stop();
        }
    }
}
