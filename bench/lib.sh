# Shared helpers for the benchmark scripts: build the jar, start app instances, seed, wait.
# Everything talks to 127.0.0.1 only.

BENCH_DB=${BENCH_DB:-cp_bench}
# A Redis database of its own, so clearing benchmark keys never touches what tests or dev mode use.
BENCH_REDIS_DB=${BENCH_REDIS_DB:-1}
REDIS_CLI="redis-cli -h 127.0.0.1 -n $BENCH_REDIS_DB"
PG="psql -h 127.0.0.1 -U postgres -v ON_ERROR_STOP=1 -qtA"
APP_PIDS=()

ensure_jar() {
  if [ ! -f target/quarkus-app/quarkus-run.jar ] || [ -n "${REBUILD:-}" ]; then
    ./mvnw -B -q package -DskipTests
  fi
}

ensure_db() {
  $PG -d postgres -c "SELECT 1 FROM pg_database WHERE datname = '$BENCH_DB'" | grep -q 1 \
    || $PG -d postgres -c "CREATE DATABASE $BENCH_DB"
}

# start_app PORT [VAR=value ...]: the packaged app on PORT against the bench database.
start_app() {
  local port=$1
  shift
  env QUARKUS_HTTP_PORT="$port" \
    QUARKUS_DATASOURCE_REACTIVE_URL="postgresql://127.0.0.1:5432/$BENCH_DB" \
    QUARKUS_REDIS_HOSTS="redis://127.0.0.1:6379/$BENCH_REDIS_DB" \
    "$@" java ${JAVA_OPTS:--Xmx512m} -jar target/quarkus-app/quarkus-run.jar >"target/bench-app-$port.log" 2>&1 &
  APP_PIDS+=($!)
  for _ in $(seq 1 120); do
    curl -fs "http://127.0.0.1:$port/q/health/ready" >/dev/null 2>&1 && return 0
    sleep 0.5
  done
  echo "app on port $port did not become ready; see target/bench-app-$port.log" >&2
  return 1
}

stop_apps() {
  for pid in "${APP_PIDS[@]:-}"; do
    [ -n "$pid" ] && kill "$pid" 2>/dev/null || true
  done
  wait 2>/dev/null || true
}

# wrk_rps ARGS...: runs wrk and prints requests/second.
wrk_rps() {
  wrk "$@" | tee -a target/bench-wrk.log | awk '/Requests\/sec/ {print $2}'
}

ratio() {
  awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }'
}
