#!/usr/bin/env bash
# The README's main command: installs what is missing, builds, starts
# tsforecastd on 127.0.0.1:50051 with its RocksDB under ./data, loads the
# real demo series from examples/, reads them back, and keeps serving until
# Ctrl-C. Environment: TSF_LISTEN (default 127.0.0.1:50051), TSF_HTTP_PORT
# (dashboard and metrics, default 8080), TSF_DATA_DIR
# (default ./data).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
listen="${TSF_LISTEN:-127.0.0.1:50051}"
data_dir="${TSF_DATA_DIR:-$root/data}"
"$root/scripts/install_deps.sh"
"$root/scripts/build.sh"
build="$root/build"
ctl=("$build/tsfctl" "--server=$listen")

"$build/tsforecastd" --listen="$listen" --data_dir="$data_dir" \
  --backup_root="$root/backups" --http_port="${TSF_HTTP_PORT:-8080}" &
pid=$!
trap 'kill -TERM $pid 2>/dev/null; wait $pid' INT TERM
for _ in $(seq 1 100); do
  "${ctl[@]}" stats >/dev/null 2>&1 && break
  kill -0 "$pid" 2>/dev/null || { echo "tsforecastd failed to start" >&2; exit 1; }
  sleep 0.1
done

echo "== loading demo series from examples/ (re-sent points simply overwrite)"
create() {  # name step kind unit labels...
  local name=$1 step=$2 kind=$3 unit=$4; shift 4
  local labels=()
  for l in "$@"; do labels+=(--label "$l"); done
  "${ctl[@]}" series show "$name" >/dev/null 2>&1 ||
    "${ctl[@]}" series create "$name" --step "$step" --kind "$kind" \
      --unit "$unit" "${labels[@]}" >/dev/null
}
create brent_spot_usd 1bd level USD/bbl commodity=brent market=europe source=eia
for m in copper aluminium nickel tin zinc; do
  create "${m}_usd_t" 1mo level USD/t commodity="$m" source=worldbank
done
create iron_ore_usd_dmtu 1mo level USD/dmtu commodity=iron_ore source=worldbank
create gold_usd_toz 1mo level USD/toz commodity=gold source=worldbank
create us_exports_to_china_musd 1mo flow MUSD direction=export partner=CN source=census
create us_imports_from_china_musd 1mo flow MUSD direction=import partner=CN source=census
for f in brent_daily metals_monthly us_china_trade_monthly; do
  "${ctl[@]}" write "$root/examples/$f.csv"
done

echo "== series"
"${ctl[@]}" series list
echo "== latest Brent prices"
"${ctl[@]}" latest brent_spot_usd --count 5
echo "== copper, yearly mean since 2015"
"${ctl[@]}" read copper_usd_t --agg avg --step 1y --start 2015-01-01
echo "== US exports to China per year (a flow: summed)"
"${ctl[@]}" read us_exports_to_china_musd --agg sum --step 1y --start 2014-01-01
echo "== copper, 12 months ahead"
"${ctl[@]}" forecast copper_usd_t -H 12
echo
echo "tsforecastd is serving on $listen (data in $data_dir); try:"
echo "  build/tsfctl series list '{source=\"worldbank\"}'"
echo "  build/tsfctl forecast copper_usd_t -H 24 --plot copper.png"
echo "  the dashboard: http://127.0.0.1:${TSF_HTTP_PORT:-8080}/?series=copper_usd_t&horizon=24"
echo "Ctrl-C stops it cleanly."
wait "$pid"
