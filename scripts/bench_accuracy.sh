#!/usr/bin/env bash
# M4 accuracy benchmark end to end: builds if needed, runs every model
# (or --models LIST) on the M4 Hourly and Weekly sets in ../shared/data/m4,
# leaves OUT_DIR/Hourly.csv and OUT_DIR/Weekly.csv (id,method,h1..hH), and
# prints the table and key=value lines such as Hourly.auto.owa=0.595.
# Usage: scripts/bench_accuracy.sh OUT_DIR [--models naive2,theta,auto]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
if [ $# -lt 1 ] || [ "${1#-}" != "$1" ]; then
  sed -n '2,7p' "$0" >&2
  exit 2
fi
out="$1"; shift
models=""
while [ $# -gt 0 ]; do
  case "$1" in
    --models) models="$2"; shift 2 ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
done
mkdir -p "$out"
build="$root/build"
if [ ! -x "$build/m4_accuracy" ]; then
  cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
  cmake --build "$build" -j"$(nproc)" --target m4_accuracy >&2
fi
"$build/m4_accuracy" --m4_dir="$root/../shared/data/m4" --out_dir="$out" \
  ${models:+--models="$models"}
