#!/usr/bin/env bash
# Runs the headless-Chromium checks of the page at / against the packaged app on a free port.
# Needs target/quarkus-app (./mvnw package or verify), Node.js, and Debian's chromium.
set -euo pipefail
cd "$(dirname "$0")"
root=$(cd ../../.. && pwd)

if ! command -v chromium >/dev/null 2>&1; then
  echo "browser tests: installing chromium" >&2
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi
if ! command -v node >/dev/null 2>&1; then
  echo "browser tests: installing nodejs" >&2
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >/dev/null
fi
npm ci --no-audit --no-fund --silent

free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
port=$(free_port)
management=$(free_port)
# A database and a Redis logical database of the check's own, created empty and removed afterwards: whatever an
# earlier run or another service left in the local Postgres and Redis does not reach it.
database=browser_test_$$
redis_db=${BROWSER_TEST_REDIS_DB:-12}
key_pattern='cp:*'
psql_admin=(psql -h 127.0.0.1 -U postgres -d postgres -qAt)
redis=(redis-cli -h 127.0.0.1 -p 6379 -n "$redis_db")
clear_keys() { "${redis[@]}" --scan --pattern "$key_pattern" | xargs -r -n 500 "${redis[@]}" UNLINK >/dev/null; }
"${psql_admin[@]}" -c "CREATE DATABASE $database" >/dev/null
clear_keys
app=""
cleanup() {
  [ -z "$app" ] || { kill "$app" 2>/dev/null || true; wait "$app" 2>/dev/null || true; }
  "${psql_admin[@]}" -c "DROP DATABASE IF EXISTS $database WITH (FORCE)" >/dev/null 2>&1 || true
  clear_keys 2>/dev/null || true
}
trap cleanup EXIT
# The test key (src/test/resources/jwt) verifies the writes' tokens, signed by scripts/token.sh with it.
keys="$root/src/test/resources/jwt"
issuer=https://test.cache-patterns.invalid
TOKEN=$(JWT_PRIVATE_KEY="$keys/test-private.pem" JWT_ISSUER=$issuer "$root/scripts/token.sh")
export TOKEN
log="$root/target/browser-app.log"
# Demos on (they are off in a packaged app by default), and one plot point a second so the checks are quick.
QUARKUS_HTTP_PORT=$port QUARKUS_MANAGEMENT_PORT=$management DEMO_ENABLED=true DASHBOARD_SERIES_INTERVAL=1s   QUARKUS_DATASOURCE_REACTIVE_URL="postgresql://127.0.0.1:5432/$database"   QUARKUS_REDIS_HOSTS="redis://127.0.0.1:6379/$redis_db"   MP_JWT_VERIFY_PUBLICKEY_LOCATION="$keys/test-public.pem" MP_JWT_VERIFY_ISSUER=$issuer   java -jar "$root/target/quarkus-app/quarkus-run.jar" >"$log" 2>&1 &
app=$!
fail() { echo "browser tests: $*; the app's log ($log) ends with:" >&2; tail -40 "$log" >&2; exit 1; }
started=$SECONDS
until curl -fs "http://127.0.0.1:$management/q/health/ready" >/dev/null 2>&1; do
  kill -0 "$app" 2>/dev/null || fail "the app exited before it was ready"
  [ $((SECONDS - started)) -lt 120 ] || fail "the app is not ready after 120 s"
  sleep 0.5
done

BASE_URL="http://127.0.0.1:$port" SCREENSHOT="$root/target/page.png" node --test page.test.mjs
