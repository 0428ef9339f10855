package org.igdm.gateway.account;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * An account's token. It is kept in this wrapper so that no log line, record or exception can print it by
 * accident: {@link #toString()} hides it, and only the Graph client reads it, to put it in the call's body or
 * {@code Authorization} header.
 */
public final class AccessToken {

    private final String value;

    public AccessToken(String value) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("the access token is empty");
        }
        this.value = value.strip();
    }

    /** The token itself: for the Graph client's call only, never for a message. */
    public String reveal() {
        return value;
    }

    /** Whether a presented token is this one, compared in constant time (the demo sandbox checks tokens as Meta does). */
    public boolean matches(String presented) {
        return presented != null && MessageDigest.isEqual(value.getBytes(StandardCharsets.UTF_8),
                presented.strip().getBytes(StandardCharsets.UTF_8));
    }

    public boolean sameAs(AccessToken other) {
        return other != null && matches(other.value);
    }

    @Override
    public String toString() {
        return "AccessToken[hidden]";
    }
}
