#!/usr/bin/env bash
# Forecast serving benchmark end to end: builds if needed, starts
# tsforecastd on a temp data dir with free loopback ports (gRPC and HTTP),
# seeds series, measures cold forecasts, cached polls over gRPC and HTTP and
# ForecastMany (bench/service_bench.cc), stops the server and ends with
# key=value lines. Bounded: about 30 s of polling plus setup.
# Usage: scripts/bench_service.sh [--pollers N] [--poll-seconds S]
#        [--many-series N] [--cold-runs N] [--channels N]
#        [--server-cores LIST --client-cores LIST] [--watchers N]
# --watchers N also holds N WatchForecast streams (bench/watch_bench.cc):
# server threads and RSS while held, and how soon each hears of a write.
# --server-cores/--client-cores pin the server and the load generator with
# taskset (e.g. 0,1 and 2-9) on a machine with cores to spare; by default
# both share every core.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
pollers=32 poll_seconds=5 many=1000 cold=40 channels=4 watchers=0
server_pin=() client_pin=()
while [ $# -gt 0 ]; do
  case "$1" in
    --pollers) pollers="$2"; shift 2 ;;
    --poll-seconds) poll_seconds="$2"; shift 2 ;;
    --many-series) many="$2"; shift 2 ;;
    --cold-runs) cold="$2"; shift 2 ;;
    --channels) channels="$2"; shift 2 ;;
    --watchers) watchers="$2"; shift 2 ;;
    --server-cores) server_pin=(taskset -c "$2"); shift 2 ;;
    --client-cores) client_pin=(taskset -c "$2"); shift 2 ;;
    -h|--help) sed -n '2,14p' "$0"; exit 0 ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
done

build="$root/build"
if [ ! -x "$build/tsforecastd" ] || [ ! -x "$build/service_bench" ] ||
  [ ! -x "$build/watch_bench" ]; then
  cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
  cmake --build "$build" -j"$(nproc)" \
    --target tsforecastd service_bench watch_bench >&2
fi

tmp="$(mktemp -d /tmp/tsf-bench-service-XXXXXX)"
pid=""
cleanup() {
  [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
  rm -rf "$tmp"
}
trap cleanup EXIT

# Fits run on as many workers as the server has cores (its own count, which
# does not follow taskset).
fits=()
if [ "${#server_pin[@]}" -gt 0 ]; then
  fits=(--max_running_fits="$("${server_pin[@]}" nproc)")
fi
"${server_pin[@]}" "$build/tsforecastd" --listen=127.0.0.1:0 --http_port=0 \
  --data_dir="$tmp/data" "${fits[@]}" ${TSF_SERVER_FLAGS:-} \
  --port_file="$tmp/port" --quiet &
pid=$!
for _ in $(seq 1 300); do
  [ -f "$tmp/port" ] && [ "$(wc -l < "$tmp/port")" -ge 2 ] && break
  sleep 0.1
done
grpc_port="$(sed -n 1p "$tmp/port")"
http_port="$(sed -n 2p "$tmp/port")"

# Watchers first, on a fresh server: its thread count then shows what they
# cost, not the threads earlier pollers left in gRPC's pool.
if [ "$watchers" -gt 0 ]; then
  timeout 600 "${client_pin[@]}" "$build/watch_bench" \
    --server="127.0.0.1:$grpc_port" --server_pid="$pid" \
    --watchers="$watchers"
fi

timeout 600 "${client_pin[@]}" "$build/service_bench" \
  --server="127.0.0.1:$grpc_port" --http_port="$http_port" \
  --pollers="$pollers" --poll_seconds="$poll_seconds" \
  --many_series="$many" --cold_runs="$cold" --channels="$channels"


rss_kb="$(awk '/VmHWM/ {print $2}' "/proc/$pid/status")"
kill -TERM "$pid"
wait "$pid" || true
pid=""
echo "server_peak_rss_mb=$(awk -v k="$rss_kb" 'BEGIN {printf "%.1f", k/1024}')"
