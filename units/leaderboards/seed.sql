-- The leaderboards unit's score events for scripts/seed.sh: boards "global" and board-1..N-1; players drawn with a
-- skew so some are far ahead.
-- scale events 100000
-- scale boards 10
TRUNCATE score_events RESTART IDENTITY;
INSERT INTO score_events (board, player, points, created_at)
SELECT CASE WHEN i % :boards = 0 THEN 'global' ELSE 'board-' || (i % :boards) END,
       'player-' || (1 + floor(power(random(), 2) * 10000))::int,
       1 + (random() * 99)::int,
       now() - (((:events - i) / 100) || ' seconds')::interval
FROM generate_series(1, :events) AS i;
ANALYZE score_events;
