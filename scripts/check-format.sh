#!/usr/bin/env bash
# check-format.sh — the C sources follow the checked-in .clang-format (run by
# `make test` as lint/format; `make format` rewrites them).  Lists the files
# that differ and fails; prints nothing else.
set -u
cd "$(dirname "$0")/.."
command -v clang-format >/dev/null || { echo "clang-format not installed (scripts/deps.sh installs it)"; exit 1; }
bad=$(git ls-files 'src/*.c' 'src/*.h' 'src/*.cc' 'tests/*.c' 'bench/*.c' |
      while read -r f; do clang-format --dry-run -Werror "$f" >/dev/null 2>&1 || echo "$f"; done)
if [ -n "$bad" ]; then
  echo "$bad"
  echo "not formatted as .clang-format says: run make format"
  exit 1
fi
echo "format ok"
