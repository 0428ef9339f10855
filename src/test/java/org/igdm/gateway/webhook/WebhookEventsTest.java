package org.igdm.gateway.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Meta's webhook batches read into events: kinds, who wrote, when, and the identity that survives a redelivery. */
class WebhookEventsTest {

    private static final Instant NOW = Instant.parse("2026-11-29T12:00:00Z");

    @Test
    void everyMessagingKindIsNamedAndOnlyTheUsersActionsOpenTheWindow() {
        List<ReceivedEvent> events = read(entry("42",
                item("7", "42", "\"message\":{\"mid\":\"m1\",\"text\":\"hi\"}"),
                item("42", "7", "\"message\":{\"mid\":\"m2\",\"text\":\"hello\",\"is_echo\":true}"),
                item("7", "42", "\"reaction\":{\"mid\":\"m2\",\"action\":\"react\",\"reaction\":\"love\"}"),
                item("7", "42", "\"read\":{\"mid\":\"m2\"}"),
                item("7", "42", "\"postback\":{\"mid\":\"m3\",\"title\":\"Yes\",\"payload\":\"YES\"}"),
                item("7", "42", "\"referral\":{\"ref\":\"spring-sale\",\"source\":\"ADS\",\"type\":\"OPEN_THREAD\"}"),
                item("7", "42", "\"optin\":{\"payload\":\"news\"}")));

        assertThat(events).extracting(ReceivedEvent::kind)
                .containsExactly("message", "echo", "reaction", "seen", "postback", "referral", "optin");
        assertThat(events).extracting(ReceivedEvent::userWrote).containsExactly(true, false, true, false, true, true, false);
        assertThat(events).extracting(ReceivedEvent::account).containsOnly("main");
        assertThat(events.get(0).occurredAt()).isEqualTo(Instant.ofEpochMilli(1764417600000L));
    }

    @Test
    void aMessageIsKnownByItsMidAndOtherEventsByTheirContent() {
        String message = item("7", "42", "\"message\":{\"mid\":\"m1\",\"text\":\"hi\"}");
        String sameMidOtherShape = item("7", "42", "\"message\":{\"text\":\"hi\",\"mid\":\"m1\",\"attachments\":[]}");
        String react = item("7", "42", "\"reaction\":{\"mid\":\"m1\",\"action\":\"react\",\"reaction\":\"love\"}");
        String unreact = item("7", "42", "\"reaction\":{\"mid\":\"m1\",\"action\":\"unreact\"}");
        List<ReceivedEvent> events = read(entry("42", message, sameMidOtherShape, react, unreact, react));

        assertThat(events.get(0).eventId()).isEqualTo(events.get(1).eventId());
        assertThat(events.get(2).eventId()).isNotEqualTo(events.get(3).eventId()).isEqualTo(events.get(4).eventId());
        // the same message seen by another account is another event
        assertThat(read(entry("43", message)).get(0).eventId()).isNotEqualTo(events.get(0).eventId());
    }

    @Test
    void anEntryWithoutAnAccountIdOrABatchOfAnotherObjectIsRefusedNamingTheField() {
        assertThatThrownBy(() -> read("{\"object\":\"instagram\",\"entry\":[{\"messaging\":[]}]}"))
                .isInstanceOfSatisfying(InvalidWebhookException.class, e -> assertThat(e.field()).isEqualTo("entry[0].id"));
        assertThatThrownBy(() -> read("{\"object\":\"instagram\",\"entry\":{}}"))
                .isInstanceOfSatisfying(InvalidWebhookException.class, e -> assertThat(e.field()).isEqualTo("entry"));
        assertThatThrownBy(() -> read("{\"object\":\"instagram\",\"entry\":[{\"id\":\"42\",\"messaging\":{\"sender\":{}}}]}"))
                .isInstanceOfSatisfying(InvalidWebhookException.class, e -> assertThat(e.field()).isEqualTo("entry[0].messaging"));
        assertThatThrownBy(() -> read("{\"object\":\"instagram\",\"entry\":[{\"id\":\"42\",\"changes\":[{\"field\":\"messages\"},7]}]}"))
                .isInstanceOfSatisfying(InvalidWebhookException.class, e -> assertThat(e.field()).isEqualTo("entry[0].changes[1]"));
        assertThatThrownBy(() -> read("[]"))
                .isInstanceOfSatisfying(InvalidWebhookException.class, e -> assertThat(e.field()).isEqualTo("body"));
    }

    private static List<ReceivedEvent> read(String batch) {
        return WebhookEvents.read(batch.getBytes(StandardCharsets.UTF_8), id -> id.equals("42") ? "main" : null, NOW);
    }

    private static String entry(String accountId, String... items) {
        return "{\"object\":\"instagram\",\"entry\":[{\"id\":\"" + accountId + "\",\"time\":1764417601000,\"messaging\":["
                + String.join(",", items) + "]}]}";
    }

    private static String item(String sender, String recipient, String body) {
        return "{\"sender\":{\"id\":\"" + sender + "\"},\"recipient\":{\"id\":\"" + recipient + "\"},\"timestamp\":1764417600000," + body + "}";
    }
}
