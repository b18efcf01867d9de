#!/usr/bin/env bash
# Keeps the dependency direction of docs/architecture.md true:
#   forecast/ : no gRPC, protobuf, RocksDB, storage/ or service/
#   storage/  : no forecast/, service/, gRPC or protobuf
#   common/   : nothing of ours but common/
#   service/engine/ (the forecasting engine): no gRPC, HTTP, nor the
#   adapters around it (service/grpc/, service/http/, service/auth/,
#   the request conversions); its CMake target links no gRPC either
#   service/ingest/ (push decoders and writer): no gRPC, HTTP or engine
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
check service/engine 'grpc|httplib|tsforecast/v1/.*grpc|service/(grpc|http|auth)/|service/(access|forecast_request|proto_convert|server)\.h' \
  "the forecasting engine knows no transport"
check service/ingest 'grpc|httplib|service/(grpc|http|engine)/' \
  "the push decoders know no transport (the HTTP doors call them)"
if grep -A4 '^target_link_libraries(tsf_engine' service/CMakeLists.txt | grep -q 'grpc\|tsf_proto '; then
  echo "layering violation: tsf_engine links gRPC"; fail=1
fi
hits=$(grep -rlE '^#include [<"]rocksdb/' storage --include='*.h' --include='*.cc' | grep -v '/rocks_' || true)
if [ -n "$hits" ]; then
  echo "only storage/rocks_* may include RocksDB headers:"; echo "$hits"; fail=1
fi
[ $fail -eq 0 ] && echo "layering ok"
exit $fail
