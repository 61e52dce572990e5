-- The posts unit's synthetic rows for scripts/seed.sh; authors are spread over the users scale.
-- scale posts 1000
-- scale users 10000
TRUNCATE posts;
INSERT INTO posts (slug, title, body, author_id, views, likes, published_at)
SELECT 'post-' || i, 'Post number ' || i, repeat('Lorem ipsum dolor sit amet. ', 20),
       1 + (i % GREATEST(:users, 1)), (random() * 10000)::bigint, (random() * 500)::bigint,
       now() - (i || ' minutes')::interval
FROM generate_series(1, :posts) AS i;
ANALYZE posts;
