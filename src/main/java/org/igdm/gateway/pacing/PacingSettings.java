package org.igdm.gateway.pacing;

import java.time.Duration;

/**
 * How carefully the gateway calls Meta for an account.
 *
 * @param maxSendsPerSecond       the account's pace ({@code ig.max-sends-per-second} unless it sets its own): never more, in any one-second window
 * @param slowDownAtPercent       above this usage (of Meta's allowance) the pace slows in proportion
 * @param rateLimitPause          the pause after a rate-limit answer that names no time; it doubles while they repeat
 * @param maxPause                the longest single pause
 * @param breakerFailureThreshold transient failures in a row that mean Meta is down
 * @param breakerOpen             the first time no call is made once Meta is down; it doubles while it stays down
 * @param breakerMaxOpen          the longest time between two probes
 * @param arrivalBound            how soon after its request was written Meta receives a call at the latest (or when
 *                                it ends, if sooner): the pace counts a call until a second after that;
 *                                {@link #NO_ARRIVAL_BOUND} when nothing is assumed
 */
public record PacingSettings(
        double maxSendsPerSecond,
        int slowDownAtPercent,
        Duration rateLimitPause,
        Duration maxPause,
        int breakerFailureThreshold,
        Duration breakerOpen,
        Duration breakerMaxOpen,
        Duration arrivalBound) {

    /** Nothing is assumed about the network: a call counts until a second after its answer. */
    public static final Duration NO_ARRIVAL_BOUND = Duration.ofNanos(Long.MAX_VALUE);

    public PacingSettings withMaxSendsPerSecond(double pace) {
        return new PacingSettings(pace, slowDownAtPercent, rateLimitPause, maxPause, breakerFailureThreshold, breakerOpen, breakerMaxOpen, arrivalBound);
    }
}
