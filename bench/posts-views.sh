#!/usr/bin/env bash
# Ack latency and throughput of POST /posts/{slug}/views: write-behind against the same increment written
# synchronously to Postgres (write-behind.posts.mode=synchronous), in one run, plus the flush lag under that load.
# Needs the packaged app (./mvnw package -DskipTests), wrk, and Postgres/Redis on localhost.
# Usage: bench/posts-views.sh [duration, default 10s] [connections, default 32]
set -euo pipefail
cd "$(dirname "$0")/.."

DURATION=${1:-10s}
CONNECTIONS=${2:-32}
PORT=${BENCH_PORT:-18084}
export QUARKUS_HTTP_PORT=$PORT
export QUARKUS_DATASOURCE_REACTIVE_URL=${QUARKUS_DATASOURCE_REACTIVE_URL:-postgresql://127.0.0.1:5432/test}
export WRITE_BEHIND_POSTS_KEY_PREFIX="cp:wb:{posts-bench-$$}"
# The cached posts share the hash tag of the write-behind keys (checked at start).
export CACHE_POSTS_KEY_PREFIX="cp:{posts-bench-$$}"
OUT=target/bench
mkdir -p "$OUT"
cat > "$OUT/post.lua" <<'LUA'
wrk.method = "POST"
LUA

app_pid=""
stop_app() { if [ -n "$app_pid" ]; then kill "$app_pid" 2>/dev/null || true; wait "$app_pid" 2>/dev/null || true; app_pid=""; fi; }
trap stop_app EXIT

start_app() { # $1 = mode
  WRITE_BEHIND_POSTS_MODE=$1 java -jar target/quarkus-app/quarkus-run.jar >"$OUT/app-$1.log" 2>&1 &
  app_pid=$!
  for _ in $(seq 1 120); do
    curl -fs "localhost:$PORT/q/health/ready" >/dev/null 2>&1 && return 0
    sleep 0.5
  done
  echo "app did not become ready, see $OUT/app-$1.log" >&2; exit 1
}

metric() { curl -fs "localhost:$PORT/q/metrics" | awk -v m="$1" '$1 ~ "^"m"[{ ]" {print $2; exit}'; }

run() { # $1 = mode
  start_app "$1"
  local slug="bench-$1-$$"
  curl -fs -XPOST "localhost:$PORT/posts" -H 'content-type: application/json' \
    -d "{\"slug\":\"$slug\",\"title\":\"Bench\",\"body\":\"wrk\",\"authorId\":1}" >/dev/null
  # Warm-up (JIT, pools), not measured.
  wrk -t2 -c"$CONNECTIONS" -d3s -s "$OUT/post.lua" "http://127.0.0.1:$PORT/posts/$slug/views" >/dev/null
  local maxlag=0
  if [ "$1" = write-behind ]; then
    ( while true; do metric write_behind_lag_seconds; sleep 0.5; done ) >"$OUT/lag-samples.txt" 2>/dev/null &
    local sampler=$!
  fi
  echo "== mode=$1: wrk -t2 -c$CONNECTIONS -d$DURATION --latency POST /posts/$slug/views"
  wrk -t2 -c"$CONNECTIONS" -d"$DURATION" --latency -s "$OUT/post.lua" "http://127.0.0.1:$PORT/posts/$slug/views" \
    | tee "$OUT/wrk-$1.txt"
  if [ "$1" = write-behind ]; then
    kill "$sampler" 2>/dev/null || true
    maxlag=$(sort -g "$OUT/lag-samples.txt" | tail -1)
    local start=$(date +%s.%N)
    for _ in $(seq 1 600); do
      [ "$(metric write_behind_pending)" = "0.0" ] && break
      sleep 0.1
    done
    local drained=$(echo "$(date +%s.%N) - $start" | bc)
    echo "flush lag under load: max write_behind_lag_seconds sampled every 0.5 s = ${maxlag}s; backlog drained ${drained}s after the load stopped"
  fi
  echo "views in Postgres: $(psql "$QUARKUS_DATASOURCE_REACTIVE_URL" -U postgres -tAc "select views from posts where slug='$slug'" 2>/dev/null || echo n/a); GET: $(curl -fs "localhost:$PORT/posts/$slug")"
  stop_app
}

echo "machine: $(nproc) cores, load average: $(cut -d' ' -f1-3 /proc/loadavg) (shared with other engineers)"
run write-behind
run synchronous
