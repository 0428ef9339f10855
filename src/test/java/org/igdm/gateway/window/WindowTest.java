package org.igdm.gateway.window;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Meta's window rules as the gateway applies them. */
class WindowTest {

    private static final Instant NOW = Instant.parse("2026-11-29T12:00:00Z");

    @Test
    void aUserNeverHeardFromIsUnknown() {
        assertThat(Window.UNKNOWN.verdict(NOW, false)).isInstanceOf(Window.Verdict.Unknown.class);
        assertThat(Window.UNKNOWN.verdict(NOW, true)).isInstanceOf(Window.Verdict.Unknown.class);
    }

    @Test
    void within24HoursTheWindowIsOpenForBothAndNeedsNoTag() {
        Window window = new Window(NOW.minus(Duration.ofHours(20)), null, false);

        assertThat(window.verdict(NOW, false)).isEqualTo(new Window.Verdict.Open(Duration.ofHours(4), true));
        assertThat(window.verdict(NOW, true)).isEqualTo(new Window.Verdict.Open(Duration.ofHours(4), true));
    }

    @Test
    void after24HoursOnlyAHumanAgentReplyIsAllowedUpToSevenDays() {
        Window window = new Window(NOW.minus(Duration.ofDays(2)), null, false);

        assertThat(window.verdict(NOW, false)).isInstanceOfSatisfying(Window.Verdict.Closed.class,
                closed -> assertThat(closed.why()).contains("last wrote at 2026-11-27T12:00:00Z").contains("more than 24 h"));
        assertThat(window.verdict(NOW, true)).isEqualTo(new Window.Verdict.Open(Duration.ofDays(5), false));
        assertThat(new Window(NOW.minus(Duration.ofDays(7)), null, false).verdict(NOW, true)).isInstanceOf(Window.Verdict.Closed.class);
    }

    @Test
    void metasRefusalClosesTheWindowUntilTheUserWritesAgain() {
        Instant refused = NOW.minus(Duration.ofHours(1));

        assertThat(new Window(null, refused, false).verdict(NOW, false)).isInstanceOf(Window.Verdict.Closed.class);
        // a plain refusal says nothing of the 7-day window; without a known message Meta decides
        assertThat(new Window(null, refused, false).verdict(NOW, true)).isInstanceOf(Window.Verdict.Unknown.class);
        assertThat(new Window(null, refused, true).verdict(NOW, true)).isInstanceOf(Window.Verdict.Closed.class);
        assertThat(new Window(NOW.minus(Duration.ofMinutes(5)), refused, true).verdict(NOW, false))
                .isEqualTo(new Window.Verdict.Open(Duration.ofHours(24).minusMinutes(5), true));
    }
}
