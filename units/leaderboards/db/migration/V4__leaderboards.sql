-- Every score event; a board's ranking is each player's SUM(points). Postgres is the source of truth, the Redis sorted
-- sets are rebuilt from this table.
CREATE TABLE score_events (
    id          BIGSERIAL    PRIMARY KEY,
    -- "C" collation: byte order, the order Redis uses for equal scores, so both rank ties the same way.
    board       VARCHAR(64)  COLLATE "C" NOT NULL,
    player      VARCHAR(64)  COLLATE "C" NOT NULL,
    points      BIGINT       NOT NULL,
    created_at  TIMESTAMPTZ  NOT NULL DEFAULT now()
);

-- Serves the per-board aggregate (rows come sorted by player, so GROUP BY needs no sort, and INCLUDE (points) allows
-- index-only scans) and one player's total.
CREATE INDEX score_events_board_player ON score_events (board, player) INCLUDE (points);
