#!/usr/bin/env bash
# Lints the API document with Redocly CLI and its `recommended` rules (redocly.yaml at the repository root says which
# rules are changed and why); fails on any error. The document is docs/openapi.yaml, which OpenApiDocumentTest keeps
# equal to the one the service serves at /q/openapi. Installs the pinned CLI (package-lock.json) into
# src/test/openapi/node_modules, with the Node.js it runs on (npm package `node`); needs only npm, installed from
# Debian packages when missing (as root).
#   src/test/openapi/lint.sh [document]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../.." && pwd)
document=${1:-$root/docs/openapi.yaml}

if ! command -v npm >/dev/null 2>&1; then
  echo "openapi lint: installing nodejs and npm" >&2
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >/dev/null
fi
if [ ! -x "$here/node_modules/.bin/redocly" ] || ! cmp -s "$here/package-lock.json" "$here/node_modules/.package-lock.json"; then
  (cd "$here" && npm ci --no-audit --no-fund --silent)
fi
# The CLI runs on the Node.js that the `node` package pins (the machine's may be older than the CLI supports).
export PATH="$here/node_modules/.bin:$PATH"
# No telemetry, no update check: the result depends on the pinned version and the document only.
export REDOCLY_TELEMETRY=off REDOCLY_SUPPRESS_UPDATE_NOTICE=true
cd "$root"
# Node.js 20 draws a deprecation box on every call; the verdict is the exit status and the problems listed.
quiet() { grep -v -e '║' -e '╔' -e '╚' -e '^$' || true; }
echo "openapi lint: Redocly CLI $("$here/node_modules/.bin/redocly" --version 2>/dev/null | tail -1), $document"
set +e
"$here/node_modules/.bin/redocly" lint --config "$root/redocly.yaml" --format=stylish "$document" 2>&1 | quiet
status=${PIPESTATUS[0]}
set -e
exit "$status"
