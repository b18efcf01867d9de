#!/usr/bin/env bash
# arima against R's auto.arima on the same series: every K-th series of
# each set (default 10), R first (where Rscript and r-cran-forecast are
# installed), then ours; the runner prints both times and their ratio
# ("arima Nx faster") and both OWA figures. Run it with nothing else on the
# machine. Without R, R's times come from the committed reference (its own
# subsample). M4 Weekly runs without a season, as R's reference had it.
# Usage: scripts/bench_arima_speed.sh OUT_DIR [--stride K] [--sets LIST]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
if [ $# -lt 1 ] || [ "${1#-}" != "$1" ]; then
  sed -n '2,8p' "$0" >&2
  exit 2
fi
out="$1"; shift
stride=10
sets="M3-Other,M3-Yearly,M1-Yearly,Tourism-Yearly,M1-Quarterly,M3-Quarterly,Tourism-Quarterly,M1-Monthly,M3-Monthly,FREDMD-Monthly,NN5-Daily,M4-Weekly"
while [ $# -gt 0 ]; do
  case "$1" in
    --stride) stride="$2"; shift 2 ;;
    --sets) sets="$2"; shift 2 ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
done
mkdir -p "$out/r"
build="$root/build"
if [ ! -x "$build/accuracy" ]; then
  cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
  cmake --build "$build" -j"$(nproc)" --target accuracy >&2
fi
data="$root/../shared/data"
weekly=""
others=()
IFS=',' read -ra all <<< "$sets"
for s in "${all[@]}"; do
  if [ "$s" = "M4-Weekly" ]; then weekly=1; else others+=("$s"); fi
done
run() {  # sets, extra flags...
  local list="$1"; shift
  if [ -n "$r_dir" ]; then
    "$build/accuracy" --data_dir="$data" --out_dir="$out" --models=arima \
      --sets="$list" --stride="$stride" --r_forecasts_dir="$r_dir" "$@"
  else
    "$build/accuracy" --data_dir="$data" --out_dir="$out" --models=arima \
      --sets="$list" --r_reference="$root/bench/reference/r_forecast_scores.csv" "$@"
  fi
}
r_dir=""
if command -v Rscript >/dev/null && Rscript -e 'library(forecast)' >/dev/null 2>&1; then
  TSF_R_METHODS=auto.arima TSF_R_STRIDE="$stride" Rscript \
    "$root/scripts/golden/r_accuracy_reference.R" "$data" "$out/r" "${all[@]}" >&2
  r_dir="$out/r"
else
  echo "bench_arima_speed: no R here; R's times are the committed ones" >&2
fi
if [ "${#others[@]}" -gt 0 ]; then
  run "$(IFS=','; echo "${others[*]}")"
fi
if [ -n "$weekly" ]; then
  run M4-Weekly --seasons=set
fi
