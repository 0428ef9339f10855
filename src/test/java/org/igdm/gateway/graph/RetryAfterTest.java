package org.igdm.gateway.graph;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class RetryAfterTest {

    private static final Instant NOW = Instant.parse("2026-11-29T19:30:00Z");

    @Test
    void secondsAreReadAsADelay() {
        assertThat(RetryAfter.parse("2", NOW)).isEqualTo(Duration.ofSeconds(2));
        assertThat(RetryAfter.parse(" 120 ", NOW)).isEqualTo(Duration.ofMinutes(2));
        assertThat(RetryAfter.parse("0", NOW)).isZero();
    }

    @Test
    void anHttpDateIsReadAsTheTimeToWaitUntil() {
        assertThat(RetryAfter.parse("Sun, 29 Nov 2026 19:31:30 GMT", NOW)).isEqualTo(Duration.ofSeconds(90));
    }

    @Test
    void aDateAlreadyPastAsksForNoWait() {
        assertThat(RetryAfter.parse("Sun, 29 Nov 2026 19:29:00 GMT", NOW)).isZero();
    }

    @Test
    void absentOrUnreadableAsksForNoWaitSoThatTheBackoffApplies() {
        assertThat(RetryAfter.parse(null, NOW)).isZero();
        assertThat(RetryAfter.parse("", NOW)).isZero();
        assertThat(RetryAfter.parse("soon", NOW)).isZero();
        assertThat(RetryAfter.parse("-5", NOW)).isZero();
        assertThat(RetryAfter.parse("1.5", NOW)).isZero();
    }

    @Test
    void aNumberTooLongForALongIsAVeryLongWaitNotAFailure() {
        assertThat(RetryAfter.parse("99999999999999999999999", NOW)).isGreaterThan(Duration.ofDays(365));
    }
}
