#!/usr/bin/env bash
# Storage benchmark end to end: generates the shared workload if missing,
# builds if needed, starts tsforecastd on a temp data dir and a free loopback
# port, ingests (unary and streaming), compacts, reads, stops the server, and
# prints key=value lines.
# Usage: scripts/bench_storage.sh [--series N] [--points M] [--clients C]
#        [--durability sync|process] [--batch-points P] [--columns]
# --columns sends each request as PointColumns instead of SeriesPoints.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
series=1000 points=10000 clients=2 durability=sync batch=50000 columns=false
while [ $# -gt 0 ]; do
  case "$1" in
    --series) series="$2"; shift 2 ;;
    --points) points="$2"; shift 2 ;;
    --clients) clients="$2"; shift 2 ;;
    --durability) durability="$2"; shift 2 ;;
    --batch-points) batch="$2"; shift 2 ;;
    --columns) columns=true; shift ;;
    -h|--help) sed -n '2,9p' "$0"; exit 0 ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
done

workload="/tmp/tsf-workload-${series}x${points}"
if [ ! -f "$workload/workload.csv" ]; then
  echo "generating workload into $workload" >&2
  python3 "$root/../shared/bench/gen_workload.py" --series "$series" \
    --points "$points" --out "$workload" >/dev/null
fi

build="$root/build"
if [ ! -x "$build/tsforecastd" ] || [ ! -x "$build/storage_bench" ]; then
  cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
  cmake --build "$build" -j"$(nproc)" --target tsforecastd storage_bench >&2
fi

tmp="$(mktemp -d /tmp/tsf-bench-XXXXXX)"
pid=""
cleanup() {
  [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
  rm -rf "$tmp"
}
trap cleanup EXIT

"$build/tsforecastd" --listen=127.0.0.1:0 --http_port=-1 --data_dir="$tmp/data" ${TSF_SERVER_FLAGS:-} \
  --port_file="$tmp/port" --durability="$durability" --quiet &
pid=$!
for _ in $(seq 1 300); do
  [ -s "$tmp/port" ] && break
  sleep 0.1
done
port="$(head -n1 "$tmp/port")"

"$build/storage_bench" --server="127.0.0.1:$port" \
  --workload="$workload/workload.csv" --clients="$clients" \
  --batch_points="$batch" --columns="$columns" | tee "$tmp/out"

rss_kb="$(awk '/VmHWM/ {print $2}' "/proc/$pid/status")"
disk_bytes="$(du -sb "$tmp/data" | cut -f1)"
kill -TERM "$pid"
wait "$pid" || true
pid=""
echo "server_peak_rss_mb=$(awk -v k="$rss_kb" 'BEGIN {printf "%.1f", k/1024}')"
echo "data_dir_bytes_total=$disk_bytes"
echo "durability=$durability"
