#!/usr/bin/env bash
# The whole suite under ASan+UBSan (build-asan/). Slow (another build): run
# before a release or after touching memory handling, not on every commit.
#   scripts/run_sanitizers.sh [asan|tsan]   (default: asan)
# tsan builds the storage and service tests under ThreadSanitizer. Debian's
# Abseil is not built with TSan, so absl::Mutex would be invisible to it
# and every access under a held Mutex would look like a race; the tests run
# with tests/tsan/absl_sync_annotations.cc preloaded, which tells TSan what
# each Mutex and CondVar call did.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
what="${1:-asan}"
jobs="$(nproc)"
if [ "$what" = asan ] || [ "$what" = both ]; then
  cmake -S "$root" -B "$root/build-asan" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DTSF_SANITIZE=ON -DTSF_BUILD_BENCH=OFF >/dev/null
  cmake --build "$root/build-asan" -j"$jobs"
  (cd "$root/build-asan" && ctest --output-on-failure -j"$jobs")
  echo "run_sanitizers: ASan+UBSan: whole suite passed"
fi
if [ "$what" = tsan ] || [ "$what" = both ]; then
  cmake -S "$root" -B "$root/build-tsan" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DTSF_TSAN=ON -DTSF_BUILD_BENCH=OFF >/dev/null
  cmake --build "$root/build-tsan" -j"$jobs" --target storage_test service_test \
    tsf_tsan_absl_annotations tsan_absl_sync_selftest
  # Debian's libraries are not built with TSan: their accesses are not
  # checked (ignore_noninstrumented_modules), and RocksDB, linked
  # statically, is suppressed by name (tests/tsan/suppressions.txt).
  export TSAN_OPTIONS="suppressions=$root/tests/tsan/suppressions.txt halt_on_error=1 second_deadlock_stack=1 ignore_noninstrumented_modules=1"
  preload="$root/build-tsan/tests/libtsf_tsan_absl_annotations.so"
  selftest="$root/build-tsan/tests/tsan_absl_sync_selftest"
  # The annotations must matter: without them TSan reports a race in the
  # self-test, with them it runs clean.
  if "$selftest" >/dev/null 2>&1; then
    echo "run_sanitizers: TSan saw no race in the self-test without the" \
      "Abseil annotations; is the build instrumented?" >&2
    exit 1
  fi
  LD_PRELOAD="$preload" "$selftest"
  LD_PRELOAD="$preload" "$root/build-tsan/tests/storage_test"
  LD_PRELOAD="$preload" "$root/build-tsan/tests/service_test"
  echo "run_sanitizers: TSan: storage and service tests passed"
fi
