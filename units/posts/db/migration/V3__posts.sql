CREATE TABLE posts (
    slug          VARCHAR(100)  PRIMARY KEY CHECK (slug ~ '^[a-z0-9][a-z0-9-]{0,99}$'),
    title         VARCHAR(200)  NOT NULL,
    body          TEXT          NOT NULL CHECK (length(body) <= 20000),
    author_id     BIGINT        NOT NULL CHECK (author_id > 0),
    views         BIGINT        NOT NULL DEFAULT 0,
    likes         BIGINT        NOT NULL DEFAULT 0,
    published_at  TIMESTAMPTZ   NOT NULL DEFAULT now()
);

-- Accept ids of the write-behind entries applied to Postgres, written in the same transaction as the increments, so an
-- entry replayed after a crash (committed, not yet acknowledged in Redis) is recognised and skipped. Pruned by age.
CREATE TABLE write_behind_applied (
    id          UUID         PRIMARY KEY,
    applied_at  TIMESTAMPTZ  NOT NULL DEFAULT now()
);

CREATE INDEX write_behind_applied_applied_at ON write_behind_applied (applied_at);
