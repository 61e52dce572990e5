#!/usr/bin/env bash
# Turns this template into a new service: copies the tracked files to TARGET, renames the Maven group
# and artifact, moves the Java packages, and gives Redis keys the new service's prefix, so two services
# cloned from the template can share one Redis. The cache/ layer and the example resources come along;
# delete the example packages you do not need (each is one folder under src/main/java/<package>/, its
# tests, its migration and its section in application.properties).
#
# Usage: scripts/new-service.sh TARGET --group com.acme --artifact orders --package com.acme.orders [--key-prefix ord]
# Then:  cd TARGET && ./mvnw verify
set -euo pipefail

usage() { sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'; exit 2; }

[ $# -ge 1 ] || usage
target=$1
shift
group="" artifact="" package="" prefix=""
while [ $# -gt 0 ]; do
  case $1 in
    --group) group=$2; shift 2 ;;
    --artifact) artifact=$2; shift 2 ;;
    --package) package=$2; shift 2 ;;
    --key-prefix) prefix=$2; shift 2 ;;
    *) usage ;;
  esac
done
[ -n "$group" ] && [ -n "$artifact" ] && [ -n "$package" ] || usage
[[ $package =~ ^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*$ ]] || { echo "invalid package: $package" >&2; exit 2; }
[[ $artifact =~ ^[a-z][a-z0-9-]*$ ]] || { echo "invalid artifact: $artifact" >&2; exit 2; }
prefix=${prefix:-$(echo "$artifact" | tr -cd 'a-z0-9' | cut -c1-12)}
[ ! -e "$target" ] || { echo "$target already exists" >&2; exit 2; }

source_dir=$(cd "$(dirname "$0")/.." && pwd)
mkdir -p "$target"
target=$(cd "$target" && pwd)

# Only what git tracks: no build output, no local files.
(cd "$source_dir" && git ls-files -z) | (cd "$source_dir" && xargs -0 cp --parents -t "$target")

old_path=dev/cachepatterns
new_path=${package//.//}
for root in src/main/java src/test/java; do
  if [ -d "$target/$root/$old_path" ]; then
    mkdir -p "$target/$root/$new_path.tmp"
    cp -a "$target/$root/$old_path/." "$target/$root/$new_path.tmp/"
    rm -rf "$target/$root/dev"
    mkdir -p "$(dirname "$target/$root/$new_path")"
    mv "$target/$root/$new_path.tmp" "$target/$root/$new_path"
  fi
done

cd "$target"
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

git init -q
git add -A
./mvnw -B -q spotless:apply
git add -A
git commit -qm "New service $artifact from the cache-patterns template"
echo "Created $target ($group:$artifact, package $package, Redis key prefix $prefix:)."
echo "Next: cd $target && ./mvnw verify"
