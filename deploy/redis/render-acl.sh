#!/bin/sh
# Renders users.acl.template into a Redis ACL file on stdout:
#   CACHE_PATTERNS_REDIS_PASSWORD=... REDIS_ADMIN_PASSWORD=... deploy/redis/render-acl.sh > /etc/redis/users.acl
# Passwords come from the environment (a secret store), are hashed with SHA-256 and never written in clear.
set -eu
: "${CACHE_PATTERNS_REDIS_PASSWORD:?set CACHE_PATTERNS_REDIS_PASSWORD (the service's Redis password)}"
: "${REDIS_ADMIN_PASSWORD:?set REDIS_ADMIN_PASSWORD (the operators' Redis password)}"
template="${1:-$(dirname "$0")/users.acl.template}"
sha() { printf '%s' "$1" | sha256sum | cut -d' ' -f1; }
service=$(sha "$CACHE_PATTERNS_REDIS_PASSWORD")
admin=$(sha "$REDIS_ADMIN_PASSWORD")
grep -v '^#' "$template" \
  | sed -e "s/{{CACHE_PATTERNS_PASSWORD_SHA256}}/$service/" -e "s/{{ADMIN_PASSWORD_SHA256}}/$admin/"
