-- The SHA-256 of the request a key was sent for (its account, recipient or comment, and message): a later request
-- with the key but another fingerprint is refused rather than answered with the first one's record. Keys sent
-- before this column existed have none and are answered as duplicates, as they were.
ALTER TABLE idempotency_key ADD COLUMN fingerprint BYTEA;
