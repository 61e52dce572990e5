-- The ledger of the cache layer's write-behind (cache/writebehind/AppliedLedger): accept ids of the entries applied to
-- Postgres, written in the same transaction as the increments, so an entry replayed after a crash (committed, not yet
-- acknowledged in Redis) is recognised and skipped. Pruned by age. Its own migration, so a service without the posts
-- example still gets it; IF NOT EXISTS because databases migrated before this version got it from V3__posts.sql.
CREATE TABLE IF NOT EXISTS write_behind_applied (
    id          UUID         PRIMARY KEY,
    applied_at  TIMESTAMPTZ  NOT NULL DEFAULT now()
);

CREATE INDEX IF NOT EXISTS write_behind_applied_applied_at ON write_behind_applied (applied_at);
