#!/usr/bin/env bash
# Runs every k6 script of this folder against a live instance with k6-node (deploy/k6/node/k6.mjs, for machines
# without a k6 binary): setup, a few iterations of each scenario, teardown, and the script's thresholds. The scripts
# run unchanged; the parameters below only make each one take seconds. deploy/image-test.sh runs it against the
# container. A request the service refuses (a missing token), a wrong status, a failed check or a metric that is no
# longer exported fails the run.
#
# Usage: BASE_URL=http://127.0.0.1:8080 MANAGEMENT_URL=http://127.0.0.1:9000 TOKEN=$(scripts/token.sh) \
#          deploy/k6/run-live.sh [SCRIPT.js...]
# Env:   K6_TIMING_THRESHOLDS=warn (default) reports latency thresholds without failing on them: one VU on a shared CI
#        machine measures the machine, not the service (`enforce` makes them count, as under k6).
set -uo pipefail
cd "$(dirname "$0")"

params_of() {
  case $1 in
    smoke.js) echo "--duration-iterations 3" ;;
    # Fifty users read 300 times: the ratio of cache hits is about 0.85 (a user's first read misses).
    read-heavy-zipf.js) echo "-e USERS=50 --duration-iterations 300" ;;
    stampede.js) echo "-e VUS=4" ;;
    # The script counts the increments it sent against what the posts report: every one of its iterations runs.
    write-behind-burst.js) echo "-e INCREMENTS=200 -e POSTS=3" ;;
    leaderboard.js) echo "-e PLAYERS=50 --duration-iterations 100" ;;
    *) echo "--duration-iterations 5" ;;
  esac
}

passed=0 failed=0
scripts=("$@")
[ ${#scripts[@]} -gt 0 ] || scripts=(*.js)
for script in "${scripts[@]}"; do
  script=$(basename "$script")
  [ "$script" != lib.js ] || continue
  # shellcheck disable=SC2046 # the parameters are words
  if node node/k6.mjs run --timing-thresholds "${K6_TIMING_THRESHOLDS:-warn}" $(params_of "$script") "$script"; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
  fi
done
echo "k6: $passed passed, $failed failed"
[ "$failed" = 0 ]
