package org.igdm.gateway.graph;

/** Meta's answer to a successful send: {@code {"recipient_id":"…","message_id":"…"}} and the usage headers. */
public record GraphSendResult(String messageId, String recipientId, RateLimitUsage usage) {
}
