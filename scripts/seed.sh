#!/usr/bin/env bash
# Fills the database with each unit's synthetic rows (units/<name>/seed.sql) and clears the service's Redis keys so no
# cache serves data from before. Deterministic: the same scales give the same rows every time (each unit's script
# TRUNCATEs its tables first, so never point it at real data).
#
# Usage: scripts/seed.sh [--<scale> N ...]   the scales are the units' own ("-- scale users 10000" in their seed.sql):
#        with all examples (their defaults): --users 10000 --posts 1000 --skus 1000 --events 100000 --boards 10
# Env:   DATABASE_URL (default: dev mode's database, postgresql://postgres@127.0.0.1:5432/<application>_dev),
#        REDIS_HOST / REDIS_PORT / REDIS_DB (default 127.0.0.1:6379, database 0), KEY_PATTERN (default 'cp:*')
set -euo pipefail
cd "$(dirname "$0")/.."

seeds=(units/*/seed.sql)
[ -e "${seeds[0]}" ] || seeds=()
declare -A scales=()
for seed in "${seeds[@]}"; do
  while read -r _ _ name value; do scales[$name]=$value; done < <(grep -E '^-- scale [a-z_]+ [0-9]+$' "$seed")
done
while [ $# -gt 0 ]; do
  name=${1#--}
  if [ "$name" != "$1" ] && [ -n "${scales[$name]+set}" ] && [ $# -ge 2 ]; then
    [[ $2 =~ ^[0-9]+$ ]] || { echo "--$name: scales must be non-negative integers" >&2; exit 2; }
    scales[$name]=$2
    shift 2
  else
    sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//'
    echo "scales of the units present: ${!scales[*]}"
    exit 2
  fi
done

# Dev mode's own database on the local Postgres (platform/localservices/LocalDatabase): quarkus.application.name in
# lower case, anything but letters and digits as _, then _dev.
app=$(sed -n 's/^quarkus\.application\.name=//p' "$(dirname "$0")/../src/main/resources/application.properties")
dev_db=$(echo "${app:-app}" | tr 'A-Z' 'a-z' | sed -E 's/[^a-z0-9]+/_/g; s/^_+|_+$//g')_dev
db=${DATABASE_URL:-postgresql://postgres@127.0.0.1:5432/$dev_db}
start=$(date +%s.%N)

variables=()
for name in "${!scales[@]}"; do variables+=(-v "$name=${scales[$name]}"); done
seeded=()
for seed in "${seeds[@]}"; do
  unit=$(basename "$(dirname "$seed")")
  { echo 'SELECT setseed(0.42) \g /dev/null'; cat "$seed"; } | psql "$db" -v ON_ERROR_STOP=1 -q "${variables[@]}"
  seeded+=("$unit")
done

# Cached copies of the old rows must go (UNLINK in batches, without KEYS). On a Redis Cluster SCAN sees one node's
# keys only, so every master is scanned, and each UNLINK takes one key (keys of a batch would span slots).
redis_host="${REDIS_HOST:-127.0.0.1}"
redis_port="${REDIS_PORT:-6379}"
if redis-cli -h "$redis_host" -p "$redis_port" info cluster 2>/dev/null | grep -q '^cluster_enabled:1'; then
  redis-cli -h "$redis_host" -p "$redis_port" cluster nodes | awk '$3 ~ /master/ && $3 !~ /fail/ { split($2, a, "@"); print a[1] }' \
    | while read -r node; do
        redis-cli -h "${node%:*}" -p "${node##*:}" --scan --pattern "${KEY_PATTERN:-cp:*}" \
          | xargs -r -n 1 redis-cli -h "${node%:*}" -p "${node##*:}" UNLINK >/dev/null
      done
else
  redis=(redis-cli -h "$redis_host" -p "$redis_port" -n "${REDIS_DB:-0}")
  "${redis[@]}" --scan --pattern "${KEY_PATTERN:-cp:*}" | xargs -r -n 500 "${redis[@]}" UNLINK >/dev/null
fi

elapsed=$(awk -v a="$(date +%s.%N)" -v b="$start" 'BEGIN { print a - b }')
summary=$(IFS=,; echo "${seeded[*]:-nothing}")
scale_list=$(for name in "${!scales[@]}"; do echo "$name=${scales[$name]}"; done | sort | paste -sd' ')
printf 'seeded %s (%s) in %.1f s\n' "${summary//,/, }" "$scale_list" "$elapsed"
