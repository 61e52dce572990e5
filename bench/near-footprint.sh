#!/usr/bin/env bash
# What a near-tier entry costs in heap against what its memory bound weighs it (docs/near-cache.md#memory): fills a
# near tier with ENTRIES users as the service caches them and compares two heap class histograms. No service, no
# Redis. Usage: bench/near-footprint.sh [entries]   (default 100000)
# Env: FOOTPRINT_JAVA_OPTS (default: the benchmark's -Xmx192m -XX:+UseParallelGC)
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -B -q test-compile -Dspotless.check.skip=true
./mvnw -B -q dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/footprint.classpath
# shellcheck disable=SC2086
java ${FOOTPRINT_JAVA_OPTS:--Xmx192m -XX:+UseParallelGC} \
  -cp "target/test-classes:target/classes:$(cat target/footprint.classpath)" \
  dev.cachepatterns.cache.aside.NearTierFootprint "${1:-100000}"
