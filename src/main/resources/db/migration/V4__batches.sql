-- Dropped batch files and the outcome of each of their rows, for the progress endpoints and the result file.
-- A batch's counters move in the same transaction as the row whose outcome they count (see BatchStore), so
-- they always equal the rows held: sent + failed = total_rows means every row has its outcome.
CREATE TABLE batch (
    id                VARCHAR(64) PRIMARY KEY,
    file_name         VARCHAR(255) NOT NULL,
    fingerprint       VARCHAR(16) NOT NULL,
    total_rows        BIGINT NOT NULL,
    queued            BIGINT NOT NULL DEFAULT 0,
    sent              BIGINT NOT NULL DEFAULT 0,
    failed            BIGINT NOT NULL DEFAULT 0,
    started_at        TIMESTAMP WITH TIME ZONE NOT NULL,
    -- set by the outcome that completes the batch
    finished_at       TIMESTAMP WITH TIME ZONE,
    -- an instance writing the result file since then; another may take over once the claim is stale
    result_claimed_at TIMESTAMP WITH TIME ZONE,
    -- the result file's path, once it is written: it is never written again
    result_file       VARCHAR(1024)
);
CREATE INDEX batch_started ON batch (started_at);

-- One line of a result file: the first outcome recorded for the row wins (a replay after a crash adds none).
CREATE TABLE batch_row (
    batch_id        VARCHAR(64) NOT NULL,
    row_no          BIGINT NOT NULL,
    recipient_id    VARCHAR,
    account         VARCHAR(64),
    status          VARCHAR(16) NOT NULL,
    category        VARCHAR(16),
    message_id      VARCHAR,
    attempts        INTEGER NOT NULL,
    finished_at     VARCHAR(40) NOT NULL,
    error           VARCHAR,
    idempotency_key VARCHAR,
    PRIMARY KEY (batch_id, row_no)
);
