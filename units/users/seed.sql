-- The users unit's synthetic rows for scripts/seed.sh (deterministic with its setseed).
-- scale users 10000
TRUNCATE users RESTART IDENTITY;
INSERT INTO users (name, email, avatar_url)
SELECT 'User ' || i, 'user' || i || '@example.com', 'https://img.example.com/u/' || i || '.png'
FROM generate_series(1, :users) AS i;
ANALYZE users;
