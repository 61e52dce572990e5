#!/usr/bin/env bash
# Turns this template into a new service: copies the tracked files to TARGET, renames the Maven group
# and artifact, moves the Java packages, gives Redis keys the new service's prefix (so two services
# cloned from the template can share one Redis), and keeps only the examples you ask for.
#
# Usage: scripts/new-service.sh TARGET --group com.acme --artifact orders --package com.acme.orders
#          [--key-prefix ord] [--examples users,inventory,posts,leaderboards | none]
# Then:  cd TARGET && ./mvnw verify
#
# The cache layer (cache/) and platform/ always come along. An example left out loses its package,
# its tests, its migration, its section of application.properties, its README rows and tour step,
# its k6 scripts and its Redis ACL key patterns; the tests that cover every example at once adapt to
# the examples left. Without all four examples bench/ (which benchmarks them) is left out too.
set -euo pipefail

usage() { sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'; exit 2; }

ALL_EXAMPLES="users inventory posts leaderboards"

[ $# -ge 1 ] || usage
target=$1
shift
group="" artifact="" package="" prefix="" examples="users,inventory,posts,leaderboards"
while [ $# -gt 0 ]; do
  case $1 in
    --group) group=$2; shift 2 ;;
    --artifact) artifact=$2; shift 2 ;;
    --package) package=$2; shift 2 ;;
    --key-prefix) prefix=$2; shift 2 ;;
    --examples) examples=$2; shift 2 ;;
    *) usage ;;
  esac
done
[ -n "$group" ] && [ -n "$artifact" ] && [ -n "$package" ] || usage
[[ $package =~ ^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*$ ]] || { echo "invalid package: $package" >&2; exit 2; }
[[ $artifact =~ ^[a-z][a-z0-9-]*$ ]] || { echo "invalid artifact: $artifact" >&2; exit 2; }
prefix=${prefix:-$(echo "$artifact" | tr -cd 'a-z0-9' | cut -c1-12)}
[ ! -e "$target" ] || { echo "$target already exists" >&2; exit 2; }

keep=""
if [ "$examples" != "none" ]; then
  for example in ${examples//,/ }; do
    [[ " $ALL_EXAMPLES " == *" $example "* ]] || { echo "unknown example: $example (known: $ALL_EXAMPLES)" >&2; exit 2; }
    keep="$keep $example"
  done
fi
kept() { [[ " $keep " == *" $1 "* ]]; }

source_dir=$(cd "$(dirname "$0")/.." && pwd)
mkdir -p "$target"
target=$(cd "$target" && pwd)

# Only what git tracks: no build output, no local files.
(cd "$source_dir" && git ls-files -z) | (cd "$source_dir" && xargs -0 cp --parents -t "$target")
cd "$target"

# --- Examples that are left out -------------------------------------------------------------------
package_of() { case $1 in leaderboards) echo leaderboard ;; *) echo "$1" ;; esac; }
migration_of() {
  case $1 in
    users) echo "V1__users.sql V6__users_notify.sql" ;; inventory) echo V2__inventory.sql ;;
    posts) echo V3__posts.sql ;; leaderboards) echo V4__leaderboards.sql ;;
  esac
}
k6_of() {
  case $1 in
    users) echo "read-heavy-zipf.js stampede.js" ;; posts) echo write-behind-burst.js ;;
    leaderboards) echo leaderboard.js ;; *) echo "" ;;
  esac
}
acl_of() {
  case $1 in
    users) echo '~cp:users:\*' ;; inventory) echo '~cp:inventory:\*' ;;
    posts) echo '~cp:{posts}:\* ~cp:wb:{posts}:\*' ;; leaderboards) echo '~cp:lb:\*' ;;
  esac
}
# Its part of the API document: path prefix, then its schemas (docs/openapi.yaml; its tag is the example's name).
openapi_of() {
  case $1 in
    users) echo "/users User UserInput" ;; inventory) echo "/inventory InventoryInput InventoryItem ReservationInput" ;;
    posts) echo "/posts Engagement Post PostInput" ;; leaderboards) echo "/leaderboards Leaderboard LeaderboardEntry PlayerScore ScoreInput" ;;
  esac
}
# Removes from docs/openapi.yaml (as the service serves it: two-space YAML) the paths under a prefix, a tag and schemas,
# so the committed document stays the served one (OpenApiDocumentTest) and the generated client has no such API.
prune_openapi() {
  local prefix=$1 tag=$2; shift 2
  awk -v prefix="$prefix" -v tag="$tag" -v schemas=" $* " '
    /^[^ -]/ { section = $1; sub(/:.*/, "", section); skipping = 0 }
    section == "paths" && /^  [^ ]/ {
      key = $1; sub(/:$/, "", key)
      skipping = (key == prefix || index(key, prefix "/") == 1); if (skipping) next
    }
    section == "components" && /^  [^ ]/ { sub_section = $1; skipping = 0 }
    section == "components" && sub_section == "schemas:" && /^    [^ ]/ {
      name = $1; sub(/:$/, "", name); skipping = index(schemas, " " name " ") > 0; if (skipping) next
    }
    section == "tags" && /^- / { skipping = ($0 == "- name: " tag); if (skipping) next }
    skipping && (section == "tags" ? /^  / : (section == "paths" ? /^   / : /^     /)) { next }
    { skipping = 0; print }' docs/openapi.yaml > openapi.yaml.tmp
  mv openapi.yaml.tmp docs/openapi.yaml
}
# The README's table row of an example starts with its name.
row_of() { case $1 in posts) echo 'posts (views, likes)' ;; *) echo "$1" ;; esac; }

removed=""
for example in $ALL_EXAMPLES; do
  kept "$example" && continue
  removed="$removed $example"
  pkg=$(package_of "$example")
  rm -rf "src/main/java/dev/cachepatterns/$pkg" "src/test/java/dev/cachepatterns/$pkg"
  for migration in $(migration_of "$example"); do rm -f "src/main/resources/db/migration/$migration"; done
  for script in $(k6_of "$example"); do rm -f "deploy/k6/$script"; done
  sed -i "/^dev\.cachepatterns\.$pkg\./d" src/test/resources/META-INF/services/dev.cachepatterns.support.examples.ExampleUnderTest
  # Its section of application.properties: from its header to the next one.
  awk -v header="# --- Example $example" '
    index($0, header) == 1 { skipping = 1; next }
    skipping && /^# --- / { skipping = 0 }
    !skipping { print }' src/main/resources/application.properties > application.properties.tmp
  mv application.properties.tmp src/main/resources/application.properties
  # Its README rows (the strategy table's, its own configuration keys) and its step of the tour.
  row=$(row_of "$example")
  awk -v row="| $row |" -v cfg="| \`cache.$example." -v begin="<!-- example:$example -->" -v end="<!-- /example:$example -->" '
    index($0, row) == 1 { next }
    index($0, cfg) == 1 { next }
    $0 == begin { skipping = 1; next }
    $0 == end { skipping = 0; next }
    !skipping { print }' README.md > README.md.tmp
  mv README.md.tmp README.md
  prune_openapi $(openapi_of "$example" | cut -d' ' -f1) "$example" $(openapi_of "$example" | cut -d' ' -f2-)
  for pattern in $(acl_of "$example"); do
    sed -i "s/ ${pattern//\//\\/}//" deploy/redis/users.acl.template
  done
done
# Posts and leaderboards are the only schemas with a timestamp.
if ! kept posts && ! kept leaderboards; then prune_openapi /- - Instant; fi
if [ -n "$removed" ]; then
  # The smoke test walks the parts of the API that are left.
  areas=$(echo $keep | tr ' ' ',')
  sed -i "s/env('AREAS', 'users,inventory,posts,leaderboards')/env('AREAS', '$areas')/" deploy/k6/smoke.js
  # The benchmarks measure the four examples against their baselines.
  rm -rf bench docs/benchmarks docs/benchmarks.md
fi
# The markers have served their purpose.
sed -i '/^<!-- \/\{0,1\}example:[a-z]* -->$/d' README.md

# --- Coordinates, packages, key prefix ------------------------------------------------------------
old_path=dev/cachepatterns
new_path=${package//.//}
for root in src/main/java src/test/java src/main/resources; do
  if [ -d "$root/$old_path" ]; then
    mkdir -p "$root/$new_path.tmp"
    cp -a "$root/$old_path/." "$root/$new_path.tmp/"
    rm -rf "$root/dev"
    mkdir -p "$(dirname "$root/$new_path")"
    mv "$root/$new_path.tmp" "$root/$new_path"
  fi
done
files=$(grep -rlI --exclude-dir=.git -e 'dev\.cachepatterns' -e 'cache-patterns' -e 'cp:' . || true)
for file in $files; do
  sed -i \
    -e "s/dev\.cachepatterns/$package/g" \
    -e "s/<groupId>$package<\/groupId>/<groupId>$group<\/groupId>/" \
    -e "s/cache-patterns/$artifact/g" \
    -e "s/\bcp:/$prefix:/g" \
    "$file"
done
# The pom's own groupId was dev.cachepatterns before the package rename above.
sed -i "0,/<groupId>$package<\/groupId>/s//<groupId>$group<\/groupId>/" pom.xml
# META-INF/services files are named after the interface they list.
services=src/test/resources/META-INF/services
if [ -f "$services/dev.cachepatterns.support.examples.ExampleUnderTest" ]; then
  mv "$services/dev.cachepatterns.support.examples.ExampleUnderTest" "$services/$package.support.examples.ExampleUnderTest"
fi

git init -q
git add -A
./mvnw -B -q spotless:apply
git add -A
git commit -qm "New service $artifact from the cache-patterns template (examples:${keep:- none})"
echo "Created $target ($group:$artifact, package $package, Redis key prefix $prefix:, examples:${keep:- none})."
echo "Next: cd $target && ./mvnw verify   (on a database of its own: QUARKUS_DATASOURCE_REACTIVE_URL, see README)"
