#!/usr/bin/env bash
# check-layers.sh — DESIGN.md's layers, checked on the source text (run by
# `make test` as lint/layers).  core/ is pure rules; only store/, app/ and
# notify/ see the store; http/, sched/, ingest/, cli/ and main.c call app/.
#
# One rule a line:  what @ where @ forbidden (ERE) @ allowed (ERE, - = none) @ why
#   what:  inc = the target of an #include line ("x.h" or <x.h>); use = any code line
#   where: space-separated paths under the repository (a directory or a file)
# A line breaks a rule when it matches `forbidden` and not `allowed`.
set -u
cd "$(dirname "$0")/.."

rules=(
  'inc@src/core@^<@^<(stdbool|stddef|stdint|stdio|stdlib|string|ctype|inttypes|stdatomic|arpa/inet)\.h>$@core/ is pure rules: no jansson, sqlite3, microhttpd, curl, yaml, and no I/O, thread or clock header beyond the C library headers it uses'
  'inc@src/core@^"@^"((core|util)/)?[a-z0-9_]+\.h"$@core/ includes only core/ and util/ headers'
  'inc@src/notify@^"(http|app|policy|sched|ingest)/@-@notify/ is infrastructure: no HTTP faces, no use cases (those live in http/ and app/)'
  'inc@src/policy@^"@^"((core|util|policy)/)?[a-z0-9_]+\.h"$@policy/ loads the policy file: it includes only core/, util/ and its own headers'
  'inc@src/util@^"@^"(util/)?[a-z0-9_]+\.h"$@util/ is under all: it includes nothing of the project above it'
  'inc@src/sched src/http src/ingest src/cli src/main.c@^"store/@-@only store/, app/ and notify/ include store/ headers: call app/'
  'use@src/sched src/http src/ingest src/cli src/main.c@(\bod_tx_|\bod_rows_|\bod_store_|\bOD_Q_|->store\b)@-@only store/, app/ and notify/ use the store: call app/'
)

# Known exceptions, one a line: path:text of the line (fixed string).  Each is
# temporary and says why; remove it when the code moves.
exceptions=(
)

is_exception() {
  local file=$1 text=$2 x
  for x in "${exceptions[@]}"; do
    [[ "$file" == "${x%%:*}" && "$text" == *"${x#*:}"* ]] && return 0
  done
  return 1
}

fail=0
for rule in "${rules[@]}"; do
  IFS='@' read -r what where forbid allow why <<<"$rule"
  files=$(find $where -type f \( -name '*.c' -o -name '*.h' \) 2>/dev/null | sort)
  for f in $files; do
    while IFS= read -r hit; do
      [ -z "$hit" ] && continue
      line=${hit%%:*}
      text=${hit#*:}
      if [ "$what" = inc ]; then
        target=$(sed -nE 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*([<"][^>"]*[>"]).*/\1/p' <<<"$text")
        [ -z "$target" ] && continue
      else
        # code only: not comment lines
        [[ "$text" =~ ^[[:space:]]*(/\*|\*|//) ]] && continue
        target=$text
      fi
      grep -qE -- "$forbid" <<<"$target" || continue
      [ "$allow" != - ] && grep -qE -- "$allow" <<<"$target" && continue
      is_exception "$f" "$text" && continue
      echo "$f:$line: $text"
      echo "    -> $why"
      fail=1
    done < <(if [ "$what" = inc ]; then grep -nE '^[[:space:]]*#[[:space:]]*include' "$f"; else grep -nE -- "$forbid" "$f"; fi)
  done
done
if [ "$fail" -ne 0 ]; then
  echo "layer rules broken (DESIGN.md layers; scripts/check-layers.sh)"
  exit 1
fi
echo "layers ok"
