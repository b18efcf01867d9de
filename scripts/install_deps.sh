#!/usr/bin/env bash
# Installs every Debian 12 package the build, the tests and the benchmarks
# need. Idempotent: does nothing when all are present. Run as root.
set -euo pipefail
packages=(
  cmake g++ make pkg-config git ca-certificates
  libgrpc++-dev libgrpc-dev protobuf-compiler protobuf-compiler-grpc
  libprotobuf-dev librocksdb-dev libabsl-dev libre2-dev
  libgtest-dev libgmock-dev libbenchmark-dev libcli11-dev libnlopt-dev
  libeigen3-dev libsnappy-dev zlib1g-dev libcpp-httplib-dev libboost-dev librsvg2-dev fonts-dejavu-core
  python3 python3-grpcio python3-protobuf python3-selenium
  prometheus victoria-metrics influxdb influxdb-client python3-influxdb
  chromium chromium-driver
  clang-format libssl-dev
  clang libclang-rt-14-dev
)
missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
if [ "${#missing[@]}" -eq 0 ]; then
  echo "install_deps: all ${#packages[@]} packages present" >&2
  exit 0
fi
echo "install_deps: installing ${missing[*]}" >&2
if [ "$(id -u)" -ne 0 ]; then
  echo "install_deps: run as root (or install the packages above)" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update
apt-get install -y --no-install-recommends "${missing[@]}"
