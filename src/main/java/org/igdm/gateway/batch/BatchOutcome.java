package org.igdm.gateway.batch;

import org.igdm.gateway.delivery.OutcomeRecord;

/**
 * The outcome of one row of a batch, as its line of the result file shows it: taken from the record that the
 * sent or the failed sink holds for the row.
 *
 * @param category   the failed record's {@code error.category}; null when sent
 * @param messageId  Meta's message id; null when failed
 * @param finishedAt the record's {@code sent_at} or {@code failed_at}
 * @param error      the failed record's {@code error.message} (Meta's message or the validation reason)
 */
public record BatchOutcome(
        long row,
        String recipientId,
        String account,
        String status,
        String category,
        String messageId,
        int attempts,
        String finishedAt,
        String error,
        String idempotencyKey) {

    /**
     * Records do not name their account yet: every send goes through the one account, which the settings call
     * {@code default}.
     */
    static final String ACCOUNT = "default";

    public static BatchOutcome of(long row, OutcomeRecord record) {
        return switch (record) {
            case OutcomeRecord.Sent sent -> new BatchOutcome(row, sent.recipientId(), ACCOUNT, sent.status(), null,
                    sent.messageId(), sent.attempts(), sent.sentAt(), null, sent.idempotencyKey());
            case OutcomeRecord.Failed failed -> new BatchOutcome(row, failed.recipientId(), ACCOUNT, failed.status(),
                    failed.error().category().label(), null, failed.attempts(), failed.failedAt(), failed.error().message(),
                    failed.idempotencyKey());
        };
    }

    public boolean sent() {
        return "sent".equals(status);
    }
}
