package org.igdm.gateway.graph;

import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/** The {@code Retry-After} header of an answer (RFC 9110): a number of seconds, or an HTTP-date. */
public final class RetryAfter {

    public static final String HEADER = "Retry-After";
    /** More digits than a long holds: a wait longer than any cap. */
    private static final int LONGEST_SECONDS_TEXT = 18;

    private RetryAfter() {
    }

    /**
     * How long the answer asks the caller to wait from {@code now}: zero when the header is absent, unreadable, or
     * names a time already past (the gateway's own backoff then applies).
     */
    public static Duration parse(String header, Instant now) {
        if (header == null || header.isBlank()) {
            return Duration.ZERO;
        }
        String value = header.strip();
        if (value.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return Duration.ofSeconds(value.length() > LONGEST_SECONDS_TEXT ? Long.MAX_VALUE : Long.parseLong(value));
        }
        try {
            Instant until = ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
            return until.isAfter(now) ? Duration.between(now, until) : Duration.ZERO;
        } catch (DateTimeParseException unreadable) {
            return Duration.ZERO;
        }
    }
}
