#!/usr/bin/env bash
# ets through the RPC against R's ets() on the same series, one machine, one
# run: R first (scripts/golden/r_accuracy_reference.R with only ets, every
# K-th series), then tsforecastd on a temp data dir and a free loopback
# port, where bench/model_speed_bench.cc writes each series and times one
# cold Forecast(model=ets) with the set's season. Prints both times per
# series and their ratio. Without R installed, prints ours alone. Run it
# with nothing else on the machine.
# Usage: scripts/bench_ets_speed.sh OUT_DIR [--stride K] [--sets LIST]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
if [ $# -lt 1 ] || [ "${1#-}" != "$1" ]; then
  sed -n '2,9p' "$0" >&2
  exit 2
fi
out="$1"; shift
stride=4
sets="M1-Quarterly,M3-Quarterly,Tourism-Quarterly,M1-Monthly,M3-Monthly"
while [ $# -gt 0 ]; do
  case "$1" in
    --stride) stride="$2"; shift 2 ;;
    --sets) sets="$2"; shift 2 ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
done
build="$root/build"
if [ ! -x "$build/tsforecastd" ] || [ ! -x "$build/model_speed_bench" ]; then
  cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
  cmake --build "$build" -j"$(nproc)" --target tsforecastd model_speed_bench >&2
fi
data="$root/../shared/data"
mkdir -p "$out/r"
r_flag=()
if command -v Rscript >/dev/null && Rscript -e 'library(forecast)' >/dev/null 2>&1; then
  IFS=',' read -ra all <<< "$sets"
  TSF_R_METHODS=ets TSF_R_STRIDE="$stride" Rscript \
    "$root/scripts/golden/r_accuracy_reference.R" "$data" "$out/r" "${all[@]}" >&2
  r_flag=(--r_times_dir="$out/r")
else
  echo "bench_ets_speed: no R here (apt-get install r-cran-forecast); ours alone" >&2
fi

tmp="$(mktemp -d /tmp/tsf-bench-ets-XXXXXX)"
pid=""
cleanup() {
  [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
  rm -rf "$tmp"
}
trap cleanup EXIT
"$build/tsforecastd" --listen=127.0.0.1:0 --http_port=-1 \
  --data_dir="$tmp/data" --port_file="$tmp/port" --quiet &
pid=$!
for _ in $(seq 1 300); do
  [ -s "$tmp/port" ] && break
  sleep 0.1
done
"$build/model_speed_bench" --server="127.0.0.1:$(sed -n 1p "$tmp/port")" \
  --data_dir="$data" --sets="$sets" --stride="$stride" --model=ets \
  "${r_flag[@]}"
