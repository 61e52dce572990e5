#!/usr/bin/env bash
# Leaderboard throughput: top-10 and rank served from Redis (refresh-ahead) against the Postgres aggregate, over
# 1M score events on one board. Starts two packaged instances (cache on / cache off), one wrk run each, same machine.
# Usage: DB=cp_bench bench/leaderboards.sh   (needs: ./mvnw package, wrk, psql; loopback only)
set -euo pipefail
cd "$(dirname "$0")/.."
DB=${DB:?set DB to a database of your own, e.g. cp_bench}
PORT_CACHED=${PORT_CACHED:-18085}
PORT_BASELINE=${PORT_BASELINE:-18095}
PSQL=(psql -h 127.0.0.1 -U postgres -d "$DB" -v ON_ERROR_STOP=1)
export QUARKUS_DATASOURCE_REACTIVE_URL=postgresql://127.0.0.1:5432/$DB

pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; }
trap cleanup EXIT

start() { # port, extra env
  env QUARKUS_HTTP_PORT="$1" ${2:+"$2"} java -jar target/quarkus-app/quarkus-run.jar >"target/bench-$1.log" 2>&1 &
  pids+=($!)
  for _ in $(seq 1 120); do curl -sf "localhost:$1/q/health/live" >/dev/null && return; sleep 1; done
  echo "instance on $1 did not start" >&2; exit 1
}

start "$PORT_CACHED"                                   # applies the migrations
start "$PORT_BASELINE" CACHE_LEADERBOARDS_ENABLED=false  # every read answered by the Postgres aggregate

echo "seeding 1M events on board 'bench'"
"${PSQL[@]}" -c "DELETE FROM score_events WHERE board = 'bench'" \
  -c "INSERT INTO score_events (board, player, points) SELECT 'bench', 'player' || (g % 10000), (g::bigint * 7919) % 100 + 1 FROM generate_series(1, 1000000) g" \
  -c "VACUUM ANALYZE score_events"
redis-cli -p 6379 unlink 'cp:lb:{bench}:scores' 'cp:lb:{bench}:refreshed-at' >/dev/null

echo "aggregate query time at 1M events"
"${PSQL[@]}" -c '\timing on' \
  -c "SELECT player, SUM(points)::bigint AS total FROM score_events WHERE board = 'bench' GROUP BY player ORDER BY total DESC, player LIMIT 10" \
  | grep '^Time' 

curl -sf "localhost:$PORT_CACHED/leaderboards/bench" >/dev/null   # cold: served from Postgres, rebuilt in the background
until [ "$(redis-cli -p 6379 exists 'cp:lb:{bench}:refreshed-at')" = 1 ]; do sleep 0.5; done

top=/leaderboards/bench?limit=10
rank=/leaderboards/bench/players/player4242
for url in "$PORT_CACHED$top" "$PORT_CACHED$rank" "$PORT_BASELINE$top"; do wrk -t2 -c32 -d5s "http://127.0.0.1:$url" >/dev/null; done  # JIT warm-up
uptime
for run in "cached-top10 $PORT_CACHED$top" "postgres-top10 $PORT_BASELINE$top" \
           "cached-rank $PORT_CACHED$rank" "postgres-rank $PORT_BASELINE$rank"; do
  set -- $run
  echo "=== $1"
  wrk -t2 -c32 -d10s --timeout 10s --latency "http://127.0.0.1:$2" | grep -E 'Requests/sec|50%|99%|Non-2xx|errors'
done
uptime
"${PSQL[@]}" -c "DELETE FROM score_events WHERE board = 'bench'" >/dev/null
redis-cli -p 6379 unlink 'cp:lb:{bench}:scores' 'cp:lb:{bench}:refreshed-at' >/dev/null
