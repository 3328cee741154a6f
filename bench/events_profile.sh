#!/usr/bin/env bash
# events_profile.sh — perf profile of opsdesk's event ingestion under the
# wrk load of bench/events_wrk.lua.
#   bench/events_profile.sh KIND BATCH CONNS [SECONDS]   e.g. distinct 100 32 5
# Writes perf.data into $PROF_DIR (default a temp dir) and prints the top of
# `perf report --no-children` for the whole process and for the writer
# thread, plus wrk's result line.  Needs perf and wrk.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BIN=${OPSDESK_BIN:-$ROOT/build/opsdesk}
KIND=${1:-distinct} BATCH=${2:-100} CONNS=${3:-32} DUR=${4:-5}
DIR=${PROF_DIR:-$(mktemp -d /tmp/opsdesk-prof-XXXXXX)}; mkdir -p "$DIR"
db=$DIR/od.db; rm -f "$db"*
p=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
OPSDESK_ADMIN_PASSWORD=Admin-pass-1 "$BIN" init --db "$db" >/dev/null
"$BIN" serve --db "$db" --listen 127.0.0.1:$p --policy "$(python3 "$(dirname "$0")/bench_policy.py" "$DIR")" >"$DIR/od.log" 2>&1 &
PID=$!
trap 'kill -TERM $PID 2>/dev/null; wait $PID 2>/dev/null || true' EXIT
for _ in $(seq 200); do (exec 3<>/dev/tcp/127.0.0.1/$p) 2>/dev/null && break; sleep 0.05; done
sys=$(curl -s http://127.0.0.1:$p/api/v1/auth/login -H "Content-Type: application/json" -d '{"username":"sysadmin","password":"Admin-pass-1"}' |
      python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')
TOKEN=$(curl -s http://127.0.0.1:$p/api/v1/api-keys -H "Authorization: Bearer $sys" -H "Content-Type: application/json" \
        -d '{"name":"bench","integration":"alertmanager"}' | python3 -c 'import json,sys; print(json.load(sys.stdin)["key"])')
threads=2; [ "$CONNS" -lt 2 ] && threads=1
TARGET=od KIND=$KIND BATCH=$BATCH TOKEN=$TOKEN wrk -t$threads -c$CONNS -d$((DUR + 2))s --latency \
  -s "$ROOT/bench/events_wrk.lua" http://127.0.0.1:$p >"$DIR/wrk.out" 2>&1 &
WRK=$!
sleep 1
perf record -F ${PROF_FREQ:-999} ${PROF_CG:--g} -p $PID -o "$DIR/perf.data" -- sleep "$DUR" >/dev/null 2>&1
wait $WRK
grep RESULT "$DIR/wrk.out"
echo "rss_mb=$(awk '/VmRSS/ {printf "%.0f", $2/1000}' /proc/$PID/status)"
echo "== whole process (self)"; perf report -i "$DIR/perf.data" --no-children --sort comm,dso,sym 2>/dev/null | grep -v '^#' | grep '%' | head -${TOP:-40}
echo "== per thread"; perf report -i "$DIR/perf.data" --no-children --sort comm 2>/dev/null | grep -v '^#' | grep '%' | head
echo "perf data: $DIR/perf.data"
