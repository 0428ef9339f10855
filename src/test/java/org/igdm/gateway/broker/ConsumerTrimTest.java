package org.igdm.gateway.broker;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.igdm.gateway.delivery.DeliveryCapacity.JmsConsumers;
import org.igdm.gateway.pacing.AccountGate;
import org.igdm.gateway.pacing.PacingSettings;
import org.junit.jupiter.api.Test;

/** How many delivery consumers an account's queue may run, on the CPU load and its calls in flight. */
class ConsumerTrimTest {

    private static final PacingSettings PACE = new PacingSettings(100, 80, Duration.ofSeconds(60), Duration.ofHours(1),
            3, Duration.ofSeconds(30), Duration.ofSeconds(120), Duration.ofMillis(50));
    private static final AccountGate GATE = new AccountGate("a", PACE, () -> 0, AccountGate.fullPace(PACE));

    /** One of twenty accounts at 100 sends/s: up to 50 consumers, 1 while idle. */
    private static final ConsumerTrim.AccountConsumers ONE_OF_TWENTY =
            ConsumerTrim.AccountConsumers.atPace("jms-source-a", new JmsConsumers(50, 1), 100, GATE);

    @Test
    void theFewestAreWhatThePaceNeedsWhenMetaAnswersFastestOrTheIdleOnesIfMore() {
        assertThat(ONE_OF_TWENTY.fewest()).isEqualTo(10);
        assertThat(ConsumerTrim.AccountConsumers.atPace("r", new JmsConsumers(50, 16), 100, GATE).fewest()).isEqualTo(16);
        // never more than the account's share
        assertThat(ConsumerTrim.AccountConsumers.atPace("r", new JmsConsumers(4, 1), 100, GATE).fewest()).isEqualTo(4);
    }

    @Test
    void onSaturatedCpusAnAccountKeepsTwiceItsCallsInFlightWithinItsFewestAndItsShare() {
        assertThat(ConsumerTrim.limit(50, ONE_OF_TWENTY, 8.2, 0.95)).isEqualTo(17);
        assertThat(ConsumerTrim.limit(17, ONE_OF_TWENTY, 16.5, 1.0)).as("more calls in flight raise it").isEqualTo(33);
        assertThat(ConsumerTrim.limit(50, ONE_OF_TWENTY, 0, 0.9)).as("a paused account").isEqualTo(10);
        assertThat(ConsumerTrim.limit(50, ONE_OF_TWENTY, 40, 0.99)).isEqualTo(50);
    }

    @Test
    void withRoomOnTheCpusTheWholeShareAndInBetweenTheLimitHolds() {
        assertThat(ConsumerTrim.limit(17, ONE_OF_TWENTY, 1, 0.5)).isEqualTo(50);
        assertThat(ConsumerTrim.limit(17, ONE_OF_TWENTY, 1, -1)).as("load unknown").isEqualTo(50);
        assertThat(ConsumerTrim.limit(17, ONE_OF_TWENTY, 1, 0.8)).isEqualTo(17);
    }
}
