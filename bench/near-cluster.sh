# The near tier on a Redis Cluster (sourced by bench/run.sh, after lib.sh and near.sh): scenario near_cluster. A
# three-master cluster of the benchmark's own (six redis-server processes on loopback, ports BENCH_CLUSTER_PORT to
# BENCH_CLUSTER_PORT + 5), two instances against it, with the users near tier and without, and the service as
# configured (its near tier on the standalone Redis): the same cache-hit load on each in turn.

BENCH_CLUSTER_PORT=${BENCH_CLUSTER_PORT:-17101}
CLUSTER_PIDS=()

cluster_ports() { seq "$BENCH_CLUSTER_PORT" $((BENCH_CLUSTER_PORT + 5)); }

# Six nodes, joined as three masters with a replica each; waits until every node reports the cluster ok.
cluster_start() {
  local port dir
  for port in $(cluster_ports); do
    dir="$OUT/cluster/$port"
    rm -rf "$dir"
    mkdir -p "$dir"
    dir=$(cd "$dir" && pwd) # redis-server opens its log file after changing to --dir
    redis-server --port "$port" --bind 127.0.0.1 --dir "$dir" --save '' --appendonly no --cluster-enabled yes \
      --cluster-config-file nodes.conf --cluster-node-timeout 5000 --logfile "$dir/redis.log" &
    CLUSTER_PIDS+=("$!")
  done
  trap 'cluster_stop; stop_apps' EXIT
  for port in $(cluster_ports); do
    for _ in $(seq 1 100); do
      [ "$(redis-cli -p "$port" ping 2>/dev/null)" = PONG ] && break
      sleep 0.1
    done
  done
  # shellcheck disable=SC2046
  redis-cli --cluster create $(cluster_ports | sed 's/^/127.0.0.1:/') --cluster-replicas 1 --cluster-yes \
    >"$OUT/cluster/create.log" 2>&1
  for _ in $(seq 1 300); do
    local ok=0
    for port in $(cluster_ports); do
      redis-cli -p "$port" cluster info | grep -q 'cluster_state:ok' && ok=$((ok + 1))
    done
    [ "$ok" -eq 6 ] && return 0
    sleep 0.1
  done
  echo "the benchmark's Redis Cluster did not come up; see $OUT/cluster" >&2
  return 1
}

cluster_stop() {
  [ ${#CLUSTER_PIDS[@]} -gt 0 ] || return 0
  kill "${CLUSTER_PIDS[@]}" 2>/dev/null || true
  wait "${CLUSTER_PIDS[@]}" 2>/dev/null || true
  CLUSTER_PIDS=()
  trap stop_apps EXIT
}

# The seeds the cluster instances get: the first three nodes.
cluster_hosts() {
  cluster_ports | head -3 | sed 's|^|redis://127.0.0.1:|' | paste -sd, -
}

# Cache hits on a 3-master cluster with the near tier and without it, and on the standalone near tier, alternating in
# each run: does the near tier keep its speed-up on a cluster (its tracking on every master)?
scenario_near_cluster() {
  local near=18096 redis_only=18097 hosts
  log "near_cluster: cache hits on a 3-master Redis Cluster with the near tier and without, and the standalone near tier"
  cluster_start
  hosts=$(cluster_hosts)
  start_app cluster-near "$near" QUARKUS_PROFILE=prod,cluster QUARKUS_REDIS_HOSTS="$hosts"
  start_app cluster-redis-only "$redis_only" QUARKUS_PROFILE=prod,cluster QUARKUS_REDIS_HOSTS="$hosts" \
    CACHE_USERS_NEAR_ENABLED=false
  # Every user into the standalone Redis and into the cluster (both cluster instances share it), then every instance
  # warmed until the JIT settles and the near tiers hold what their bound lets them.
  warm_users "$CACHED"
  warm_users "$near"
  warm_hits_twice "${NEAR_WARMUP:-15s}" "$CACHED" "$near" "$redis_only"
  record near-cluster cluster-near 0 near_entries "$(metric "$near" cache_near_entries 'cache="users"')"
  local lost0
  lost0=$(near_counts "$near" | cut -d' ' -f1)
  for run in $(seq 1 "$RUNS"); do
    local near0
    near0=$(metric "$near" cache_gets_total 'cache="users".*result="near_hit"')
    wrk_run near-cluster cluster-near "$run" "${WRK[@]}" -s bench/wrk/random-user.lua "http://127.0.0.1:$near"
    record near-cluster cluster-near "$run" near_hit_share \
      "$(awk -v h="$(($(metric "$near" cache_gets_total 'cache="users".*result="near_hit"') - near0))" \
        -v n="$LAST_REQUESTS" 'BEGIN { printf "%.4f", (n > 0) ? h / n : 0 }')"
    wrk_run near-cluster cluster-redis-only "$run" "${WRK[@]}" -s bench/wrk/random-user.lua \
      "http://127.0.0.1:$redis_only"
    wrk_run near-cluster standalone-near "$run" "${WRK[@]}" -s bench/wrk/random-user.lua "http://127.0.0.1:$CACHED"
  done
  record near-cluster cluster-near 0 lost_flushes $(($(near_counts "$near" | cut -d' ' -f1) - lost0))
  stop_app cluster-near
  stop_app cluster-redis-only
  cluster_stop
}
