package org.igdm.gateway.graph;

/** What the gateway does with a failed call: the three answers of the error table in docs/design.md. */
public enum ErrorClass {
    /** Retry with exponential backoff (network errors, 5xx, codes 1 and 2, {@code is_transient}). */
    TRANSIENT,
    /** Retry, and hold back the whole account until Meta's window has passed (4, 17, 32, 341, 368, 613, 80002, 80006). */
    RATE_LIMITED,
    /** Never retried: the failed sink at once (window closed, user unavailable, bad parameter, token, permission). */
    PERMANENT
}
