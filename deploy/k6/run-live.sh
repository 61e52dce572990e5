#!/usr/bin/env bash
# Runs every k6 script (deploy/k6/*.js and each unit's units/*/k6/*.js) against a live instance with k6-node
# (deploy/k6/node/k6.mjs, for machines without a k6 binary): setup, a few iterations of each scenario, teardown, and
# the script's thresholds. The scripts run unchanged; each one's "// k6-node:" line only makes it take seconds. deploy/image-test.sh runs it against the
# container. A request the service refuses (a missing token), a wrong status, a failed check or a metric that is no
# longer exported fails the run.
#
# Usage: BASE_URL=http://127.0.0.1:8080 MANAGEMENT_URL=http://127.0.0.1:9000 TOKEN=$(scripts/token.sh) \
#          deploy/k6/run-live.sh [PATH/TO/SCRIPT.js...]   (paths from the repository root)
# Env:   K6_TIMING_THRESHOLDS=warn (default) reports latency thresholds without failing on them: one VU on a shared CI
#        machine measures the machine, not the service (`enforce` makes them count, as under k6).
set -uo pipefail
cd "$(dirname "$0")/../.."

# A script's own line "// k6-node: ARGS" gives the parameters that make it take seconds here (k6 ignores the line).
params_of() { sed -n 's#^// k6-node: ##p' "$1" | head -1; }
# The scripts: the service's own and each unit's; a module without options (lib.js, helpers) is not a script.
all_scripts() { grep -l '^export const options' deploy/k6/*.js units/*/k6/*.js 2>/dev/null; }

passed=0 failed=0
scripts=("$@")
[ ${#scripts[@]} -gt 0 ] || mapfile -t scripts < <(all_scripts)
for script in "${scripts[@]}"; do
  # shellcheck disable=SC2046 # the parameters are words
  if node deploy/k6/node/k6.mjs run --timing-thresholds "${K6_TIMING_THRESHOLDS:-warn}" $(params_of "$script") "$script"; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
  fi
done
echo "k6: $passed passed, $failed failed"
[ "$failed" = 0 ]
