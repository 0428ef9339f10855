package org.igdm.gateway.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Writes of concurrent callers share commits, and each is committed once. */
class GroupCommitTest {

    @TempDir
    Path data;
    GatewayStore store;
    GroupCommit writer;

    @BeforeEach
    void open() throws SQLException {
        store = new GatewayStore(new StoreSettings(null, null, null, data.toString(), 4));
        store.start();
        try (Connection connection = store.dataSource().getConnection();
                PreparedStatement create = connection.prepareStatement("CREATE TABLE written (caller INT, n INT)")) {
            create.execute();
        }
        writer = new GroupCommit(store.dataSource(), "test");
        writer.start();
    }

    @AfterEach
    void close() {
        writer.stop();
        store.stop();
    }

    @Test
    void concurrentCallersShareCommitsAndEachWriteIsCommittedOnce() throws Exception {
        int callers = 50;
        int writesEach = 20;
        List<Future<?>> done = new ArrayList<>();
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int c = 0; c < callers; c++) {
                int caller = c;
                done.add(threads.submit(() -> {
                    for (int n = 0; n < writesEach; n++) {
                        int row = n;
                        writer.write(connection -> insert(connection, caller, row));
                    }
                    return null;
                }));
            }
            for (Future<?> each : done) {
                each.get();
            }
        }

        assertThat(rows()).isEqualTo(callers * writesEach);
        assertThat(writer.writes()).isEqualTo(callers * writesEach);
        // while one batch commits, the other callers' writes wait for the next: far fewer commits than writes
        assertThat((double) writer.writes() / writer.commits()).isGreaterThanOrEqualTo(5);
    }

    private static int insert(Connection connection, int caller, int n) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement("INSERT INTO written (caller, n) VALUES (?, ?)")) {
            insert.setInt(1, caller);
            insert.setInt(2, n);
            return insert.executeUpdate();
        }
    }

    private int rows() throws SQLException {
        try (Connection connection = store.dataSource().getConnection();
                PreparedStatement count = connection.prepareStatement("SELECT COUNT(*) FROM written");
                ResultSet result = count.executeQuery()) {
            result.next();
            return result.getInt(1);
        }
    }
}
