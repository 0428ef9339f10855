-- Sent idempotency keys (the duplicate and replay answers) and the instances of a cluster (whose claims are
-- still alive), and each account's share of its pace per instance (a cluster keeps an account at its rate).
-- Times are epoch milliseconds of the writing instance's clock.

-- One row per key, addressed by the SHA-256 of the key (its first 16 bytes): a compact index whatever the
-- key's length. status: 'C' claimed (a call to Meta is under way: owner and claimed_at), 'P' pending (Meta
-- confirmed; full_record is the sent record, not yet in the sink), 'R' recorded (the record is in the sink;
-- only the fields of the duplicate and replay answers are kept, full_record is dropped).
CREATE TABLE idempotency_key (
    key_hash     BYTEA PRIMARY KEY,
    status       CHAR(1) NOT NULL,
    owner        VARCHAR(128),
    claimed_at   BIGINT NOT NULL,
    sent_at      BIGINT,
    message_id   VARCHAR(512),
    source       VARCHAR(512),
    recipient_id VARCHAR(64),
    attempts     INT,
    full_record  TEXT
);
-- retention deletes keys by age
CREATE INDEX idempotency_key_claimed_at ON idempotency_key (claimed_at);

-- Each running instance writes seen_at every few seconds; a claim or pending record whose owner stopped
-- doing so is taken over by another instance.
CREATE TABLE store_instance (
    instance VARCHAR(128) PRIMARY KEY,
    seen_at  BIGINT NOT NULL
);

-- An account's allowance per second, in shares held by the instances (their sum never exceeds the pace).
-- Changes to an account's shares lock its pace_account row first, so that two instances never both take
-- the same part of the allowance.
CREATE TABLE pace_account (
    account VARCHAR(64) PRIMARY KEY
);
CREATE TABLE pace_share (
    account    VARCHAR(64) NOT NULL,
    instance   VARCHAR(128) NOT NULL,
    share      INT NOT NULL,
    expires_at BIGINT NOT NULL,
    PRIMARY KEY (account, instance)
);
