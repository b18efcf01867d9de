#!/usr/bin/env bash
# Runs every PromQL test file (*.test, Prometheus' promql/testdata format)
# in the given folders through our PromQL evaluation, printing each failing
# case (file:line: expression: why), a line per file and, last,
# "N passed, M failed". Builds build/promql_cases first.
#   scripts/promql_cases.sh [--quiet] DIR...   (default: ../shared/data/promql-2.42)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
args=()
dirs=()
for a in "$@"; do
  case "$a" in
    --quiet|--min_passed=*) args+=("$a") ;;
    *) dirs+=("$a") ;;
  esac
done
[ ${#dirs[@]} -gt 0 ] || dirs=("$root/../shared/data/promql-2.42")
cmake -S "$root" -B "$root/build" >/dev/null
cmake --build "$root/build" -j"$(nproc)" --target promql_cases >&2
files=()
for d in "${dirs[@]}"; do
  while IFS= read -r f; do files+=("$f"); done < <(find "$d" -name '*.test' | sort)
done
if [ ${#files[@]} -eq 0 ]; then
  echo "promql_cases: no *.test files in ${dirs[*]}" >&2
  exit 2
fi
exec "$root/build/promql_cases" "${args[@]}" "${files[@]}"
