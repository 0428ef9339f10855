package org.igdm.gateway.idempotency;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.apache.camel.support.service.ServiceSupport;
import org.igdm.gateway.idempotency.IdempotencyKeys.Claim;
import org.igdm.gateway.store.GatewayStore;
import org.igdm.gateway.store.StoreSettings;
import org.igdm.gateway.support.PostgresServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The idempotency keys' states, in both stores: a lone instance's embedded keys, and a real PostgreSQL server shared by instances. */
class IdempotencyKeysTest {

    private static final Duration RETENTION = Duration.ofDays(7);
    /** The fingerprint of the request a key is sent for, and of another request. */
    private static final byte[] REQUEST = fingerprint(1);
    private static final byte[] ANOTHER_REQUEST = fingerprint(2);
    private static final FirstDelivery FIRST = new FirstDelivery("jms", "42", "mid.1", 2, Instant.parse("2026-11-29T10:15:30.123456Z"));

    @TempDir
    Path data;
    GatewayStore store;
    final AtomicLong clock = new AtomicLong(Instant.parse("2026-11-29T12:00:00Z").toEpochMilli());
    final List<ServiceSupport> started = new ArrayList<>();

    @AfterEach
    void close() {
        started.forEach(ServiceSupport::stop);
        store.stop();
    }

    private void open(String kind) {
        String url = kind.equals("postgres") ? PostgresServer.shared().newDatabase() : null;
        store = new GatewayStore(new StoreSettings(url, url == null ? null : PostgresServer.USER, null, data.toString(), 4));
        store.start();
    }

    private IdempotencyKeys instance(String name) {
        return instance(name, clock::get);
    }

    /** The keys of one instance: on a shared store, named; the embedded store has one instance, and no name. */
    private IdempotencyKeys instance(String name, LongSupplier instanceClock) {
        RetainedKeys keys = store.shared() ? new SharedKeys(store.dataSource(), name, RETENTION, instanceClock)
                : new EmbeddedKeys(data.toString(), store.dataSource(), RETENTION, instanceClock);
        keys.start();
        started.add(keys);
        try {
            // the deletion at start runs on the keys' own thread: it must be done before a test moves the clock on
            keys.awaitStartDeletion();
        } catch (Exception e) {
            throw new IllegalStateException("the deletion at start did not end", e);
        }
        return keys;
    }

    /** The instance is gone: on the embedded store its process ended (what it kept in memory with it). */
    private void end(IdempotencyKeys instance) {
        if (!store.shared()) {
            ((ServiceSupport) instance).stop();
            started.remove(instance);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"embedded", "postgres"})
    void aKeyIsClaimedOnceThenSentThenRecordedWithItsFirstDelivery(String kind) {
        open(kind);
        IdempotencyKeys keys = instance("a");

        assertThat(keys.claim("order-1", REQUEST)).isInstanceOf(Claim.Granted.class);
        assertThat(keys.claim("order-1", REQUEST)).as("in flight while the first call is under way").isInstanceOf(Claim.InFlight.class);
        keys.recordSent("order-1", FIRST, "{\"status\":\"sent\",\"message_id\":\"mid.1\"}", REQUEST);
        assertThat(keys.claim("order-1", REQUEST)).as("the first is writing its record").isInstanceOf(Claim.InFlight.class);
        keys.markRecorded("order-1");

        assertThat(keys.claim("order-1", REQUEST)).isEqualTo(new Claim.Recorded(FIRST));
        assertThat(keys.claim("order-2", REQUEST)).isInstanceOf(Claim.Granted.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"embedded", "postgres"})
    void aReleasedKeyMayBeSentByTheNextRequest(String kind) {
        open(kind);
        IdempotencyKeys keys = instance("a");
        keys.claim("order-1", REQUEST);
        keys.release("order-1");
        assertThat(keys.claim("order-1", REQUEST)).isInstanceOf(Claim.Granted.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"embedded", "postgres"})
    void aPendingRecordThatTheSinkRefusedIsHandedToTheNextRequestOnce(String kind) {
        open(kind);
        IdempotencyKeys keys = instance("a");
        keys.claim("order-1", REQUEST);
        keys.recordSent("order-1", FIRST, "{\"message_id\":\"mid.1\"}", REQUEST);
        keys.abandonPending("order-1");

        assertThat(keys.claim("order-1", REQUEST)).isEqualTo(new Claim.Unrecorded("{\"message_id\":\"mid.1\"}"));
        assertThat(keys.claim("order-1", REQUEST)).as("taken by the request that writes it").isInstanceOf(Claim.InFlight.class);
        keys.markRecorded("order-1");
        assertThat(keys.claim("order-1", REQUEST)).isEqualTo(new Claim.Recorded(FIRST));
    }

    @ParameterizedTest
    @ValueSource(strings = {"embedded", "postgres"})
    void theNextStartWritesWhatAKilledRunLeftPendingAndFreesItsClaims(String kind) {
        open(kind);
        // the killed run's clock stands still: its last heartbeat stays behind as the others' clock moves on
        long killedAt = clock.get();
        IdempotencyKeys killed = instance("run-1", () -> killedAt);
        killed.claim("in-flight", REQUEST);
        killed.claim("confirmed", REQUEST);
        killed.recordSent("confirmed", FIRST, "{\"message_id\":\"mid.1\"}", REQUEST);
        end(killed);

        clock.addAndGet(SharedKeys.STALE_AFTER.toMillis() + 1);
        IdempotencyKeys next = instance("run-2");
        List<String> written = new ArrayList<>();
        assertThat(next.recoverPending(written::add)).isEqualTo(1);
        assertThat(written).containsExactly("{\"message_id\":\"mid.1\"}");
        assertThat(next.claim("confirmed", REQUEST)).isEqualTo(new Claim.Recorded(FIRST));
        assertThat(next.claim("in-flight", REQUEST)).as("the killed run's call may be made again").isInstanceOf(Claim.Granted.class);
        assertThat(next.recoverPending(written::add)).isZero();
    }

    @Test
    void aLiveInstancesClaimHoldsOnAnotherInstanceUntilItStopsBeatingThenItIsTakenOver() {
        open("postgres");
        IdempotencyKeys a = instance("a");
        IdempotencyKeys b = instance("b");
        a.claim("order-1", REQUEST);
        assertThat(b.claim("order-1", REQUEST)).isInstanceOf(Claim.InFlight.class);
        clock.addAndGet(SharedKeys.STALE_AFTER.toMillis() + 1);
        assertThat(b.claim("order-1", REQUEST)).as("a has not said it is alive for too long").isInstanceOf(Claim.Granted.class);
    }

    @Test
    void aLoneInstancesClaimEndsWithItsProcessAndItsRecordedKeyOutlivesIt() {
        open("embedded");
        IdempotencyKeys first = instance("a");
        assertThat(first.claim("claimed", REQUEST)).isInstanceOf(Claim.Granted.class);
        assertThat(first.claim("sent", REQUEST)).isInstanceOf(Claim.Granted.class);
        first.recordSent("sent", FIRST, "{}", REQUEST);
        first.markRecorded("sent");
        end(first);

        IdempotencyKeys next = instance("a");
        assertThat(next.claim("claimed", REQUEST)).as("the ended process's claim holds nothing").isInstanceOf(Claim.Granted.class);
        assertThat(next.claim("sent", REQUEST)).isEqualTo(new Claim.Recorded(FIRST));
    }

    @ParameterizedTest
    @ValueSource(strings = {"embedded", "postgres"})
    void keysAreDeletedAfterTheRetentionButNeverAPendingRecord(String kind) {
        open(kind);
        IdempotencyKeys keys = instance("a");
        keys.claim("old", REQUEST);
        keys.recordSent("old", FIRST, "{}", REQUEST);
        keys.markRecorded("old");
        keys.claim("old-pending", REQUEST);
        keys.recordSent("old-pending", FIRST, "{\"pending\":true}", REQUEST);
        keys.abandonPending("old-pending");
        clock.addAndGet(RETENTION.toMillis() + 1);
        keys.claim("new", REQUEST);
        keys.recordSent("new", FIRST, "{}", REQUEST);
        keys.markRecorded("new");

        assertThat(keys.deleteExpired()).isEqualTo(1);
        assertThat(keys.claim("old", REQUEST)).isInstanceOf(Claim.Granted.class);
        assertThat(keys.claim("old-pending", REQUEST)).isEqualTo(new Claim.Unrecorded("{\"pending\":true}"));
        assertThat(keys.claim("new", REQUEST)).isEqualTo(new Claim.Recorded(FIRST));
    }

    @ParameterizedTest
    @ValueSource(strings = {"embedded", "postgres"})
    void concurrentRequestsWithOneKeyGetOneGrant(String kind) throws Exception {
        open(kind);
        IdempotencyKeys a = instance("a");
        // the embedded store has one instance; a shared one has two, each with its own writer
        IdempotencyKeys b = store.shared() ? instance("b") : a;
        ExecutorService callers = Executors.newVirtualThreadPerTaskExecutor();
        List<Callable<Claim>> claims = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            IdempotencyKeys each = i % 2 == 0 ? a : b;
            claims.add(() -> each.claim("shared-key", REQUEST));
        }
        long granted = 0;
        for (Future<Claim> claim : callers.invokeAll(claims)) {
            granted += claim.get() instanceof Claim.Granted ? 1 : 0;
        }
        callers.shutdown();
        assertThat(granted).isEqualTo(1);
    }

    @ParameterizedTest
    @ValueSource(strings = {"embedded", "postgres"})
    void aKeySentForOneRequestIsReusedForAnotherAndStillAnswersTheSameRequest(String kind) {
        IdempotencyKeys keys = sentForRequest(kind);
        keys.markRecorded("order-1");

        assertThat(keys.claim("order-1", ANOTHER_REQUEST)).isInstanceOf(Claim.Reused.class);
        assertThat(keys.claim("order-1", REQUEST)).isEqualTo(new Claim.Recorded(FIRST));
        assertThat(keys.claim("order-1", ANOTHER_REQUEST)).as("a refusal takes nothing").isInstanceOf(Claim.Reused.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"embedded", "postgres"})
    void aPendingRecordIsHandedOnlyToItsOwnRequest(String kind) {
        IdempotencyKeys keys = sentForRequest(kind);
        keys.abandonPending("order-1");

        assertThat(keys.claim("order-1", ANOTHER_REQUEST)).isInstanceOf(Claim.Reused.class);
        assertThat(keys.claim("order-1", REQUEST)).isEqualTo(new Claim.Unrecorded("{\"message_id\":\"mid.1\"}"));
    }

    @Test
    void aKeySentBeforeFingerprintsWereKeptAnswersAnyRequestAsBefore() throws Exception {
        IdempotencyKeys keys = sentForRequest("postgres");
        keys.markRecorded("order-1");
        try (Connection connection = store.dataSource().getConnection(); Statement statement = connection.createStatement()) {
            statement.executeUpdate("UPDATE idempotency_key SET fingerprint = NULL");
        }

        assertThat(keys.claim("order-1", ANOTHER_REQUEST)).isEqualTo(new Claim.Recorded(FIRST));
    }

    @Test
    void keysAnEarlierVersionKeptInTheEmbeddedDatabaseAreMovedOnceAndAnswerAsBefore() throws Exception {
        open("embedded");
        // as the earlier version left them: one recorded before fingerprints were kept, one pending, one claim
        insertEarlierRow("recorded", KeyState.RECORDED, null, null);
        insertEarlierRow("pending", KeyState.PENDING, "{\"message_id\":\"mid.1\"}", REQUEST);
        insertEarlierRow("claimed", KeyState.CLAIMED, null, null);

        IdempotencyKeys keys = instance("a");
        assertThat(earlierRows()).as("moved out of the database").isZero();
        assertThat(keys.claim("recorded", ANOTHER_REQUEST)).isEqualTo(new Claim.Recorded(FIRST));
        List<String> written = new ArrayList<>();
        assertThat(keys.recoverPending(written::add)).isEqualTo(1);
        assertThat(written).containsExactly("{\"message_id\":\"mid.1\"}");
        assertThat(keys.claim("pending", REQUEST)).isEqualTo(new Claim.Recorded(FIRST));
        assertThat(keys.claim("claimed", REQUEST)).as("a claim was never confirmed").isInstanceOf(Claim.Granted.class);

        end(keys);
        IdempotencyKeys next = instance("a");
        assertThat(next.claim("recorded", REQUEST)).isEqualTo(new Claim.Recorded(FIRST));
        assertThat(next.recoverPending(written::add)).isZero();
    }

    private void insertEarlierRow(String key, char status, String fullRecord, byte[] fingerprint) throws Exception {
        try (Connection connection = store.dataSource().getConnection(); PreparedStatement insert = connection.prepareStatement(
                "INSERT INTO idempotency_key (key_hash, status, owner, claimed_at, sent_at, message_id, source, recipient_id, attempts, "
                        + "full_record, fingerprint) VALUES (?, ?, 'earlier', ?, ?, ?, ?, ?, ?, ?, ?)")) {
            boolean sent = status != KeyState.CLAIMED;
            insert.setBytes(1, IdempotencyKeys.hash(key));
            insert.setString(2, String.valueOf(status));
            insert.setLong(3, clock.get());
            insert.setObject(4, sent ? ChronoUnit.MICROS.between(Instant.EPOCH, FIRST.sentAt()) : null);
            insert.setString(5, sent ? FIRST.messageId() : null);
            insert.setString(6, sent ? FIRST.source() : null);
            insert.setString(7, sent ? FIRST.recipientId() : null);
            insert.setObject(8, sent ? FIRST.attempts() : null);
            insert.setString(9, fullRecord);
            insert.setBytes(10, fingerprint);
            insert.executeUpdate();
        }
    }

    private long earlierRows() throws Exception {
        try (Connection connection = store.dataSource().getConnection(); Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery("SELECT COUNT(*) FROM idempotency_key")) {
            rows.next();
            return rows.getLong(1);
        }
    }

    /** Keys on a fresh store in which key order-1 was sent for {@link #REQUEST}, its record pending. */
    private IdempotencyKeys sentForRequest(String kind) {
        open(kind);
        IdempotencyKeys keys = instance("a");
        keys.claim("order-1", REQUEST);
        keys.recordSent("order-1", FIRST, "{\"message_id\":\"mid.1\"}", REQUEST);
        return keys;
    }

    private static byte[] fingerprint(int seed) {
        byte[] fingerprint = new byte[32];
        Arrays.fill(fingerprint, (byte) seed);
        return fingerprint;
    }
}
