package org.igdm.demo;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.igdm.gateway.Json;
import org.igdm.gateway.graph.ConversationMessage;
import org.igdm.gateway.request.MessageKind;
import org.igdm.gateway.request.SendRequest;

/**
 * The conversations the sandbox's accounts had, as Meta's Conversations API shows them: each message the sandbox
 * took, per account and user, newest first, with its id, time, sender, recipient, text and (for media) the kind of
 * attachment Meta shows. Kept in memory while the demo runs.
 */
final class SandboxConversations {

    /** Meta shows a conversation's 20 latest messages. */
    private static final int SHOWN = 20;

    private record Conversation(String accountId, String userId, Deque<ObjectNode> messages) {
    }

    private final Map<String, Conversation> threads = new ConcurrentHashMap<>();

    /** The message the account sent to the user, as Meta took it. */
    void delivered(String accountId, SendRequest request, String messageId) {
        ObjectNode message = Json.MAPPER.createObjectNode().put("id", messageId)
                .put("created_time", ConversationMessage.META_TIME.format(Instant.now().atOffset(ZoneOffset.UTC)));
        message.putObject("from").put("id", accountId);
        message.putObject("to").putArray("data").addObject().put("id", request.recipientId());
        message.put("message", request.messageObject().path("text").asText(""));
        String attachment = switch (MessageKind.contentOf(request.message())) {
            case IMAGE -> "image_data";
            case VIDEO -> "video_data";
            case AUDIO, FILE -> "file_url";
            case null, default -> null;
        };
        if (attachment != null) {
            String url = request.messageObject().path("attachment").path("payload").path("url").asText("");
            ObjectNode shown = message.putObject("attachments").putArray("data").addObject();
            if (attachment.equals("file_url")) {
                shown.put("file_url", url);
            } else {
                shown.putObject(attachment).put("url", url);
            }
        }
        Conversation thread = threads.computeIfAbsent(id(accountId, request.recipientId()),
                id -> new Conversation(accountId, request.recipientId(), new ArrayDeque<>()));
        synchronized (thread) {
            thread.messages().addFirst(message);
            while (thread.messages().size() > SHOWN) {
                thread.messages().removeLast();
            }
        }
    }

    /** {@code GET /{account}/conversations?user_id=…}: the account's conversation with the user, if they have one. */
    ObjectNode conversationsOf(String accountId, String userId) {
        ObjectNode found = Json.MAPPER.createObjectNode();
        ArrayNode data = found.putArray("data");
        threads.values().stream().filter(thread -> thread.accountId().equals(accountId) && (userId == null || thread.userId().equals(userId)))
                .forEach(thread -> data.addObject().put("id", id(thread.accountId(), thread.userId())));
        return found;
    }

    /** {@code GET /{conversation}?fields=messages{…}}; null when the account has no such conversation. */
    ObjectNode messagesOf(String accountId, String conversationId) {
        Conversation thread = threads.get(conversationId);
        if (thread == null || !thread.accountId().equals(accountId)) {
            return null;
        }
        ObjectNode conversation = Json.MAPPER.createObjectNode().put("id", conversationId);
        ArrayNode data = conversation.putObject("messages").putArray("data");
        synchronized (thread) {
            thread.messages().forEach(message -> data.add(message.deepCopy()));
        }
        return conversation;
    }

    /** Meta's conversation ids are opaque; the sandbox's say whose they are. */
    private static String id(String accountId, String userId) {
        return "t_" + accountId + "_" + userId;
    }
}
