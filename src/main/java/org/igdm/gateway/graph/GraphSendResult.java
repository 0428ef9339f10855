package org.igdm.gateway.graph;

/**
 * Meta's answer to a successful send: {@code {"recipient_id":"…","message_id":"…"}} and the usage headers; or,
 * when the answer was lost, the message found in the conversation afterwards ({@link #foundInConversation}).
 */
public record GraphSendResult(String messageId, String recipientId, RateLimitUsage usage, boolean foundInConversation) {

    public GraphSendResult(String messageId, String recipientId, RateLimitUsage usage) {
        this(messageId, recipientId, usage, false);
    }

    /** A send whose answer was lost, confirmed by Meta's message in the conversation: no usage was reported for it. */
    public static GraphSendResult found(ConversationMessage message, String recipientId) {
        return new GraphSendResult(message.id(), recipientId, RateLimitUsage.NONE, true);
    }
}
