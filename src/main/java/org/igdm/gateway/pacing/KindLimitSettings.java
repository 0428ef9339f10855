package org.igdm.gateway.pacing;

import java.time.Duration;

/**
 * Meta's limits for some kinds of message, per account and inside the account's overall pace.
 *
 * @param audioVideoPerSecond   {@code ig.max-audio-video-per-second}: audio and video attachments (Meta: 10/s)
 * @param privateRepliesPerHour {@code ig.max-private-replies-per-hour}: private replies to comments (Meta: 750/h)
 * @param arrivalBound          {@code gateway.pacing.arrival-bound-ms}, as for the account's pace ({@link PacingSettings})
 */
public record KindLimitSettings(int audioVideoPerSecond, int privateRepliesPerHour, Duration arrivalBound) {
}
