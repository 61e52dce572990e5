#!/usr/bin/env bash
# The showcase's check in .ci/run (which runs every units/*/ci.sh after ./mvnw verify): the page at / in headless
# Chromium against the packaged app.
set -euo pipefail
exec bash "$(dirname "$0")/browser/run.sh"
