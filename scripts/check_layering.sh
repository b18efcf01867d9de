#!/usr/bin/env bash
# Keeps the dependency direction of docs/architecture.md true:
#   forecast/ : no gRPC, protobuf, RocksDB, storage/ or service/
#   storage/  : no forecast/, service/, gRPC or protobuf
#   common/   : nothing of ours but common/
#   the forecasting engine (service/forecast_engine*, fit_scheduler,
#   forecast_cache, revision_watcher, forecast_runner): no gRPC or HTTP
# and only storage/rocks_* files include RocksDB headers.
set -uo pipefail
cd "$(dirname "$0")/.."
fail=0
check() {  # folder, regex of forbidden includes, why
  local hits
  hits=$(grep -rnE "^#include [\"<]($2)" "$1" --include='*.h' --include='*.cc' 2>/dev/null)
  if [ -n "$hits" ]; then
    echo "layering violation in $1/ ($3):"; echo "$hits"; fail=1
  fi
}
check common 'storage/|forecast/|service/|tools/|rocksdb/|grpc|google/protobuf|tsforecast/v1' "common depends on nothing of ours"
check storage 'forecast/|service/|tools/|grpc|google/protobuf|tsforecast/v1' "storage knows no forecasting or API types"
if [ -d forecast ]; then
  check forecast 'storage/|service/|tools/|rocksdb/|grpc|google/protobuf|tsforecast/v1' "forecast uses only common/, Abseil, Eigen, NLopt"
fi
engine_files=(service/forecast_engine*.h service/forecast_engine*.cc
  service/fit_scheduler.* service/forecast_cache.* service/revision_watcher.*
  service/forecast_runner.*)
hits=$(grep -nE '^#include [<"](grpc|httplib|service/grpc_status|service/http/|service/access)' \
  "${engine_files[@]}" 2>/dev/null)
if [ -n "$hits" ]; then
  echo "layering violation in the forecasting engine (no gRPC or HTTP):"
  echo "$hits"; fail=1
fi
hits=$(grep -rlE '^#include [<"]rocksdb/' storage --include='*.h' --include='*.cc' | grep -v '/rocks_' || true)
if [ -n "$hits" ]; then
  echo "only storage/rocks_* may include RocksDB headers:"; echo "$hits"; fail=1
fi
[ $fail -eq 0 ] && echo "layering ok"
exit $fail
