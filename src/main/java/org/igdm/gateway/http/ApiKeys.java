package org.igdm.gateway.http;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.List;

/**
 * The keys HTTP callers present as {@code Authorization: Bearer <key>} ({@code gateway.http.api-keys}).
 * No key configured means no authentication, and then the server listens on loopback only.
 * The keys are never printed: {@link #toString()} says only how many there are.
 */
public final class ApiKeys {

    /** What a caller without a valid key is told, at every door. */
    public static final String HOW_TO = "send one of the gateway's API keys as 'Authorization: Bearer <key>'";
    private static final String BEARER = "Bearer ";

    private final List<byte[]> keys;

    private ApiKeys(List<byte[]> keys) {
        this.keys = keys;
    }

    /** Reads the comma-separated setting; blanks around and between keys are ignored. */
    public static ApiKeys parse(String setting) {
        String value = setting == null ? "" : setting;
        return new ApiKeys(Arrays.stream(value.split(","))
                .map(String::strip)
                .filter(key -> !key.isEmpty())
                .map(key -> key.getBytes(StandardCharsets.UTF_8))
                .toList());
    }

    public boolean required() {
        return !keys.isEmpty();
    }

    /**
     * Whether the {@code Authorization} header carries one of the keys. Every key is compared, in constant
     * time, so the answer's timing tells nothing about how close a guess was or which key matched.
     */
    public boolean accepts(String authorization) {
        if (!required()) {
            return true;
        }
        if (authorization == null || !authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            return false;
        }
        byte[] presented = authorization.substring(BEARER.length()).strip().getBytes(StandardCharsets.UTF_8);
        boolean match = false;
        for (byte[] key : keys) {
            match |= MessageDigest.isEqual(key, presented);
        }
        return match;
    }

    @Override
    public String toString() {
        return keys.size() + " API key(s)";
    }
}
