package org.igdm.gateway.idempotency;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
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

        assertThat(repository.claim("order-1")).isInstanceOf(Claim.Granted.class);
        assertThat(repository.claim("order-1")).as("in flight while the first call is under way").isInstanceOf(Claim.InFlight.class);
        repository.recordSent("order-1", FIRST, "{\"status\":\"sent\",\"message_id\":\"mid.1\"}");
        assertThat(repository.claim("order-1")).as("the first is writing its record").isInstanceOf(Claim.InFlight.class);
        repository.markRecorded("order-1");

        assertThat(repository.claim("order-1")).isEqualTo(new Claim.Recorded(FIRST));
        assertThat(repository.claim("order-2")).isInstanceOf(Claim.Granted.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgres"})
    void aReleasedKeyMayBeSentByTheNextRequest(String kind) {
        open(kind);
        IdempotencyRepository repository = instance("a");
        repository.claim("order-1");
        repository.release("order-1");
        assertThat(repository.claim("order-1")).isInstanceOf(Claim.Granted.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgres"})
    void aPendingRecordThatTheSinkRefusedIsHandedToTheNextRequestOnce(String kind) {
        open(kind);
        IdempotencyRepository repository = instance("a");
        repository.claim("order-1");
        repository.recordSent("order-1", FIRST, "{\"message_id\":\"mid.1\"}");
        repository.abandonPending("order-1");

        assertThat(repository.claim("order-1")).isEqualTo(new Claim.Unrecorded("{\"message_id\":\"mid.1\"}"));
        assertThat(repository.claim("order-1")).as("taken by the request that writes it").isInstanceOf(Claim.InFlight.class);
        repository.markRecorded("order-1");
        assertThat(repository.claim("order-1")).isEqualTo(new Claim.Recorded(FIRST));
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
        killed.claim("in-flight");
        killed.claim("confirmed");
        killed.recordSent("confirmed", FIRST, "{\"message_id\":\"mid.1\"}");

        clock.addAndGet(IdempotencyRepository.STALE_AFTER.toMillis() + 1);
        IdempotencyRepository next = instance("run-2");
        List<String> written = new ArrayList<>();
        assertThat(next.recoverPending(written::add)).isEqualTo(1);
        assertThat(written).containsExactly("{\"message_id\":\"mid.1\"}");
        assertThat(next.claim("confirmed")).isEqualTo(new Claim.Recorded(FIRST));
        assertThat(next.claim("in-flight")).as("the killed run's call may be made again").isInstanceOf(Claim.Granted.class);
        assertThat(next.recoverPending(written::add)).isZero();
    }

    @org.junit.jupiter.api.Test
    void aLiveInstancesClaimHoldsOnAnotherInstanceUntilItStopsBeatingThenItIsTakenOver() {
        open("postgres");
        IdempotencyRepository a = instance("a");
        IdempotencyRepository b = instance("b");
        a.claim("order-1");
        assertThat(b.claim("order-1")).isInstanceOf(Claim.InFlight.class);
        clock.addAndGet(IdempotencyRepository.STALE_AFTER.toMillis() + 1);
        assertThat(b.claim("order-1")).as("a has not said it is alive for too long").isInstanceOf(Claim.Granted.class);
    }

    @org.junit.jupiter.api.Test
    void aLoneInstanceHoldsItsClaimsInMemoryAndWritesOnlyTheSentRecord() throws Exception {
        open("h2");
        IdempotencyRepository repository = instance("a");
        assertThat(repository.claim("order-1")).isInstanceOf(Claim.Granted.class);
        assertThat(repository.claim("order-1")).isInstanceOf(Claim.InFlight.class);
        assertThat(rows()).as("a claim is not written").isZero();
        repository.recordSent("order-1", FIRST, "{}");
        repository.markRecorded("order-1");
        assertThat(rows()).isEqualTo(1);
        assertThat(repository.claim("order-1")).isInstanceOf(Claim.Recorded.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgres"})
    void keysAreDeletedAfterTheRetentionButNeverAPendingRecord(String kind) throws Exception {
        open(kind);
        IdempotencyRepository repository = instance("a");
        repository.claim("old");
        repository.recordSent("old", FIRST, "{}");
        repository.markRecorded("old");
        repository.claim("old-pending");
        repository.recordSent("old-pending", FIRST, "{}");
        clock.addAndGet(RETENTION.toMillis() + 1);
        repository.claim("new");

        assertThat(repository.deleteExpired()).isEqualTo(1);
        assertThat(repository.claim("old")).isInstanceOf(Claim.Granted.class);
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
            claims.add(() -> each.claim("shared-key"));
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
}
