#!/bin/sh
# redis-server without a configuration file, as the official image runs it: every interface, protected mode off (the
# network, not Redis, keeps strangers out), the working directory /data for the AOF. Other commands run as given.
set -eu
if [ "${1:-}" = redis-server ]; then
  shift
  exec redis-server --protected-mode no "$@"
fi
exec "$@"
