#!/usr/bin/env bash
# Proves the template's upgrade path on a generated service, as a team would live it (.ci/run calls it):
#   scripts/template/prove-upgrade.sh SERVICE SCRATCH
# 1. the team adds a cached entity (scripts/new-entity.sh orders --from users) and changes a shared file, and commits;
# 2. the template moves on: a clone of this checkout in SCRATCH gets a change to cache/ and to the same shared file;
# 3. SCRATCH/scripts/upgrade-service.sh SERVICE merges it; the team's changes and the template's must both be there.
set -euo pipefail
service=$(cd "$1" && pwd)
scratch=$2
template=$(cd "$(dirname "$0")/../.." && pwd)
say() { echo "prove-upgrade: $*"; }
fail() { echo "prove-upgrade: FAILED: $*" >&2; exit 1; }
commit() { git -C "$1" -c user.name=ci -c user.email=ci@invalid commit -q -am "$2"; }

package_path=$(sed -n 's/^package=//p' "$service/.template.properties" | tr . /)

say "the team adds an entity and changes application.properties"
"$template/scripts/new-entity.sh" "$service" orders --from users
git -C "$service" add -A
team_line="# The team's own setting, kept by upgrades."
echo "$team_line" >>"$service/src/main/resources/application.properties"
commit "$service" "Orders, started from the users example; a setting of our own"

say "the template changes cache/ and application.properties"
git clone -q "$template" "$scratch"
marker="upgrade-check $(date +%s)"
ttl=src/main/java/dev/cachepatterns/cache/core/TtlPolicy.java
sed -i "0,/^public /s//\/\/ $marker: a change of the template's cache layer.\npublic /" "$scratch/$ttl"
sed -i "1i # $marker: a change of the template's own settings." "$scratch/src/main/resources/application.properties"
commit "$scratch" "A template change to prove upgrades"
next=$(git -C "$scratch" rev-parse HEAD)

say "upgrading $service to $next"
"$scratch/scripts/upgrade-service.sh" "$service"

grep -q "$marker" "$service/src/main/java/$package_path/cache/core/TtlPolicy.java" || fail "the template's change to cache/ did not arrive"
grep -q "$marker" "$service/src/main/resources/application.properties" || fail "the template's change to application.properties did not arrive"
grep -qF "$team_line" "$service/src/main/resources/application.properties" || fail "the team's change to application.properties was lost"
[ -d "$service/units/orders" ] || fail "the team's entity was lost"
grep -q "^template.commit=$next$" "$service/.template.properties" || fail ".template.properties does not record $next"
[ -z "$(git -C "$service" status --porcelain)" ] || fail "the upgrade left uncommitted changes"
say "the team's entity and setting kept, the template's changes to cache/ and application.properties merged"
