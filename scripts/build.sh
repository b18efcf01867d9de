#!/usr/bin/env bash
# Configures and builds into build/ (RelWithDebInfo). Extra arguments go to
# CMake's configure step, e.g. -DTSF_SANITIZE=ON.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cmake -S "$root" -B "$root/build" -DCMAKE_BUILD_TYPE=RelWithDebInfo "$@" >/dev/null
cmake --build "$root/build" -j"$(nproc)"
