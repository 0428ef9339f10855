package org.igdm.gateway.webhook;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Meta's signature of a webhook POST: {@code X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the raw body>}, keyed
 * with the app secret. The comparison takes the same time whatever the guess, so the timing tells an attacker
 * nothing.
 */
public final class WebhookSignature {

    public static final String HEADER = "X-Hub-Signature-256";
    private static final String PREFIX = "sha256=";
    private static final String ALGORITHM = "HmacSHA256";

    private final SecretKeySpec key;

    public WebhookSignature(String appSecret) {
        this.key = new SecretKeySpec(appSecret.getBytes(StandardCharsets.UTF_8), ALGORITHM);
    }

    /** The header value Meta sends with {@code body}. */
    public String sign(byte[] body) {
        return PREFIX + HexFormat.of().formatHex(mac(body));
    }

    /** Why the header does not sign {@code body}, or null if it does. */
    public String problem(String header, byte[] body) {
        if (header == null || header.isBlank()) {
            return HEADER + " is missing: Meta signs every webhook POST with the app secret";
        }
        String value = header.strip();
        byte[] presented;
        try {
            if (!value.regionMatches(true, 0, PREFIX, 0, PREFIX.length())) {
                throw new IllegalArgumentException("no prefix");
            }
            presented = HexFormat.of().parseHex(value.substring(PREFIX.length()));
        } catch (IllegalArgumentException malformed) {
            return HEADER + " must be 'sha256=' and the hex HMAC-SHA256 of the body";
        }
        return MessageDigest.isEqual(mac(body), presented) ? null
                : HEADER + " does not match the body: not signed with this gateway's " + WebhookSettings.APP_SECRET;
    }

    private byte[] mac(byte[] body) {
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(key);
            return mac.doFinal(body);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every Java runtime", e);
        }
    }

    @Override
    public String toString() {
        return "WebhookSignature[" + ALGORITHM + "]";
    }
}
