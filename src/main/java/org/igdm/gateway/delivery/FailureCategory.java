package org.igdm.gateway.delivery;

import com.fasterxml.jackson.annotation.JsonValue;

/** Why a request ended in the failed sink: {@code error.category} of the failed record. */
public enum FailureCategory {
    /** It broke the request rules and was never sent. */
    INVALID,
    /** Meta refused it; retrying cannot help. */
    REJECTED,
    /** Transient failures until the attempts ran out. */
    EXHAUSTED,
    /** Its idempotency key was already sent. */
    DUPLICATE;

    @JsonValue
    public String label() {
        return name().toLowerCase();
    }
}
