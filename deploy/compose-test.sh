#!/usr/bin/env bash
# Runs deploy/compose.yaml with podman-compose (Debian's package) and walks it: the app with its Postgres and Redis
# (Prometheus and Grafana are left out: their images come from registries this machine cannot reach, and no Debian
# package ships Grafana), Postgres and Redis from images made here from Debian's packages
# (deploy/podman/compose.debian-images.yaml). Checks: the app gets ready on its own (podman-compose does not wait
# for the health checks that compose.yaml's depends_on names, so the app may restart until Postgres answers: its
# restart policy), Redis runs with compose.yaml's AOF and eviction settings (the app's readiness data), the README
# tour and the k6 smoke scripts (the service's and each unit's) answered; then `down` and every container, volume and network of the project is gone.
#
# Usage: deploy/compose-test.sh [IMAGE]   (deploy/image-test.sh calls it with the image it built; without an image
#        of that name, podman-compose builds src/main/docker/Dockerfile.jvm as compose.yaml says)
set -euo pipefail
cd "$(dirname "$0")/.."

export CONTAINERS_CONF=$PWD/deploy/podman/containers.conf
log() { echo "compose: $*"; }
die() { echo "compose: FAIL $*"; exit 1; }
now_ms() { date +%s%3N; }
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

command -v podman-compose >/dev/null 2>&1 || die "no podman-compose (apt-get install podman-compose)"
[ -x /usr/lib/cni/dnsname ] || die "no dnsname CNI plugin: the app could not resolve its services (apt-get install golang-github-containernetworking-plugin-dnsname)"
project=cp-compose-test-$$
files=(-f deploy/compose.yaml -f deploy/podman/compose.debian-images.yaml)
work=$(mktemp -d)
compose() { podman-compose -p "$project" "${files[@]}" "$@"; }
cleanup() {
  compose down -t 10 >"$work/down.log" 2>&1 || true
  podman ps -aq --filter "label=io.podman.compose.project=$project" | xargs -r podman rm -f -t 0 >/dev/null 2>&1 || true
  podman volume ls -q --filter "label=io.podman.compose.project=$project" | xargs -r podman volume rm -f >/dev/null 2>&1 || true
  podman network ls -q --filter "label=io.podman.compose.project=$project" | xargs -r podman network rm -f >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

started=$(now_ms)
for image in postgres redis; do
  name=$(awk -v s="  $image:" '$0 == s { getline; print $2 }' deploy/podman/compose.debian-images.yaml)
  previous=$(podman image inspect --format '{{.Id}}' "$name" 2>/dev/null || true)
  podman build --pull=never -q -t "$name" "deploy/podman/$image" >"$work/build.log" 2>&1 || { cat "$work/build.log"; die "building $name"; }
  # An image this build replaced (a new base) would stay behind untagged.
  [ -z "$previous" ] || [ "$previous" = "$(podman image inspect --format '{{.Id}}' "$name")" ] || podman rmi "$previous" >/dev/null 2>&1 || true
done
if [ -n "${1:-}" ] && ! podman image exists cache-patterns:jvm; then podman tag "$1" cache-patterns:jvm; fi
log "Postgres and Redis images from Debian packages ready in $((($(now_ms) - started) / 1000)) s"

export POSTGRES_PASSWORD GRAFANA_ADMIN_PASSWORD JWT_PUBLIC_KEY JWT_ISSUER=https://test.cache-patterns.invalid
POSTGRES_PASSWORD=$(openssl rand -hex 16)
GRAFANA_ADMIN_PASSWORD=$(openssl rand -hex 16)
JWT_PUBLIC_KEY=$(cat src/test/resources/jwt/test-public.pem)
export HOST_HTTP_PORT HOST_MANAGEMENT_PORT HOST_POSTGRES_PORT HOST_REDIS_PORT
HOST_HTTP_PORT=$(free_port) HOST_MANAGEMENT_PORT=$(free_port) HOST_POSTGRES_PORT=$(free_port) HOST_REDIS_PORT=$(free_port)
base_url=http://127.0.0.1:$HOST_HTTP_PORT
management_url=http://127.0.0.1:$HOST_MANAGEMENT_PORT

started=$(now_ms)
compose up -d app >"$work/up.log" 2>&1 || { cat "$work/up.log"; die "podman-compose up"; }
until [ "$(curl -s -o "$work/ready.json" -w '%{http_code}' --max-time 2 "$management_url/q/health/ready" || true)" = 200 ]; do
  [ $(($(now_ms) - started)) -lt 180000 ] || { compose logs app 2>&1 | tail -30; die "app not ready 180 s after up"; }
  sleep 0.5
done
ready_ms=$(($(now_ms) - started))
restarts=$(podman inspect --format '{{.RestartCount}}' "${project}_app_1" 2>/dev/null || echo '?')
running=$(podman ps --filter "label=io.podman.compose.project=$project" --format '{{.Names}}' | sort | tr '\n' ' ')
log "up: $running; app ready $(awk -v ms="$ready_ms" 'BEGIN { printf "%.1f", ms / 1000 }') s after podman-compose up ($restarts restarts while Postgres started)"
# compose.yaml's Redis: AOF on, volatile-lru (what write-behind's durability and the caches' eviction rely on).
redis_config() { podman exec "${project}_redis_1" redis-cli config get "$1" | sed -n 2p; }
[ "$(redis_config appendonly)" = yes ] && [ "$(redis_config maxmemory-policy)" = volatile-lru ] \
  || die "Redis does not run with compose.yaml's settings: appendonly $(redis_config appendonly), maxmemory-policy $(redis_config maxmemory-policy)"
log "ok   Redis runs with AOF and volatile-lru, as compose.yaml sets it"

export JWT_PRIVATE_KEY=$PWD/src/test/resources/jwt/test-private.pem
DATABASE_URL="postgresql://cachepatterns:$POSTGRES_PASSWORD@127.0.0.1:$HOST_POSTGRES_PORT/cachepatterns" \
  REDIS_HOST=127.0.0.1 REDIS_PORT=$HOST_REDIS_PORT REDIS_DB=0 \
  deploy/readme-tour.sh "$base_url" "$management_url" | sed 's/^/compose: /' || die "the README tour"
# shellcheck disable=SC2046 # the service's smoke script and every unit's
BASE_URL=$base_url MANAGEMENT_URL=$management_url TOKEN=$(scripts/token.sh) \
  deploy/k6/run-live.sh $(ls deploy/k6/smoke.js units/*/k6/smoke.js 2>/dev/null) | sed 's/^/compose: /' || die "k6 smoke.js"

started=$(now_ms)
compose stop -t 30 >"$work/stop.log" 2>&1 || { cat "$work/stop.log"; die "podman-compose stop"; }
app_exit=$(podman inspect --format '{{.State.ExitCode}}' "${project}_app_1")
[ "$app_exit" = 0 ] || die "the app exited with $app_exit on podman-compose stop"
compose down -t 10 >"$work/down.log" 2>&1 || { cat "$work/down.log"; die "podman-compose down"; }
left=$(podman ps -aq --filter "label=io.podman.compose.project=$project" | wc -l)
[ "$left" = 0 ] || die "$left containers left after down"
log "ok   stop and down in $((($(now_ms) - started) / 1000)) s: the app exited 0, no container left"
