package org.igdm.gateway.webhook;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.igdm.gateway.Json;

/**
 * Reads Meta's webhook batch into {@link ReceivedEvent}s, in both shapes Meta sends for Instagram:
 * {@code {"object":"instagram","entry":[{"id":<account>,"time":…,"messaging":[{sender, recipient, timestamp, message…}]}]}}
 * and, for the Instagram API with Instagram Login and Meta's test tool, {@code entry[].changes[]} of
 * {@code {"field":"messages","value":{sender, recipient, timestamp, message…}}}. Changes of other fields
 * (comments, say) are kept too, with the field as their kind.
 */
public final class WebhookEvents {

    /** The kinds in which the user acts, and so opens the messaging window (see {@link ReceivedEvent#userWrote()}). */
    static final Set<String> USER_ACTIONS = Set.of(ReceivedEvent.MESSAGE, "reaction", "postback", "referral");
    /** The key of a messaging event that names its kind; {@code message} is {@code echo} when {@code is_echo}. */
    private static final Map<String, String> KINDS = Map.of(
            "message", ReceivedEvent.MESSAGE, "reaction", "reaction", "read", "seen", "postback", "postback", "referral", "referral");
    private static final Set<String> ENVELOPE = Set.of("sender", "recipient", "timestamp");
    /** Below this a time stamp is in seconds (Meta's changes), above it in milliseconds (Meta's messaging). */
    private static final long MILLIS_FROM = 100_000_000_000L;
    /** Sorted keys, so that an event's content hashes the same however its fields are ordered. */
    private static final ObjectMapper CANONICAL = Json.MAPPER.copy().enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);

    private WebhookEvents() {
    }

    /** Every event of the batch; a body that is not Meta's Instagram batch is refused naming the field. */
    public static List<ReceivedEvent> read(byte[] body, AccountNames accounts, Instant receivedAt) {
        JsonNode batch;
        try {
            batch = Json.MAPPER.readTree(body);
        } catch (JsonProcessingException e) {
            throw new InvalidWebhookException("body", "the body is not JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new IllegalStateException("a byte array is always readable", e);
        }
        if (batch == null || !batch.isObject()) {
            throw new InvalidWebhookException("body", "expected Meta's webhook batch, a JSON object with object and entry");
        }
        if (!"instagram".equals(batch.path("object").asText())) {
            throw new InvalidWebhookException("object", "object must be \"instagram\" (subscribe the app's Instagram webhooks), got "
                    + batch.path("object"));
        }
        JsonNode entries = batch.path("entry");
        if (!entries.isArray()) {
            throw new InvalidWebhookException("entry", "entry must be an array of the accounts' events");
        }
        List<ReceivedEvent> events = new ArrayList<>();
        for (int index = 0; index < entries.size(); index++) {
            readEntry(entries.get(index), "entry[" + index + "]", accounts, receivedAt, events);
        }
        return events;
    }

    private static void readEntry(JsonNode entry, String where, AccountNames accounts, Instant receivedAt, List<ReceivedEvent> events) {
        String accountId = entry.path("id").asText("");
        if (accountId.isEmpty()) {
            throw new InvalidWebhookException(where + ".id", where + ".id must be the account's Instagram user id");
        }
        Entry account = new Entry(accountId, accounts.nameOf(accountId), instant(entry.path("time"), receivedAt), receivedAt);
        for (JsonNode messaging : objects(entry, "messaging", where)) {
            events.add(account.messaging(messaging, messaging));
        }
        for (JsonNode change : objects(entry, "changes", where)) {
            JsonNode value = change.path("value");
            events.add(value.has("sender") && value.has("recipient")
                    ? account.messaging(value, change)
                    : account.change(change.path("field").asText("change"), value, change));
        }
    }

    /** The entry's array {@code name} (none: empty), each of its items an object. */
    private static List<JsonNode> objects(JsonNode entry, String name, String where) {
        JsonNode array = entry.path(name);
        if (array.isMissingNode()) {
            return List.of();
        }
        if (!array.isArray()) {
            throw new InvalidWebhookException(where + "." + name, where + "." + name + " must be an array of events");
        }
        List<JsonNode> items = new ArrayList<>();
        for (int index = 0; index < array.size(); index++) {
            if (!array.get(index).isObject()) {
                String item = where + "." + name + "[" + index + "]";
                throw new InvalidWebhookException(item, item + " must be an event object");
            }
            items.add(array.get(index));
        }
        return items;
    }

    /** The entry's account and time, shared by its events. */
    private record Entry(String accountId, String accountName, Instant time, Instant receivedAt) {

        /** An event with Meta's messaging envelope: {@code messaging} (as {@code event} came, in either shape). */
        ReceivedEvent messaging(JsonNode messaging, JsonNode event) {
            String kind = kind(messaging);
            String mid = messaging.path("message").path("mid").asText("");
            String identity = mid.isEmpty() ? kind + "\n" + canonical(messaging) : "mid\n" + mid;
            return new ReceivedEvent(hash(accountId + "\n" + identity), accountName, accountId, kind,
                    text(messaging.path("sender").path("id")), text(messaging.path("recipient").path("id")),
                    instant(messaging.path("timestamp"), time), receivedAt, event);
        }

        /** A change of another field (a comment, say): kept with the field as its kind, from whoever it is from. */
        ReceivedEvent change(String field, JsonNode value, JsonNode event) {
            return new ReceivedEvent(hash(accountId + "\n" + field + "\n" + canonical(value)), accountName, accountId, field,
                    text(value.path("from").path("id")), accountId, instant(value.path("timestamp"), time), receivedAt, event);
        }
    }

    private static String kind(JsonNode messaging) {
        for (Iterator<String> keys = messaging.fieldNames(); keys.hasNext(); ) {
            String key = keys.next();
            String kind = KINDS.get(key);
            if (kind != null) {
                return ReceivedEvent.MESSAGE.equals(kind) && messaging.path("message").path("is_echo").asBoolean(false) ? ReceivedEvent.ECHO : kind;
            }
        }
        // optins, handovers and fields Meta adds later: named by their key
        for (Iterator<String> keys = messaging.fieldNames(); keys.hasNext(); ) {
            String key = keys.next();
            if (!ENVELOPE.contains(key)) {
                return key;
            }
        }
        return "unknown";
    }

    /** Meta's time stamp (a number or a numeric string; seconds or milliseconds), else {@code otherwise}. */
    private static Instant instant(JsonNode stamp, Instant otherwise) {
        long value;
        if (stamp.isNumber()) {
            value = stamp.asLong();
        } else if (stamp.isTextual() && stamp.asText().matches("\\d{1,19}")) {
            value = Long.parseLong(stamp.asText());
        } else {
            return otherwise;
        }
        return value < MILLIS_FROM ? Instant.ofEpochSecond(value) : Instant.ofEpochMilli(value);
    }

    private static String text(JsonNode node) {
        return node.isValueNode() ? node.asText() : null;
    }

    private static String canonical(JsonNode node) {
        try {
            return CANONICAL.writeValueAsString(CANONICAL.treeToValue(node, Object.class));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a parsed JSON tree always serializes", e);
        }
    }

    private static String hash(String identity) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(identity.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }
}
