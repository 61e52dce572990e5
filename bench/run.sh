#!/usr/bin/env bash
# The benchmark suite: builds the packaged app, starts it against the local Postgres and Redis (database cp_bench and
# Redis database 1, never what tests or dev mode use), seeds 100k users, 10k posts, 10k SKUs and 1M score events,
# warms up, and runs every scenario RUNS times. Each figure is compared with a baseline measured in the same run:
# the cache bypassed, the synchronous write, the Postgres aggregate, and /q/health/live as the no-I/O ceiling.
#
# Usage: bench/run.sh [scenario ...]     scenarios: users near zipf stampede latency inventory posts leaderboards bulk
#                                                   startup histograms near_busy near_curve near_cluster
#                                                   (default: all, in that order)
# Env:   RUNS=3 DURATION=10s CONNECTIONS=32 THREADS=2 SCALE=1 (0.1 for a quick smoke run)
#        NEAR_WARMUP=15s NEAR_BUSY_DURATION=30s NEAR_CURVE_WARMUP=30s (the near tier's scenarios, bench/near.sh)
#        BENCH_CLUSTER_PORT=17101 (near_cluster's six Redis Cluster nodes take it and the five ports above it, and
#        their cluster bus ports 10000 above those)
#        BENCH_JAVA_OPTS (default: -Xms64m -Xmx192m -XX:+UseParallelGC), REBUILD=1 to rebuild the jar
# Output: target/bench/results.csv (scenario,variant,run,metric,value), target/bench/report.md and plots/*.png
#         (bench/report.py; docs/benchmarks.md holds a published run).
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
source bench/near.sh
source bench/near-cluster.sh

RUNS=${RUNS:-3}
DURATION=${DURATION:-10s}
CONNECTIONS=${CONNECTIONS:-32}
THREADS=${THREADS:-2}
SCALE=${SCALE:-1}
scaled() { awk -v n="$1" -v s="$SCALE" 'BEGIN { printf "%d", n * s }'; }
USERS=$(scaled 100000)
POSTS=$(scaled 10000)
SKUS=$(scaled 10000)
EVENTS=$(scaled 1000000)
export USERS POSTS

CACHED=18081       # the service as configured
CACHED_2=18082     # a second instance on the same Redis and Postgres (stampede across instances)
BASELINE=18091     # caches off, synchronous write-behind: every request goes to Postgres
WRK=(-t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --timeout 30s)
SCENARIOS=("$@")
[ ${#SCENARIOS[@]} -gt 0 ] || SCENARIOS=(users near zipf stampede latency inventory posts leaderboards bulk startup histograms
  near_busy near_curve near_cluster)

mkdir -p "$OUT"
trap stop_apps EXIT
ensure_tools
ensure_build
ensure_db
ensure_token
: >"$OUT/wrk.log"
echo "scenario,variant,run,metric,value" >"$RESULTS"
{
  echo "date: $(date -u +%FT%TZ)"
  echo "cpu: $(nproc) x $(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo)"
  echo "memory: $(awk '/MemTotal/ {printf "%.0f GiB", $2 / 1048576}' /proc/meminfo)"
  echo "kernel: $(uname -r)"
  echo "java: $(java -version 2>&1 | head -1)"
  echo "java options: $BENCH_JAVA_OPTS"
  echo "quarkus: $(sed -n 's:.*<quarkus.platform.version>\(.*\)</quarkus.platform.version>.*:\1:p' pom.xml)"
  echo "postgres: $($PG -d "$BENCH_DB" -c 'SHOW server_version')"
  echo "redis: $(redis-cli -h 127.0.0.1 INFO server | awk -F: '/redis_version/ {print $2}' | tr -d '\r')"
  echo "wrk: -t$THREADS -c$CONNECTIONS -d$DURATION; runs: $RUNS; scale: $SCALE"
  echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
} >"$OUT/machine.txt"
cat "$OUT/machine.txt" >&2

log "starting the instances"
start_app cached "$CACHED"
start_app cached-2 "$CACHED_2"
start_app baseline "$BASELINE" CACHE_USERS_ENABLED=false CACHE_INVENTORY_ENABLED=false CACHE_POSTS_ENABLED=false \
  WRITE_BEHIND_POSTS_MODE=synchronous WRITE_BEHIND_POSTS_FLUSH_ENABLED=false CACHE_LEADERBOARDS_ENABLED=false

log "seeding $USERS users, $POSTS posts, $SKUS SKUs, $EVENTS score events on one board"
DATABASE_URL="postgresql://postgres@127.0.0.1:5432/$BENCH_DB" REDIS_DB=$BENCH_REDIS_DB \
  scripts/seed.sh --users "$USERS" --posts "$POSTS" --skus "$SKUS" --events "$EVENTS" --boards 1 >&2
$PG -d "$BENCH_DB" -c "VACUUM ANALYZE" >/dev/null

# Every user into the cache with the bulk endpoint (100 ids a request), then JIT warm-up of both instances.
warm_users() {
  : >"$OUT/warm-urls.txt"
  for ((start = 1; start <= USERS; start += 100)); do
    echo "http://127.0.0.1:$1/users?ids=$(seq -s, "$start" $((start + 99 > USERS ? USERS : start + 99)))"
  done >"$OUT/warm-urls.txt"
  curl_many "$OUT/warm-urls.txt"
}

# Reads answered by Redis (hits, including "absent" markers) and reads that were not (misses and fallbacks).
users_hits() { metric "$1" cache_gets_total 'cache="users".*result="(near_hit|hit|negative_hit)"'; }
users_misses() {
  echo $(($(metric "$1" cache_gets_total 'cache="users".*result="miss"') + $(metric "$1" cache_fallbacks_total 'cache="users"')))
}

hit_ratio_since() { # port hits0 misses0 -> ratio
  local hits misses
  hits=$(($(users_hits "$1") - $2))
  misses=$(($(users_misses "$1") - $3))
  awk -v h="$hits" -v m="$misses" 'BEGIN { printf "%.4f", ((h + m) > 0 ? h / (h + m) : 0) }'
}

scenario_users() {
  log "users: cache hits, cache bypassed, no-I/O ceiling"
  warm_users "$CACHED"
  local cached_keys
  cached_keys=$(count_keys 'cp:users:[0-9]*')
  record users cached 0 cached_keys "$cached_keys"
  for port in "$CACHED" "$BASELINE"; do
    wrk -t"$THREADS" -c"$CONNECTIONS" -d5s -s bench/wrk/random-user.lua "http://127.0.0.1:$port" >/dev/null
  done
  wrk -t"$THREADS" -c"$CONNECTIONS" -d5s "http://127.0.0.1:$(mgmt_port "$CACHED")/q/health/live" >/dev/null
  for run in $(seq 1 "$RUNS"); do
    local loads0 rss_file="$OUT/rss-users-$run.txt"
    loads0=$(metric "$CACHED" cache_loads_total 'cache="users"')
    : >"$rss_file"
    sample_rss "${APP_PID_OF[cached]}" "$rss_file" &
    local sampler=$!
    wrk_run users-get hits "$run" "${WRK[@]}" -s bench/wrk/random-user.lua "http://127.0.0.1:$CACHED"
    kill "$sampler" 2>/dev/null || true
    record users-get hits "$run" rss_max_mb "$(sort -n "$rss_file" | tail -1)"
    record users-get hits "$run" db_reads_per_request \
      "$(awk -v l="$(($(metric "$CACHED" cache_loads_total 'cache="users"') - loads0))" -v n="$LAST_REQUESTS" \
        'BEGIN { printf "%.5f", l / n }')"
    wrk_run users-get bypassed "$run" "${WRK[@]}" -s bench/wrk/random-user.lua "http://127.0.0.1:$BASELINE"
    wrk_run users-get ceiling "$run" "${WRK[@]}" "http://127.0.0.1:$(mgmt_port "$CACHED")/q/health/live"
  done
}

scenario_zipf() {
  log "users: Zipf-skewed ids (s=0.99) with 5% writes, starting from an empty users cache"
  unlink_keys 'cp:users:*'
  local hits0 misses0 loads0
  hits0=$(users_hits "$CACHED")
  misses0=$(users_misses "$CACHED")
  wrk -t"$THREADS" -c"$CONNECTIONS" -d20s -s bench/wrk/zipf-users.lua "http://127.0.0.1:$CACHED" >/dev/null
  record users-zipf warmup 0 hit_ratio "$(hit_ratio_since "$CACHED" "$hits0" "$misses0")"
  for run in $(seq 1 "$RUNS"); do
    hits0=$(users_hits "$CACHED")
    misses0=$(users_misses "$CACHED")
    loads0=$(metric "$CACHED" cache_loads_total 'cache="users"')
    wrk_run users-zipf cached "$run" "${WRK[@]}" -s bench/wrk/zipf-users.lua "http://127.0.0.1:$CACHED"
    local loads=$(($(metric "$CACHED" cache_loads_total 'cache="users"') - loads0))
    record users-zipf cached "$run" hit_ratio "$(hit_ratio_since "$CACHED" "$hits0" "$misses0")"
    record users-zipf cached "$run" db_reads_per_request \
      "$(awk -v l="$loads" -v n="$LAST_REQUESTS" 'BEGIN { printf "%.4f", l / n }')"
    log "users-zipf run $run: hit ratio $(hit_ratio_since "$CACHED" "$hits0" "$misses0"), $loads database reads"
    wrk_run users-zipf bypassed "$run" "${WRK[@]}" -s bench/wrk/zipf-users.lua "http://127.0.0.1:$BASELINE"
  done
}

scenario_stampede() {
  log "users: stampede on a cold hot key, 2 x 128 connections over two instances"
  for run in $(seq 1 "$RUNS"); do
    local id=$((run * 7 + 11)) loads0 loads1 fallbacks0
    $REDIS_CLI UNLINK "cp:users:$id" >/dev/null
    loads0=$(($(metric "$CACHED" cache_loads_total 'cache="users"') + $(metric "$CACHED_2" cache_loads_total 'cache="users"')))
    fallbacks0=$(($(metric "$CACHED" cache_fallbacks_total 'cache="users"') + $(metric "$CACHED_2" cache_fallbacks_total 'cache="users"')))
    wrk -t1 -c128 -d3s "http://127.0.0.1:$CACHED_2/users/$id" >"$OUT/stampede-2.txt" &
    local other=$!
    wrk_run users-stampede cached "$run" -t1 -c128 -d3s "http://127.0.0.1:$CACHED/users/$id"
    wait "$other"
    loads1=$(($(metric "$CACHED" cache_loads_total 'cache="users"') + $(metric "$CACHED_2" cache_loads_total 'cache="users"')))
    record users-stampede cached "$run" db_reads_per_key $((loads1 - loads0))
    # Reads served by Postgres because a Redis call failed or timed out (then not protected by the lock).
    record users-stampede cached "$run" fallbacks \
      $(($(metric "$CACHED" cache_fallbacks_total 'cache="users"') + $(metric "$CACHED_2" cache_fallbacks_total 'cache="users"') - fallbacks0))
    record users-stampede cached "$run" requests_both \
      $((LAST_REQUESTS + $(awk '/requests in/ {print $1}' "$OUT/stampede-2.txt")))
    log "users-stampede run $run: $((loads1 - loads0)) database read(s) for key $id"
  done
}

scenario_latency() {
  log "users: open-loop latency of cache hits at 50% and 80% of the maximum rate"
  # The maximum is measured with the same generator, closed-loop: it shares the two cores with the service, so wrk's
  # maximum (wrk costs far less CPU per request) would be beyond what the pair can do.
  local cp max=${LATENCY_MAX:-0}
  cp="target/test-classes:$(cat "$OUT/classpath.txt")"
  if [ "$(count_keys 'cp:users:[0-9]*')" -lt "$USERS" ]; then
    # Run on its own: fill the cache and warm the JIT as the users scenario would have.
    warm_users "$CACHED"
    wrk -t"$THREADS" -c"$CONNECTIONS" -d10s -s bench/wrk/random-user.lua "http://127.0.0.1:$CACHED" >/dev/null
  fi
  # LATENCY_MAX=<req/s> takes the maximum from an earlier run instead of measuring it.
  for run in $(seq 1 "$([ "$max" = 0 ] && echo "$RUNS" || echo 0)"); do
    local json
    json=$(java -Xmx256m -cp "$cp" dev.cachepatterns.bench.OpenLoopLoad "url=http://127.0.0.1:$CACHED/users/{id}" \
      "ids=$USERS" rate=max duration=10 warmup=3 connections=32)
    record users-latency closed-loop "$run" rps "$("$PYTHON" -c "import json,sys; print(json.loads(sys.argv[1])['rps'])" "$json")"
    log "users-latency maximum, closed loop, run $run: $json"
  done
  [ "$max" != 0 ] || max=$(awk -F, '$1 == "users-latency" && $2 == "closed-loop" && $4 == "rps" {print $5}' "$RESULTS" \
    | sort -g | awk '{ v[NR] = $1 } END { print (NR ? v[int((NR + 1) / 2)] : 0) }')
  record users-latency closed-loop 0 max_used "$max"
  for share in 50 80; do
    local rate
    rate=$(awk -v m="$max" -v s="$share" 'BEGIN { printf "%d", m * s / 100 }')
    for run in $(seq 1 "$RUNS"); do
      local json fgc
      fgc=$(full_gcs "${APP_PID_OF[cached]}")
      json=$(java -Xmx256m -cp "$cp" dev.cachepatterns.bench.OpenLoopLoad "url=http://127.0.0.1:$CACHED/users/{id}" \
        "ids=$USERS" "rate=$rate" duration=15 warmup=5 connections=64)
      echo "$json" >>"$OUT/openloop.log"
      for key in rate p50_ms p90_ms p99_ms p999_ms max_ms errors max_issue_lag_ms; do
        record "users-latency" "rate-$share" "$run" "$key" \
          "$("$PYTHON" -c "import json,sys; print(json.loads(sys.argv[1])['$key'])" "$json")"
      done
      record "users-latency" "rate-$share" "$run" full_gcs $(($(full_gcs "${APP_PID_OF[cached]}") - fgc))
      log "users-latency at $share% ($rate req/s) run $run: $json"
    done
  done
  # The same generator at the 50% rate against /q/health/live: the tail this machine adds without any I/O.
  local rate
  rate=$(awk -v m="$max" 'BEGIN { printf "%d", m * 50 / 100 }')
  for run in $(seq 1 "$RUNS"); do
    local json
    json=$(java -Xmx256m -cp "$cp" dev.cachepatterns.bench.OpenLoopLoad "url=http://127.0.0.1:$(mgmt_port "$CACHED")/q/health/live" \
      "rate=$rate" duration=15 warmup=5 connections=64)
    echo "$json" >>"$OUT/openloop.log"
    for key in p50_ms p99_ms p999_ms; do
      record users-latency ceiling-50 "$run" "$key" \
        "$("$PYTHON" -c "import json,sys; print(json.loads(sys.argv[1])['$key'])" "$json")"
    done
    log "ceiling latency at 50% ($rate req/s) run $run: $json"
  done
}

scenario_inventory() {
  log "inventory: PUT with write-through against the same write with the cache disabled; reservations"
  for port in "$CACHED" "$BASELINE"; do
    SKU_PREFIX=SKU SKUS=$SKUS wrk -t"$THREADS" -c"$CONNECTIONS" -d5s -s bench/wrk/put-inventory.lua \
      "http://127.0.0.1:$port" >/dev/null
  done
  for run in $(seq 1 "$RUNS"); do
    SKU_PREFIX=SKU SKUS=$SKUS wrk_run inventory-put write-through "$run" "${WRK[@]}" -s bench/wrk/put-inventory.lua \
      "http://127.0.0.1:$CACHED"
    SKU_PREFIX=SKU SKUS=$SKUS wrk_run inventory-put uncached "$run" "${WRK[@]}" -s bench/wrk/put-inventory.lua \
      "http://127.0.0.1:$BASELINE"
  done
  # Ten hot SKUs with 2,000 units each; 64 connections reserve one unit at a time until they sell out.
  for run in $(seq 1 "$RUNS"); do
    for variant in write-through uncached; do
      local port=$CACHED
      [ "$variant" = uncached ] && port=$BASELINE
      for n in $(seq 1 10); do
        curl -fs -XPUT "http://127.0.0.1:$CACHED/inventory/RES-$n" -H 'content-type: application/json' -H "Authorization: Bearer $TOKEN" \
          -d '{"name":"Reserved item","quantity":2000}' >/dev/null
      done
      local ok0 ok1 left negative
      ok0=$(answered "$port" '/inventory/{sku}/reservations' 200)
      HOT_SKUS=10 wrk_run inventory-reserve "$variant" "$run" -t"$THREADS" -c64 -d"$DURATION" --timeout 30s \
        -s bench/wrk/reserve.lua "http://127.0.0.1:$port"
      ok1=$(answered "$port" '/inventory/{sku}/reservations' 200)
      left=$($PG -d "$BENCH_DB" -c "SELECT SUM(quantity) FROM inventory WHERE sku LIKE 'RES-%'")
      negative=$($PG -d "$BENCH_DB" -c "SELECT count(*) FROM inventory WHERE sku LIKE 'RES-%' AND quantity < 0")
      # No row may go below zero and no more than the stock may be granted. Every 200 took a unit; units gone beyond
      # the 200s are reservations whose answer wrk cut off when it stopped (at most one per connection).
      record inventory-reserve "$variant" "$run" reserved $((ok1 - ok0))
      record inventory-reserve "$variant" "$run" units_gone $((20000 - left))
      record inventory-reserve "$variant" "$run" oversold $((negative + (ok1 - ok0 > 20000 ? ok1 - ok0 - 20000 : 0)))
      log "inventory-reserve/$variant run $run: $((ok1 - ok0)) reservations answered 200, $((20000 - left)) units gone"
    done
  done
}

scenario_posts() {
  log "posts: views with write-behind against the same increment written synchronously; flush lag"
  # One viral post (every view updates the same row: what write-behind is for), views skewed like real traffic, and
  # views spread evenly over every post (no hot row: the case least favourable to write-behind).
  posts_views posts-views-hot 0 1
  posts_views posts-views 0.99 "$POSTS"
  posts_views posts-views-uniform 0 "$POSTS"
}

posts_views() { # scenario zipf-exponent posts
  local scenario=$1
  export ZIPF_S=$2 POSTS=$3
  for port in "$CACHED" "$BASELINE"; do
    wrk -t"$THREADS" -c"$CONNECTIONS" -d5s -s bench/wrk/post-views.lua "http://127.0.0.1:$port" >/dev/null
  done
  for run in $(seq 1 "$RUNS"); do
    wait_drained
    local before after lag_file="$OUT/lag-$run.txt" accepted0
    before=$($PG -d "$BENCH_DB" -c "SELECT SUM(views) FROM posts")
    accepted0=$(answered "$CACHED" '/posts/{slug}/views' '2..')
    : >"$lag_file"
    (while true; do metric "$CACHED" write_behind_lag_seconds '' '%.3f' >>"$lag_file"; sleep 0.5; done) 2>/dev/null &
    local sampler=$!
    wrk_run "$scenario" write-behind "$run" "${WRK[@]}" -s bench/wrk/post-views.lua "http://127.0.0.1:$CACHED"
    kill "$sampler" 2>/dev/null || true
    local accepted=$(($(answered "$CACHED" '/posts/{slug}/views' '2..') - accepted0)) stopped
    stopped=$(now_ms)
    wait_drained
    record "$scenario" write-behind "$run" drain_after_load_s "$(awk -v t=$(($(now_ms) - stopped)) 'BEGIN { printf "%.2f", t / 1000 }')"
    record "$scenario" write-behind "$run" max_lag_s "$(sort -g "$lag_file" | tail -1)"
    after=$($PG -d "$BENCH_DB" -c "SELECT SUM(views) FROM posts")
    # Every acknowledged view must be in Postgres. Applied views beyond the acknowledged ones are requests whose answer
    # wrk cut off when it stopped (at most one per connection).
    record_applied "$scenario" write-behind "$run" "$accepted" $((after - before))
    log "$scenario run $run: $accepted views accepted, $((after - before)) applied in Postgres"
    before=$after
    accepted0=$(answered "$BASELINE" '/posts/{slug}/views' '2..')
    wrk_run "$scenario" synchronous "$run" "${WRK[@]}" -s bench/wrk/post-views.lua "http://127.0.0.1:$BASELINE"
    after=$($PG -d "$BENCH_DB" -c "SELECT SUM(views) FROM posts")
    record_applied "$scenario" synchronous "$run" $(($(answered "$BASELINE" '/posts/{slug}/views' '2..') - accepted0)) \
      $((after - before))
  done
  unset ZIPF_S
  export POSTS=$(scaled 10000)
}

record_applied() { # scenario variant run acknowledged applied
  record "$1" "$2" "$3" acknowledged "$4"
  record "$1" "$2" "$3" applied "$5"
  record "$1" "$2" "$3" lost $(($4 > $5 ? $4 - $5 : 0))
}

wait_drained() {
  for _ in $(seq 1 1200); do
    [ "$(metric "$CACHED" write_behind_pending)" = 0 ] && return 0
    sleep 0.1
  done
  log "write-behind backlog did not drain in 120 s"
}

scenario_leaderboards() {
  log "leaderboards: top-10 and rank from Redis against the Postgres aggregate over $EVENTS events"
  curl -fs "http://127.0.0.1:$CACHED/leaderboards/global?limit=10" >/dev/null # cold: rebuilt in the background
  for _ in $(seq 1 120); do
    [ "$($REDIS_CLI EXISTS 'cp:lb:{global}:refreshed-at')" = 1 ] && break
    sleep 0.5
  done
  local aggregate_ms
  aggregate_ms=$($PG -d "$BENCH_DB" -c '\timing on' -c "SELECT player, SUM(points) AS total FROM score_events
    WHERE board = 'global' GROUP BY player ORDER BY total DESC, player LIMIT 10" | awk '/^Time/ {print $2}')
  record leaderboard-top10 postgres 0 single_query_ms "$aggregate_ms"
  cat >"$OUT/rank.lua" <<'LUA'
request = function() return wrk.format("GET", "/leaderboards/global/players/player-" .. math.random(1, 2000)) end
LUA
  wrk -t"$THREADS" -c"$CONNECTIONS" -d5s "http://127.0.0.1:$CACHED/leaderboards/global?limit=10" >/dev/null
  wrk -t"$THREADS" -c"$CONNECTIONS" -d5s -s "$OUT/rank.lua" "http://127.0.0.1:$CACHED" >/dev/null
  for run in $(seq 1 "$RUNS"); do
    wrk_run leaderboard-top10 redis "$run" "${WRK[@]}" "http://127.0.0.1:$CACHED/leaderboards/global?limit=10"
    wrk_run leaderboard-top10 postgres "$run" "${WRK[@]}" "http://127.0.0.1:$BASELINE/leaderboards/global?limit=10"
    wrk_run leaderboard-rank redis "$run" "${WRK[@]}" -s "$OUT/rank.lua" "http://127.0.0.1:$CACHED"
    wrk_run leaderboard-rank postgres "$run" "${WRK[@]}" -s "$OUT/rank.lua" "http://127.0.0.1:$BASELINE"
  done
}

scenario_bulk() {
  local n
  n=$(scaled 10000)
  log "bulk: warming $n users through the bulk endpoint (MGET + one query + pipelined PSETEX) against one by one"
  seq 1 100 "$n" | while read -r start; do
    echo "http://127.0.0.1:$CACHED/users?ids=$(seq -s, "$start" $((start + 99 > n ? n : start + 99)))"
  done >"$OUT/bulk-urls.txt"
  seq 1 "$n" | sed "s|^|http://127.0.0.1:$CACHED/users/|" >"$OUT/single-urls.txt"
  for run in $(seq 1 "$RUNS"); do
    for variant in pipelined sequential; do
      unlink_keys 'cp:users:*'
      local file=$OUT/bulk-urls.txt t0 t1
      [ "$variant" = sequential ] && file=$OUT/single-urls.txt
      t0=$(now_ms)
      curl_many "$file"
      t1=$(now_ms)
      record bulk-warm "$variant" "$run" seconds "$(awk -v t=$((t1 - t0)) 'BEGIN { printf "%.3f", t / 1000 }')"
      record bulk-warm "$variant" "$run" cached_keys "$(count_keys 'cp:users:[0-9]*')"
      log "bulk-warm/$variant run $run: $((t1 - t0)) ms"
    done
  done
  log "bulk: the same $n entries written by the service's Redis client, one command at a time against pipelined batches"
  local cp
  cp="target/test-classes:$(cat "$OUT/classpath.txt")"
  for run in $(seq 1 "$RUNS"); do
    # 100 is what a bulk read fills at most; 1000 is what a warm-up job would send.
    for batch in 100 1000; do
      local json
      json=$(java -Xmx256m -cp "$cp" dev.cachepatterns.bench.PipelinedWarmupBench \
        "redis=redis://127.0.0.1:6379/$BENCH_REDIS_DB" "keys=$n" "batch=$batch")
      echo "$json" >>"$OUT/warmup.log"
      for key in sequential_ms pipelined_ms pipelined_keys; do
        record bulk-redis "batch-$batch" "$run" "$key" \
          "$("$PYTHON" -c "import json,sys; print(json.loads(sys.argv[1])['$key'])" "$json")"
      done
      log "bulk-redis batch $batch run $run: $json"
    done
  done
}

scenario_startup() {
  log "startup: time from process start to the first answered GET /users/1, and idle RSS"
  stop_app cached-2
  for run in $(seq 1 "$RUNS"); do
    local t0 pid ms
    t0=$(now_ms)
    env QUARKUS_HTTP_PORT=18083 QUARKUS_MANAGEMENT_PORT=19083 QUARKUS_DATASOURCE_REACTIVE_URL="postgresql://127.0.0.1:5432/$BENCH_DB" \
      QUARKUS_REDIS_HOSTS="redis://127.0.0.1:6379/$BENCH_REDIS_DB" \
      MP_JWT_VERIFY_PUBLICKEY_LOCATION="$OUT/jwt/public.pem" MP_JWT_VERIFY_ISSUER="$BENCH_JWT_ISSUER" \
      java $BENCH_JAVA_OPTS -jar target/quarkus-app/quarkus-run.jar >"$OUT/app-startup.log" 2>&1 &
    pid=$!
    until curl -fs -o /dev/null "http://127.0.0.1:18083/users/1" 2>/dev/null; do sleep 0.01; done
    ms=$(($(now_ms) - t0))
    record startup cached "$run" first_request_ms "$ms"
    record startup cached "$run" quarkus_started_s "$(sed -n 's/.*started in \([0-9.]*\)s.*/\1/p' "$OUT/app-startup.log")"
    sleep 2
    record startup cached "$run" idle_rss_mb "$(rss_mb "$pid")"
    kill "$pid"
    wait "$pid" 2>/dev/null || true
    log "startup run $run: first answer after $ms ms"
  done
}

# Cache-hit load on each of the given instances, twice in turn, until the JIT has settled (5 s once left the later
# runs 1.5x faster than the first). Usage: warm_hits_twice DURATION PORT...
warm_hits_twice() {
  local duration=$1
  shift
  for _ in 1 2; do
    for p in "$@"; do
      wrk -t"$THREADS" -c"$CONNECTIONS" -d"$duration" -s bench/wrk/random-user.lua "http://127.0.0.1:$p" >/dev/null
    done
  done
}

# The near tier: the same cache-hit load on the service as configured (near tier on for users) and on an instance
# started with cache.users.near.enabled=false (every hit a Redis GET), alternating, next to the no-I/O ceiling; the
# resident set with all users in the near tier.
scenario_near() {
  local port=18094
  log "near: cache hits from the JVM, from Redis, and the no-I/O ceiling"
  start_app redis-only "$port" CACHE_USERS_NEAR_ENABLED=false
  warm_users "$CACHED"
  # Every user read on the service again, so the near tier holds them all, and both JVMs warmed until the JIT settles.
  warm_hits_twice "${NEAR_WARMUP:-15s}" "$CACHED" "$port"
  record near near 0 near_entries "$(metric "$CACHED" cache_near_entries 'cache="users"')"
  for run in $(seq 1 "$RUNS"); do
    local rss_file="$OUT/rss-near-$run.txt" near0
    near0=$(metric "$CACHED" cache_gets_total 'cache="users".*result="near_hit"')
    : >"$rss_file"
    sample_rss "${APP_PID_OF[cached]}" "$rss_file" &
    local sampler=$!
    wrk_run near near "$run" "${WRK[@]}" -s bench/wrk/random-user.lua "http://127.0.0.1:$CACHED"
    kill "$sampler" 2>/dev/null || true
    record near near "$run" rss_max_mb "$(sort -n "$rss_file" | tail -1)"
    record near near "$run" near_hit_share \
      "$(awk -v h="$(($(metric "$CACHED" cache_gets_total 'cache="users".*result="near_hit"') - near0))" -v n="$LAST_REQUESTS" \
        'BEGIN { printf "%.4f", h / n }')"
    wrk_run near redis-only "$run" "${WRK[@]}" -s bench/wrk/random-user.lua "http://127.0.0.1:$port"
    wrk_run near ceiling "$run" "${WRK[@]}" "http://127.0.0.1:$(mgmt_port "$CACHED")/q/health/live"
  done
  stop_app redis-only
}

# What the latency buckets cost on the hit path: the same cache-hit load on the service as configured and on an
# instance started with metrics.latency-histograms.enabled=false, alternating in each run.
scenario_histograms() {
  local port=18093
  log "histograms: cache hits with and without the latency buckets"
  start_app no-buckets "$port" METRICS_LATENCY_HISTOGRAMS_ENABLED=false
  warm_users "$CACHED"
  warm_hits_twice "${HISTOGRAMS_WARMUP:-15s}" "$CACHED" "$port"
  for run in $(seq 1 "$RUNS"); do
    wrk_run histograms buckets "$run" "${WRK[@]}" -s bench/wrk/random-user.lua "http://127.0.0.1:$CACHED"
    wrk_run histograms no-buckets "$run" "${WRK[@]}" -s bench/wrk/random-user.lua "http://127.0.0.1:$port"
  done
  record histograms buckets 0 bucket_series "$(curl -fs "http://127.0.0.1:$(mgmt_port "$CACHED")/q/metrics" | grep -c '_bucket{')"
  record histograms no-buckets 0 bucket_series "$(curl -fs "http://127.0.0.1:$(mgmt_port "$port")/q/metrics" | grep -c '_bucket{' || true)"
  stop_app no-buckets
}

for scenario in "${SCENARIOS[@]}"; do
  "scenario_$scenario"
done
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)" >>"$OUT/machine.txt"
"$PYTHON" bench/report.py "$OUT"
