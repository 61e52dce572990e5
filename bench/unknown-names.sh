#!/usr/bin/env bash
# Soak with names that map to nothing: GETs of random leaderboard names and random user ids that do not exist, against
# the packaged app on a Redis of its own, while Redis' key count and memory are sampled. What an unknown name leaves is
# a short negative entry (cache.leaderboards.empty-ttl, cache.users.negative-ttl, 30 s each), so the key count must level
# off at about (rate of new names) x 30 s instead of growing for the whole run.
#
# Usage: ./mvnw package -DskipTests && bench/unknown-names.sh        Env: DURATION=90 (seconds), CLIENTS=8
# Loopback only; Postgres from QUARKUS_DATASOURCE_REACTIVE_URL (default the local database test).
set -euo pipefail
cd "$(dirname "$0")/.."

DURATION=${DURATION:-90}
CLIENTS=${CLIENTS:-8}
PG_URL=${QUARKUS_DATASOURCE_REACTIVE_URL:-postgresql://127.0.0.1:5432/test}
OUT=$PWD/target/bench-unknown-names
mkdir -p "$OUT"
[ -f target/quarkus-app/quarkus-run.jar ] || { echo "run ./mvnw package -DskipTests first" >&2; exit 1; }

free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
REDIS_PORT=$(free_port)
APP_PORT=$(free_port)
MANAGEMENT_PORT=$(free_port)

redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save "" --appendonly no --daemonize yes \
  --logfile "$OUT/redis.log" --dir "$OUT"
cleanup() {
  [ -n "${APP:-}" ] && kill "$APP" 2>/dev/null && wait "$APP" 2>/dev/null
  redis-cli -p "$REDIS_PORT" shutdown nosave >/dev/null 2>&1 || true
}
trap cleanup EXIT

QUARKUS_HTTP_PORT=$APP_PORT QUARKUS_MANAGEMENT_PORT=$MANAGEMENT_PORT QUARKUS_REDIS_HOSTS="redis://127.0.0.1:$REDIS_PORT" \
  QUARKUS_DATASOURCE_REACTIVE_URL="$PG_URL" API_SECURITY_ENABLED=false \
  java -jar target/quarkus-app/quarkus-run.jar >"$OUT/app.log" 2>&1 &
APP=$!
for _ in $(seq 1 240); do
  curl -fs "http://127.0.0.1:$MANAGEMENT_PORT/q/health/ready" >/dev/null 2>&1 && break
  sleep 0.25
done
baseline=$(redis-cli -p "$REDIS_PORT" dbsize)
echo "unknown-names: app on $APP_PORT, Redis on $REDIS_PORT ($baseline keys at start), $CLIENTS clients, $DURATION s"

python3 - "$APP_PORT" "$REDIS_PORT" "$DURATION" "$CLIENTS" "$baseline" <<'PY'
import http.client, random, subprocess, sys, threading, time, uuid

app_port, redis_port, duration, clients, baseline = (int(a) for a in sys.argv[1:])
sent = [0] * clients
statuses = {}
lock = threading.Lock()
end = time.time() + duration

def client(i):
    conn = http.client.HTTPConnection("127.0.0.1", app_port, timeout=10)
    while time.time() < end:
        if random.random() < 0.5:
            path = "/leaderboards/soak-" + uuid.uuid4().hex[:12] + "?limit=10"
        else:
            path = "/users/" + str(random.randint(10**15, 9 * 10**15))
        try:
            conn.request("GET", path)
            reply = conn.getresponse()
            reply.read()
            status = reply.status
        except Exception:
            conn.close()
            conn = http.client.HTTPConnection("127.0.0.1", app_port, timeout=10)
            status = -1
        sent[i] += 1
        with lock:
            statuses[status] = statuses.get(status, 0) + 1

def redis(*args):
    return subprocess.run(["redis-cli", "-p", str(redis_port), *args], capture_output=True, text=True).stdout

threads = [threading.Thread(target=client, args=(i,), daemon=True) for i in range(clients)]
start = time.time()
for t in threads:
    t.start()
print(f"{'t (s)':>6} {'requests':>9} {'req/s':>7} {'keys':>7} {'bound':>7} {'used_memory':>12}")
peak = 0
while time.time() < end:
    time.sleep(5)
    elapsed = time.time() - start
    total = sum(sent)
    rate = total / elapsed
    keys = int(redis("dbsize").strip()) - baseline
    memory = next(l.split(":")[1].strip() for l in redis("info", "memory").splitlines() if l.startswith("used_memory_human:"))
    # Each unknown name leaves one negative entry for 30 s.
    bound = int(rate * min(elapsed, 30))
    peak = max(peak, keys)
    print(f"{elapsed:6.0f} {total:9d} {rate:7.0f} {keys:7d} {bound:7d} {memory:>12}", flush=True)
for t in threads:
    t.join()
print(f"statuses: {statuses}; peak keys {peak} over {sum(sent)} unknown names")
PY
