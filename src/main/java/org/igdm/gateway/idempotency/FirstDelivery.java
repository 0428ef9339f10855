package org.igdm.gateway.idempotency;

import java.time.Instant;

/**
 * What is kept of a key's first delivery once its record is in the sink: enough for the answer to a
 * duplicate or a replay (the sent record, less the usage Meta reported at that moment).
 */
public record FirstDelivery(String source, String recipientId, String messageId, int attempts, Instant sentAt) {
}
