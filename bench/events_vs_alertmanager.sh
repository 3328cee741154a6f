#!/usr/bin/env bash
# events_vs_alertmanager.sh — event ingestion of opsdesk (durable: answered
# after the commit, synchronous=FULL) against Prometheus Alertmanager
# (in memory) "Performance".  Both on 127.0.0.1, driven by the same
# wrk Lua script (bench/events_wrk.lua): distinct alerts, then repeats; 1 and
# 100 alerts per request; 1 and 32 connections.  A fresh server per run;
# medians of BENCH_RUNS runs; alerts/s, p50/p99 latency, RSS after the run,
# and the ratio opsdesk / Alertmanager.
#
# Installs Debian's prometheus-alertmanager and wrk when missing (apt-get).
# Environment:
#   OPSDESK_BIN     the binary (default build/opsdesk)
#   BENCH_DIR       where the databases go (default /tmp)
#   BENCH_DURATION  seconds per run (default 10)   BENCH_RUNS  runs per point (default 3)
#   BENCH_SCENARIOS default "distinct:1:1 distinct:1:32 distinct:100:1 distinct:100:32
#                   repeat:1:1 repeat:1:32 repeat:100:1 repeat:100:32" (kind:batch:connections)
#   OPSDESK_SERVE_ARGS  extra `opsdesk serve` options (e.g. "--threads 2")
#   BENCH_TARGETS   default "od am ng" ("od" alone while tuning opsdesk: the other columns show 0).
#                   "ng" is the machine's ceiling, not a peer: Debian's nginx answering 204 to the
#                   same requests without looking at them (2 workers, access log off), driven by
#                   the same wrk on the same cores.  No server that reads the alerts can beat it.
#   BENCH_BUDGET=1  instead of the table: the targets against this machine's budget (see the
#                   comment at the mode; needs build/bench/events_ingest_bench and sqlite3).
#   BENCH_MILLION=1 instead of the table: one run each of 1 000 000 distinct alerts (100 per
#                   request, 32 connections, 2 wrk threads x 5000 requests) for the RSS after it and
#                   the rows stored.  wrk waits out its -d (BENCH_MILLION_SECONDS, default 60) even
#                   when its threads are done, so its req/s is not the throughput here.
#
# Several nodes (R-PERF, "Performance" of the PostgreSQL store):
#   events_vs_alertmanager.sh --db postgres --nodes 1..3
# one table, one run: opsdesk on SQLite (1 node), opsdesk on a throwaway PostgreSQL 15
# (tests/pg/pgtmp.py, fsync and synchronous_commit on, a fresh cluster per run) with each node count
# of --nodes (N or A..B), Prometheus Alertmanager alone and as a cluster of BENCH_AM_PEERS peers
# (default 3; gossip on loopback --cluster.* addresses).  The same wrk load, spread over the nodes:
# one wrk process per node with its share of the connections (distinct fingerprints per process),
# latency histograms merged for p50/p99.  RSS: the sum over the nodes; a PostgreSQL row also gives
# the database's proportional set size (PSS, shared buffers counted once).  Scenarios default to
# "distinct:1:32 distinct:100:32"; BENCH_RUNS, BENCH_DURATION as above.
#   --db sqlite (the default) gives the table above; --db postgres:// is the same as --db postgres
#   (only a throwaway cluster: a benchmark must not write into a real database).
set -euo pipefail

DB=sqlite NODES=
while [ $# -gt 0 ]; do
  case $1 in
    --db) DB=${2:?--db needs a value}; shift 2 ;;
    --db=*) DB=${1#--db=}; shift ;;
    --nodes) NODES=${2:?--nodes needs a value}; shift 2 ;;
    --nodes=*) NODES=${1#--nodes=}; shift ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "events_vs_alertmanager: unknown argument $1 (--db sqlite|postgres, --nodes N|A..B)" >&2; exit 2 ;;
  esac
done
case $DB in
  sqlite) [ -z "$NODES" ] || [ "$NODES" = 1 ] || { echo "events_vs_alertmanager: SQLite runs one node (--nodes needs --db postgres)" >&2; exit 2; } ;;
  postgres|postgres://|postgresql://) DB=postgres ;;
  *) echo "events_vs_alertmanager: --db $DB: sqlite or postgres (a throwaway PostgreSQL, tests/pg/pgtmp.py)" >&2; exit 2 ;;
esac
NODE_LIST=
if [ "$DB" = postgres ]; then
  NODES=${NODES:-1..3}
  if [[ $NODES =~ ^([1-9])\.\.([1-9])$ ]] && [ "${BASH_REMATCH[1]}" -le "${BASH_REMATCH[2]}" ]; then
    NODE_LIST=$(seq "${BASH_REMATCH[1]}" "${BASH_REMATCH[2]}")
  elif [[ $NODES =~ ^[1-9]$ ]]; then
    NODE_LIST=$NODES
  else
    echo "events_vs_alertmanager: --nodes $NODES: N or A..B, 1 to 9" >&2; exit 2
  fi
fi

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BIN=${OPSDESK_BIN:-$ROOT/build/opsdesk}
DUR=${BENCH_DURATION:-10}
RUNS=${BENCH_RUNS:-3}
DEFAULT_SCEN="distinct:1:1 distinct:1:32 distinct:100:1 distinct:100:32 repeat:1:1 repeat:1:32 repeat:100:1 repeat:100:32"
[ "$DB" = postgres ] && DEFAULT_SCEN="distinct:1:32 distinct:100:32"
SCEN=${BENCH_SCENARIOS:-$DEFAULT_SCEN}
LUA=$ROOT/bench/events_wrk.lua

[ -x "$BIN" ] || { echo "events_vs_alertmanager: $BIN not built (run make build)" >&2; exit 1; }
SUDO=; [ "$(id -u)" -eq 0 ] || SUDO=sudo
for pkg in wrk:wrk prometheus-alertmanager:prometheus-alertmanager nginx:nginx-light; do
  cmd=${pkg%%:*}
  command -v "$cmd" >/dev/null || { echo "== installing ${pkg#*:} (apt-get)"; $SUDO apt-get install -y "${pkg#*:}" >/dev/null 2>&1 || { $SUDO apt-get update >/dev/null && $SUDO apt-get install -y "${pkg#*:}" >/dev/null; }; }
done

TMP=$(mktemp -d "${BENCH_DIR:-/tmp}/opsdesk-evbench-XXXXXX")
PID=
PIDS=()   # every server process of a run (several nodes or peers); PID is the first
WRK_PIDS=()
PGDIR=
# stops the throwaway PostgreSQL (pg_ctl stop -m immediate) and removes its directory
stop_pg() {
  [ -n "$PGDIR" ] || return 0
  python3 "$ROOT/tests/pg/pgtmp.py" stop "$PGDIR" >/dev/null 2>&1 || true
  rm -rf "$PGDIR"
  PGDIR=
}
stop_server() {
  local p t
  for p in $PID ${PIDS[@]+"${PIDS[@]}"}; do kill -TERM "$p" 2>/dev/null || true; done
  for p in $PID ${PIDS[@]+"${PIDS[@]}"}; do
    for t in $(seq 100); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$p" 2>/dev/null || true
    wait "$p" 2>/dev/null || true
  done
  PID=
  PIDS=()
  stop_pg
}
cleanup() {
  local p d
  for p in ${WRK_PIDS[@]+"${WRK_PIDS[@]}"}; do kill -KILL "$p" 2>/dev/null || true; done
  stop_server
  # servers a killed run_spread subshell left: only processes whose command line names this run's $TMP
  for p in $(cat "$TMP/started-pids" 2>/dev/null); do
    grep -qF "$TMP" "/proc/$p/cmdline" 2>/dev/null && kill -KILL "$p" 2>/dev/null || true
  done
  for d in $(cat "$TMP/started-pg" 2>/dev/null); do PGDIR=$d; stop_pg; done
  rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_port() { for _ in $(seq 200); do (exec 3<>/dev/tcp/127.0.0.1/$1) 2>/dev/null && return 0; sleep 0.05; done; return 1; }
rss_mb() { awk '/VmRSS/ {printf "%.0f", $2/1000}' /proc/$1/status 2>/dev/null || echo 0; }

start_od() {
  local p=$1 db=$TMP/od-$RANDOM.db
  OD_DB=$db
  OPSDESK_ADMIN_PASSWORD=Admin-pass-1 "$BIN" init --db "$db" >/dev/null
  "$BIN" serve --db "$db" --listen 127.0.0.1:$p --policy "$(python3 "$(dirname "$0")/bench_policy.py" "$TMP")" ${OPSDESK_SERVE_ARGS:-} >"$TMP/od.log" 2>&1 &
  PID=$!
  wait_port "$p"
  TOKEN=$(od_token "$p")
}

# an Alertmanager-integration API key of the server on port $1 (login as the bootstrap sysadmin)
od_token() {
  local p=$1 sys
  sys=$(curl -s http://127.0.0.1:$p/api/v1/auth/login -H 'Content-Type: application/json' -d '{"username":"sysadmin","password":"Admin-pass-1"}' |
        python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')
  curl -s http://127.0.0.1:$p/api/v1/api-keys -H "Authorization: Bearer $sys" -H 'Content-Type: application/json' \
       -d '{"name":"bench","integration":"alertmanager"}' | python3 -c 'import json,sys; print(json.load(sys.stdin)["key"])'
}

start_am() {
  local p=$1 dir=$TMP/am-$RANDOM
  mkdir -p "$dir"
  printf 'route: {receiver: "null", group_by: [alertname], group_wait: 30s}\nreceivers: [{name: "null"}]\n' >"$dir/am.yml"
  prometheus-alertmanager --config.file="$dir/am.yml" --storage.path="$dir" --web.listen-address=127.0.0.1:$p \
    --cluster.listen-address= >"$TMP/am.log" 2>&1 &
  PID=$!
  wait_port "$p"
  TOKEN=
}

start_ng() {
  local p=$1 dir=$TMP/ng-$RANDOM
  mkdir -p "$dir"
  cat >"$dir/nginx.conf" <<EOF
daemon off; worker_processes 2; pid $dir/nginx.pid; error_log $dir/error.log;
events { worker_connections 1024; }
http { access_log off; client_body_temp_path $dir; client_max_body_size 64m;
       server { listen 127.0.0.1:$p; location / { return 204; } } }
EOF
  nginx -c "$dir/nginx.conf" -p "$dir" >"$TMP/ng.log" 2>&1 &
  PID=$!
  wait_port "$p"
  TOKEN=
}

# CPU seconds (user + system) used so far by process $1 and its children
cpu_s() {
  local t=0 p
  for p in $1 $(pgrep -P "$1" || true); do
    t=$((t + $(awk '{print $14 + $15}' /proc/$p/stat 2>/dev/null || echo 0)))
  done
  python3 -c "print($t / $(getconf CLK_TCK))"
}

# one run: prints "alerts_s p50 p99 rss non2xx server_cpu_us_per_req wrk_cpu_us_per_req"
run_one() {
  local target=$1 kind=$2 batch=$3 conns=$4 p threads=2
  p=$(port)
  start_$target "$p"
  [ "$conns" -lt 2 ] && threads=1
  local out c0 c1
  c0=$(cpu_s "$PID")
  out=$( { TIMEFORMAT='WRKCPU %U %S'; time TARGET=$target KIND=$kind BATCH=$batch TOKEN=$TOKEN \
           wrk -t$threads -c$conns -d${DUR}s --latency -s "$LUA" http://127.0.0.1:$p; } 2>&1 | grep -E '^(RESULT|WRKCPU)')
  c1=$(cpu_s "$PID")
  local rss; rss=$(rss_mb "$PID")
  stop_server
  python3 - "$out" "$batch" "$rss" "$c0" "$c1" <<'PY'
import re, sys
kv = dict(re.findall(r"(\w+)=([\d.]+)", sys.argv[1]))
wrk = re.search(r"WRKCPU ([\d.]+) ([\d.]+)", sys.argv[1])
reqs = max(float(kv["requests"]), 1)
srv_us = (float(sys.argv[5]) - float(sys.argv[4])) * 1e6 / reqs
wrk_us = (float(wrk.group(1)) + float(wrk.group(2))) * 1e6 / reqs if wrk else 0
print("%.0f %.3f %.3f %s %s %.2f %.2f" % (float(kv["req_s"]) * int(sys.argv[2]), float(kv["p50_ms"]),
                                          float(kv["p99_ms"]), sys.argv[3], kv["non2xx"], srv_us, wrk_us))
PY
}

median() { python3 -c 'import sys,statistics; m=statistics.median(float(x) for x in sys.argv[1:]); print("%.0f" % m if m >= 1000 else "%g" % m)' "$@"; }

# ---- several nodes: --db postgres --nodes A..B (see the header) ----

# opsdesk nodes on one fresh throwaway PostgreSQL, one per port given
start_odpg() {
  PGDIR=$(mktemp -d "/tmp/opsdesk-evbench-pg-XXXXXX")
  echo "$PGDIR" >>"$TMP/started-pg"   # for the main shell's cleanup if this subshell is killed
  local url i=0 p
  url=$(python3 -c 'import sys; sys.path.insert(0, sys.argv[1]); import pgtmp
print(pgtmp.Pg(sys.argv[2], fsync=True).start().url())' "$ROOT/tests/pg" "$PGDIR")
  # a server database has no directory for the default audit key file: one key for every node
  export OPSDESK_AUDIT_KEY_FILE=$TMP/audit-$RANDOM.key
  OPSDESK_ADMIN_PASSWORD=Admin-pass-1 "$BIN" init --db "$url" >/dev/null || return 1
  local policy
  policy=$(python3 "$ROOT/bench/bench_policy.py" "$TMP") || return 1  # once: the same file for every node
  for p in "$@"; do
    "$BIN" serve --db "$url" --listen 127.0.0.1:$p --node-id "bench$i" --policy "$policy" \
      ${OPSDESK_SERVE_ARGS:-} >"$TMP/od$i.log" 2>&1 &
    PIDS+=($!)
    echo $! >>"$TMP/started-pids"
    i=$((i + 1))
  done
  PID=${PIDS[0]}
  for p in "$@"; do wait_port "$p" || { echo "events_vs_alertmanager: node on port $p did not start:" >&2; tail -n 5 "$TMP"/od*.log >&2; return 1; }; done
  TOKEN=$(od_token "$1") || return 1
}

# Alertmanager peers, one per port given; two or more gossip with each other on loopback
start_amc() {
  local n=$# i j p dir cports=() args
  for p in "$@"; do cports+=("$(port)"); done
  i=0
  for p in "$@"; do
    dir=$TMP/am-$RANDOM-$i
    mkdir -p "$dir"
    printf 'route: {receiver: "null", group_by: [alertname], group_wait: 30s}\nreceivers: [{name: "null"}]\n' >"$dir/am.yml"
    args=(--cluster.listen-address=)
    if [ "$n" -gt 1 ]; then
      args=("--cluster.listen-address=127.0.0.1:${cports[i]}" "--cluster.advertise-address=127.0.0.1:${cports[i]}")
      for j in $(seq 0 $((n - 1))); do [ "$j" = "$i" ] || args+=("--cluster.peer=127.0.0.1:${cports[j]}"); done
    fi
    prometheus-alertmanager --config.file="$dir/am.yml" --storage.path="$dir" --web.listen-address=127.0.0.1:$p \
      "${args[@]}" >"$TMP/am$i.log" 2>&1 &
    PIDS+=($!)
    echo $! >>"$TMP/started-pids"
    i=$((i + 1))
  done
  PID=${PIDS[0]}
  for p in "$@"; do wait_port "$p" || { echo "events_vs_alertmanager: Alertmanager on port $p did not start:" >&2; tail -n 5 "$TMP"/am*.log >&2; return 1; }; done
  if [ "$n" -gt 1 ]; then  # every peer sees the others before the load starts
    local formed=0
    for _ in $(seq 100); do
      curl -s "http://127.0.0.1:$1/api/v2/status" | python3 -c 'import json,sys; sys.exit(len(json.load(sys.stdin)["cluster"]["peers"]) != int(sys.argv[1]))' "$n" 2>/dev/null && { formed=1; break; }
      sleep 0.2
    done
    [ "$formed" = 1 ] || { echo "events_vs_alertmanager: the $n Alertmanager peers did not form a cluster within 20 s" >&2; return 1; }
  fi
  TOKEN=
}

# proportional set size (MB) of the throwaway PostgreSQL: the postmaster and its children
pg_pss_mb() {
  local pm t=0 p
  pm=$(head -1 "$PGDIR/data/postmaster.pid" 2>/dev/null) || { echo 0; return; }
  for p in $pm $(pgrep -P "$pm" || true); do
    t=$((t + $(awk '/^Pss:/ {print $2}' /proc/$p/smaps_rollup 2>/dev/null || echo 0)))
  done
  echo $((t / 1000))
}

# one run of server kind $1 (sqlite|pg|am) with $2 nodes: prints "alerts_s p50 p99 rss pg_pss non2xx errors"
run_spread() {
  local kind=$1 n=$2 load=$3 batch=$4 conns=$5 ports=() i c t lua_target=od
  # called in $( ): a subshell, which has no EXIT trap of its own; errexit does not hold inside
  # `out=$(…) || …`, so every step that can fail exits explicitly
  trap 'for p in ${WRK_PIDS[@]+"${WRK_PIDS[@]}"}; do kill -KILL "$p" 2>/dev/null || true; done; stop_server' EXIT
  trap 'exit 130' INT TERM
  for i in $(seq "$n"); do ports+=("$(port)"); done
  TOKEN=
  case $kind in
    sqlite) start_od "${ports[0]}" || exit 1 ;;
    pg) start_odpg "${ports[@]}" || exit 1 ;;
    am) start_amc "${ports[@]}" || exit 1; lua_target=am ;;
  esac
  [ "$kind" = am ] || [ -n "$TOKEN" ] || { echo "events_vs_alertmanager: no API key from the $kind server" >&2; exit 1; }
  WRK_PIDS=()
  for i in $(seq 0 $((n - 1))); do
    c=$((conns / n + (i < conns % n ? 1 : 0)))
    t=1; [ "$n" = 1 ] && [ "$c" -ge 2 ] && t=2
    TARGET=$lua_target KIND=$load BATCH=$batch TOKEN=$TOKEN PREFIX="n$i-" HIST=$TMP/hist$i \
      wrk -t$t -c$c -d${DUR}s --latency -s "$LUA" "http://127.0.0.1:${ports[i]}" >"$TMP/wrk$i.out" 2>&1 &
    WRK_PIDS+=($!)
  done
  for i in "${WRK_PIDS[@]}"; do wait "$i" || true; done
  WRK_PIDS=()
  local rss=0 pss=0 p
  for p in "${PIDS[@]:-$PID}"; do rss=$((rss + $(rss_mb "$p"))); done
  [ "$kind" = pg ] && pss=$(pg_pss_mb)
  stop_server
  python3 - "$TMP" "$n" "$batch" "$rss" "$pss" <<'PY' || exit 1
import collections, os, re, sys
tmp, n, batch, rss, pss = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4], sys.argv[5]
req_s = non2xx = errors = 0
hist = collections.Counter()
for i in range(n):
    out = open(os.path.join(tmp, "wrk%d.out" % i)).read()
    m = re.search(r"^RESULT (.*)$", out, re.M)
    if not m:
        sys.exit("events_vs_alertmanager: wrk %d gave no result:\n%s" % (i, out))
    kv = dict(re.findall(r"(\w+)=([\d.]+)", m.group(1)))
    # alerts answered 2xx only: a run whose answers are errors must not look fast
    req_s += float(kv["req_s"]) * (1 - int(kv["non2xx"]) / max(float(kv["requests"]), 1))
    non2xx += int(kv["non2xx"])
    errors += int(kv["errors"])
    for line in open(os.path.join(tmp, "hist%d" % i)):
        v, c = line.split()
        hist[int(v)] += int(c)
total = sum(hist.values())

def pct(q):
    seen = 0
    for v in sorted(hist):
        seen += hist[v]
        if seen >= q / 100.0 * total:
            return v / 1000.0
    return 0.0

print("%.0f %.3f %.3f %s %s %d %d" % (req_s * batch, pct(50), pct(99), rss, pss, non2xx, errors))
PY
}

if [ "$DB" = postgres ]; then
  AM_PEERS=${BENCH_AM_PEERS:-3}
  ROWS="sqlite:1"
  for n in $NODE_LIST; do ROWS="$ROWS pg:$n"; done
  ROWS="$ROWS am:1 am:$AM_PEERS"
  echo "| scenario | server | nodes | alerts/s | p50 ms | p99 ms | RSS MB (nodes) | PostgreSQL PSS MB | ÷ Alertmanager | ÷ Alertmanager $AM_PEERS peers |"
  echo "|---|---|---|---|---|---|---|---|---|---|"
  for s in $SCEN; do
    IFS=: read -r load batch conns <<<"$s"
    declare -A res=()
    notes=
    for row in $ROWS; do
      kind=${row%:*} n=${row#*:}
      a=(); p5=(); p9=(); r=(); q=(); bad=0 err=0
      for _ in $(seq "$RUNS"); do
        out=$(run_spread "$kind" "$n" "$load" "$batch" "$conns") || { echo "events_vs_alertmanager: $row failed" >&2; exit 1; }
        read -r x y z w v nb ne <<<"$out"
        a+=("$x"); p5+=("$y"); p9+=("$z"); r+=("$w"); q+=("$v"); bad=$((bad + nb)); err=$((err + ne))
      done
      res[$row]="$(median "${a[@]}") $(median "${p5[@]}") $(median "${p9[@]}") $(median "${r[@]}") $(median "${q[@]}")"
      [ "$bad" = 0 ] && [ "$err" = 0 ] || notes="$notes  ($row: $bad non-2xx answers, $err socket errors)"$'\n'
    done
    read -r am1 _ <<<"${res[am:1]}"
    read -r amc _ <<<"${res[am:$AM_PEERS]}"
    for row in $ROWS; do
      kind=${row%:*} n=${row#*:}
      read -r x y z w v <<<"${res[$row]}"
      case $kind in sqlite) name="opsdesk, SQLite"; v="" ;; pg) name="opsdesk, PostgreSQL" ;; am) name="Alertmanager"; v="" ;; esac
      r1=$(python3 -c "print('%.2f×' % ($x / $am1) if $am1 else '–')")
      rc=$(python3 -c "print('%.2f×' % ($x / $amc) if $amc else '–')")
      echo "| $load, $batch/req, c$conns | $name | $n | $x | $y | $z | $w | $v | $r1 | $rc |"
    done
    printf '%s' "$notes"
    unset res
  done
  exit 0
fi

if [ "${BENCH_MILLION:-0}" = 1 ]; then
  for target in ${BENCH_TARGETS:-od am}; do
    p=$(port)
    start_$target "$p"
    rss0=$(rss_mb "$PID")
    out=$(TARGET=$target KIND=distinct BATCH=100 TOKEN=$TOKEN MAX_REQ=5000 timeout 600 wrk -t2 -c32 -d${BENCH_MILLION_SECONDS:-60}s --latency \
          -s "$LUA" http://127.0.0.1:$p 2>&1 | grep '^RESULT')
    rss=$(rss_mb "$PID")
    stop_server
    stored=
    [ "$target" = od ] && stored=$(python3 -c 'import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute("SELECT COUNT(*) FROM events").fetchone()[0])' "$OD_DB")
    echo "$target: $out rss_before_mb=$rss0 rss_after_mb=$rss ${stored:+events_stored=$stored}"
  done
  exit 0
fi

if [ "${BENCH_BUDGET:-0}" = 1 ]; then
  # The targets against what this machine has: for 1 and 100 distinct alerts per
  # request at 32 connections, Alertmanager's alerts/s gives the target (3x, 5x) and so the
  # requests/s needed; nproc cores give the machine time per request at that rate.  Measured
  # in this run, per request: wrk's own CPU and nginx's (the least an HTTP server costs: it
  # answers 204 without reading), opsdesk's JSON parse of the body (events_ingest_bench:
  # jansson + the raw spans), and SQLite storing the rows alone (sqlite_floor.sh, in
  # transactions of one group commit: 32 requests' rows, at most 2000).  What is left is for
  # everything else: the pipeline, the hand-over to the writer and back, the answer.
  BENCH_DIR=${BENCH_DIR:-/tmp}
  INGEST=${EVENTS_INGEST_BENCH:-$(dirname "$BIN")/bench/events_ingest_bench}
  [ -x "$INGEST" ] || { echo "events_vs_alertmanager: $INGEST not built (make build)" >&2; exit 1; }
  cores=$(nproc)
  echo "| alerts/request | Alertmanager alerts/s | target | requests/s needed | machine µs/request ($cores cores) | wrk µs/request | nginx µs/request | parse µs/request | SQLite µs/request (rows/tx) | left µs/request | SQLite alone, rows/s | rows/s needed |"
  echo "|---|---|---|---|---|---|---|---|---|---|---|---|"
  for spec in 1:3 100:5; do
    IFS=: read -r batch k <<<"$spec"
    am=(); wrk_us=(); ng_us=()
    for _ in $(seq "$RUNS"); do
      read -r x _ _ _ _ _ _ <<<"$(run_one am distinct $batch 32)"; am+=("$x")
      read -r _ _ _ _ _ y z <<<"$(run_one ng distinct $batch 32)"; ng_us+=("$y"); wrk_us+=("$z")
    done
    am_m=$(median "${am[@]}"); ng_m=$(median "${ng_us[@]}"); wrk_m=$(median "${wrk_us[@]}")
    parse=$("$INGEST" -b "$batch" -g 32 -n $((batch == 1 ? 64000 : 320000)) -d "$BENCH_DIR" |
            sed -n 's/.*parse \([0-9.]*\) us\/event.*/\1/p')
    group=$((32 * batch > 2000 ? 2000 : 32 * batch))
    floor=$(OPSDESK_BIN=$BIN FLOOR_GROUP=$group FLOOR_ROWS=$((group * 1000 > 200000 ? 200000 : group * 1000)) \
            FLOOR_RUNS=$RUNS bash "$ROOT/bench/sqlite_floor.sh" | grep '^| as stored')
    IFS='|' read -r _ _ _ frows fcpu _ <<<"$floor"
    python3 - "$batch" "$k" "$am_m" "$cores" "$wrk_m" "$ng_m" "$parse" "$group" $frows $fcpu <<'PY'
import sys
b, k, am, cores, wrk, ng, parse, group, frows, fcpu = sys.argv[1:]
b, k, am, cores, group = int(b), int(k), float(am), int(cores), int(group)
wrk, ng, parse, frows, fcpu = float(wrk), float(ng), float(parse) * b, float(frows), float(fcpu) * b
need_alerts = k * am
need_req = need_alerts / b
machine = cores * 1e6 / need_req
left = machine - wrk - ng - parse - fcpu
print("| %d | %.0f | %dx = %.0f | %.0f | %.1f | %.1f | %.1f | %.1f | %.1f (%d) | **%.1f** | %.0f | %.0f |" %
      (b, am, k, need_alerts, need_req, machine, wrk, ng, parse, fcpu, group, left, frows, need_alerts))
PY
  done
  echo
  echo "left < 0: the machine cannot do it with an HTTP server as cheap as nginx, jansson and SQLite rows."
  echo "SQLite alone below rows/s needed: one writer thread cannot store them, whatever else it does."
  exit 0
fi

echo "| scenario | opsdesk alerts/s | p50 ms | p99 ms | RSS MB | Alertmanager alerts/s | p50 ms | p99 ms | RSS MB | ratio alerts/s | ratio p99 | nginx 204 alerts/s | nginx / Alertmanager |"
echo "|---|---|---|---|---|---|---|---|---|---|---|---|---|"
for s in $SCEN; do
  IFS=: read -r kind batch conns <<<"$s"
  declare -A col=()
  col[od]="0 0 0 0 0"; col[am]="0 0 0 0 0"; col[ng]="0 0 0 0 0"
  for target in ${BENCH_TARGETS:-od am ng}; do
    a=(); p5=(); p9=(); r=(); bad=0
    for _ in $(seq "$RUNS"); do
      read -r x y z w n _ _ <<<"$(run_one $target $kind $batch $conns)"
      a+=("$x"); p5+=("$y"); p9+=("$z"); r+=("$w"); bad=$((bad + ${n%.*}))
    done
    col[$target]="$(median "${a[@]}") $(median "${p5[@]}") $(median "${p9[@]}") $(median "${r[@]}") $bad"
  done
  read -r oa o5 o9 orss obad <<<"${col[od]}"
  read -r aa a5 a9 arss abad <<<"${col[am]}"
  read -r na _ _ _ nbad <<<"${col[ng]}"
  ratio=$(python3 -c "print('%.2f' % ($oa / $aa if $aa else 0))")
  rp99=$(python3 -c "print('%.2f' % ($o9 / $a9 if $a9 else 0))")
  nratio=$(python3 -c "print('%.2f' % ($na / $aa if $aa else 0))")
  echo "| $kind, $batch/req, c$conns | $oa | $o5 | $o9 | $orss | $aa | $a5 | $a9 | $arss | ${ratio}× | ${rp99} | $na | ${nratio}× |"
  [ "$obad" = 0 ] || echo "  (opsdesk non-2xx answers: $obad)"
  [ "$abad" = 0 ] || echo "  (Alertmanager non-2xx answers: $abad)"
  [ "$nbad" = 0 ] || echo "  (nginx non-2xx answers: $nbad)"
  unset col
done
