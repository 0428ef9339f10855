package org.igdm.gateway.pacing;

import java.time.Duration;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides when the next call to Meta for one sending account may go, for every consumer thread of this
 * gateway together: the account's pace (its {@code max-sends-per-second}, slowed as Meta's reported usage, the
 * account's or the app's, climbs past a threshold), a pause after a rate-limit answer (Meta's
 * {@code estimated_time_to_regain_access} or a doubling backoff), a circuit breaker that stops calling during an
 * outage and lets one probe through now and then until Meta answers again, and a suspension while Meta refuses
 * the account's token (lifted when it gets a new one).
 *
 * <p>Calls are spaced evenly (one every 1/rate seconds). On top of that, a call starts only while fewer than
 * the rate's worth of calls may reach Meta within one second ({@link CallWindow}: a call reaches Meta before its
 * end, and within {@code arrivalBound} of its request being written, which the caller reports with
 * {@link #requestWritten}), so Meta never sees more than the rate in any one-second window. Every
 * {@link #awaitTurn()} that returns must be followed by one {@link #callEnded}.
 * Waiting here costs a message nothing: it is not an attempt.
 */
public final class AccountGate {

    private static final Logger LOG = LoggerFactory.getLogger(AccountGate.class);
    private static final long NANOS_PER_SECOND = 1_000_000_000L;
    /** Below this fraction of the pace the gateway does not slow further: Meta's usage figure lags. */
    private static final double SLOWEST_FRACTION = 0.1;
    /** How long a waiting caller sleeps at most before it looks again (a pause can be lifted early). */
    private static final long RECHECK_NANOS = 200_000_000L;

    /** The breaker: closed (calls flow), open (no calls until a time), probing (one call tests Meta). */
    public enum BreakerState { CLOSED, OPEN, PROBING }

    private final String account;
    private final PacingSettings settings;
    private final IntSupplier appUsagePercent;
    /** This instance's part of the account's pace: all of it, or its share in a cluster ({@link PaceShares}). */
    private final IntSupplier allowance;
    private final LongSupplier nanoClock;
    private final Sleeper sleeper;

    private final CallWindow window;
    private long nextSlot;
    /** The calls in flight added up over time (in call-nanoseconds), counted up to {@link #countedUntil}. */
    private long callNanos;
    private long countedUntil;
    private long pausedUntil;
    private int usagePercent;
    private int consecutiveFailures;
    private int consecutiveRateLimits;
    private long openDurationNanos;
    private BreakerState breaker = BreakerState.CLOSED;
    private boolean suspended;
    private volatile boolean stopping;
    private long pauses;
    private long breakerOpenings;

    /** Sleeps; a seam so that tests can run the clock. */
    @FunctionalInterface
    public interface Sleeper {
        void sleep(long nanos) throws InterruptedException;
    }

    /**
     * @param account         the account's name, for the log
     * @param appUsagePercent the usage Meta last reported for the whole app, which every account of it shares
     * @param allowance       the calls per second this instance may make: the account's whole pace, or its share
     */
    public AccountGate(String account, PacingSettings settings, IntSupplier appUsagePercent, IntSupplier allowance) {
        this(account, settings, appUsagePercent, allowance, System::nanoTime,
                nanos -> Thread.sleep(nanos / 1_000_000, (int) (nanos % 1_000_000)));
    }

    AccountGate(String account, PacingSettings settings, IntSupplier appUsagePercent, LongSupplier nanoClock, Sleeper sleeper) {
        this(account, settings, appUsagePercent, fullPace(settings), nanoClock, sleeper);
    }

    /** The whole pace, for a gateway that sends alone. */
    public static IntSupplier fullPace(PacingSettings settings) {
        int pace = Math.max(1, (int) settings.maxSendsPerSecond());
        return () -> pace;
    }

    AccountGate(String account, PacingSettings settings, IntSupplier appUsagePercent, IntSupplier allowance,
            LongSupplier nanoClock, Sleeper sleeper) {
        this.account = account;
        this.settings = settings;
        this.appUsagePercent = appUsagePercent;
        this.allowance = allowance;
        this.nanoClock = nanoClock;
        this.sleeper = sleeper;
        this.nextSlot = nanoClock.getAsLong();
        this.pausedUntil = nextSlot;
        this.countedUntil = nextSlot;
        this.openDurationNanos = settings.breakerOpen().toNanos();
        this.window = new CallWindow(NANOS_PER_SECOND, settings.arrivalBound().toNanos());
    }

    /** Blocks until this caller may call Meta: after any pause or suspension, in its own slot of the pace. */
    public Turn awaitTurn() throws InterruptedException {
        while (true) {
            long wait;
            boolean slotTaken = false;
            synchronized (this) {
                long now = nanoClock.getAsLong();
                if (stopping) {
                    throw new GatewayStoppingException();
                } else if (now < pausedUntil) {
                    wait = pausedUntil - now;
                } else if (suspended || breaker == BreakerState.PROBING) {
                    wait = RECHECK_NANOS;
                } else {
                    wait = window.nanosUntilRoom(now, allowance.getAsInt());
                    if (wait == 0) {
                        if (breaker == BreakerState.OPEN) {
                            breaker = BreakerState.PROBING;
                            LOG.info("Account {}: circuit breaker probing the Graph API with one call", account);
                        }
                        long slot = Math.max(now, nextSlot);
                        nextSlot = slot + intervalNanos();
                        wait = slot - now;
                        slotTaken = true;
                    }
                }
            }
            if (wait > 0) {
                sleeper.sleep(slotTaken ? wait : Math.min(wait, RECHECK_NANOS));
            }
            Turn turn = slotTaken ? startCall() : null;
            if (turn != null) {
                return turn;
            }
        }
    }

    /** Takes a place in the window, unless a pause began or the window filled while this caller slept. */
    private synchronized Turn startCall() {
        long now = nanoClock.getAsLong();
        if (now < pausedUntil || suspended || window.nanosUntilRoom(now, allowance.getAsInt()) > 0) {
            return null;
        }
        countCallTime(now);
        return window.started();
    }

    /** Calls that Meta may count within the current second. */
    public synchronized int callsInWindow() {
        return window.counted(nanoClock.getAsLong());
    }

    /** The call's request has been written to the connection to Meta, which receives it within the arrival bound. */
    public synchronized void requestWritten(Turn turn) {
        window.written(turn, nanoClock.getAsLong());
    }

    /** The call that {@link #awaitTurn()} let through has its answer (or failed): it leaves the in-flight count. */
    public synchronized void callEnded(Turn turn) {
        long now = nanoClock.getAsLong();
        countCallTime(now);
        window.ended(turn, now);
    }

    /**
     * The calls in flight added up over time, in call-nanoseconds: its growth over a period, divided by the period,
     * is the average number of calls in flight then.
     */
    public synchronized long callNanos() {
        countCallTime(nanoClock.getAsLong());
        return callNanos;
    }

    private void countCallTime(long now) {
        callNanos += window.inFlight() * (now - countedUntil);
        countedUntil = now;
    }

    /** Meta answered (a send or a refusal): the breaker closes, and the pace follows the reported usage. */
    public synchronized void answered(int reportedUsagePercent) {
        if (breaker != BreakerState.CLOSED) {
            LOG.info("Account {}: circuit breaker closed, the Graph API answers again", account);
        }
        breaker = BreakerState.CLOSED;
        consecutiveFailures = 0;
        consecutiveRateLimits = 0;
        openDurationNanos = settings.breakerOpen().toNanos();
        usagePercent = reportedUsagePercent;
    }

    /**
     * A transient failure (5xx, network). Returns true when Meta is considered down (the breaker is open):
     * the caller should then wait for the gate and call again instead of spending one of its attempts.
     */
    public synchronized boolean failedTransiently() {
        consecutiveFailures++;
        if (breaker == BreakerState.OPEN) {
            // a call that was already in flight when the breaker opened: the same outage, not a reason to wait longer
            return true;
        }
        if (breaker == BreakerState.PROBING || consecutiveFailures >= settings.breakerFailureThreshold()) {
            long now = nanoClock.getAsLong();
            pausedUntil = Math.max(pausedUntil, now + openDurationNanos);
            LOG.warn("Account {}: circuit breaker open, {} failures in a row; no calls to the Graph API for {} s",
                    account, consecutiveFailures, openDurationNanos / NANOS_PER_SECOND);
            openDurationNanos = Math.min(openDurationNanos * 2, settings.breakerMaxOpen().toNanos());
            breaker = BreakerState.OPEN;
            breakerOpenings++;
        }
        return breaker != BreakerState.CLOSED;
    }

    /**
     * Meta throttles the account: nothing is sent until its window has passed.
     *
     * @param regainAccess how long Meta asked the account to wait; zero when it did not say (the backoff applies)
     */
    public synchronized void rateLimited(Duration regainAccess, int reportedUsagePercent) {
        consecutiveRateLimits++;
        usagePercent = Math.max(usagePercent, reportedUsagePercent);
        Duration backoff = settings.rateLimitPause().multipliedBy(1L << Math.min(consecutiveRateLimits - 1, 10));
        Duration pause = regainAccess.isZero() ? backoff : regainAccess;
        if (pause.compareTo(settings.maxPause()) > 0) {
            pause = settings.maxPause();
        }
        long now = nanoClock.getAsLong();
        pausedUntil = Math.max(pausedUntil, now + pause.toNanos());
        pauses++;
        LOG.warn("Meta rate-limits account {}: its sending paused for {} ms", account, pause.toMillis());
        if (breaker == BreakerState.PROBING) {
            breaker = BreakerState.CLOSED;
        }
    }

    /** Meta refused the account's token: no call goes until {@link #resume()}; waiting callers keep waiting. */
    public synchronized void suspend() {
        suspended = true;
    }

    /** The account has a new token: calls go again (a refused probe suspends it again). */
    public synchronized void resume() {
        if (suspended) {
            LOG.info("Account {}: resumed with its new access token", account);
        }
        suspended = false;
    }

    public synchronized boolean suspended() {
        return suspended;
    }

    /** Waiting callers give up their turn: the gateway is shutting down and their messages stay queued. */
    public void stop() {
        stopping = true;
    }

    /** The pace now, in sends per second: the configured one, slower while Meta reports high usage (the account's or the app's). */
    public synchronized double currentRate() {
        double rate = allowance.getAsInt();
        int threshold = settings.slowDownAtPercent();
        int usage = Math.max(usagePercent, appUsagePercent.getAsInt());
        if (usage > threshold) {
            double fraction = (100.0 - usage) / (100.0 - threshold);
            rate *= Math.max(SLOWEST_FRACTION, fraction);
        }
        return rate;
    }

    private long intervalNanos() {
        // the window check let this call through, so the allowance was above zero an instant ago
        return (long) (NANOS_PER_SECOND / Math.max(1, currentRate()));
    }

    public synchronized BreakerState breakerState() {
        return breaker;
    }

    public synchronized boolean paused() {
        return nanoClock.getAsLong() < pausedUntil;
    }

    /** How long the account stays paused (rate limit or open breaker); zero when it is not. */
    public synchronized Duration pausedFor() {
        return Duration.ofNanos(Math.max(0, pausedUntil - nanoClock.getAsLong()));
    }

    public synchronized long pauses() {
        return pauses;
    }

    public synchronized long breakerOpenings() {
        return breakerOpenings;
    }

    public String account() {
        return account;
    }

    /** The highest usage Meta last reported for the account itself. */
    public synchronized int usagePercent() {
        return usagePercent;
    }
}
