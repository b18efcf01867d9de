#!/usr/bin/env bash
# Accuracy benchmark on the development data (../shared/data: M4 Hourly and
# Weekly, M3, M1, tourism, NN5, FRED-MD): builds if needed, runs every model
# (or --models LIST) on every set (or --sets LIST), prints the table with
# R's forecast package beside it (bench/reference/r_forecast_scores.csv,
# made by scripts/golden/r_accuracy_reference.R), a table of `auto` against
# R's best method per set (OWA, coverage, MSIS), and key=value lines such as
# M3-Monthly.arima.owa=0.912, and leaves OUT_DIR/<SET>.csv.
# Usage: scripts/bench_accuracy.sh OUT_DIR [--sets LIST] [--models LIST]
#                                  [--threads N] [--seasons step|set]
#                                  [--max_lambda L]
# --max_lambda L keeps only positive series whose Guerrero lambda is at
# most L (variance growing with the level).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
if [ $# -lt 1 ] || [ "${1#-}" != "$1" ]; then
  sed -n '2,14p' "$0" >&2
  exit 2
fi
out="$1"; shift
args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --sets|--models|--threads|--seasons|--max_lambda) args+=("--${1#--}=$2"); shift 2 ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
done
mkdir -p "$out"
build="$root/build"
if [ ! -x "$build/accuracy" ]; then
  cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
  cmake --build "$build" -j"$(nproc)" --target accuracy >&2
fi
"$build/accuracy" --data_dir="$root/../shared/data" --out_dir="$out" \
  --r_reference="$root/bench/reference/r_forecast_scores.csv" "${args[@]}"
