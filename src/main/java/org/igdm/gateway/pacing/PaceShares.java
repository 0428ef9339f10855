package org.igdm.gateway.pacing;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;
import javax.sql.DataSource;
import org.apache.camel.support.service.ServiceSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps each account at its pace across a cluster of gateways that share the store: every instance holds a
 * share of the account's sends per second (table {@code pace_share}), and the shares of the live instances
 * never add up to more than the pace. Each instance's {@link AccountGate} then keeps its own calls within its
 * share in every one-second window, so the cluster as a whole stays within the pace in every such window.
 *
 * <p>Every {@link #RENEW} an instance renews its lease and moves its share towards an even split among the
 * live instances. It lowers its share at once but reports the lower figure to the others only as its calls of
 * the last second drain ({@link AccountShare#occupancy}); it raises its share only into what the others do not
 * hold. A lease not renewed for {@link #LEASE} lapses: a stopped or killed instance's share goes to the others,
 * and an instance that cannot renew (the store is unreachable) stops calling Meta until it can.
 *
 * <p>Bucket4j's PostgreSQL backend was weighed: it takes a database transaction per call and bounds the tokens
 * taken, not the calls that reach Meta in a sliding second; shares cost one transaction per account and
 * instance every {@link #RENEW} whatever the rate, and reuse the gate's exact window.
 */
public final class PaceShares extends ServiceSupport {

    private static final Logger LOG = LoggerFactory.getLogger(PaceShares.class);
    static final Duration RENEW = Duration.ofMillis(500);
    static final Duration LEASE = Duration.ofSeconds(3);

    private final DataSource dataSource;
    private final String instance;
    private final LongSupplier clock;
    private final Map<String, AccountShare> shares = new ConcurrentHashMap<>();
    private ScheduledExecutorService renewal;

    public PaceShares(DataSource dataSource, String instance) {
        this(dataSource, instance, System::currentTimeMillis);
    }

    PaceShares(DataSource dataSource, String instance, LongSupplier clock) {
        this.dataSource = dataSource;
        this.instance = instance;
        this.clock = clock;
    }

    /** This instance's share of the account's pace: none until the first renewal. */
    public AccountShare account(String account, int pace) {
        return shares.computeIfAbsent(account, name -> new AccountShare(name, pace));
    }

    @Override
    protected void doStart() {
        renewal = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().name("pace-shares").factory());
        renewal.scheduleWithFixedDelay(this::renewAll, 0, RENEW.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    protected void doStop() {
        if (renewal != null) {
            renewal.shutdownNow();
        }
        // the others may take this instance's shares as soon as its calls have drained: the lease runs out then
        shares.values().forEach(share -> share.validUntil = 0);
    }

    private void renewAll() {
        for (AccountShare share : shares.values()) {
            try {
                renew(share);
            } catch (SQLException | RuntimeException e) {
                LOG.warn("Could not renew this instance's share of account {}'s pace: {}", share.account, e.getMessage());
            }
        }
    }

    /** One renewal of one account's share, in one transaction that holds the account's row. */
    void renew(AccountShare share) throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(true);
            execute(connection, "INSERT INTO pace_account (account) VALUES (?) ON CONFLICT DO NOTHING", share.account);
            connection.setAutoCommit(false);
            try {
                long now = clock.getAsLong();
                execute(connection, "SELECT account FROM pace_account WHERE account = ? FOR UPDATE", share.account);
                execute(connection, "DELETE FROM pace_share WHERE account = ? AND expires_at < ?", share.account, now);
                List<String> live = new ArrayList<>();
                int othersHold = 0;
                try (PreparedStatement select = connection.prepareStatement(
                        "SELECT instance, share FROM pace_share WHERE account = ? ORDER BY instance")) {
                    select.setString(1, share.account);
                    try (ResultSet rows = select.executeQuery()) {
                        while (rows.next()) {
                            if (!rows.getString(1).equals(instance)) {
                                live.add(rows.getString(1));
                                othersHold += rows.getInt(2);
                            }
                        }
                    }
                }
                int target = evenShare(share.pace, live, instance);
                int local = target < share.perSecond ? target : Math.min(target, Math.max(0, share.pace - othersHold));
                // what the others must leave free: the lower share, or the calls of the last second while they drain
                int reported = Math.max(local, Math.min(share.perSecond, share.occupancy.getAsInt()));
                if (execute(connection, "UPDATE pace_share SET share = ?, expires_at = ? WHERE account = ? AND instance = ?",
                        reported, now + LEASE.toMillis(), share.account, instance) == 0) {
                    execute(connection, "INSERT INTO pace_share (account, instance, share, expires_at) VALUES (?, ?, ?, ?)",
                            share.account, instance, reported, now + LEASE.toMillis());
                }
                connection.commit();
                if (local != share.perSecond) {
                    LOG.info("Account {}: this instance's share of the pace is now {}/s ({} other instances)",
                            share.account, local, live.size());
                }
                share.perSecond = local;
                // a second and a renewal before the lease lapses for the others: by then this instance's last calls on
                // the share have left the one-second window that the others' first calls on it fall into
                share.validUntil = now + LEASE.toMillis() - 1000 - RENEW.toMillis();
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            }
        }
    }

    /** The pace split evenly among the instances in name order; the first ones take the remainder. */
    static int evenShare(int pace, List<String> others, String instance) {
        List<String> all = new ArrayList<>(others);
        all.add(instance);
        all.sort(null);
        int index = all.indexOf(instance);
        return pace / all.size() + (index < pace % all.size() ? 1 : 0);
    }

    private static int execute(Connection connection, String sql, Object... parameters) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                statement.setObject(i + 1, parameters[i]);
            }
            if (statement.execute()) {
                statement.getResultSet().close();
                return 0;
            }
            return statement.getUpdateCount();
        }
    }

    /** One account's share on this instance; its gate reads {@link #perSecond()}. */
    public final class AccountShare {
        private final String account;
        private final int pace;
        private volatile int perSecond;
        private volatile long validUntil;
        private volatile IntSupplier occupancy = () -> 0;

        private AccountShare(String account, int pace) {
            this.account = account;
            this.pace = pace;
        }

        /** The calls this instance may have reaching Meta in any one second now; 0 while the lease is not renewed. */
        public int perSecond() {
            return clock.getAsLong() < validUntil ? perSecond : 0;
        }

        /** Where the share learns how many of its calls may still reach Meta within the current second. */
        public void occupancy(IntSupplier callsInWindow) {
            this.occupancy = callsInWindow;
        }
    }
}
