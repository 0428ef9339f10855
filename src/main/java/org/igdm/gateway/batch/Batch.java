package org.igdm.gateway.batch;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.time.Instant;

/**
 * One dropped file's batch and how far it is, as {@code GET /batches/{id}} shows it. {@code failed} counts the
 * rows refused at the door too; {@code pending} are the rows without an outcome yet.
 *
 * @param queued     the valid rows handed to the queue so far
 * @param finished   when the last row got its outcome; null while rows are pending
 * @param resultFile the result file's path once it is written
 */
@JsonPropertyOrder({"id", "file_name", "rows", "queued", "sent", "failed", "pending", "started", "finished", "result_file"})
public record Batch(
        @JsonProperty("id") String id,
        @JsonProperty("file_name") String fileName,
        @JsonProperty("rows") long rows,
        @JsonProperty("queued") long queued,
        @JsonProperty("sent") long sent,
        @JsonProperty("failed") long failed,
        @JsonIgnore Instant startedAt,
        @JsonIgnore Instant finishedAt,
        @JsonProperty("result_file") String resultFile) {

    @JsonProperty("pending")
    public long pending() {
        return rows - sent - failed;
    }

    @JsonProperty("started")
    public String started() {
        return startedAt.toString();
    }

    @JsonProperty("finished")
    public String finished() {
        return finishedAt == null ? null : finishedAt.toString();
    }

    /** The counts, as a progress line of the log shows them. */
    public String progress() {
        return "batch " + id + " (" + fileName + "): " + rows + " rows, " + queued + " queued, " + sent + " sent, "
                + failed + " failed, " + pending() + " pending";
    }
}
