package org.igdm.gateway.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.nio.file.Path;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.apache.camel.support.service.ServiceSupport;
import org.flywaydb.core.Flyway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway's database: what must outlive the process (sent idempotency keys, messaging windows, batch
 * progress) and, in a cluster, be known to every instance. One instance alone keeps it in an embedded H2
 * database under {@code gateway.data}; several share a PostgreSQL database named by {@code gateway.store.url}.
 * Both run the same schema, migrated by Flyway from {@code classpath:db/migration} at startup, and the same
 * SQL: H2 runs in its PostgreSQL mode, so each repository is written once, in PostgreSQL's dialect (as far as
 * H2 follows it: {@code INSERT ... ON CONFLICT DO NOTHING} works on both, a conflict target or DO UPDATE does
 * not; the tests of the store and of each repository's tests run on both).
 */
public final class GatewayStore extends ServiceSupport {

    private static final Logger LOG = LoggerFactory.getLogger(GatewayStore.class);
    /** The registry name of the {@link DataSource}, for Camel components (camel-sql) and repositories. */
    public static final String DATA_SOURCE = "gatewayStore";

    private final StoreSettings settings;
    private HikariDataSource dataSource;
    /** The embedded store's {@link EmbeddedFileUpkeep}. */
    private ScheduledExecutorService upkeep;

    public GatewayStore(StoreSettings settings) {
        this.settings = settings;
    }

    /** Open from startup to shutdown; repositories borrow connections from its pool. */
    public DataSource dataSource() {
        if (dataSource == null) {
            throw new IllegalStateException("the store is not started");
        }
        return dataSource;
    }

    /** True when the store is a database shared with other gateway instances (PostgreSQL). */
    public boolean shared() {
        return settings.url() != null;
    }

    @Override
    protected void doStart() {
        HikariConfig config = new HikariConfig();
        config.setPoolName("gateway-store");
        if (shared()) {
            config.setJdbcUrl(settings.url());
            config.setUsername(settings.username());
            config.setPassword(settings.password());
        } else {
            config.setJdbcUrl(embeddedUrl(settings.dataDir()));
        }
        config.setMaximumPoolSize(settings.poolSize());
        dataSource = new HikariDataSource(config);
        Flyway.configure().dataSource(dataSource).locations("classpath:db/migration").load().migrate();
        if (!shared()) {
            long every = EmbeddedFileUpkeep.EVERY.toMillis();
            upkeep = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().name("store-upkeep").factory());
            upkeep.scheduleWithFixedDelay(new EmbeddedFileUpkeep(dataSource), every, every, TimeUnit.MILLISECONDS);
        }
        LOG.info("Store: {} (schema migrated)", shared() ? "shared PostgreSQL database " + redacted(settings.url())
                : "embedded database under " + settings.dataDir());
    }

    @Override
    protected void doStop() throws InterruptedException {
        if (upkeep != null) {
            upkeep.shutdown();
            upkeep.awaitTermination(10, TimeUnit.SECONDS);
        }
        if (dataSource != null) {
            dataSource.close();
        }
    }

    /**
     * H2 in PostgreSQL mode, so that the repositories' SQL runs unchanged on both. WRITE_DELAY=0: a commit is
     * in the file (the operating system's cache) when it returns, so a killed process loses no committed write.
     * RETENTION_TIME: {@link EmbeddedFileUpkeep#CHUNK_RETENTION}, safe because the upkeep forces the file to disk.
     * DB_CLOSE_ON_EXIT=FALSE: H2 would close the database in a shutdown hook of its own at SIGTERM, while Camel still
     * finishes the sends under way, whose keys must still be written; the store closes it when it stops, last.
     */
    static String embeddedUrl(String dataDir) {
        return "jdbc:h2:file:" + Path.of(dataDir, "store").toAbsolutePath()
                + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;WRITE_DELAY=0;RETENTION_TIME="
                + EmbeddedFileUpkeep.CHUNK_RETENTION.toMillis() + ";DB_CLOSE_ON_EXIT=FALSE";
    }

    /** A JDBC URL may carry a password (?password=...): the log gets the part before the parameters. */
    public static String redacted(String url) {
        int parameters = url.indexOf('?');
        return parameters < 0 ? url : url.substring(0, parameters) + "?…";
    }
}
