#!/usr/bin/env bash
# Builds the libFuzzer targets with clang (ASan and UBSan on) in build-fuzz/
# and runs each for SECONDS (default 30) from its seed corpus, printing the
# executions each managed. A crash stops the script with the target's
# report and leaves the crashing input in build-fuzz/crashes/; add it to
# tests/fuzz/corpus/<target>/ with the fix, as a regression seed.
#   scripts/run_fuzz.sh [SECONDS]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
seconds="${1:-30}"
build="$root/build-fuzz"
CC=clang CXX=clang++ cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DTSF_FUZZ=ON -DTSF_BUILD_TESTS=OFF -DTSF_BUILD_BENCH=OFF >/dev/null
targets=(block_record csv_points validation selector http_params remote_write
  line_protocol)
# Inputs up to each parser's real limit and past it: the HTTP port's header
# limit (64 KiB: a GET's query) for selectors and PromQL, its body limit
# (16 MiB: a POSTed form) for query strings, two CSV lines past the line
# limit, 64 KiB for block records and validation, and the push doors' body
# limit (16 MiB as sent) for remote write and line protocol.
declare -A max_len=([block_record]=65536 [csv_points]=131072 [validation]=65536
  [selector]=65536 [http_params]=16777216 [remote_write]=16777216
  [line_protocol]=16777216)
cmake --build "$build" -j"$(nproc)" --target "${targets[@]/%/_fuzz}"
mkdir -p "$build/crashes"
for t in "${targets[@]}"; do
  work="$build/corpus/$t"  # grows as the fuzzer finds new paths
  mkdir -p "$work"
  log="$build/$t.log"
  if ! "$build/tests/fuzz/${t}_fuzz" "$work" "$root/tests/fuzz/corpus/$t" \
      -max_total_time="$seconds" -max_len="${max_len[$t]}" -timeout=10 -rss_limit_mb=2048 \
      -artifact_prefix="$build/crashes/$t-" >"$log" 2>&1; then
    tail -60 "$log"
    echo "run_fuzz: $t FAILED; input in $build/crashes/" >&2
    exit 1
  fi
  runs=$(grep -o 'Done [0-9]* runs' "$log" | tail -1 || true)
  echo "run_fuzz: $t: ${runs:-?} in ${seconds} s, no crash"
done
