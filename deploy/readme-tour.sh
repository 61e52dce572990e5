#!/usr/bin/env bash
# Runs the README's five-minute tour against a running instance: its seed step, then every command of its code blocks
# as written, with localhost:8080 and localhost:9000 pointed at the instance. A command fails the tour when a request
# gets no answer or a 5xx, when the status differs from the one its comment announces (`# 401`), or when the command
# itself fails (a grep that finds nothing). deploy/image-test.sh and deploy/compose-test.sh run it.
#
# Usage: deploy/readme-tour.sh BASE_URL MANAGEMENT_URL
# Env:   DATABASE_URL, REDIS_HOST, REDIS_PORT, REDIS_DB: where the seed step writes (scripts/seed.sh; it truncates the
#        example tables and clears the service's keys there: never point it at data you keep)
#        JWT_PRIVATE_KEY, JWT_ISSUER: what scripts/token.sh signs the tour's token with (a key the instance trusts)
set -uo pipefail
cd "$(dirname "$0")/.."

base=${1:?usage: readme-tour.sh BASE_URL MANAGEMENT_URL}
management=${2:?usage: readme-tour.sh BASE_URL MANAGEMENT_URL}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

section=$(awk '/^## A five-minute tour/ { on = 1; next } on && /^## / { exit } on' README.md)
[ -n "$section" ] || { echo "tour: README.md has no '## A five-minute tour'"; exit 1; }
seed=$(grep -o 'scripts/seed\.sh[^`]*' <<<"$section" | head -1)
# The commands: each line of the section's code blocks.
awk '/^[[:space:]]*```/ { inside = !inside; next } inside { sub(/^[[:space:]]+/, ""); print }' <<<"$section" >"$work/commands"
[ -s "$work/commands" ] || { echo "tour: no commands in the tour"; exit 1; }

# The tour's curl, with the answer's status recorded (-D) and a bound on each request; a stream (-N) is watched for
# two seconds.
cat >"$work/prelude.sh" <<'EOF'
curl() {
  local max=10 rc=0 arg
  for arg in "$@"; do [ "$arg" = -N ] && max=2; done
  command curl --max-time "$max" -D "$TOUR_WORK/headers" "$@" || rc=$?
  local status
  status=$(awk '/^HTTP\// { s = $2 } END { print s + 0 }' "$TOUR_WORK/headers" 2>/dev/null)
  echo "${status:-0}" >>"$TOUR_WORK/statuses"
  : >"$TOUR_WORK/headers"
  [ "$rc" = 0 ] || { [ "$rc" = 28 ] && [ "$max" = 2 ] && [ "$status" = 200 ]; }
}
EOF

failures=0 requests=0
if [ -n "$seed" ]; then
  if out=$($seed 2>&1); then echo "tour: ok   $seed: $out"; else echo "tour: FAIL $seed"; echo "$out" | sed 's/^/    /'; failures=$((failures + 1)); fi
fi
hostport=${base#*://}
hostport=${hostport%/}
management_hostport=${management#*://}
management_hostport=${management_hostport%/}
: >"$work/statuses"
{
  echo "set -o pipefail"
  echo "TOUR_WORK=$work"
  cat "$work/prelude.sh"
} >"$work/tour.sh"
n=0
while IFS= read -r command; do
  n=$((n + 1))
  line=${command//localhost:8080/$hostport}
  line=${line//localhost:9000/$management_hostport}
  printf '%s\n' "$line" >"$work/line.$n"
  {
    echo ": >\"$work/statuses\""
    echo "{ $line"
    echo "} >\"$work/out.$n\" 2>&1; echo \$? >\"$work/rc.$n\"; cp \"$work/statuses\" \"$work/statuses.$n\""
  } >>"$work/tour.sh"
done <"$work/commands"
bash "$work/tour.sh" >/dev/null 2>&1

for i in $(seq 1 "$n"); do
  command=$(sed -n "${i}p" "$work/commands")
  statuses=$(tr '\n' ' ' <"$work/statuses.$i" 2>/dev/null)
  count=$(wc -w <<<"$statuses")
  requests=$((requests + count))
  expected=$(grep -oE '#[[:space:]]+[0-9]{3}([^0-9]|$)' <<<"$command" | grep -oE '[0-9]{3}' | head -1)
  shown=$(tr ' ' '\n' <<<"$statuses" | sed '/^$/d' | sort | uniq -c | awk '{ printf "%s%s", sep, ($1 > 1 ? $2 "x" $1 : $2); sep = " " }')
  problem=""
  [ "$(cat "$work/rc.$i" 2>/dev/null)" = 0 ] || problem="the command failed (exit $(cat "$work/rc.$i" 2>/dev/null))"
  [ "$count" -gt 0 ] || [[ $command != *curl* ]] || problem="no request"
  for status in $statuses; do
    if [ "$status" = 0 ]; then problem="a request got no answer"; elif [ "$status" -ge 500 ]; then problem="a request got $status"; fi
    if [ -n "$expected" ] && [ "$status" != "$expected" ]; then problem="$status where the README says $expected"; fi
  done
  if [ -z "$problem" ]; then
    printf 'tour: ok   [%s] %s\n' "$shown" "$command"
  else
    printf 'tour: FAIL [%s] %s: %s\n' "$shown" "$command" "$problem"
    sed 's/^/    /' "$work/out.$i" | tail -5
    failures=$((failures + 1))
  fi
done
echo "tour: $n commands, $requests requests, $failures failed"
[ "$failures" = 0 ]
