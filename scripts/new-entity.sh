#!/usr/bin/env bash
# Run from a checkout of the cache-patterns template; --help for the options. The work is done by
# scripts/template/cli.py (Python 3, git and the service's Maven wrapper).
exec python3 "$(dirname "$0")/template/cli.py" new-entity "$@"
