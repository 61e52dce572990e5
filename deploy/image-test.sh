#!/usr/bin/env bash
# Builds the shipped JVM image (src/main/docker/Dockerfile.jvm, the file users build) with podman and proves it by
# running it the way the Kubernetes Deployment of deploy/k8s runs it (ports, probes, key file, user, read-only root
# with a writable /tmp, memory limit, ConfigMap settings), against this machine's Postgres (a database of its own) and
# Redis (a logical database of its own):
#   - it starts, with its configuration from environment variables and the JWT public key from a mounted file;
#   - the startup, liveness and readiness probes answer on the management port; time from `podman run` to ready;
#   - the process runs as the Deployment's non-root user, and the heap follows the container's memory limit;
#   - the README's five-minute tour is answered (deploy/readme-tour.sh), and every k6 script runs against it
#     (deploy/k6/run-live.sh: setup, iterations, teardown, thresholds);
#   - `podman stop` (SIGTERM): it exits 0 within the stop time-out; a second container, with the write-behind flush
#     held back, is stopped in the middle of a burst of views: exit 0, and the final drain put every view it
#     acknowledged (202) in Postgres.
# Then deploy/compose-test.sh runs deploy/compose.yaml with podman-compose (IMAGE_TEST_COMPOSE=0 skips it).
# The base image is made from Debian packages when podman does not have it (deploy/podman/make-base.sh).
#
# Usage: ./mvnw package -DskipTests && deploy/image-test.sh      (.ci/run runs it after ./mvnw verify)
# Env:   IMAGE_TEST_REDIS_DB (11): the Redis logical database the container uses; the test deletes the service's keys
#        there before and after. PG_HOST_PORT (127.0.0.1:5432), REDIS_HOST_PORT (127.0.0.1:6379): the machine's
#        services, reached from the container through slirp4netns' host loopback.
# Prints the image's name on its last line.
set -euo pipefail
cd "$(dirname "$0")/.."

export CONTAINERS_CONF=$PWD/deploy/podman/containers.conf
DOCKERFILE=src/main/docker/Dockerfile.jvm
IMAGE=localhost/$(awk -F'-t ' '/docker build -f src\/main\/docker\/Dockerfile.jvm/ { split($2, a, " "); print a[1]; exit }' "$DOCKERFILE")
REDIS_DB=${IMAGE_TEST_REDIS_DB:-11}
PG_HOST_PORT=${PG_HOST_PORT:-127.0.0.1:5432}
REDIS_HOST_PORT=${REDIS_HOST_PORT:-127.0.0.1:6379}
STOP_TIMEOUT=10 # podman's and compose's default; the Deployment allows K8S_GRACE_SECONDS
JWT_DIR=src/test/resources/jwt
JWT_ISSUER=https://test.cache-patterns.invalid
KEY_PATTERN='cp:*'

log() { echo "image-test: $*"; }
die() { echo "image-test: FAIL $*"; exit 1; }
now_ms() { date +%s%3N; }
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

# --- Tools, from Debian packages when missing ---------------------------------------------------------------------
need=()
for tool in podman:podman runc:runc slirp4netns:slirp4netns debootstrap:debootstrap curl:curl psql:postgresql-client \
  redis-cli:redis-tools openssl:openssl node:nodejs podman-compose:podman-compose; do
  command -v "${tool%%:*}" >/dev/null 2>&1 || need+=("${tool#*:}")
done
# The compose stack finds its services by name: podman's CNI networks need the dnsname plugin for that (a recommended
# package that --no-install-recommends leaves out; without it the app cannot resolve "postgres").
[ -x /usr/lib/cni/dnsname ] || need+=(golang-github-containernetworking-plugin-dnsname)
# A Python with PyYAML, as deploy/validate.sh finds one (Debian's python3-yaml serves /usr/bin/python3).
PY=""
for candidate in python3 /usr/bin/python3; do "$candidate" -c 'import yaml' 2>/dev/null && { PY=$candidate; break; }; done
[ -n "$PY" ] || { need+=(python3-yaml); PY=/usr/bin/python3; }
if [ ${#need[@]} -gt 0 ]; then
  log "installing ${need[*]}"
  as_root apt-get -o DPkg::Lock::Timeout=600 update -qq
  DEBIAN_FRONTEND=noninteractive as_root apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends \
    "${need[@]}" >/dev/null
fi
[ -f target/quarkus-app/quarkus-run.jar ] || die "no target/quarkus-app: run ./mvnw package first"

work=$(mktemp -d)
name=cache-patterns-image-test-$$
db=image_test_$$
psql_admin=(psql -h "${PG_HOST_PORT%:*}" -p "${PG_HOST_PORT#*:}" -U postgres -d postgres -qAt)
redis=(redis-cli -h "${REDIS_HOST_PORT%:*}" -p "${REDIS_HOST_PORT#*:}" -n "$REDIS_DB")
clear_keys() { "${redis[@]}" --scan --pattern "$KEY_PATTERN" | xargs -r -n 500 "${redis[@]}" UNLINK >/dev/null; }
cleanup() {
  podman rm -f -t 0 "$name" "$name-stop" >/dev/null 2>&1 || true
  "${psql_admin[@]}" -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null 2>&1 || true
  clear_keys 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

# --- The image ----------------------------------------------------------------------------------------------------
started=$(now_ms)
base=$(deploy/podman/make-base.sh "$DOCKERFILE" 2> >(sed 's/^/image-test: /' >&2))
base_ms=$(($(now_ms) - started))
previous=$(podman image inspect --format '{{.Id}}' "$IMAGE" 2>/dev/null || true)
started=$(now_ms)
podman build --pull=never -q -f "$DOCKERFILE" -t "$IMAGE" . >"$work/build.log" 2>&1 || { cat "$work/build.log"; die "podman build"; }
build_ms=$(($(now_ms) - started))
current=$(podman image inspect --format '{{.Id}}' "$IMAGE")
# The image this build replaced would stay behind untagged, run after run.
[ -z "$previous" ] || [ "$previous" = "$current" ] || podman rmi "$previous" >/dev/null 2>&1 || true
size=$(podman image inspect --format '{{.Size}}' "$IMAGE")
size_mb=$(awk -v b="$size" 'BEGIN { printf "%.0f", b / 1e6 }')
log "base $base ready in $((base_ms / 1000)) s; built $IMAGE in $((build_ms / 1000)) s: $size_mb MB"

# --- What the Kubernetes Deployment expects of it -------------------------------------------------------------------
if command -v kubectl >/dev/null 2>&1; then kubectl kustomize deploy/k8s/base >"$work/k8s.yaml"
else "$PY" deploy/k8s/mini_kustomize.py deploy/k8s/base >"$work/k8s.yaml"; fi
eval "$("$PY" deploy/podman/k8s-facts.py "$work/k8s.yaml" "$work/configmap.env")"
[ "${K8S_IMAGE}" = "${IMAGE#localhost/}" ] || die "the Deployment runs image $K8S_IMAGE, the Dockerfile builds ${IMAGE#localhost/}"
[ "$K8S_GRACE_SECONDS" -ge "$STOP_TIMEOUT" ] || die "terminationGracePeriodSeconds $K8S_GRACE_SECONDS is below the $STOP_TIMEOUT s this test allows"

# --- Run it against this machine's Postgres and Redis -------------------------------------------------------------
"${psql_admin[@]}" -c "CREATE DATABASE $db" >/dev/null
clear_keys
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
http_port=$(free_port)
management_port=$(free_port)
base_url=http://127.0.0.1:$http_port
management_url=http://127.0.0.1:$management_port
# The host's loopback, from inside the container (slirp4netns allow_host_loopback).
host=10.0.2.2
grep -vE '^(QUARKUS_DATASOURCE_REACTIVE_URL|QUARKUS_REDIS_HOSTS)=' "$work/configmap.env" >"$work/app.env"
tmpfs=()
for dir in $K8S_WRITABLE_DIRS; do tmpfs+=(--tmpfs "$dir:rw,size=64m"); done
read_only=()
[ "$K8S_READ_ONLY_ROOT" != true ] || read_only=(--read-only)
# start_container NAME [podman run options]: runs the image as the Deployment does and waits until it is ready.
status() { curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$1" || true; }
ready_path=${K8S_READINESS%:*}
start_container() {
  local container=$1
  shift
  started=$(now_ms)
  podman run -d --name "$container" --stop-timeout "$STOP_TIMEOUT" \
    --network slirp4netns:allow_host_loopback=true \
    -p "127.0.0.1:$http_port:$K8S_HTTP_PORT" -p "127.0.0.1:$management_port:$K8S_MANAGEMENT_PORT" \
    --memory "$K8S_MEMORY_LIMIT_BYTES" "${read_only[@]}" "${tmpfs[@]}" \
    --env-file "$work/app.env" \
    -e "QUARKUS_DATASOURCE_REACTIVE_URL=postgresql://$host:${PG_HOST_PORT#*:}/$db" \
    -e QUARKUS_DATASOURCE_USERNAME=postgres \
    -e "QUARKUS_REDIS_HOSTS=redis://$host:${REDIS_HOST_PORT#*:}/$REDIS_DB" \
    -e "MP_JWT_VERIFY_ISSUER=$JWT_ISSUER" \
    -v "$PWD/$JWT_DIR/test-public.pem:$K8S_KEY_LOCATION:ro" \
    "$@" "$IMAGE" >/dev/null
  until [ "$(status "$management_url$ready_path")" = 200 ]; do
    [ "$(podman inspect --format '{{.State.Running}}' "$container")" = true ] \
      || { podman logs "$container" | tail -30; die "the container exited"; }
    [ $(($(now_ms) - started)) -lt 120000 ] || { podman logs "$container" | tail -30; die "not ready after 120 s"; }
    sleep 0.1
  done
  ready_ms=$(($(now_ms) - started))
  quarkus=$(podman logs "$container" 2>&1 | grep -o 'started in [0-9.]*s' | head -1)
  log "$container ready $(awk -v ms="$ready_ms" 'BEGIN { printf "%.1f", ms / 1000 }') s after podman run (Quarkus: ${quarkus:-?}; load average $(cut -d' ' -f1 /proc/loadavg))"
}
start_container "$name"
first_ready_ms=$ready_ms

# --- Probes, ports, user, heap ------------------------------------------------------------------------------------
checks=0
ok() { log "ok   $*"; checks=$((checks + 1)); }
for probe in "$K8S_STARTUP" "$K8S_LIVENESS" "$K8S_READINESS"; do
  [ "${probe#*:}" = "$K8S_MANAGEMENT_PORT" ] || die "probe $probe is not on the management port $K8S_MANAGEMENT_PORT"
  [ "$(status "$management_url${probe%:*}")" = 200 ] || die "probe ${probe%:*} on the management port"
done
ok "probes ${K8S_STARTUP%:*} ${K8S_LIVENESS%:*} ${K8S_READINESS%:*} answer 200 on the management port $K8S_MANAGEMENT_PORT"
[ "$(status "$base_url$ready_path")" = 404 ] || die "the API port serves $ready_path too"
[ "$(status "$management_url/q/metrics")" = 200 ] && [ "$(status "$management_url/q/info")" = 200 ] || die "/q/metrics, /q/info"
for path in /q/openapi /q/swagger-ui/; do [ "$(status "$base_url$path")" = 200 ] || die "GET $path on the API port"; done
ok "the API port $K8S_HTTP_PORT serves /q/openapi /q/swagger-ui and not the probes; /q/metrics /q/info on $K8S_MANAGEMENT_PORT"
uid=$(podman exec "$name" id -u)
[ "$uid" != 0 ] || die "the process runs as root"
[ "$uid" = "$K8S_RUN_AS_USER" ] || die "the image runs as $uid, the Deployment as runAsUser $K8S_RUN_AS_USER"
pid1=$(podman exec "$name" cat /proc/1/comm)
[ "$pid1" = java ] || die "PID 1 is $pid1, not the JVM: SIGTERM would not reach it"
ok "id -u is $uid (the Deployment's runAsUser), PID 1 is the JVM, root file system read-only: $K8S_READ_ONLY_ROOT"
heap=$(curl -s "$management_url/q/metrics" | awk '/^jvm_memory_max_bytes\{area="heap"/ { sum += $NF } END { printf "%.0f", sum }')
share=$(awk -v h="$heap" -v l="$K8S_MEMORY_LIMIT_BYTES" 'BEGIN { printf "%.0f", 100 * h / l }')
[ "$share" -ge 50 ] && [ "$share" -le 80 ] || die "heap $heap bytes is $share % of the $K8S_MEMORY_LIMIT_BYTES-byte limit"
ok "heap max $((heap / 1048576)) MiB = $share % of the $((K8S_MEMORY_LIMIT_BYTES / 1048576)) MiB memory limit"

# --- The README tour and the k6 scripts, answered by the container ------------------------------------------------
export JWT_PRIVATE_KEY=$PWD/$JWT_DIR/test-private.pem JWT_ISSUER
DATABASE_URL="postgresql://postgres@${PG_HOST_PORT}/$db" REDIS_HOST=${REDIS_HOST_PORT%:*} REDIS_PORT=${REDIS_HOST_PORT#*:} \
  REDIS_DB=$REDIS_DB deploy/readme-tour.sh "$base_url" "$management_url" | sed 's/^/image-test: /' || die "the README tour"
token=$(scripts/token.sh)
BASE_URL=$base_url MANAGEMENT_URL=$management_url TOKEN=$token deploy/k6/run-live.sh | sed 's/^/image-test: /' \
  || die "the k6 scripts"

# --- SIGTERM: idle, then in the middle of a write-behind burst ------------------------------------------------------
# stop_container NAME: podman stop (SIGTERM, SIGKILL after the stop time-out); sets stop_ms, stop_s and exit_code.
stop_container() {
  started=$(now_ms)
  podman stop -t "$STOP_TIMEOUT" "$1" >/dev/null
  stop_ms=$(($(now_ms) - started))
  stop_s=$(awk -v ms="$stop_ms" 'BEGIN { printf "%.1f", ms / 1000 }')
  exit_code=$(podman inspect --format '{{.State.ExitCode}}' "$1")
  [ "$exit_code" = 0 ] || { podman logs "$1" 2>&1 | tail -20; die "$1: exit status $exit_code after SIGTERM"; }
  [ "$stop_ms" -lt $((STOP_TIMEOUT * 1000)) ] || die "$1: the stop took the whole $STOP_TIMEOUT-s time-out"
}
stop_container "$name"
podman rm "$name" >/dev/null
ok "podman stop (SIGTERM) of the idle container: exit status 0 after $stop_s s"

# Each unit's own checks of the running image: units/*/image-check.sh, sourced here, with start_container,
# stop_container, ok, die, log, now_ms and $base_url, $token, $db, $work, $PG_HOST_PORT at hand (the posts unit stops a
# container in the middle of a write-behind burst).
for check in units/*/image-check.sh; do
  # shellcheck disable=SC1090 # a unit's check
  [ ! -e "$check" ] || . "$check"
done

if [ "${IMAGE_TEST_COMPOSE:-1}" = 1 ]; then
  deploy/compose-test.sh "$IMAGE" | sed 's/^/image-test: /' || die "the compose stack"
fi
log "$checks checks passed: $IMAGE, $size_mb MB, ready $(awk -v ms="$first_ready_ms" 'BEGIN { printf "%.1f", ms / 1000 }') s after podman run, SIGTERM exit 0 in $stop_s s"
echo "$IMAGE"
