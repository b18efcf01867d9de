#!/usr/bin/env bash
# The README's test command: installs what is missing, builds, runs the whole
# suite (unit, service, crash, tsfctl, Python client, format and layering
# checks), then each fuzz target for 30 seconds. Servers the tests need are
# started by the tests on 127.0.0.1.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
"$root/scripts/install_deps.sh"
"$root/scripts/build.sh"
(cd "$root/build" && ctest --output-on-failure -j2)
"$root/scripts/run_fuzz.sh" 30
