package org.igdm.gateway.pacing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The gate on a clock that only moves when a caller sleeps: every wait is exact and the test is instant. */
class AccountGateTest {

    private volatile long now = 0;
    private int appUsage = 0;
    private final List<Long> turns = new ArrayList<>();

    /** Meta receives a call within 50 ms of its request's writing ({@code gateway.pacing.arrival-bound-ms=50}). */
    private static final Duration ARRIVAL_BOUND = Duration.ofMillis(50);

    private AccountGate gate(double perSecond) {
        return gate(perSecond, ARRIVAL_BOUND);
    }

    private AccountGate gate(double perSecond, Duration arrivalBound) {
        PacingSettings settings = new PacingSettings(perSecond, 80, Duration.ofSeconds(60), Duration.ofHours(1),
                3, Duration.ofSeconds(30), Duration.ofSeconds(120), arrivalBound);
        return new AccountGate("test", settings, () -> appUsage, () -> now, nanos -> now += nanos);
    }

    private void take(AccountGate gate, int count) throws InterruptedException {
        for (int i = 0; i < count; i++) {
            Turn turn = gate.awaitTurn();
            turns.add(now);
            gate.requestWritten(turn);
            gate.callEnded(turn);
        }
    }

    private static long seconds(double s) {
        return (long) (s * 1_000_000_000L);
    }

    @Test
    void callsAreSpacedEvenlySoNoSecondHoldsMoreThanTheRate() throws Exception {
        AccountGate gate = gate(50);
        take(gate, 500);
        assertThat(turns.get(499) - turns.get(0)).isCloseTo(seconds(499 / 50.0), within(1_000L));
        for (int i = 50; i < turns.size(); i++) {
            assertThat(turns.get(i) - turns.get(i - 50)).isGreaterThanOrEqualTo(seconds(1));
        }
    }

    @Test
    void aSlowCallCountsUntilASecondAfterMetaMustHaveReceivedIt() throws Exception {
        AccountGate gate = gate(1);
        Turn slow = gate.awaitTurn();
        now += seconds(0.3); // opening the connection
        long written = now;
        gate.requestWritten(slow);
        now += seconds(0.5);
        // still in flight, but Meta received it within 50 ms of its writing: the next goes a second after that
        Turn next = gate.awaitTurn();
        assertThat(now - written).isEqualTo(seconds(1.05));
        assertThat(gate.callsInWindow()).as("the slow call no longer counts; the new one does").isEqualTo(1);
        gate.callEnded(slow);
        gate.callEnded(next);
    }

    @Test
    void aCallThatEndsBeforeTheBoundCountsUntilASecondAfterItsEnd() throws Exception {
        AccountGate gate = gate(1);
        Turn quick = gate.awaitTurn();
        gate.requestWritten(quick);
        now += seconds(0.02);
        long ended = now;
        gate.callEnded(quick);
        gate.awaitTurn();
        assertThat(now - ended).isEqualTo(seconds(1));
    }

    @Test
    void aCallWhoseRequestWasNeverWrittenCountsUntilASecondAfterItEnded() throws Exception {
        AccountGate gate = gate(1);
        Turn connecting = gate.awaitTurn();
        now += seconds(5);
        assertThat(gate.callsInWindow()).as("still connecting after 5 s: Meta may get it yet").isEqualTo(1);
        long ended = now;
        gate.callEnded(connecting);
        gate.awaitTurn();
        assertThat(now - ended).isEqualTo(seconds(1));
    }

    @Test
    void withNoBoundASlowCallHoldsBackTheNextUntilASecondAfterItEnded() throws Exception {
        AccountGate gate = gate(1, PacingSettings.NO_ARRIVAL_BOUND);
        Turn slow = gate.awaitTurn();
        gate.requestWritten(slow);
        now += seconds(5);
        assertThat(gate.callsInWindow()).as("in flight for 5 s: Meta may not have it yet").isEqualTo(1);
        long ended = now;
        gate.callEnded(slow);
        gate.awaitTurn();
        assertThat(now - ended).isEqualTo(seconds(1));
    }

    @Test
    void theCallsInFlightAddUpOverTimeSoAPeriodGivesItsAverage() throws Exception {
        AccountGate gate = gate(100);
        Turn firstTurn = gate.awaitTurn();
        long first = now;
        Turn secondTurn = gate.awaitTurn();
        long second = now;
        now += seconds(0.3);
        gate.callEnded(firstTurn);
        now += seconds(0.2);
        long afterTwo = gate.callNanos();
        // the first call until 0.3 s after the second began, then one call of the two for 0.2 s more
        assertThat(afterTwo).isEqualTo((second - first) + 2 * seconds(0.3) + seconds(0.2));
        gate.callEnded(secondTurn);
        now += seconds(1);
        assertThat(gate.callNanos()).as("nothing in flight adds nothing").isEqualTo(afterTwo);
    }

    @Test
    void highReportedUsageSlowsThePace() {
        AccountGate gate = gate(100);
        double full = 100;
        gate.answered(50);
        assertThat(gate.currentRate()).isEqualTo(full);
        gate.answered(90);
        assertThat(gate.currentRate()).isEqualTo(full / 2);
        gate.answered(100);
        assertThat(gate.currentRate()).isEqualTo(full / 10);
    }

    @Test
    void theAppsUsageSlowsEveryAccountOfTheApp() {
        AccountGate gate = gate(100);
        gate.answered(10);
        appUsage = 90;
        assertThat(gate.currentRate()).isEqualTo(50);
        appUsage = 10;
        assertThat(gate.currentRate()).isEqualTo(100);
    }

    @Test
    void aSuspendedAccountLetsNoCallGoUntilItResumes() throws Exception {
        AccountGate gate = gate(100);
        gate.suspend();
        Thread waiting = Thread.ofVirtual().start(() -> {
            try {
                take(gate, 1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        // the waiting caller keeps looking (the test clock moves only when it sleeps) and takes no turn
        long before = now;
        while (now < before + seconds(60)) {
            Thread.onSpinWait();
        }
        assertThat(turns).isEmpty();
        assertThat(gate.suspended()).isTrue();

        gate.resume();
        waiting.join();
        assertThat(turns).hasSize(1);
    }

    @Test
    void aRateLimitPausesTheAccountForTheTimeMetaGives() throws Exception {
        AccountGate gate = gate(100);
        take(gate, 1);
        gate.rateLimited(Duration.ofMinutes(7), 100);
        assertThat(gate.paused()).isTrue();
        take(gate, 1);
        assertThat(turns.get(1) - turns.get(0)).isGreaterThanOrEqualTo(seconds(7 * 60));
        assertThat(gate.pauses()).isEqualTo(1);
    }

    @Test
    void withoutATimeFromMetaThePauseDoublesWhileRateLimitsRepeat() throws Exception {
        AccountGate gate = gate(100);
        gate.rateLimited(Duration.ZERO, 0);
        take(gate, 1);
        assertThat(turns.get(0)).isEqualTo(seconds(60));
        gate.rateLimited(Duration.ZERO, 0);
        take(gate, 1);
        assertThat(turns.get(1) - turns.get(0)).isEqualTo(seconds(120));
        gate.answered(10);
        gate.rateLimited(Duration.ZERO, 0);
        take(gate, 1);
        assertThat(turns.get(2) - turns.get(1)).isEqualTo(seconds(60));
    }

    @Test
    void theBreakerOpensAfterRepeatedFailuresThenProbesThenCloses() throws Exception {
        AccountGate gate = gate(100);
        assertThat(gate.failedTransiently()).isFalse();
        assertThat(gate.failedTransiently()).isFalse();
        assertThat(gate.failedTransiently()).isTrue();
        assertThat(gate.breakerState()).isEqualTo(AccountGate.BreakerState.OPEN);

        take(gate, 1);
        assertThat(turns.get(0)).isGreaterThanOrEqualTo(seconds(30));
        assertThat(gate.breakerState()).isEqualTo(AccountGate.BreakerState.PROBING);

        // the probe fails: open again, for twice as long
        assertThat(gate.failedTransiently()).isTrue();
        take(gate, 1);
        assertThat(turns.get(1) - turns.get(0)).isGreaterThanOrEqualTo(seconds(60));

        gate.answered(0);
        assertThat(gate.breakerState()).isEqualTo(AccountGate.BreakerState.CLOSED);
        assertThat(gate.breakerOpenings()).isEqualTo(2);
        assertThat(gate.failedTransiently()).isFalse();
    }

    @Test
    void callsAlreadyInFlightWhenTheBreakerOpensDoNotLengthenItsPause() throws Exception {
        AccountGate gate = gate(100);
        for (int i = 0; i < 3; i++) {
            gate.failedTransiently();
        }
        // forty more calls that had started before Meta went down fail in the same instant
        for (int i = 0; i < 40; i++) {
            assertThat(gate.failedTransiently()).as("the caller waits for the gate").isTrue();
        }
        assertThat(gate.breakerOpenings()).isEqualTo(1);
        take(gate, 1);
        assertThat(turns.get(0)).as("the first pause, not a doubled one").isEqualTo(seconds(30));
    }

    @Test
    void waitingCallersGiveUpWhenTheGatewayStops() {
        AccountGate gate = gate(100);
        gate.rateLimited(Duration.ofMinutes(30), 100);
        gate.stop();
        assertThatThrownBy(gate::awaitTurn).isInstanceOf(GatewayStoppingException.class);
    }
}
