#!/usr/bin/env bash
# Fails if a banned libc function (STYLE.md §17) appears in src/ or tests/.
set -u
cd "$(dirname "$0")/.."
pat='\b(strcpy|sprintf|strtok|atoi|gets|vsprintf|strcat)[[:space:]]*\('
hits=$(grep -rnE "$pat" src tests --include='*.c' --include='*.h' | grep -vE '//.*banned-ok|/\*.*banned-ok' || true)
if [ -n "$hits" ]; then
  echo "banned functions used (use snprintf/strtol/... instead):"
  echo "$hits"
  exit 1
fi
echo "no banned functions"
