#!/usr/bin/env bash
# Prints a bearer token (a JWT, RS256) with the role writer, for the writes of the README's tour:
#   curl -XPOST localhost:8080/... -H "Authorization: Bearer $(scripts/token.sh)" ...
# By default it signs with dev mode's own key, target/dev-jwt/private.pem (dev mode generates it at its first start;
# this script creates it if dev mode has not run yet, and dev mode then uses it), for dev mode's issuer
# (%dev.mp.jwt.verify.issuer in application.properties).
#
# Usage: scripts/token.sh [--groups writer[,other...]] [--ttl 3600] [--subject dev]
# Env:   JWT_PRIVATE_KEY (PEM, PKCS#8; default target/dev-jwt/private.pem), JWT_ISSUER (default: dev mode's issuer).
# Needs openssl. Tokens for a deployment come from its identity provider, not from here.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
groups=writer ttl=3600 subject=dev
while [ $# -gt 0 ]; do
  case $1 in
    --groups) groups=$2; shift 2 ;;
    --ttl) ttl=$2; shift 2 ;;
    --subject) subject=$2; shift 2 ;;
    *) sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2 ;;
  esac
done
[[ $ttl =~ ^[0-9]+$ ]] || { echo "--ttl must be a number of seconds" >&2; exit 2; }
[[ $groups =~ ^[A-Za-z0-9_.,-]+$ ]] || { echo "--groups: comma-separated names" >&2; exit 2; }
[[ $subject =~ ^[A-Za-z0-9_.@-]+$ ]] || { echo "--subject: letters, digits, . _ @ -" >&2; exit 2; }
command -v openssl >/dev/null || { echo "token.sh needs openssl" >&2; exit 1; }

key=${JWT_PRIVATE_KEY:-$root/target/dev-jwt/private.pem}
issuer=${JWT_ISSUER:-$(sed -n 's/^%dev\.mp\.jwt\.verify\.issuer=//p' "$root/src/main/resources/application.properties")}
[ -n "$issuer" ] || { echo "no issuer: set JWT_ISSUER" >&2; exit 1; }

if [ ! -f "$key" ]; then
  [ -z "${JWT_PRIVATE_KEY:-}" ] || { echo "no such key: $key" >&2; exit 1; }
  # The same pair dev mode would generate (platform/security/DevJwtKeys): dev only, never leaves target/.
  mkdir -p "$(dirname "$key")"
  tmp=$(mktemp "$(dirname "$key")/private.XXXXXX")
  openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$tmp" 2>/dev/null
  openssl pkey -in "$tmp" -pubout -out "$(dirname "$key")/public.pem.tmp"
  mv "$tmp" "$key"
  mv "$(dirname "$key")/public.pem.tmp" "$(dirname "$key")/public.pem"
  echo "token.sh: generated the dev key pair in $(dirname "$key") (restart dev mode if it is running)" >&2
fi

b64url() { openssl base64 -A | tr '+/' '-_' | tr -d '='; }
now=$(date +%s)
groups_json=$(printf '"%s",' ${groups//,/ }); groups_json=[${groups_json%,}]
header=$(printf '{"alg":"RS256","typ":"JWT"}' | b64url)
payload=$(printf '{"iss":"%s","sub":"%s","upn":"%s","groups":%s,"iat":%d,"exp":%d,"jti":"%s"}' \
  "$issuer" "$subject" "$subject" "$groups_json" "$now" "$((now + ttl))" "$(openssl rand -hex 12)" | b64url)
signature=$(printf '%s.%s' "$header" "$payload" | openssl dgst -sha256 -sign "$key" -binary | b64url)
printf '%s.%s.%s\n' "$header" "$payload" "$signature"
