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

    /** Window closed or permission missing (10), bad parameter (100), token (190), permissions (200-299), user unavailable (551). */
    private static boolean isPermanentCode(int code) {
        return code == 10 || code == 100 || code == 190 || (code >= 200 && code <= 299) || code == 551;
    }

    /** Code 190: the token is invalid or expired, so every later send fails too. */
    public static boolean tokenInvalid(GraphError error) {
        return error != null && error.code() != null && error.code() == 190;
    }
}
