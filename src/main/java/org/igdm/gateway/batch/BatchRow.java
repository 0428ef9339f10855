package org.igdm.gateway.batch;

import org.igdm.gateway.broker.Queues;

/**
 * Where a queued request came from when it is a row of a dropped file: its batch and its row number. The file
 * source sets it on each row's queue message ({@link Queues#BATCH_PROPERTY}, {@link Queues#BATCH_ROW_PROPERTY});
 * the delivery consumers turn those back into this value ({@link #PROPERTY}: {@code QueuedDelivery}) so that the row's
 * outcome reaches its batch.
 *
 * @param row 1 for the first row after the CSV header, or the first element of a JSON array
 */
public record BatchRow(String batchId, long row) {

    /** Exchange property of the JMS source: the {@link BatchRow} of the request, absent for other requests. */
    public static final String PROPERTY = "igBatchRow";
}
