#!/usr/bin/env bash
# PUT /inventory/{sku} with write-through against the same write with the cache disabled, in one run on one machine.
# Needs the packaged app (./mvnw package -DskipTests), wrk, and Postgres/Redis on localhost.
# Usage: DB_URL=postgresql://127.0.0.1:5432/test bench/put-inventory-compare.sh
# Starts two instances (write-through on $PORT_WT, cache.inventory.enabled=false on $PORT_DB), warms both up, then runs
# wrk on them alternately (WT, DB, WT, DB) and prints req/s, latency percentiles and CPU ms per request of each
# instance (CPU per request is the steadier number on a shared machine). Each instance writes its own SKUs.
# WARMUP (default 30s) is the wrk warm-up per instance before the measured runs; the JIT needs it.
set -euo pipefail
cd "$(dirname "$0")/.."
PORT_WT=${PORT_WT:-18083}
PORT_DB=${PORT_DB:-18093}
DB_URL=${DB_URL:-postgresql://127.0.0.1:5432/test}
WRK_ARGS=${WRK_ARGS:--t2 -c32 -d10s}
LOGS=$(mktemp -d)

start() { # port enabled
  QUARKUS_HTTP_PORT=$1 CACHE_INVENTORY_ENABLED=$2 QUARKUS_DATASOURCE_REACTIVE_URL=$DB_URL \
    java -jar target/quarkus-app/quarkus-run.jar >"$LOGS/app-$1.log" 2>&1 &
  echo $!
}
WT=$(start "$PORT_WT" true)
DB=$(start "$PORT_DB" false)
trap 'kill $WT $DB 2>/dev/null || true' EXIT
for port in "$PORT_WT" "$PORT_DB"; do
  for _ in $(seq 1 120); do curl -sf "localhost:$port/q/health/live" >/dev/null && break; sleep 1; done
done

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
run() { # label port pid
  local before after out requests
  before=$(cpu_ticks "$3")
  # shellcheck disable=SC2086
  out=$(SKU_PREFIX=$1 wrk $WRK_ARGS -s bench/wrk/put-inventory.lua "http://127.0.0.1:$2")
  after=$(cpu_ticks "$3")
  requests=$(echo "$out" | grep -oE '^ +[0-9]+ requests' | grep -oE '[0-9]+')
  printf '%s %s | %s | %s | cpu %s ms/req\n' "$1" "$(date -u +%T)" "$(echo "$out" | grep Requests/sec)" \
    "$(echo "$out" | grep p50)" "$(echo "scale=3; ($after - $before) * 1000 / $(getconf CLK_TCK) / $requests" | bc)"
  echo "$out" | grep -q 'non-2xx (wrk): 0' || echo "$out" | grep 'non-2xx'
}
WRK_ARGS_MEASURE=$WRK_ARGS
WRK_ARGS="-t2 -c32 -d${WARMUP:-30s}"; run WT "$PORT_WT" "$WT" >/dev/null; run DB "$PORT_DB" "$DB" >/dev/null  # warm-up (JIT)
WRK_ARGS=$WRK_ARGS_MEASURE
echo "wrk $WRK_ARGS -s bench/wrk/put-inventory.lua; load: $(cut -d' ' -f1-3 /proc/loadavg); $(nproc) cores"
run WT "$PORT_WT" "$WT"; run DB "$PORT_DB" "$DB"; run WT "$PORT_WT" "$WT"; run DB "$PORT_DB" "$DB"
