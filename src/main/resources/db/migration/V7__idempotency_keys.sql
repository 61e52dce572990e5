-- The Idempotency-Key ledger (platform/idempotency/IdempotencyLedger): the keys of writes whose effect is durable in
-- Postgres, recorded in the same transaction as the effect, with the answer to replay. A retry whose outcome Redis
-- forgot finds its key here and changes nothing. id is a SHA-256 (hex) of the principal and the key, fingerprint one
-- of the method, path and body; status 0 never commits (the row is claimed and recorded in one transaction). Rows older
-- than idempotency.retention count as absent and are pruned by age.
CREATE TABLE idempotency_keys (
    id           VARCHAR(64)  PRIMARY KEY,
    fingerprint  VARCHAR(64)  NOT NULL,
    status       SMALLINT     NOT NULL,
    headers      TEXT,
    body         TEXT,
    created_at   TIMESTAMPTZ  NOT NULL DEFAULT now()
);

CREATE INDEX idempotency_keys_created_at ON idempotency_keys (created_at);
