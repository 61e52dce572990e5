#!/usr/bin/env bash
# Fills the database with synthetic users, posts, inventory and leaderboard score events, and clears
# the service's Redis keys so no cache serves data from before. Deterministic: the same scale gives
# the same rows every time (it TRUNCATEs the example tables first, so never point it at real data).
#
# Usage: scripts/seed.sh [--users 100000] [--posts 10000] [--skus 10000] [--events 1000000] [--boards 10]
# Env:   DATABASE_URL (default: dev mode's database, postgresql://postgres@127.0.0.1:5432/<application>_dev),
#        REDIS_HOST / REDIS_PORT / REDIS_DB (default 127.0.0.1:6379, database 0), KEY_PATTERN (default 'cp:*')
set -euo pipefail

users=100000 posts=10000 skus=10000 events=1000000 boards=10
while [ $# -gt 0 ]; do
  case $1 in
    --users) users=$2; shift 2 ;;
    --posts) posts=$2; shift 2 ;;
    --skus) skus=$2; shift 2 ;;
    --events) events=$2; shift 2 ;;
    --boards) boards=$2; shift 2 ;;
    *) sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
  esac
done
for n in "$users" "$posts" "$skus" "$events" "$boards"; do
  [[ $n =~ ^[0-9]+$ ]] || { echo "scales must be non-negative integers" >&2; exit 2; }
done

# Dev mode's own database on the local Postgres (platform/localservices/LocalDatabase): quarkus.application.name in
# lower case, anything but letters and digits as _, then _dev.
app=$(sed -n 's/^quarkus\.application\.name=//p' "$(dirname "$0")/../src/main/resources/application.properties")
dev_db=$(echo "${app:-app}" | tr 'A-Z' 'a-z' | sed -E 's/[^a-z0-9]+/_/g; s/^_+|_+$//g')_dev
db=${DATABASE_URL:-postgresql://postgres@127.0.0.1:5432/$dev_db}
start=$(date +%s.%N)

# Only the example tables this service has (scripts/new-service.sh --examples may have left some out).
has() { [ "$(psql "$db" -tAc "SELECT to_regclass('public.$1') IS NOT NULL")" = t ]; }
seeded=()
sql="SELECT setseed(0.42) \\g /dev/null"
if has users; then
  seeded+=("$users users")
  sql+="
TRUNCATE users RESTART IDENTITY;
INSERT INTO users (name, email, avatar_url)
SELECT 'User ' || i, 'user' || i || '@example.com', 'https://img.example.com/u/' || i || '.png'
FROM generate_series(1, $users) AS i;
ANALYZE users;"
fi
if has posts; then
  seeded+=("$posts posts")
  sql+="
TRUNCATE posts;
INSERT INTO posts (slug, title, body, author_id, views, likes, published_at)
SELECT 'post-' || i, 'Post number ' || i, repeat('Lorem ipsum dolor sit amet. ', 20),
       1 + (i % GREATEST($users, 1)), (random() * 10000)::bigint, (random() * 500)::bigint,
       now() - (i || ' minutes')::interval
FROM generate_series(1, $posts) AS i;
ANALYZE posts;"
fi
if has inventory; then
  seeded+=("$skus SKUs")
  sql+="
TRUNCATE inventory;
INSERT INTO inventory (sku, name, quantity, version)
SELECT 'SKU-' || i, 'Item ' || i, (random() * 1000)::int, 1
FROM generate_series(1, $skus) AS i;
ANALYZE inventory;"
fi
if has score_events; then
  seeded+=("$events score events on $boards boards")
  # Boards "global" and board-1..N-1; players drawn with a skew so some are far ahead.
  sql+="
TRUNCATE score_events RESTART IDENTITY;
INSERT INTO score_events (board, player, points, created_at)
SELECT CASE WHEN i % $boards = 0 THEN 'global' ELSE 'board-' || (i % $boards) END,
       'player-' || (1 + floor(power(random(), 2) * 10000))::int,
       1 + (random() * 99)::int,
       now() - ((($events - i) / 100) || ' seconds')::interval
FROM generate_series(1, $events) AS i;
ANALYZE score_events;"
fi
psql "$db" -v ON_ERROR_STOP=1 -q <<<"$sql"

# Cached copies of the old rows must go (UNLINK in batches, without KEYS). On a Redis Cluster SCAN sees one node's
# keys only, so every master is scanned, and each UNLINK takes one key (keys of a batch would span slots).
redis_host="${REDIS_HOST:-127.0.0.1}"
redis_port="${REDIS_PORT:-6379}"
if redis-cli -h "$redis_host" -p "$redis_port" info cluster 2>/dev/null | grep -q '^cluster_enabled:1'; then
  redis-cli -h "$redis_host" -p "$redis_port" cluster nodes | awk '$3 ~ /master/ && $3 !~ /fail/ { split($2, a, "@"); print a[1] }' \
    | while read -r node; do
        redis-cli -h "${node%:*}" -p "${node##*:}" --scan --pattern "${KEY_PATTERN:-cp:*}" \
          | xargs -r -n 1 redis-cli -h "${node%:*}" -p "${node##*:}" UNLINK >/dev/null
      done
else
  redis=(redis-cli -h "$redis_host" -p "$redis_port" -n "${REDIS_DB:-0}")
  "${redis[@]}" --scan --pattern "${KEY_PATTERN:-cp:*}" | xargs -r -n 500 "${redis[@]}" UNLINK >/dev/null
fi

elapsed=$(awk -v a="$(date +%s.%N)" -v b="$start" 'BEGIN { print a - b }')
summary=$(IFS=,; echo "${seeded[*]:-nothing}")
printf 'seeded %s in %.1f s\n' "${summary//,/, }" "$elapsed"
