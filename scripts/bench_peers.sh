#!/usr/bin/env bash
# tsforecastd beside the time-series databases users know, on one machine in
# one run: InfluxDB 1.6, VictoriaMetrics 1.79 and Prometheus 2.42 from
# Debian, loaded one after another with the shared workload
# (../shared/bench/gen_workload.py), each started and stopped by its PID on
# 127.0.0.1 only. Prints one table and key=value lines with ratios (ours
# divided by the best peer; for bytes per point, the best peer divided by
# ours, so above 1 is better for us everywhere).
#
# Usage: scripts/bench_peers.sh [--quick] [--series N] [--points M]
#        [--clients C] [--poll-seconds S] [--no-install]
#   --quick: 100 series x 2,000 points and 3 s polls (about 2 minutes);
#     its disk figures are dominated by fixed files (logs, manifests).
#   Default: 1,000 series x 10,000 points (10 M points), 10 s polls.
#
# Measures, with the same client counts and batch sizes for everyone:
#   ingest at 10,000-, 1,000- and 10-point requests (--clients writers;
#     ours over gRPC with storage_bench, the peers' line-protocol /write with
#     http_ingest_bench; the 10-point case sends the first 20,000 points
#     only). Ours at 1,000 and 10 points is sent as PointColumns (the ratio)
#     and again as one SeriesPoints message per series (its own row). Prometheus has no push ingestion: it is backfilled with
#     `promtool tsdb create-blocks-from openmetrics` and has no ingest figure.
#   bytes per point on disk after compaction, as blocks allocated by the
#     whole data dir (ours: after Compact, also SST bytes alone, the figure
#     docs/storage_format.md tracks; InfluxDB: cold shards compacted, data
#     and WAL; VictoriaMetrics: after force_merge; Prometheus: its blocks).
#   one whole series and 100 whole series, read back to back (ours over gRPC
#     with storage_bench; peers over their HTTP export or query API).
#   dashboard polls over the Prometheus HTTP API with wrk (2 threads, 32
#     connections): an instant query of one series and one year of one daily
#     series (query_range, step 1d). InfluxDB has no Prometheus query API and
#     is left out of the polls.
#   peak RSS of each server (VmHWM).
#   the push doors at 10,000-, 1,000- and 10-point requests: line protocol
#     into ours (beside InfluxDB's and VictoriaMetrics' /write above) and
#     Prometheus remote write into ours and VictoriaMetrics' /api/v1/write
#     (the same points as snappy WriteRequests, built by http_ingest_bench).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
series=1000 points=10000 clients=4 poll_seconds=10 install=1
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) series=100 points=2000 poll_seconds=3; shift ;;
    --series) series="$2"; shift 2 ;;
    --points) points="$2"; shift 2 ;;
    --clients) clients="$2"; shift 2 ;;
    --poll-seconds) poll_seconds="$2"; shift 2 ;;
    --no-install) install=0; shift ;;
    -h|--help) sed -n '2,30p' "$0"; exit 0 ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
done
small_points=20000  # what the 10-point requests send

# Peers from Debian, installed when missing (needs root).
need=()
command -v influxd >/dev/null || need+=(influxdb)
command -v victoria-metrics >/dev/null || need+=(victoria-metrics)
command -v prometheus >/dev/null || need+=(prometheus)
command -v wrk >/dev/null || need+=(wrk)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$install" = 1 ] && [ "$(id -u)" = 0 ]; then
    echo "installing ${need[*]}" >&2
    apt-get update >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y \
      --no-install-recommends "${need[@]}" >&2
  else
    echo "missing ${need[*]}: install them (as root) or drop --no-install" >&2
    exit 2
  fi
fi

build="$root/build"
cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$build" -j"$(nproc)" \
  --target tsforecastd storage_bench http_ingest_bench >&2

workload="/tmp/tsf-workload-${series}x${points}"
if [ ! -f "$workload/workload.om" ]; then
  echo "generating workload into $workload" >&2
  python3 "$root/../shared/bench/gen_workload.py" --series "$series" \
    --points "$points" --out "$workload" >/dev/null
fi
total=$((series * points))
last_s=$((631152000 + (points - 1) * 86400))  # the workload's last day

tmp="$(mktemp -d /tmp/tsf-bench-peers-XXXXXX)"
pid=""
stop_server() {
  if [ -n "$pid" ]; then
    kill -TERM "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    pid=""
  fi
}
cleanup() {
  stop_server
  rm -rf "$tmp"
}
trap cleanup EXIT
declare -A R  # results: R[system.measure]

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
wait_http() {  # url
  for _ in $(seq 1 300); do
    curl -fs -o /dev/null "$1" 2>/dev/null && return 0
    python3 - "$1" <<'EOF' 2>/dev/null && return 0
import sys, urllib.request
urllib.request.urlopen(sys.argv[1], timeout=1)
EOF
    sleep 0.2
  done
  echo "server at $1 did not come up" >&2
  exit 1
}
peak_rss_mb() { awk '/VmHWM/ {printf "%.0f", $2/1024}' "/proc/$pid/status"; }
key() { sed -n "s/^$1=//p" "$2" | tail -n1; }
# Disk blocks actually allocated (not apparent sizes: InfluxDB preallocates
# sparse series-file segments), per workload point.
disk_per_point() {
  du -s -B1 "$@" | awk -v n="$total" '{s += $1} END {printf "%.3f", s / n}'
}

# Median milliseconds of fetching each URL of a file (one per line), and of
# fetching them in groups of 100 back to back.
time_reads() {  # urls_file repeats
  python3 - "$@" <<'EOF'
import statistics, sys, time, urllib.request
urls = [u.strip() for u in open(sys.argv[1]) if u.strip()]
repeats = int(sys.argv[2])
def fetch(u):
    with urllib.request.urlopen(u, timeout=120) as r:
        body = r.read()
        if r.status != 200 or not body:
            sys.exit(f"GET {u}: {r.status}")
one = []
for i in range(repeats + 5):
    t = time.perf_counter(); fetch(urls[i % len(urls)])
    if i >= 5: one.append((time.perf_counter() - t) * 1000)
hundred = []
for i in range(max(3, repeats // 20)):
    t = time.perf_counter()
    for k in range(100): fetch(urls[(i * 100 + k) % len(urls)])
    hundred.append((time.perf_counter() - t) * 1000)
print(f"read_series_ms={statistics.median(one):.2f}")
print(f"read_100_ms={statistics.median(hundred):.1f}")
EOF
}

# wrk: requests/s and p99 latency (ms) of polling one URL.
poll() {  # system name url
  local out="$tmp/wrk_$1_$2"
  wrk -t2 -c32 -d"${poll_seconds}s" --latency "$3" >"$out" 2>&1 || true
  local rps p99
  rps="$(awk '/Requests\/sec/ {printf "%.0f", $2}' "$out")"
  p99="$(awk '$1 == "99%" {v=$2; if (v ~ /us$/) {sub(/us/, "", v); v /= 1000}
         else if (v ~ /ms$/) sub(/ms/, "", v); else if (v ~ /s$/) {sub(/s/, "", v); v *= 1000}
         printf "%.2f", v}' "$out")"
  if grep -q "Non-2xx" "$out"; then
    echo "$1 $2: wrk saw errors:" >&2
    grep "Non-2xx" "$out" >&2
  fi
  R[$1.poll_$2]="${rps:-0}"
  R[$1.poll_$2_p99]="${p99:-0}"
}

# Whole-series reads over HTTP: 200 price series fetched by `url`, in which
# NAME stands for the series name.
http_reads() {  # system url
  : >"$tmp/$1_urls"
  for i in $(seq 0 199); do
    echo "${2//NAME/$(printf 'p%04d' $((i % (series / 2))))}" >>"$tmp/$1_urls"
  done
  time_reads "$tmp/$1_urls" 100 >"$tmp/$1_reads"
  R[$1.read_series_ms]="$(key read_series_ms "$tmp/$1_reads")"
  R[$1.read_100_ms]="$(key read_100_ms "$tmp/$1_reads")"
}

# The two dashboard polls against a Prometheus HTTP API at `base`.
polls() {  # system base url-encoded-query
  poll "$1" instant "$2/api/v1/query?query=$3&time=$last_s"
  poll "$1" range "$2/api/v1/query_range?query=$3&start=$((last_s - 364 * 86400))&end=$last_s&step=86400"
}

urlencode() { python3 -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1]))' "$1"; }

# ---------------------------------------------------------------- ours
tsf_flags=()
start_tsf() {
  rm -rf "$tmp/tsf"
  "$build/tsforecastd" --listen=127.0.0.1:0 --http_port=0 \
    --data_dir="$tmp/tsf" --backup_root="$tmp/tsf_backups" \
    --port_file="$tmp/tsf_port" --durability=sync --quiet "${tsf_flags[@]}" &
  pid=$!
  for _ in $(seq 1 300); do
    [ -s "$tmp/tsf_port" ] && break
    sleep 0.1
  done
  tsf_port="$(sed -n 1p "$tmp/tsf_port")"
  tsf_http="$(sed -n 2p "$tmp/tsf_port")"
  rm -f "$tmp/tsf_port"
}
bench_tsf() {
  echo "== tsforecastd" >&2
  # Small requests both ways: PointColumns (the main figure: our compact
  # form, as line protocol is the peers') and one SeriesPoints message per
  # series.
  for batch in 1000 10; do
    for form in columns series; do
      start_tsf
      local max=0
      [ "$batch" = 10 ] && max=$small_points
      "$build/storage_bench" --server="127.0.0.1:$tsf_port" \
        --workload="$workload/workload.csv" --clients="$clients" \
        --batch_points="$batch" --max_points="$max" --ingest_only \
        --columns="$([ "$form" = columns ] && echo true || echo false)" \
        >"$tmp/tsf_${batch}_$form" 2>&2
      local measure="ingest_$batch"
      [ "$form" = series ] && measure="ingest_${batch}_by_series"
      R[tsf.$measure]="$(key ingest_points_per_s "$tmp/tsf_${batch}_$form")"
      stop_server
    done
  done
  start_tsf
  "$build/storage_bench" --server="127.0.0.1:$tsf_port" \
    --workload="$workload/workload.csv" --clients="$clients" \
    --batch_points=10000 --stream=false >"$tmp/tsf_10000" 2>&2
  R[tsf.ingest_10000]="$(key ingest_points_per_s "$tmp/tsf_10000")"
  R[tsf.sst_bytes_per_point]="$(key bytes_per_point "$tmp/tsf_10000")"
  R[tsf.bytes_per_point]="$(disk_per_point "$tmp/tsf")"
  R[tsf.read_series_ms]="$(key read_series_p50_ms "$tmp/tsf_10000")"
  R[tsf.read_100_ms]="$(key read_100_series_p50_ms "$tmp/tsf_10000")"
  polls tsf "http://127.0.0.1:$tsf_http" p0001
  R[tsf.rss_mb]="$(peak_rss_mb)"
  stop_server
}

# Ingest at each batch size into a fresh peer (started by `start`, which
# sets ${system}_port) through its InfluxDB line-protocol /write; the
# server of the last, 10,000-point run keeps running for the reads.
ingest_line_protocol() {  # system start
  local port_var="$1_port"
  for batch in 10 1000 10000; do
    "$2"
    local max=0
    [ "$batch" = 10 ] && max=$small_points
    "$build/http_ingest_bench" --port="${!port_var}" \
      --path="/write?db=bench&precision=s" --workload="$workload/workload.lp" \
      --clients="$clients" --batch_points="$batch" --max_points="$max" \
      >"$tmp/$1_$batch"
    R[$1.ingest_$batch]="$(key ingest_points_per_s "$tmp/$1_$batch")"
    [ "$batch" = 10000 ] || stop_server
  done
}

# ---------------------------------------------------------------- InfluxDB
start_influx() {
  rm -rf "$tmp/influx"
  mkdir -p "$tmp/influx"
  influx_port="$(free_port)"
  cat >"$tmp/influx/influxdb.conf" <<EOF
reporting-disabled = true
bind-address = "127.0.0.1:$(free_port)"
[meta]
  dir = "$tmp/influx/meta"
[data]
  dir = "$tmp/influx/data"
  wal-dir = "$tmp/influx/wal"
  query-log-enabled = false
  cache-snapshot-write-cold-duration = "2s"
  compact-full-write-cold-duration = "5s"
[monitor]
  store-enabled = false
[http]
  bind-address = "127.0.0.1:$influx_port"
  log-enabled = false
  max-body-size = 0
[ifql]
  enabled = false
EOF
  influxd -config "$tmp/influx/influxdb.conf" >"$tmp/influx/log" 2>&1 &
  pid=$!
  wait_http "http://127.0.0.1:$influx_port/ping"
  # Decades of daily data: year-long shards, as InfluxDB's docs advise for
  # long ranges (the default 7-day shards would make 1,400 of them).
  python3 - "$influx_port" <<'EOF'
import sys, urllib.parse, urllib.request
q = "CREATE DATABASE bench WITH SHARD DURATION 52w"
urllib.request.urlopen(f"http://127.0.0.1:{sys.argv[1]}/query",
                       data=urllib.parse.urlencode({"q": q}).encode()).read()
EOF
}
bench_influx() {
  echo "== InfluxDB" >&2
  ingest_line_protocol influx start_influx
  # Cold shards are snapshotted and fully compacted after 2 s and 5 s.
  sleep 20
  R[influx.bytes_per_point]="$(disk_per_point "$tmp/influx/data" "$tmp/influx/wal")"
  # "series" is an InfluxQL keyword: the tag key needs quotes.
  q="$(urlencode "SELECT value FROM price WHERE \"series\"='NAME'")"
  http_reads influx "http://127.0.0.1:$influx_port/query?db=bench&epoch=ms&q=$q"
  R[influx.rss_mb]="$(peak_rss_mb)"
  stop_server
}

# The push doors of a fresh server at each batch size: line protocol (lp,
# only where `lp_path` is set) and remote write (rw) over HTTP.
ingest_push() {  # system start http_port_var lp_path
  local port_var="$3"
  for door in lp rw; do
    [ "$door" = lp ] && [ -z "$4" ] && continue
    for batch in 10 1000 10000; do
      "$2"
      local max=0
      [ "$batch" = 10 ] && max=$small_points
      local path="$4" extra=""
      if [ "$door" = rw ]; then path="/api/v1/write"; extra="--remote_write"; fi
      "$build/http_ingest_bench" --port="${!port_var}" --path="$path" $extra \
        --workload="$workload/workload.lp" --clients="$clients" \
        --batch_points="$batch" --max_points="$max" >"$tmp/$1_${door}_$batch"
      R[$1.${door}_ingest_$batch]="$(key ingest_points_per_s "$tmp/$1_${door}_$batch")"
      stop_server
    done
  done
}
# Pushed series are created with the workload's daily step (as InfluxDB
# gets year-long shards below: each configured for the data it holds);
# with the default 1m step daily points would each open a storage block.
bench_tsf_push() {
  echo "== tsforecastd push doors" >&2
  tsf_flags=(--push_step=1d)
  ingest_push tsf start_tsf tsf_http "/write?db=bench&precision=s"
  tsf_flags=()
}

# ---------------------------------------------------------------- VictoriaMetrics
start_vm() {
  rm -rf "$tmp/vm"
  vm_port="$(free_port)"
  victoria-metrics -storageDataPath="$tmp/vm" -retentionPeriod=100y \
    -httpListenAddr="127.0.0.1:$vm_port" -loggerLevel=ERROR \
    >"$tmp/vm.log" 2>&1 &
  pid=$!
  wait_http "http://127.0.0.1:$vm_port/health"
}
bench_vm() {
  echo "== VictoriaMetrics" >&2
  ingest_push vm start_vm vm_port ""
  ingest_line_protocol vm start_vm
  curl -fs "http://127.0.0.1:$vm_port/internal/force_flush" >/dev/null 2>&1 ||
    python3 -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:$vm_port/internal/force_flush')"
  python3 -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:$vm_port/internal/force_merge')"
  sleep 15
  R[vm.bytes_per_point]="$(disk_per_point "$tmp/vm")"
  q="$(urlencode 'price_value{series="NAME"}')"
  http_reads vm "http://127.0.0.1:$vm_port/api/v1/export?match[]=$q"
  polls vm "http://127.0.0.1:$vm_port" "$(urlencode 'price_value{series="p0001"}')"
  R[vm.rss_mb]="$(peak_rss_mb)"
  stop_server
}

# ---------------------------------------------------------------- Prometheus
bench_prom() {
  echo "== Prometheus (backfilled)" >&2
  rm -rf "$tmp/prom"
  mkdir -p "$tmp/prom"
  # Year-long blocks: the default 2-hour ones would make one block per day
  # of data (Prometheus' docs advise longer blocks for long backfills).
  promtool tsdb create-blocks-from openmetrics --max-block-duration=8760h \
    "$workload/workload.om" "$tmp/prom/data" >"$tmp/prom/backfill.log" 2>&1
  R[prom.bytes_per_point]="$(disk_per_point "$tmp/prom/data")"
  echo "global: {scrape_interval: 1h}" >"$tmp/prom/prometheus.yml"
  prom_port="$(free_port)"
  prometheus --config.file="$tmp/prom/prometheus.yml" \
    --storage.tsdb.path="$tmp/prom/data" --storage.tsdb.retention.time=100y \
    --web.listen-address="127.0.0.1:$prom_port" --log.level=error \
    >"$tmp/prom/log" 2>&1 &
  pid=$!
  wait_http "http://127.0.0.1:$prom_port/-/ready"
  q="$(urlencode 'price_value{series="NAME"}')"
  http_reads prom "http://127.0.0.1:$prom_port/api/v1/query_range?query=$q&start=631152000&end=$last_s&step=86400"
  polls prom "http://127.0.0.1:$prom_port" "$(urlencode 'price_value{series="p0001"}')"
  R[prom.rss_mb]="$(peak_rss_mb)"
  stop_server
}

started=$(date +%s)
bench_tsf
bench_tsf_push
bench_influx
bench_vm
bench_prom

# ---------------------------------------------------------------- report
# The peers send line protocol either way: the same figure on both rows.
for p in influx vm; do
  for b in 1000 10; do
    R[$p.ingest_${b}_by_series]="${R[$p.ingest_$b]:-}"
  done
  # Their line-protocol figures are the peers of our line-protocol door.
  for b in 10000 1000 10; do
    R[$p.lp_ingest_$b]="${R[$p.ingest_$b]:-}"
  done
done
get() { echo "${R[$1]:--}"; }
best() {  # measure higher|lower: the best peer's value
  local m="$1" dir="$2" b=""
  for p in influx vm prom; do
    local v="${R[$p.$m]:-}"
    [ -z "$v" ] || [ "$v" = 0 ] && continue
    if [ -z "$b" ] || awk -v v="$v" -v b="$b" -v d="$dir" \
      'BEGIN {exit !((d == "higher") ? v > b : v < b)}'; then
      b="$v"
    fi
  done
  echo "${b:-0}"
}
ratio() {  # measure higher|lower
  local ours="${R[tsf.$1]:-0}" peer
  peer="$(best "$1" "$2")"
  awk -v o="$ours" -v p="$peer" -v d="$2" 'BEGIN {
    if (o == 0 || p == 0) { print "n/a"; exit }
    printf "%.2f", (d == "higher") ? o / p : p / o }'
}
echo
printf '%s: %s series x %s points, %s clients, polls %s s with wrk -t2 -c32\n' \
  "$(hostname)" "$series" "$points" "$clients" "$poll_seconds"
printf '%-28s %14s %14s %16s %14s %8s\n' measure tsforecastd InfluxDB \
  VictoriaMetrics Prometheus ratio
row() {  # label measure higher|lower
  printf '%-28s %14s %14s %16s %14s %8s\n' "$1" "$(get tsf.$2)" \
    "$(get influx.$2)" "$(get vm.$2)" "$(get prom.$2)" "$(ratio "$2" "$3")"
}
row "ingest 10,000/req (pts/s)" ingest_10000 higher
row "ingest 1,000/req (pts/s)" ingest_1000 higher
row "  ours as SeriesPoints" ingest_1000_by_series higher
row "ingest 10/req (pts/s)" ingest_10 higher
row "  ours as SeriesPoints" ingest_10_by_series higher
row "line protocol 10,000/req" lp_ingest_10000 higher
row "line protocol 1,000/req" lp_ingest_1000 higher
row "line protocol 10/req" lp_ingest_10 higher
row "remote write 10,000/req" rw_ingest_10000 higher
row "remote write 1,000/req" rw_ingest_1000 higher
row "remote write 10/req" rw_ingest_10 higher
row "bytes per point (disk)" bytes_per_point lower
row "bytes per point (SST only)" sst_bytes_per_point lower
row "read 1 series (ms)" read_series_ms lower
row "read 100 series (ms)" read_100_ms lower
row "poll instant (req/s)" poll_instant higher
row "poll instant p99 (ms)" poll_instant_p99 lower
row "poll range (req/s)" poll_range higher
row "poll range p99 (ms)" poll_range_p99 lower
row "peak RSS (MiB)" rss_mb lower
echo
echo "ratio_ingest_10000=$(ratio ingest_10000 higher)"
echo "ratio_ingest_1000=$(ratio ingest_1000 higher)"
echo "ratio_ingest_10=$(ratio ingest_10 higher)"
echo "ratio_ingest_1000_by_series=$(ratio ingest_1000_by_series higher)"
echo "ratio_ingest_10_by_series=$(ratio ingest_10_by_series higher)"
for door in lp rw; do
  for b in 10000 1000 10; do
    echo "ratio_${door}_ingest_$b=$(ratio ${door}_ingest_$b higher)"
  done
done
echo "ratio_bytes_per_point=$(ratio bytes_per_point lower)"
echo "ratio_read_series=$(ratio read_series_ms lower)"
echo "ratio_read_100=$(ratio read_100_ms lower)"
echo "ratio_poll_instant=$(ratio poll_instant higher)"
echo "ratio_poll_range=$(ratio poll_range higher)"
echo "poll_instant_p99_ms=$(get tsf.poll_instant_p99)"
echo "poll_range_p99_ms=$(get tsf.poll_range_p99)"
echo "elapsed_s=$(($(date +%s) - started))"
