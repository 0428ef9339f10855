package org.igdm.gateway.window;

import java.time.Duration;
import java.time.Instant;

/**
 * What the gateway knows of one user's messaging window with one account, and Meta's rules on it: a reply is
 * allowed within 24 h of the user's last message, a HUMAN_AGENT reply within 7 days. A refusal by Meta as outside
 * the window (at {@code closedAt}) closes it until the user writes again; a refusal of a HUMAN_AGENT send closes the
 * 7-day window too.
 *
 * @param lastMessageAt when the user last wrote, or null if the gateway never heard from the user
 * @param closedAt      when Meta last refused a send to the user as outside the window, or null
 */
public record Window(Instant lastMessageAt, Instant closedAt, boolean closedForHumanAgent) {

    public static final Duration STANDARD = Duration.ofHours(24);
    public static final Duration HUMAN_AGENT = Duration.ofDays(7);
    /** Nothing known: the decision is Meta's. */
    public static final Window UNKNOWN = new Window(null, null, false);

    /** What a send now may do, with or without the HUMAN_AGENT tag. */
    public Verdict verdict(Instant now, boolean humanAgent) {
        boolean closedByMeta = closedAt != null && (lastMessageAt == null || lastMessageAt.isBefore(closedAt));
        if (closedByMeta && (!humanAgent || closedForHumanAgent)) {
            return new Verdict.Closed("Meta refused a send to this user as outside the messaging window at " + closedAt
                    + (lastMessageAt == null ? "" : "; the user last wrote at " + lastMessageAt)
                    + ", and the user has not written since");
        }
        if (lastMessageAt == null) {
            return new Verdict.Unknown();
        }
        Duration age = Duration.between(lastMessageAt, now);
        if (age.compareTo(STANDARD) < 0) {
            return new Verdict.Open(STANDARD.minus(age), true);
        }
        if (humanAgent && age.compareTo(HUMAN_AGENT) < 0) {
            return new Verdict.Open(HUMAN_AGENT.minus(age), false);
        }
        return new Verdict.Closed("the user last wrote at " + lastMessageAt + ", more than "
                + (humanAgent ? "7 days" : "24 h (7 days for a HUMAN_AGENT reply)") + " ago");
    }

    /** The outcome of {@link #verdict}. */
    public sealed interface Verdict {

        /** The gateway never heard from the user: Meta decides. */
        record Unknown() implements Verdict {
        }

        /** Meta allows the send; {@code withinStandard}: inside the 24 h window, where no tag is needed. */
        record Open(Duration remaining, boolean withinStandard) implements Verdict {
        }

        /** Meta would refuse the send; {@code why} says when the user last wrote. */
        record Closed(String why) implements Verdict {
        }
    }
}
