package org.igdm.gateway;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.apache.camel.spi.PropertiesComponent;
import org.igdm.gateway.account.AccountSettings;
import org.igdm.gateway.account.Accounts;
import org.igdm.gateway.broker.BrokerSettings;
import org.igdm.gateway.graph.GraphEndpoints;
import org.igdm.gateway.pacing.KindLimitSettings;
import org.igdm.gateway.pacing.PacingSettings;
import org.igdm.gateway.store.GatewayStore;
import org.igdm.gateway.store.StoreSettings;

/**
 * The settings the Java side of the gateway needs, read once at startup from Camel's properties (the
 * top-level application.properties, overridden by environment variables and system properties).
 * A missing or malformed setting stops the startup with a message that says what to set.
 */
public record GatewaySettings(
        GraphEndpoints graph,
        Accounts accounts,
        Duration tokenReloadInterval,
        int maxAttempts,
        Duration retryInitialDelay,
        Duration retryMaxDelay,
        String sentSink,
        String failedSink,
        String dataDir,
        BrokerSettings broker,
        PacingSettings pacing,
        KindLimitSettings kindLimits,
        StoreSettings store,
        String instance,
        Duration idempotencyRetention,
        Duration httpIdleTimeout,
        int httpMaxConnections,
        Duration readBackSettle) {

    public static GatewaySettings from(PropertiesComponent properties) {
        Reader reader = new Reader(properties);
        String graphUrl = reader.url("ig.graph-url", "the Messenger Platform's base URL, https://graph.facebook.com");
        String instagramGraphUrl = reader.url("ig.instagram-graph-url", "the Instagram API's base URL, https://graph.instagram.com");
        String apiVersion = reader.required("ig.api-version", "the Graph API version, e.g. v25.0");
        int connectTimeout = reader.positiveInt("gateway.graph.connect-timeout-ms");
        int callTimeout = reader.positiveInt("gateway.graph.call-timeout-ms");
        int readBackSettle = reader.positiveInt("gateway.graph.read-back-settle-ms");
        int tokenReload = reader.positiveInt("gateway.accounts.token-reload-ms");
        int maxAttempts = reader.positiveInt("gateway.retry.max-attempts");
        long initialDelay = reader.positiveInt("gateway.retry.initial-delay-ms");
        long maxDelay = reader.positiveInt("gateway.retry.max-delay-ms");
        String sentSink = reader.required("gateway.sink.sent", "a Camel endpoint URI for sent records");
        String failedSink = reader.required("gateway.sink.failed", "a Camel endpoint URI for failed records");
        String dataDir = reader.required("gateway.data", "a folder for the broker journal and the idempotency store");
        BrokerSettings broker = new BrokerSettings(
                reader.optional("gateway.jms.broker-url"),
                reader.optional("gateway.jms.username"),
                reader.optional("gateway.jms.password"),
                reader.required("gateway.jms.host", "the embedded broker's listening address, 127.0.0.1"),
                reader.positiveInt("gateway.jms.port"),
                BrokerSettings.parseUsers(reader.optional("gateway.jms.users"), reader.problems),
                Optional.ofNullable(reader.optional("gateway.jms.tls.keystore")).map(Path::of).orElse(null),
                reader.optional("gateway.jms.tls.keystore-password"));
        reader.problems.addAll(broker.problems());
        Duration arrivalBound = reader.optional("gateway.pacing.arrival-bound-ms") == null ? PacingSettings.NO_ARRIVAL_BOUND
                : Duration.ofMillis(reader.positiveInt("gateway.pacing.arrival-bound-ms"));
        PacingSettings pacing = new PacingSettings(
                reader.positiveInt("ig.max-sends-per-second"),
                Math.min(99, reader.positiveInt("gateway.pacing.slow-down-at-percent")),
                Duration.ofMillis(reader.positiveInt("gateway.pacing.rate-limit-pause-ms")),
                Duration.ofMillis(reader.positiveInt("gateway.pacing.max-pause-ms")),
                reader.positiveInt("gateway.breaker.failure-threshold"),
                Duration.ofMillis(reader.positiveInt("gateway.breaker.open-ms")),
                Duration.ofMillis(reader.positiveInt("gateway.breaker.max-open-ms")),
                arrivalBound);
        KindLimitSettings kindLimits = new KindLimitSettings(reader.positiveInt("ig.max-audio-video-per-second"),
                reader.positiveInt("ig.max-private-replies-per-hour"), arrivalBound);
        StoreSettings store = new StoreSettings(reader.optional("gateway.store.url"), reader.optional("gateway.store.username"),
                reader.optional("gateway.store.password"), dataDir, reader.positiveInt("gateway.store.pool-size"));
        if (store.url() != null && !store.url().startsWith("jdbc:postgresql:")) {
            reader.problems.add("gateway.store.url must be a PostgreSQL JDBC URL (jdbc:postgresql://host:5432/database), got '"
                    + GatewayStore.redacted(store.url()) + "'");
        }
        String instance = reader.optional("gateway.instance");
        int retentionDays = reader.positiveInt("gateway.idempotency.retention-days");
        int httpIdleTimeout = reader.positiveInt("gateway.http.idle-timeout-s");
        int httpMaxConnections = reader.positiveInt("gateway.http.max-connections");
        Accounts accounts = new AccountSettings(properties::resolveProperty, reader.problems)
                .read(propertyKeys(properties), System.getenv().keySet(), pacing.maxSendsPerSecond());
        reader.failIfAnyProblem();
        GraphEndpoints graph = new GraphEndpoints(graphUrl, instagramGraphUrl, apiVersion,
                Duration.ofMillis(connectTimeout), Duration.ofMillis(callTimeout));
        return new GatewaySettings(graph, accounts, Duration.ofMillis(tokenReload), maxAttempts,
                Duration.ofMillis(initialDelay), Duration.ofMillis(maxDelay), sentSink, failedSink, dataDir, broker,
                pacing, kindLimits, store, instance == null ? defaultInstance() : instance, Duration.ofDays(retentionDays),
                Duration.ofSeconds(httpIdleTimeout), httpMaxConnections, Duration.ofMillis(readBackSettle));
    }

    /** Every key of the properties files, override properties included, and of the JVM's system properties. */
    private static Set<String> propertyKeys(PropertiesComponent properties) {
        Set<String> keys = new HashSet<>(properties.loadProperties().stringPropertyNames());
        keys.addAll(System.getProperties().stringPropertyNames());
        return keys;
    }

    /** This process on this machine: the host name and the process id. */
    private static String defaultInstance() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            host = "localhost";
        }
        return host + "-" + ProcessHandle.current().pid();
    }

    /** Collects every problem first, so that one start tells the operator everything to fix. */
    private static final class Reader {
        private final PropertiesComponent properties;
        private final List<String> problems = new ArrayList<>();

        Reader(PropertiesComponent properties) {
            this.properties = properties;
        }

        String required(String key, String what) {
            String value = optional(key);
            if (value == null) {
                problems.add(key + " is not set: set it to " + what + " in application.properties, or set the environment variable "
                        + envName(key) + " or the system property -D" + key);
                return null;
            }
            return value;
        }

        /** The value, or null when the key is absent or blank (the setting is then off). */
        String optional(String key) {
            return properties.resolveProperty(key).map(String::strip).filter(v -> !v.isEmpty()).orElse(null);
        }

        String url(String key, String what) {
            String url = required(key, what);
            if (url != null && !url.startsWith("http://") && !url.startsWith("https://")) {
                problems.add(key + " must start with https:// (or http:// for a local stub), got '" + url + "'");
            }
            return url;
        }

        int positiveInt(String key) {
            String value = required(key, "a whole number of at least 1");
            if (value == null) {
                return 1;
            }
            try {
                int number = Integer.parseInt(value);
                if (number >= 1) {
                    return number;
                }
            } catch (NumberFormatException ignored) {
                // reported below
            }
            problems.add(key + " must be a whole number of at least 1, got '" + value + "'");
            return 1;
        }

        void failIfAnyProblem() {
            if (!problems.isEmpty()) {
                throw new IllegalStateException("The gateway cannot start:\n  - " + String.join("\n  - ", problems));
            }
        }

        private static String envName(String key) {
            return key.toUpperCase().replace('.', '_').replace('-', '_');
        }
    }
}
