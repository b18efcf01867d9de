#!/usr/bin/env bash
# The time budgets of `auto` (issues 9 and 20), on one thread: the median per
# series for monthly series of 100 to 300 points (M1 and M3 monthly), for
# weekly series (M4 Weekly) and for hourly series of about 1,000 points
# (M4 Hourly's 960-point ones), with fit and forecast of the set's horizon.
# Prints each median next to its budget. Run it with nothing else busy.
# Usage: scripts/bench_auto_speed.sh [OUT_DIR]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
out="${1:-/tmp/tsf-auto-speed}"
mkdir -p "$out"
build="$root/build"
if [ ! -x "$build/accuracy" ]; then
  cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
  cmake --build "$build" -j"$(nproc)" --target accuracy >&2
fi
run() {  # label budget_ms sets [runner flags...]
  local label="$1" budget="$2" sets="$3"; shift 3
  "$build/accuracy" --data_dir="$root/../shared/data" --out_dir="$out" \
    --models=auto --threads=1 --sets="$sets" "$@" |
    awk -v label="$label" -v budget="$budget" -F= '
      /\.auto\.ms_median=/ { split($1, k, "."); med[k[1]] = $2 }
      END { for (s in med) printf "%-24s %-16s median %7.2f ms  budget %4d ms  %s\n",
              label, s, med[s], budget, (med[s] <= budget ? "met" : "MISSED") }'
}
run "monthly, 100-300 points" 30 M1-Monthly,M3-Monthly --min_length=100 --max_length=300
run "weekly" 50 M4-Weekly
run "hourly, ~1,000 points" 250 M4-Hourly --min_length=900
