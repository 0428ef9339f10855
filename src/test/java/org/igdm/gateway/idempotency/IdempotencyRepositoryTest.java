package org.igdm.gateway.idempotency;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.igdm.gateway.idempotency.IdempotencyRepository.Claim;
import org.igdm.gateway.store.GatewayStore;
import org.igdm.gateway.store.StoreSettings;
import org.igdm.gateway.support.PostgresServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The idempotency keys' states, on both stores: the embedded H2 database and a real PostgreSQL server. */
class IdempotencyRepositoryTest {

    private static final Duration RETENTION = Duration.ofDays(7);
    /** The fingerprint of the request a key is sent for, and of another request. */
    private static final byte[] REQUEST = fingerprint(1);
    private static final byte[] ANOTHER_REQUEST = fingerprint(2);
    private static final FirstDelivery FIRST = new FirstDelivery("jms", "42", "mid.1", 2, Instant.parse("2026-11-29T10:15:30.123456Z"));

    @TempDir
    Path data;
    GatewayStore store;
    final AtomicLong clock = new AtomicLong(Instant.parse("2026-11-29T12:00:00Z").toEpochMilli());
    final List<IdempotencyRepository> repositories = new ArrayList<>();

    @AfterEach
    void close() {
        repositories.forEach(IdempotencyRepository::stop);
        store.stop();
    }

    private void open(String kind) {
        String url = kind.equals("postgres") ? PostgresServer.shared().newDatabase() : null;
        store = new GatewayStore(new StoreSettings(url, url == null ? null : PostgresServer.USER, null, data.toString(), 4));
        store.start();
    }

    private IdempotencyRepository instance(String name) {
        IdempotencyRepository repository = new IdempotencyRepository(store.dataSource(), name, !store.shared(), RETENTION, clock::get);
        repository.start();
        repositories.add(repository);
        return repository;
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgres"})
    void aKeyIsClaimedOnceThenSentThenRecordedWithItsFirstDelivery(String kind) {
        open(kind);
        IdempotencyRepository repository = instance("a");

        assertThat(repository.claim("order-1", REQUEST)).isInstanceOf(Claim.Granted.class);
        assertThat(repository.claim("order-1", REQUEST)).as("in flight while the first call is under way").isInstanceOf(Claim.InFlight.class);
        repository.recordSent("order-1", FIRST, "{\"status\":\"sent\",\"message_id\":\"mid.1\"}", REQUEST);
        assertThat(repository.claim("order-1", REQUEST)).as("the first is writing its record").isInstanceOf(Claim.InFlight.class);
        repository.markRecorded("order-1");

        assertThat(repository.claim("order-1", REQUEST)).isEqualTo(new Claim.Recorded(FIRST));
        assertThat(repository.claim("order-2", REQUEST)).isInstanceOf(Claim.Granted.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgres"})
    void aReleasedKeyMayBeSentByTheNextRequest(String kind) {
        open(kind);
        IdempotencyRepository repository = instance("a");
        repository.claim("order-1", REQUEST);
        repository.release("order-1");
        assertThat(repository.claim("order-1", REQUEST)).isInstanceOf(Claim.Granted.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgres"})
    void aPendingRecordThatTheSinkRefusedIsHandedToTheNextRequestOnce(String kind) {
        open(kind);
        IdempotencyRepository repository = instance("a");
        repository.claim("order-1", REQUEST);
        repository.recordSent("order-1", FIRST, "{\"message_id\":\"mid.1\"}", REQUEST);
        repository.abandonPending("order-1");

        assertThat(repository.claim("order-1", REQUEST)).isEqualTo(new Claim.Unrecorded("{\"message_id\":\"mid.1\"}"));
        assertThat(repository.claim("order-1", REQUEST)).as("taken by the request that writes it").isInstanceOf(Claim.InFlight.class);
        repository.markRecorded("order-1");
        assertThat(repository.claim("order-1", REQUEST)).isEqualTo(new Claim.Recorded(FIRST));
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgres"})
    void theNextStartWritesWhatAKilledRunLeftPendingAndFreesItsClaims(String kind) {
        open(kind);
        // the killed run's clock stands still: its last heartbeat stays behind as the others' clock moves on
        long killedAt = clock.get();
        IdempotencyRepository killed = new IdempotencyRepository(store.dataSource(), "run-1", !store.shared(), RETENTION, () -> killedAt);
        killed.start();
        repositories.add(killed);
        killed.claim("in-flight", REQUEST);
        killed.claim("confirmed", REQUEST);
        killed.recordSent("confirmed", FIRST, "{\"message_id\":\"mid.1\"}", REQUEST);

        clock.addAndGet(IdempotencyRepository.STALE_AFTER.toMillis() + 1);
        IdempotencyRepository next = instance("run-2");
        List<String> written = new ArrayList<>();
        assertThat(next.recoverPending(written::add)).isEqualTo(1);
        assertThat(written).containsExactly("{\"message_id\":\"mid.1\"}");
        assertThat(next.claim("confirmed", REQUEST)).isEqualTo(new Claim.Recorded(FIRST));
        assertThat(next.claim("in-flight", REQUEST)).as("the killed run's call may be made again").isInstanceOf(Claim.Granted.class);
        assertThat(next.recoverPending(written::add)).isZero();
    }

    @org.junit.jupiter.api.Test
    void aLiveInstancesClaimHoldsOnAnotherInstanceUntilItStopsBeatingThenItIsTakenOver() {
        open("postgres");
        IdempotencyRepository a = instance("a");
        IdempotencyRepository b = instance("b");
        a.claim("order-1", REQUEST);
        assertThat(b.claim("order-1", REQUEST)).isInstanceOf(Claim.InFlight.class);
        clock.addAndGet(IdempotencyRepository.STALE_AFTER.toMillis() + 1);
        assertThat(b.claim("order-1", REQUEST)).as("a has not said it is alive for too long").isInstanceOf(Claim.Granted.class);
    }

    @org.junit.jupiter.api.Test
    void aLoneInstanceHoldsItsClaimsInMemoryAndWritesOnlyTheSentRecord() throws Exception {
        open("h2");
        IdempotencyRepository repository = instance("a");
        assertThat(repository.claim("order-1", REQUEST)).isInstanceOf(Claim.Granted.class);
        assertThat(repository.claim("order-1", REQUEST)).isInstanceOf(Claim.InFlight.class);
        assertThat(rows()).as("a claim is not written").isZero();
        repository.recordSent("order-1", FIRST, "{}", REQUEST);
        repository.markRecorded("order-1");
        assertThat(rows()).isEqualTo(1);
        assertThat(repository.claim("order-1", REQUEST)).isInstanceOf(Claim.Recorded.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgres"})
    void keysAreDeletedAfterTheRetentionButNeverAPendingRecord(String kind) throws Exception {
        open(kind);
        IdempotencyRepository repository = instance("a");
        repository.claim("old", REQUEST);
        repository.recordSent("old", FIRST, "{}", REQUEST);
        repository.markRecorded("old");
        repository.claim("old-pending", REQUEST);
        repository.recordSent("old-pending", FIRST, "{}", REQUEST);
        clock.addAndGet(RETENTION.toMillis() + 1);
        repository.claim("new", REQUEST);

        assertThat(repository.deleteExpired()).isEqualTo(1);
        assertThat(repository.claim("old", REQUEST)).isInstanceOf(Claim.Granted.class);
        // the pending record stays; the claims of "new" and "old" are rows only on a shared store (the embedded
        // one keeps a lone instance's claims in memory)
        assertThat(rows()).isEqualTo(store.shared() ? 3 : 1);
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgres"})
    void concurrentRequestsWithOneKeyGetOneGrant(String kind) throws Exception {
        open(kind);
        IdempotencyRepository a = instance("a");
        // the embedded store has one instance; a shared one has two, each with its own writer
        IdempotencyRepository b = store.shared() ? instance("b") : a;
        ExecutorService callers = Executors.newVirtualThreadPerTaskExecutor();
        List<Callable<Claim>> claims = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            IdempotencyRepository each = i % 2 == 0 ? a : b;
            claims.add(() -> each.claim("shared-key", REQUEST));
        }
        long granted = 0;
        for (Future<Claim> claim : callers.invokeAll(claims)) {
            granted += claim.get() instanceof Claim.Granted ? 1 : 0;
        }
        callers.shutdown();
        assertThat(granted).isEqualTo(1);
    }

    private long rows() throws Exception {
        try (Connection connection = store.dataSource().getConnection(); Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery("SELECT COUNT(*) FROM idempotency_key")) {
            rows.next();
            return rows.getLong(1);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgres"})
    void aKeySentForOneRequestIsReusedForAnotherAndStillAnswersTheSameRequest(String kind) {
        IdempotencyRepository repository = sentForRequest(kind);
        repository.markRecorded("order-1");

        assertThat(repository.claim("order-1", ANOTHER_REQUEST)).isInstanceOf(Claim.Reused.class);
        assertThat(repository.claim("order-1", REQUEST)).isEqualTo(new Claim.Recorded(FIRST));
        assertThat(repository.claim("order-1", ANOTHER_REQUEST)).as("a refusal takes nothing").isInstanceOf(Claim.Reused.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgres"})
    void aPendingRecordIsHandedOnlyToItsOwnRequest(String kind) {
        IdempotencyRepository repository = sentForRequest(kind);
        repository.abandonPending("order-1");

        assertThat(repository.claim("order-1", ANOTHER_REQUEST)).isInstanceOf(Claim.Reused.class);
        assertThat(repository.claim("order-1", REQUEST)).isEqualTo(new Claim.Unrecorded("{\"message_id\":\"mid.1\"}"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgres"})
    void aKeySentBeforeFingerprintsWereKeptAnswersAnyRequestAsBefore(String kind) throws Exception {
        IdempotencyRepository repository = sentForRequest(kind);
        repository.markRecorded("order-1");
        try (Connection connection = store.dataSource().getConnection(); Statement statement = connection.createStatement()) {
            statement.executeUpdate("UPDATE idempotency_key SET fingerprint = NULL");
        }

        assertThat(repository.claim("order-1", ANOTHER_REQUEST)).isEqualTo(new Claim.Recorded(FIRST));
    }

    /** A repository on a fresh store in which key order-1 was sent for {@link #REQUEST}, its record pending. */
    private IdempotencyRepository sentForRequest(String kind) {
        open(kind);
        IdempotencyRepository repository = instance("a");
        repository.claim("order-1", REQUEST);
        repository.recordSent("order-1", FIRST, "{\"message_id\":\"mid.1\"}", REQUEST);
        return repository;
    }

    private static byte[] fingerprint(int seed) {
        byte[] fingerprint = new byte[32];
        Arrays.fill(fingerprint, (byte) seed);
        return fingerprint;
    }
}
