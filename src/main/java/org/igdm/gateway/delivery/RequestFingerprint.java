package org.igdm.gateway.delivery;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Map;
import java.util.TreeMap;
import org.igdm.gateway.request.SendRequest;

/**
 * What makes two requests the same send, as a SHA-256: the sending account, the recipient or comment, the message
 * or sender action with its payload, and the tag; not the idempotency key itself. The fields are hashed as JSON
 * with every object's fields in name order, so neither the order a caller wrote them in nor white space matters.
 */
final class RequestFingerprint {

    private static final ObjectMapper CANONICAL = new ObjectMapper().enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);

    private RequestFingerprint() {
    }

    /** @param account the name of the account the request resolved to, so that naming it by id or by name is the same */
    static byte[] of(SendRequest request, String account) {
        Map<String, Object> fields = new TreeMap<>();
        fields.put("account", account);
        fields.put("recipient_id", request.recipientId());
        fields.put("comment_id", request.commentId());
        fields.put("message", plain(request.message()));
        fields.put("sender_action", request.senderAction());
        fields.put("payload", plain(request.payload()));
        fields.put("tag", request.tag());
        try {
            return MessageDigest.getInstance("SHA-256").digest(CANONICAL.writeValueAsString(fields).getBytes(StandardCharsets.UTF_8));
        } catch (JsonProcessingException | NoSuchAlgorithmException e) {
            throw new IllegalStateException("a request's fields always hash", e);
        }
    }

    /** The tree as maps and lists, which the mapper writes in name order (it writes a tree's fields as they came). */
    private static Object plain(JsonNode node) {
        return node == null ? null : CANONICAL.convertValue(node, Object.class);
    }
}
