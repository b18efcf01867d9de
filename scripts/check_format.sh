#!/usr/bin/env bash
# Fails when a C++ or proto file is not clang-format (Google style) clean.
# Usage: scripts/check_format.sh [--fix]
set -euo pipefail
cd "$(dirname "$0")/.."
mapfile -t files < <(git ls-files --cached --others --exclude-standard '*.cc' '*.h' '*.proto' 2>/dev/null || true)
if [ "${#files[@]}" -eq 0 ]; then
  mapfile -t files < <(find common storage forecast service tools tests bench proto \
    -name '*.cc' -o -name '*.h' -o -name '*.proto' 2>/dev/null)
fi
if [ "${1:-}" = "--fix" ]; then
  clang-format -i --style=file "${files[@]}"
  exit 0
fi
clang-format --dry-run --Werror --style=file "${files[@]}"
echo "format ok: ${#files[@]} files"
