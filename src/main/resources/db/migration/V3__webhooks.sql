-- Webhooks and the messaging window. Written in PostgreSQL's dialect, which the embedded H2 database runs in its
-- PostgreSQL mode.

-- The webhook events already kept: Meta redelivers a batch for up to 36 h when it did not get its 200 at once,
-- and an event kept before is not kept again. The id is the SHA-256 (hex) of the event's identity: its account
-- and message id, or its whole content for events without one. Rows older than the redelivery horizon are purged.
CREATE TABLE webhook_events (
    event_id VARCHAR(64) PRIMARY KEY,
    kept_at  TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE INDEX webhook_events_kept_at ON webhook_events (kept_at);

-- Per account (its Instagram user id) and user: when the user last wrote, and when Meta last refused a send to
-- the user as outside the window (10/2534022), also for a HUMAN_AGENT send (then the 7-day window is closed too).
-- A user message after the refusal opens the window again.
CREATE TABLE messaging_windows (
    account_id             VARCHAR(64) NOT NULL,
    user_id                VARCHAR(64) NOT NULL,
    last_message_at        TIMESTAMP WITH TIME ZONE,
    closed_at              TIMESTAMP WITH TIME ZONE,
    closed_for_human_agent BOOLEAN NOT NULL DEFAULT FALSE,
    PRIMARY KEY (account_id, user_id)
);

-- Comments answered by a private reply: Meta allows one per comment.
CREATE TABLE answered_comments (
    account_id  VARCHAR(64) NOT NULL,
    comment_id  VARCHAR(128) NOT NULL,
    message_id  VARCHAR(255),
    answered_at TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (account_id, comment_id)
);
