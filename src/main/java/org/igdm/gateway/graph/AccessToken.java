package org.igdm.gateway.graph;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * The sending account's token. It is kept in this wrapper so that no log line, record or exception can
 * print it by accident: {@link #toString()} hides it, and only the form encoding reads it.
 */
public final class AccessToken {

    private final String value;

    public AccessToken(String value) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("the access token is empty");
        }
        this.value = value.strip();
    }

    String reveal() {
        return value;
    }

    /** Whether a presented token is this one, compared in constant time (the demo sandbox checks tokens as Meta does). */
    public boolean matches(String presented) {
        return presented != null && MessageDigest.isEqual(value.getBytes(StandardCharsets.UTF_8),
                presented.strip().getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public String toString() {
        return "AccessToken[hidden]";
    }
}
