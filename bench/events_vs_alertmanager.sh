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
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BIN=${OPSDESK_BIN:-$ROOT/build/opsdesk}
DUR=${BENCH_DURATION:-10}
RUNS=${BENCH_RUNS:-3}
SCEN=${BENCH_SCENARIOS:-distinct:1:1 distinct:1:32 distinct:100:1 distinct:100:32 repeat:1:1 repeat:1:32 repeat:100:1 repeat:100:32}
LUA=$ROOT/bench/events_wrk.lua

[ -x "$BIN" ] || { echo "events_vs_alertmanager: $BIN not built (run make build)" >&2; exit 1; }
SUDO=; [ "$(id -u)" -eq 0 ] || SUDO=sudo
for pkg in wrk:wrk prometheus-alertmanager:prometheus-alertmanager nginx:nginx-light; do
  cmd=${pkg%%:*}
  command -v "$cmd" >/dev/null || { echo "== installing ${pkg#*:} (apt-get)"; $SUDO apt-get install -y "${pkg#*:}" >/dev/null 2>&1 || { $SUDO apt-get update >/dev/null && $SUDO apt-get install -y "${pkg#*:}" >/dev/null; }; }
done

TMP=$(mktemp -d "${BENCH_DIR:-/tmp}/opsdesk-evbench-XXXXXX")
PID=
stop_server() {
  if [ -n "$PID" ] && kill -0 "$PID" 2>/dev/null; then kill -TERM "$PID"; wait "$PID" 2>/dev/null || true; fi
  PID=
}
trap 'stop_server; rm -rf "$TMP"' EXIT
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
  local sys
  sys=$(curl -s http://127.0.0.1:$p/api/v1/auth/login -d '{"username":"sysadmin","password":"Admin-pass-1"}' |
        python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')
  TOKEN=$(curl -s http://127.0.0.1:$p/api/v1/api-keys -H "Authorization: Bearer $sys" \
          -d '{"name":"bench","integration":"alertmanager"}' | python3 -c 'import json,sys; print(json.load(sys.stdin)["key"])')
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

median() { python3 -c 'import sys,statistics; m=statistics.median(float(x) for x in sys.argv[1:]); print("%.0f" % m if m >= 1000 else "%g" % m)' "$@"; }

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
