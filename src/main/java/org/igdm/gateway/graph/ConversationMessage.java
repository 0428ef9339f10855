package org.igdm.gateway.graph;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * One message of a conversation as Meta's Conversations API shows it:
 * {@code {"id","created_time","from":{"id"},"to":{"data":[{"id"}]},"message":"…","attachments":{"data":[…]}}}.
 *
 * @param id          Meta's message id, the one its Send API answered with
 * @param createdTime when Meta took it (Meta gives whole seconds); null when Meta's time could not be read
 * @param fromId      who sent it
 * @param toIds       who it went to
 * @param text        its text; empty for an attachment alone
 * @param attachments what its attachments hold, as Meta names them ({@code image_data}, {@code video_data},
 *                    {@code file_url}); empty without attachments
 */
public record ConversationMessage(String id, Instant createdTime, String fromId, List<String> toIds, String text, Set<String> attachments) {

    /** How Meta writes {@code created_time}: {@code 2026-11-30T00:12:05+0000}. */
    public static final DateTimeFormatter META_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ssxx");
    private static final List<String> ATTACHMENT_CONTENTS = List.of("image_data", "video_data", "file_url");

    public ConversationMessage {
        toIds = List.copyOf(toIds);
        attachments = Set.copyOf(attachments);
    }

    /** The messages of {@code GET /{conversation-id}?fields=messages{…}}, newest first as Meta lists them. */
    static List<ConversationMessage> listOf(JsonNode conversation) {
        List<ConversationMessage> messages = new ArrayList<>();
        for (JsonNode message : conversation.path("messages").path("data")) {
            List<String> to = new ArrayList<>();
            message.path("to").path("data").forEach(user -> to.add(user.path("id").asText()));
            Set<String> attachments = new TreeSet<>();
            for (JsonNode attachment : message.path("attachments").path("data")) {
                ATTACHMENT_CONTENTS.stream().filter(attachment::hasNonNull).forEach(attachments::add);
            }
            messages.add(new ConversationMessage(message.path("id").asText(null), time(message.path("created_time").asText(null)),
                    message.path("from").path("id").asText(null), to, message.path("message").asText(""), attachments));
        }
        return messages;
    }

    private static Instant time(String text) {
        if (text == null) {
            return null;
        }
        try {
            return OffsetDateTime.parse(text, META_TIME).toInstant();
        } catch (DateTimeParseException notMetasFormat) {
            return null;
        }
    }
}
