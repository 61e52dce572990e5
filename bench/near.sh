# The near tier's scenarios under load and over key spaces of different sizes (sourced by bench/run.sh, after
# lib.sh): near_busy and near_curve. The near tier against Redis-only hits is run.sh's 'near'; the open-loop tail
# with the benchmark's 192-MB heap, with the full collections counted, is run.sh's 'latency'.

BUSY_PIDS=()

# Four CPU-bound processes beside the service, as on a busy host, until busy_loops_stop.
busy_loops_start() {
  for _ in 1 2 3 4; do
    (while :; do :; done) &
    BUSY_PIDS+=("$!")
  done
  trap 'busy_loops_stop; stop_apps' EXIT
}

busy_loops_stop() {
  [ ${#BUSY_PIDS[@]} -gt 0 ] || return 0
  kill "${BUSY_PIDS[@]}" 2>/dev/null || true
  wait "${BUSY_PIDS[@]}" 2>/dev/null || true
  BUSY_PIDS=()
  trap stop_apps EXIT
}

# near_counts PORT: the users near tier's flushes that mean a lost connection (heartbeat, connection_lost, failover),
# its late heartbeats, its hits and the Redis hits, on one line.
near_counts() {
  echo "$(metric "$1" cache_near_flushes_total 'cache="users".*reason="(heartbeat|connection_lost|failover)"')" \
    "$(metric "$1" cache_near_late_heartbeats_total 'cache="users"')" \
    "$(metric "$1" cache_gets_total 'cache="users".*result="near_hit"')" \
    "$(metric "$1" cache_gets_total 'cache="users".*result="hit"')"
}

# Cache hits (and the misses beyond the near tier's memory bound) with four busy loops beside the service, over all
# users and over 10k of them: does the near tier stay on, and what share of the hits does it answer?
scenario_near_busy() {
  local duration=${NEAR_BUSY_DURATION:-30s} small
  small=$(scaled 10000)
  log "near_busy: four busy loops beside the service, $duration of wrk over $USERS and over $small users"
  warm_users "$CACHED"
  warm_hits_twice "${NEAR_WARMUP:-15s}" "$CACHED"
  for run in $(seq 1 "$RUNS"); do
    for ids in "$USERS" "$small"; do
      local before after
      read -r -a before <<<"$(near_counts "$CACHED")"
      busy_loops_start
      USERS=$ids wrk_run near-busy "users-$ids" "$run" -t"$THREADS" -c"$CONNECTIONS" -d"$duration" --timeout 30s \
        -s bench/wrk/random-user.lua "http://127.0.0.1:$CACHED"
      busy_loops_stop
      read -r -a after <<<"$(near_counts "$CACHED")"
      record near-busy "users-$ids" "$run" lost_flushes $((after[0] - before[0]))
      record near-busy "users-$ids" "$run" late_heartbeats $((after[1] - before[1]))
      record near-busy "users-$ids" "$run" near_share_of_hits "$(awk -v n=$((after[2] - before[2])) \
        -v r=$((after[3] - before[3])) 'BEGIN { printf "%.4f", (n + r > 0) ? n / (n + r) : 0 }')"
      log "near-busy over $ids users run $run: flushes $((after[0] - before[0])), late heartbeats" \
        "$((after[1] - before[1])), near hits $((after[2] - before[2])), Redis hits $((after[3] - before[3]))"
    done
  done
}

# The curve of the near tier with its default memory bound: hit ratio, weighed bytes, entries and resident set against
# the number of distinct users read (10k, 100k, 1M; SCALE applies), each on a fresh instance, warmed, then measured.
scenario_near_curve() {
  local port=18095 largest
  largest=$(scaled 1000000)
  log "near_curve: the near tier against $(scaled 10000), $(scaled 100000) and $largest distinct users"
  # Rows beyond the seeded users, removed again at the end (their cached entries expire with the TTL).
  $PG -d "$BENCH_DB" -c "INSERT INTO users (name, email, avatar_url)
    SELECT 'User ' || i, 'user' || i || '@example.com', 'https://img.example.com/u/' || i || '.png'
    FROM generate_series((SELECT count(*) FROM users) + 1, $largest) AS i" >/dev/null
  for ids in $(scaled 10000) $(scaled 100000) "$largest"; do
    start_app curve "$port"
    USERS=$ids wrk -t"$THREADS" -c"$CONNECTIONS" -d"${NEAR_CURVE_WARMUP:-30s}" -s bench/wrk/random-user.lua \
      "http://127.0.0.1:$port" >/dev/null
    local near0 all0 rss_file="$OUT/rss-curve-$ids.txt" sampler
    near0=$(metric "$port" cache_gets_total 'cache="users".*result="near_hit"')
    all0=$(metric "$port" cache_gets_total 'cache="users"')
    : >"$rss_file"
    sample_rss "${APP_PID_OF[curve]}" "$rss_file" &
    sampler=$!
    USERS=$ids wrk_run near-curve "users-$ids" 1 "${WRK[@]}" -s bench/wrk/random-user.lua "http://127.0.0.1:$port"
    kill "$sampler" 2>/dev/null || true
    local gets=$(($(metric "$port" cache_gets_total 'cache="users"') - all0))
    record near-curve "users-$ids" 1 distinct_users "$ids"
    record near-curve "users-$ids" 1 near_hit_ratio "$(awk -v n=$(($(metric "$port" cache_gets_total \
      'cache="users".*result="near_hit"') - near0)) -v g="$gets" 'BEGIN { printf "%.4f", (g > 0) ? n / g : 0 }')"
    record near-curve "users-$ids" 1 near_bytes_mb "$(metric "$port" cache_near_bytes 'cache="users"' '%.1f' \
      | awk '{ printf "%.1f", $1 / 1048576 }')"
    record near-curve "users-$ids" 1 near_entries "$(metric "$port" cache_near_entries 'cache="users"')"
    record near-curve "users-$ids" 1 rss_max_mb "$(sort -n "$rss_file" | tail -1)"
    stop_app curve
  done
  $PG -d "$BENCH_DB" -c "DELETE FROM users WHERE id > $USERS" >/dev/null
}
