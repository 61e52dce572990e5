# Shared helpers for bench/run.sh: build, start app instances, read metrics, run wrk, record results.
# Everything talks to 127.0.0.1 only.

BENCH_DB=${BENCH_DB:-cp_bench}
# A Redis database of its own, so clearing benchmark keys never touches what tests or dev mode use.
BENCH_REDIS_DB=${BENCH_REDIS_DB:-1}
OUT=${OUT:-target/bench}
RESULTS=$OUT/results.csv
REDIS_CLI="redis-cli -h 127.0.0.1 -n $BENCH_REDIS_DB"
PG="psql -h 127.0.0.1 -U postgres -v ON_ERROR_STOP=1 -qtA"
# The heap is capped so the resident set stays inside a small container; ParallelGC is the throughput collector.
BENCH_JAVA_OPTS=${BENCH_JAVA_OPTS:--Xms64m -Xmx192m -XX:+UseParallelGC}
APP_PIDS=()
declare -A APP_PID_OF

log() { printf '%s bench: %s\n' "$(date +%T)" "$*" >&2; }

ensure_tools() {
  local missing=()
  for tool in wrk curl psql redis-cli java openssl; do command -v "$tool" >/dev/null || missing+=("$tool"); done
  # The plots need matplotlib: Debian's python3-matplotlib serves /usr/bin/python3 even where another python3 is first.
  PYTHON=
  for candidate in python3 /usr/bin/python3; do
    "$candidate" -c 'import matplotlib' 2>/dev/null && { PYTHON=$candidate; break; }
  done
  [ -n "$PYTHON" ] || missing+=(python3-matplotlib)
  if [ ${#missing[@]} -gt 0 ]; then
    echo "missing: ${missing[*]} (Debian: apt-get install wrk curl postgresql-client redis-tools python3-matplotlib)" >&2
    exit 2
  fi
}

# The packaged app, and the test classes with their classpath for the open-loop load generator.
ensure_build() {
  if [ ! -f target/quarkus-app/quarkus-run.jar ] || [ ! -f target/test-classes/dev/cachepatterns/bench/OpenLoopLoad.class ] \
    || [ -n "${REBUILD:-}" ]; then
    log "building (./mvnw package -DskipTests)"
    ./mvnw -B -q package -DskipTests
  fi
  [ -f "$OUT/classpath.txt" ] || ./mvnw -B -q dependency:build-classpath -Dmdep.includeScope=test \
    -Dmdep.outputFile="$OUT/classpath.txt"
}

ensure_db() {
  $PG -d postgres -c "SELECT 1 FROM pg_database WHERE datname = '$BENCH_DB'" | grep -q 1 \
    || $PG -d postgres -c "CREATE DATABASE $BENCH_DB"
}

# Writes need a bearer JWT with the role writer (docs/security.md): the apps trust a key pair of the bench's own, and
# TOKEN (exported, read by bench/wrk/auth.lua) is signed with it by scripts/token.sh, so writes pay the verification.
BENCH_JWT_ISSUER=https://bench.cache-patterns.invalid
ensure_token() {
  mkdir -p "$OUT/jwt"
  if [ ! -f "$OUT/jwt/private.pem" ]; then
    openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$OUT/jwt/private.pem" 2>/dev/null
    openssl pkey -in "$OUT/jwt/private.pem" -pubout -out "$OUT/jwt/public.pem"
  fi
  TOKEN=$(JWT_PRIVATE_KEY="$OUT/jwt/private.pem" JWT_ISSUER=$BENCH_JWT_ISSUER scripts/token.sh --ttl 86400 --subject bench)
  export TOKEN
}

# mgmt_port PORT: the management port (health, metrics) of the app whose API is on PORT.
mgmt_port() { echo $(($1 + 1000)); }

# start_app NAME PORT [VAR=value ...]: the packaged app on PORT (management on PORT + 1000) against the bench database;
# prints nothing.
start_app() {
  local name=$1 port=$2
  shift 2
  # shellcheck disable=SC2086
  env QUARKUS_HTTP_PORT="$port" QUARKUS_MANAGEMENT_PORT="$(mgmt_port "$port")" \
    QUARKUS_DATASOURCE_REACTIVE_URL="postgresql://127.0.0.1:5432/$BENCH_DB" \
    QUARKUS_REDIS_HOSTS="redis://127.0.0.1:6379/$BENCH_REDIS_DB" \
    MP_JWT_VERIFY_PUBLICKEY_LOCATION="$OUT/jwt/public.pem" MP_JWT_VERIFY_ISSUER="$BENCH_JWT_ISSUER" \
    "$@" java $BENCH_JAVA_OPTS -jar target/quarkus-app/quarkus-run.jar >"$OUT/app-$name.log" 2>&1 &
  local pid=$!
  APP_PIDS+=("$pid")
  APP_PID_OF[$name]=$pid
  for _ in $(seq 1 240); do
    curl -fs "http://127.0.0.1:$(mgmt_port "$port")/q/health/ready" >/dev/null 2>&1 && return 0
    sleep 0.25
  done
  echo "app $name on port $port did not become ready; see $OUT/app-$name.log" >&2
  return 1
}

stop_app() {
  local pid=${APP_PID_OF[$1]:-}
  [ -n "$pid" ] && { kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; }
  unset "APP_PID_OF[$1]"
}

stop_apps() {
  for pid in "${APP_PIDS[@]:-}"; do
    [ -n "$pid" ] && kill "$pid" 2>/dev/null || true
  done
  wait 2>/dev/null || true
}

# metric PORT NAME [LABEL_REGEX [FORMAT]]: of the app whose API is on PORT, the sum of a Prometheus series' samples whose labels match, rounded to an
# integer unless FORMAT (printf) says otherwise.
metric() {
  curl -fs "http://127.0.0.1:$(mgmt_port "$1")/q/metrics" \
    | awk -v name="$2" -v labels="${3:-}" -v format="${4:-%.0f}" '
        index($0, name) == 1 && (substr($0, length(name) + 1, 1) == "{" || substr($0, length(name) + 1, 1) == " ") \
          && $0 ~ labels { sum += $NF }
        END { printf format "\n", sum }'
}

# answered PORT URI_TEMPLATE STATUS_REGEX: how many requests the server answered (http_server_requests_seconds_count);
# unlike wrk's count it includes the requests still in flight when wrk stopped.
answered() {
  metric "$1" http_server_requests_seconds_count "uri=\"$2\".*status=\"$3\"|status=\"$3\".*uri=\"$2\""
}

rss_mb() { awk '/VmRSS/ { printf "%.0f\n", $2 / 1024 }' "/proc/$1/status"; }

# full_gcs PID: the full collections the JVM has run so far (jstat's FGC; 0 without jstat).
full_gcs() {
  command -v jstat >/dev/null || { echo 0; return; }
  jstat -gc "$1" | awk 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "FGC") c = i } NR == 2 { print $c + 0 }'
}

# sample_rss PID FILE: the resident set size every 0.5 s until killed; the caller reads the maximum.
sample_rss() {
  while kill -0 "$1" 2>/dev/null; do rss_mb "$1" >>"$2"; sleep 0.5; done
}

# record SCENARIO VARIANT RUN METRIC VALUE
record() {
  echo "$1,$2,$3,$4,$5" >>"$RESULTS"
}

# wrk_run SCENARIO VARIANT RUN [wrk args...]: runs wrk --latency and records req/s, latency percentiles, the number of
# requests and of non-2xx answers and socket errors.
wrk_run() {
  local scenario=$1 variant=$2 run=$3
  shift 3
  local out
  out=$(wrk --latency "$@")
  echo "$out" >>"$OUT/wrk.log"
  local rps p50 p99 requests non2xx errors
  rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
  p50=$(awk '$1 == "50%" {print $2}' <<<"$out")
  p99=$(awk '$1 == "99%" {print $2}' <<<"$out")
  requests=$(awk '/requests in/ {print $1}' <<<"$out")
  non2xx=$(awk '/Non-2xx/ {print $NF}' <<<"$out")
  errors=$(awk -F'[ ,]+' '/Socket errors/ {print $4 + $6 + $8 + $10}' <<<"$out")
  record "$scenario" "$variant" "$run" rps "$rps"
  record "$scenario" "$variant" "$run" p50_ms "$(to_ms "$p50")"
  record "$scenario" "$variant" "$run" p99_ms "$(to_ms "$p99")"
  record "$scenario" "$variant" "$run" requests "$requests"
  record "$scenario" "$variant" "$run" non2xx "${non2xx:-0}"
  record "$scenario" "$variant" "$run" socket_errors "${errors:-0}"
  log "$scenario/$variant run $run: $rps req/s, p50 $p50, p99 $p99, non-2xx ${non2xx:-0}"
  LAST_RPS=$rps
  LAST_REQUESTS=$requests
  LAST_NON2XX=${non2xx:-0}
  LAST_OUT=$out
}

# to_ms 1.23ms|456.00us|1.02s -> milliseconds
to_ms() {
  awk -v v="$1" 'BEGIN {
    if (v ~ /us$/) { sub(/us$/, "", v); printf "%.3f", v / 1000 }
    else if (v ~ /ms$/) { sub(/ms$/, "", v); printf "%.3f", v }
    else if (v ~ /s$/) { sub(/s$/, "", v); printf "%.3f", v * 1000 }
    else if (v ~ /m$/) { sub(/m$/, "", v); printf "%.3f", v * 60000 }
    else { printf "%s", v } }'
}

now_ms() { date +%s%3N; }

# curl_many FILE: requests every URL in FILE (one per line) in order over one kept-alive connection.
curl_many() {
  sed 's|.*|url = "&"\noutput = "/dev/null"|' "$1" >"$1.curl"
  curl -fs --config "$1.curl" || true
}

unlink_keys() { # pattern
  $REDIS_CLI --scan --pattern "$1" | xargs -r -n 1000 $REDIS_CLI UNLINK >/dev/null
}

count_keys() { # pattern
  $REDIS_CLI --scan --pattern "$1" | wc -l
}
