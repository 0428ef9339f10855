package org.igdm.gateway.request;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/** The rules of the canonical request (docs/design.md), in one place. Every source validates with this class. */
public final class RequestValidator {

    /** Meta's limit is 1000 (one page says characters): bytes in UTF-8 is the stricter reading. */
    public static final int MAX_MESSAGE_BYTES = 1000;
    public static final int MAX_KEY_LENGTH = 255;
    private static final Pattern INSTAGRAM_SCOPED_ID = Pattern.compile("[0-9]{1,64}");
    private static final int MAX_ECHO = 40;

    private RequestValidator() {
    }

    /** Every rule the request breaks; empty when it is valid. */
    public static List<Violation> violations(SendRequest request) {
        List<Violation> found = new ArrayList<>();
        String recipient = request.recipientId();
        if (recipient == null || recipient.isEmpty()) {
            found.add(new Violation("recipient_id", "recipient_id is required"));
        } else if (!INSTAGRAM_SCOPED_ID.matcher(recipient).matches()) {
            found.add(new Violation("recipient_id", "recipient_id must be 1-64 digits, got '" + echo(recipient) + "'"));
        }
        String message = request.message();
        if (message == null || message.isEmpty()) {
            found.add(new Violation("message", "message is required and must not be empty"));
        } else {
            int bytes = message.getBytes(StandardCharsets.UTF_8).length;
            if (bytes > MAX_MESSAGE_BYTES) {
                found.add(new Violation("message", "message is " + bytes + " bytes in UTF-8; the limit is " + MAX_MESSAGE_BYTES));
            }
        }
        String tag = request.tag();
        if (tag != null && !SendRequest.HUMAN_AGENT.equals(tag)) {
            found.add(new Violation("tag", "tag must be HUMAN_AGENT or left out, got '" + echo(tag) + "'"));
        }
        String key = request.idempotencyKey();
        if (key != null && key.length() > MAX_KEY_LENGTH) {
            found.add(new Violation("idempotency_key",
                    "idempotency_key must be at most " + MAX_KEY_LENGTH + " characters, got " + key.length()));
        }
        return found;
    }

    /** Returns the request when valid; otherwise throws naming every broken rule. */
    public static SendRequest validate(SendRequest request) {
        List<Violation> found = violations(request);
        if (!found.isEmpty()) {
            throw new InvalidRequestException(found);
        }
        return request;
    }

    private static String echo(String value) {
        return value.length() <= MAX_ECHO ? value : value.substring(0, MAX_ECHO) + "…";
    }
}
