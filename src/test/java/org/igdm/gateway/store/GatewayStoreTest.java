package org.igdm.gateway.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import org.igdm.gateway.support.PostgresServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The same schema and SQL on both stores: the embedded H2 database and a real PostgreSQL server. */
class GatewayStoreTest {

    @TempDir
    Path data;

    @Test
    void theEmbeddedStoreIsMigratedAndKeepsItsRowsAcrossARestart() throws Exception {
        StoreSettings settings = new StoreSettings(null, null, null, data.toString(), 2);
        GatewayStore store = new GatewayStore(settings);
        store.start();
        execute(store, "INSERT INTO store_info (info_key, info_value) VALUES ('probe', 'kept') ON CONFLICT DO NOTHING");
        store.stop();

        GatewayStore reopened = new GatewayStore(settings);
        reopened.start();
        assertThat(value(reopened, "probe")).isEqualTo("kept");
        assertThat(value(reopened, "created_by")).isEqualTo("ig-dm-gateway");
        reopened.stop();
        assertThat(data.resolve("store.mv.db")).exists();
    }

    @Test
    void aPostgresStoreRunsTheSameSchemaAndDialect() throws Exception {
        GatewayStore store = new GatewayStore(new StoreSettings(PostgresServer.shared().newDatabase(), PostgresServer.USER, null, data.toString(), 2));
        store.start();
        assertThat(store.shared()).isTrue();
        execute(store, "INSERT INTO store_info (info_key, info_value) VALUES ('probe', 'kept') ON CONFLICT DO NOTHING");
        execute(store, "INSERT INTO store_info (info_key, info_value) VALUES ('probe', 'again') ON CONFLICT DO NOTHING");
        assertThat(value(store, "probe")).isEqualTo("kept");
        store.stop();
    }

    @Test
    void anUnreachableDatabaseFailsTheStartNamingIt() {
        String url = "jdbc:postgresql://127.0.0.1:1/nowhere?password=secret-in-url";
        GatewayStore store = new GatewayStore(new StoreSettings(url, "gateway", "secret-password", data.toString(), 1));
        assertThatThrownBy(store::start).hasStackTraceContaining("127.0.0.1:1")
                .satisfies(e -> assertThat(stackTrace(e)).doesNotContain("secret-password"));
    }

    private static String stackTrace(Throwable e) {
        java.io.StringWriter out = new java.io.StringWriter();
        e.printStackTrace(new java.io.PrintWriter(out));
        return out.toString();
    }

    private static void execute(GatewayStore store, String sql) throws Exception {
        try (Connection connection = store.dataSource().getConnection(); Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }

    private static String value(GatewayStore store, String name) throws Exception {
        try (Connection connection = store.dataSource().getConnection(); Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery("SELECT info_value FROM store_info WHERE info_key = '" + name + "'")) {
            return rows.next() ? rows.getString(1) : null;
        }
    }
}
