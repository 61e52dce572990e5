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
# The test key (src/test/resources/jwt) verifies the writes' tokens, signed by scripts/token.sh with it.
keys="$root/src/test/resources/jwt"
issuer=https://test.cache-patterns.invalid
TOKEN=$(JWT_PRIVATE_KEY="$keys/test-private.pem" JWT_ISSUER=$issuer "$root/scripts/token.sh")
export TOKEN
# Demos on (they are off in a packaged app by default), and one plot point a second so the checks are quick.
QUARKUS_HTTP_PORT=$port QUARKUS_MANAGEMENT_PORT=$management DEMO_ENABLED=true DASHBOARD_SERIES_INTERVAL=1s \
  MP_JWT_VERIFY_PUBLICKEY_LOCATION="$keys/test-public.pem" MP_JWT_VERIFY_ISSUER=$issuer java -jar "$root/target/quarkus-app/quarkus-run.jar" >"$root/target/browser-app.log" 2>&1 &
app=$!
trap 'kill $app 2>/dev/null || true; wait $app 2>/dev/null || true' EXIT
for _ in $(seq 1 120); do
  curl -fs "http://127.0.0.1:$management/q/health/ready" >/dev/null 2>&1 && break
  sleep 0.5
done

BASE_URL="http://127.0.0.1:$port" SCREENSHOT="$root/target/page.png" node --test page.test.mjs
