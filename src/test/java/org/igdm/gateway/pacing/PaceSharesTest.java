package org.igdm.gateway.pacing;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.igdm.gateway.store.GatewayStore;
import org.igdm.gateway.store.StoreSettings;
import org.igdm.gateway.support.PostgresServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Instances sharing a PostgreSQL store split an account's pace, never holding more than it together. */
class PaceSharesTest {

    private static final int PACE = 100;

    @TempDir
    Path data;
    GatewayStore store;
    final AtomicLong clock = new AtomicLong(Instant.parse("2026-11-29T12:00:00Z").toEpochMilli());
    PaceShares a;
    PaceShares b;
    PaceShares.AccountShare shareA;
    PaceShares.AccountShare shareB;
    final AtomicInteger callsOfA = new AtomicInteger();
    final AtomicInteger callsOfB = new AtomicInteger();

    @BeforeEach
    void open() {
        store = new GatewayStore(new StoreSettings(PostgresServer.shared().newDatabase(), PostgresServer.USER, null, data.toString(), 4));
        store.start();
        a = new PaceShares(store.dataSource(), "a", clock::get);
        b = new PaceShares(store.dataSource(), "b", clock::get);
        shareA = a.account("default", PACE);
        shareB = b.account("default", PACE);
        shareA.occupancy(callsOfA::get);
        shareB.occupancy(callsOfB::get);
    }

    @AfterEach
    void close() {
        store.stop();
    }

    @Test
    void aSecondInstanceGetsHalfOnlyAsTheFirstsCallsOfTheLastSecondDrain() throws Exception {
        a.renew(shareA);
        assertThat(shareA.perSecond()).isEqualTo(PACE);

        callsOfA.set(80);
        b.renew(shareB);
        assertThat(shareB.perSecond()).as("a holds it all").isZero();
        a.renew(shareA);
        assertThat(shareA.perSecond()).as("a lowers at once").isEqualTo(50);
        assertThat(held()).as("but holds what may still reach Meta").containsEntry("a", 80);
        b.renew(shareB);
        assertThat(shareB.perSecond()).isEqualTo(20);
        assertThat(held().values().stream().mapToInt(Integer::intValue).sum()).isLessThanOrEqualTo(PACE);

        callsOfA.set(30);
        a.renew(shareA);
        b.renew(shareB);
        assertThat(shareA.perSecond()).isEqualTo(50);
        assertThat(shareB.perSecond()).isEqualTo(50);
        assertThat(held()).containsEntry("a", 50).containsEntry("b", 50);
    }

    @Test
    void theShareOfAnInstanceThatStoppedRenewingGoesToTheOthersAfterItsLease() throws Exception {
        a.renew(shareA);
        b.renew(shareB);
        a.renew(shareA);
        b.renew(shareB);
        assertThat(List.of(shareA.perSecond(), shareB.perSecond())).containsExactly(50, 50);

        clock.addAndGet(PaceShares.LEASE.toMillis() + 1);
        assertThat(shareA.perSecond()).as("a's lease lapsed: a may not call").isZero();
        b.renew(shareB);
        assertThat(shareB.perSecond()).isEqualTo(PACE);
    }

    @Test
    void theSplitIsEvenAndUsesTheWholePace() {
        assertThat(PaceShares.evenShare(100, List.of("b", "c"), "a")).isEqualTo(34);
        assertThat(PaceShares.evenShare(100, List.of("a", "c"), "b")).isEqualTo(33);
        assertThat(PaceShares.evenShare(100, List.of("a", "b"), "c")).isEqualTo(33);
        assertThat(PaceShares.evenShare(1, List.of("a"), "b")).isZero();
    }

    private java.util.Map<String, Integer> held() throws Exception {
        java.util.Map<String, Integer> held = new java.util.TreeMap<>();
        try (Connection connection = store.dataSource().getConnection(); Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery("SELECT instance, share FROM pace_share")) {
            while (rows.next()) {
                held.put(rows.getString(1), rows.getInt(2));
            }
        }
        return held;
    }
}
