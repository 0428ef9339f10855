package org.igdm.gateway.graph;

import java.util.Set;

/**
 * Sorts a failed Graph API call into an {@link ErrorClass}: the single home of the error table in
 * docs/design.md. Meta's HTTP status is not a reliable signal (rate limits come as 400
 * or 403, code 2 as 500), so a known code decides first, then {@code is_transient}, then the status
 * (5xx and 408 transient, 429 a rate limit, any other refusal permanent).
 */
public final class GraphErrorClassifier {

    /** App, user, page and custom rate limits; Instagram and Messenger business use case limits; temporary blocks. */
    private static final Set<Integer> RATE_LIMIT_CODES = Set.of(4, 17, 32, 341, 368, 613, 80002, 80006);
    /** Unknown error, service temporarily unavailable. */
    private static final Set<Integer> TRANSIENT_CODES = Set.of(1, 2);
    /** With code 10: outside the allowed messaging window. */
    private static final Set<Integer> OUTSIDE_WINDOW_SUBCODES = Set.of(2534022, 2018278);
    /**
     * A private reply to a comment that already has one (Meta allows one per comment): the Messenger Platform's
     * private replies answer {@code (#10900) Activity already replied to}.
     */
    public static final int ALREADY_REPLIED = 10900;

    private GraphErrorClassifier() {
    }

    /** @param error Meta's envelope, or null when the body held none */
    public static ErrorClass classify(int httpStatus, GraphError error) {
        if (error != null && error.code() != null) {
            if (RATE_LIMIT_CODES.contains(error.code())) {
                return ErrorClass.RATE_LIMITED;
            }
            if (TRANSIENT_CODES.contains(error.code()) || error.isTransient()) {
                return ErrorClass.TRANSIENT;
            }
            if (isPermanentCode(error.code())) {
                return ErrorClass.PERMANENT;
            }
        }
        if (error != null && error.isTransient()) {
            return ErrorClass.TRANSIENT;
        }
        if (httpStatus == 429) {
            return ErrorClass.RATE_LIMITED;
        }
        if (httpStatus >= 500 || httpStatus == 408) {
            return ErrorClass.TRANSIENT;
        }
        return ErrorClass.PERMANENT;
    }

    /**
     * Window closed or permission missing (10), bad parameter (100), token (190), permissions (200-299), user
     * unavailable (551), comment already answered by a private reply (10900).
     */
    private static boolean isPermanentCode(int code) {
        return code == 10 || code == 100 || code == 190 || (code >= 200 && code <= 299) || code == 551 || code == ALREADY_REPLIED;
    }

    /** What an operator should know beyond Meta's own words, or null. */
    public static String explanation(GraphError error) {
        if (error != null && error.code() != null && error.code() == ALREADY_REPLIED) {
            return "this comment already has its private reply: Meta allows one per comment";
        }
        return null;
    }

    /** Code 190: the token is invalid or expired, so every later send fails too. */
    public static boolean tokenInvalid(GraphError error) {
        return error != null && error.code() != null && error.code() == 190;
    }

    /** Code 10 with subcode 2534022 or 2018278: the send is outside the user's messaging window. */
    public static boolean outsideWindow(GraphError error) {
        return error != null && error.code() != null && error.code() == 10 && error.subcode() != null
                && OUTSIDE_WINDOW_SUBCODES.contains(error.subcode());
    }
}
