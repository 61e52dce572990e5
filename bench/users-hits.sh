#!/usr/bin/env bash
# GET /users/{id} on cache hits against the same endpoint with the cache bypassed
# (cache.users.enabled=false), and against /q/health/live as the no-I/O ceiling, in one run.
#
# Usage: bench/users-hits.sh            (env: USERS=10000 DURATION=15s CONNECTIONS=32 THREADS=2)
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
trap stop_apps EXIT

USERS=${USERS:-10000}
DURATION=${DURATION:-15s}
CONNECTIONS=${CONNECTIONS:-32}
THREADS=${THREADS:-2}
export USERS

ensure_jar
ensure_db
start_app 18081
start_app 18091 CACHE_USERS_ENABLED=false

$PG -d "$BENCH_DB" -c "TRUNCATE users RESTART IDENTITY;
  INSERT INTO users (name, email, avatar_url)
  SELECT 'User ' || i, 'user' || i || '@example.com', 'https://img.example.com/' || i || '.png'
  FROM generate_series(1, $USERS) AS i;"
$REDIS_CLI --scan --pattern 'cp:users:*' | xargs -r -n 500 $REDIS_CLI UNLINK >/dev/null

# Warm the cache (bulk reads, 100 ids each) and both JVMs.
for ((start = 1; start <= USERS; start += 100)); do
  ids=$(seq -s, "$start" $((start + 99 > USERS ? USERS : start + 99)))
  curl -fs "http://127.0.0.1:18081/users?ids=$ids" >/dev/null
done
wrk -t"$THREADS" -c"$CONNECTIONS" -d5s -s bench/wrk/random-user.lua http://127.0.0.1:18081 >/dev/null
wrk -t"$THREADS" -c"$CONNECTIONS" -d5s -s bench/wrk/random-user.lua http://127.0.0.1:18091 >/dev/null
wrk -t"$THREADS" -c"$CONNECTIONS" -d5s http://127.0.0.1:18081/q/health/live >/dev/null

loads_before=$(curl -fs http://127.0.0.1:18081/q/metrics | awk '/^cache_loads_total\{cache="users"/ {s += $2} END {print s + 0}')
hit=$(wrk_rps -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" -s bench/wrk/random-user.lua http://127.0.0.1:18081)
loads_after=$(curl -fs http://127.0.0.1:18081/q/metrics | awk '/^cache_loads_total\{cache="users"/ {s += $2} END {print s + 0}')
bypass=$(wrk_rps -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" -s bench/wrk/random-user.lua http://127.0.0.1:18091)
ceiling=$(wrk_rps -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" http://127.0.0.1:18081/q/health/live)

echo
echo "users GET /users/{id}, $USERS users, wrk -t$THREADS -c$CONNECTIONS -d$DURATION"
printf '%-28s %12s\n' "scenario" "req/s"
printf '%-28s %12s\n' "cache hits" "$hit"
printf '%-28s %12s\n' "cache bypassed (Postgres)" "$bypass"
printf '%-28s %12s\n' "/q/health/live (no I/O)" "$ceiling"
echo "hits / bypassed: $(ratio "$hit" "$bypass")x   hits / no-I/O ceiling: $(ratio "$hit" "$ceiling")x"
echo "database loads during the hit run: $(awk -v a="$loads_after" -v b="$loads_before" 'BEGIN {print a - b}')"
