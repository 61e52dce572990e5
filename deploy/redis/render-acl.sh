#!/bin/sh
# Renders users.acl.template into a Redis ACL file on stdout:
#   CACHE_PATTERNS_REDIS_PASSWORD=... REDIS_ADMIN_PASSWORD=... deploy/redis/render-acl.sh > /etc/redis/users.acl
# Passwords come from the environment (a secret store), are hashed with SHA-256 and never written in clear. Each unit's
# key patterns and channels (units/<name>/redis.acl, one line of ~pattern and &channel rules) replace {{UNIT_RULES}}.
set -eu
: "${CACHE_PATTERNS_REDIS_PASSWORD:?set CACHE_PATTERNS_REDIS_PASSWORD (the service's Redis password)}"
: "${REDIS_ADMIN_PASSWORD:?set REDIS_ADMIN_PASSWORD (the operators' Redis password)}"
template="${1:-$(dirname "$0")/users.acl.template}"
units="${UNITS_DIR:-$(dirname "$0")/../../units}"
sha() { printf '%s' "$1" | sha256sum | cut -d' ' -f1; }
service=$(sha "$CACHE_PATTERNS_REDIS_PASSWORD")
admin=$(sha "$REDIS_ADMIN_PASSWORD")
# Escaped for sed's replacement, where & means the match.
rules=$(cat "$units"/*/redis.acl 2>/dev/null | tr '\n' ' ' | sed 's/  */ /g; s/ $//; s/[&|\\]/\\&/g')
grep -v '^#' "$template" \
  | sed -e "s/{{CACHE_PATTERNS_PASSWORD_SHA256}}/$service/" -e "s/{{ADMIN_PASSWORD_SHA256}}/$admin/" \
    -e "s|{{UNIT_RULES}}|$rules|" | sed 's/  */ /g'
