#!/usr/bin/env bash
# incident_create.sh — POST /api/v1/incidents under load with wrk: requests/s and p50/p99 latency at 1 and 8
# connections, median of 3 runs of 20 s each.
#
# Starts its own `opsdesk serve` on 127.0.0.1 over a temporary database
# (initialized with OPSDESK_ADMIN_PASSWORD), creates an ops_engineer and one
# CI through the API, then runs wrk with a Lua script that sends a bearer
# token and a JSON body.  Stops the server and removes the database at the end.
#
# Environment:
#   OPSDESK_BIN     the binary (default build/opsdesk)
#   BENCH_DIR       where the temporary database goes (default /tmp; /dev/shm
#                   takes fsync out of the picture)
#   BENCH_DURATION  seconds per run (default 20)   BENCH_RUNS  runs per point (default 3)
#   BENCH_CONNS     connection counts (default "1 8")
#   BENCH_THREADS   server --threads (default: the server's default)
#   BENCH_RATE      requests/s: an open-loop run at this fixed rate with h2load instead of wrk
#                   (BENCH_RATE_CONNS connections, default 10; per-request latencies)
#   BENCH_KEEP      keep the temporary directory (database, server log)
#   BENCH_INIT_SQL  SQL run on the new database with sqlite3 before the server starts (experiments)
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BIN=${OPSDESK_BIN:-$ROOT/build/opsdesk}
DUR=${BENCH_DURATION:-20}
RUNS=${BENCH_RUNS:-3}
CONNS=${BENCH_CONNS:-1 8}
ADMIN_PW=Admin-pass-1
USER_PW=User-pass-1!

[ -x "$BIN" ] || { echo "incident_create: $BIN not built (run make build)" >&2; exit 1; }
for t in curl python3; do
  command -v $t >/dev/null || { echo "incident_create: $t is required" >&2; exit 1; }
done
if ! command -v wrk >/dev/null; then
  echo "== installing wrk (apt-get)"
  SUDO=; [ "$(id -u)" -eq 0 ] || SUDO=sudo
  $SUDO apt-get install -y wrk >/dev/null 2>&1 || { $SUDO apt-get update >/dev/null && $SUDO apt-get install -y wrk >/dev/null; }
fi

TMP=$(mktemp -d "${BENCH_DIR:-/tmp}/opsdesk-wrk-XXXXXX")
PID=
cleanup() {
  if [ -n "$PID" ] && kill -0 "$PID" 2>/dev/null; then
    kill -TERM "$PID"
    wait "$PID" 2>/dev/null || true
  fi
  if [ -n "${BENCH_KEEP:-}" ]; then echo "kept: $TMP" >&2; else rm -rf "$TMP"; fi
}
trap cleanup EXIT

PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
BASE=http://127.0.0.1:$PORT
DB=$TMP/opsdesk.db
export OPSDESK_ADMIN_PASSWORD=$ADMIN_PW
# minimum password-hash cost: only speeds up the setup logins, not the measured requests
export OPSDESK_PWHASH_COST=min

"$BIN" init --db "$DB" >/dev/null
[ -n "${BENCH_INIT_SQL:-}" ] && sqlite3 "$DB" "$BENCH_INIT_SQL"
serve_args=(serve --db "$DB" --listen "127.0.0.1:$PORT" --policy "$(python3 "$(dirname "$0")/bench_policy.py" "$TMP")")
[ -n "${BENCH_THREADS:-}" ] && serve_args+=(--threads "$BENCH_THREADS")
"$BIN" "${serve_args[@]}" >"$TMP/server.log" 2>&1 &
PID=$!
for _ in $(seq 1 100); do
  curl -s -o /dev/null "$BASE/healthz" && break
  kill -0 "$PID" 2>/dev/null || { cat "$TMP/server.log" >&2; exit 1; }
  sleep 0.1
done

# api METHOD PATH TOKEN [BODY] — prints the body, fails on a non-2xx status
api() {
  local out code
  out=$(curl -s -w '\n%{http_code}' -X "$1" -H 'Content-Type: application/json' \
    ${3:+-H "Authorization: Bearer $3"} ${4:+--data-binary "$4"} "$BASE$2")
  code=${out##*$'\n'}
  out=${out%$'\n'*}
  case $code in 2??) printf '%s' "$out" ;; *) echo "incident_create: $1 $2 -> $code $out" >&2; return 1 ;; esac
}
jget() { python3 -c 'import json,sys; print(json.load(sys.stdin)[sys.argv[1]])' "$1"; }
login() { api POST /api/v1/auth/login "" "{\"username\":\"$1\",\"password\":\"$2\"}" | jget token; }

SYS=$(login sysadmin "$ADMIN_PW")
SEC=$(login secadmin "$ADMIN_PW")
UID_=$(api POST /api/v1/users "$SYS" \
  '{"username":"bench-ops","password":"'"$USER_PW"'","display_name":"bench ops","department":"运行部"}' | jget id)
api PUT "/api/v1/users/$UID_/roles" "$SEC" '{"roles":["ops_engineer"]}' >/dev/null
TOK=$(login bench-ops "$USER_PW")
CI=$(api POST /api/v1/cis "$TOK" \
  '{"name":"bench-core-switch","category":"network","grade":"L2","department":"运行部","location":"机房A"}' | jget id)

BODY='{"title":"bench: core switch port flapping","ci_ids":['"$CI"'],"severity":"moderate","location":"机房A","symptoms":"port flapping on uplink","impact_scope":"one rack"}'
api POST /api/v1/incidents "$TOK" "$BODY" >/dev/null # one check outside wrk: 201

cat >"$TMP/post.lua" <<EOF
wrk.method = "POST"
wrk.path = "/api/v1/incidents"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer $TOK"
wrk.body = [[$BODY]]
EOF

if [ -n "${BENCH_RATE:-}" ]; then
  # Open loop at a fixed rate: h2load sends BENCH_RATE requests/s over BENCH_RATE_CONNS
  # connections (each at its share of the rate) whatever the answers' times; every
  # request's latency comes from h2load's per-request log.
  command -v h2load >/dev/null || { SUDO=; [ "$(id -u)" -eq 0 ] || SUDO=sudo; $SUDO apt-get install -y nghttp2-client >/dev/null; }
  RC=${BENCH_RATE_CONNS:-10}
  printf '%s' "$BODY" >"$TMP/body.json"
  echo "opsdesk incident create at a fixed rate: $BENCH_RATE req/s over $RC connections (h2load --rps), ${DUR}s per run, $RUNS runs"
  echo "binary $BIN; database $DB; $(nproc) CPUs shared by server and h2load; $(date -u +%Y-%m-%dT%H:%MZ); load $(cut -d' ' -f1 /proc/loadavg)"
  echo "| run | sent | 2xx | req/s | p50 ms | p90 ms | p99 ms | p99.9 ms | max ms |"
  echo "|---|---|---|---|---|---|---|---|---|"
  for r in $(seq 1 "$RUNS"); do
    rm -f "$TMP/h2.log"
    h2load --h1 -c "$RC" --rps "$(python3 -c "print($BENCH_RATE/$RC)")" -D "$DUR" -d "$TMP/body.json" \
      -H 'Content-Type: application/json' -H "Authorization: Bearer $TOK" \
      --log-file "$TMP/h2.log" "$BASE/api/v1/incidents" >"$TMP/h2.out" 2>&1 || { cat "$TMP/h2.out" >&2; exit 1; }
    python3 - "$r" "$TMP/h2.log" "$DUR" <<'PY'
import sys
run, path, dur = sys.argv[1], sys.argv[2], float(sys.argv[3])
rows = [l.split("\t") for l in open(path) if l.strip()]
lat = sorted(int(r[2]) / 1000.0 for r in rows)
ok = sum(1 for r in rows if r[1].startswith("2"))
def q(p):
    return lat[min(len(lat) - 1, int(p * len(lat)))]
print("| %s | %d | %d | %.0f | %.2f | %.2f | %.2f | %.2f | %.2f |" % (run, len(rows), ok, len(rows) / dur,
      q(0.5), q(0.9), q(0.99), q(0.999), lat[-1]))
PY
  done
  COUNT=$(api GET "/api/v1/incidents?limit=1" "$TOK" | jget total)
  echo "incidents in the database: $COUNT"
  exit 0
fi

echo "opsdesk incident create: POST /api/v1/incidents, ${DUR}s per run, median of $RUNS runs [min..max]"
echo "binary $BIN; database $DB; $(nproc) CPUs shared by server and wrk; $(date -u +%Y-%m-%dT%H:%MZ)"
RESULTS=$TMP/results.txt
: >"$RESULTS"
for c in $CONNS; do
  t=$((c < 2 ? c : 2))
  for r in $(seq 1 "$RUNS"); do
    echo "== wrk -t$t -c$c -d${DUR}s --latency -s post.lua $BASE  (run $r)" >&2
    wrk -t"$t" -c"$c" -d"${DUR}s" --latency -s "$TMP/post.lua" "$BASE" >"$TMP/wrk.out" 2>&1 || true
    python3 - "$c" "$TMP/wrk.out" >>"$RESULTS" <<'PY'
import re, sys
c, path = sys.argv[1], sys.argv[2]
txt = open(path).read()
def ms(v, u):
    return float(v) * {"us": 1e-3, "ms": 1.0, "s": 1e3, "m": 6e4}[u]
rps = re.search(r"Requests/sec:\s+([\d.]+)", txt)
p = {q: re.search(r"^\s+%s%%\s+([\d.]+)(us|ms|s|m)\s*$" % q, txt, re.M) for q in ("50", "99")}
reqs = re.search(r"(\d+) requests in", txt)
bad = re.search(r"Non-2xx or 3xx responses: (\d+)", txt)
err = re.search(r"Socket errors: (.*)", txt)
if not (rps and p["50"] and p["99"] and reqs):
    sys.stderr.write("could not parse wrk output:\n" + txt)
    sys.exit(1)
print(c, rps.group(1), ms(*p["50"].groups()), ms(*p["99"].groups()), reqs.group(1),
      bad.group(1) if bad else 0, "|" + (err.group(1) if err else ""))
PY
    tail -1 "$RESULTS" | awk '{printf "   c%s: %s req/s, p50 %.2f ms, p99 %.2f ms, %s requests, %s non-2xx %s\n", $1, $2, $3, $4, $5, $6, $7}' >&2
  done
done

COUNT=$(api GET "/api/v1/incidents?limit=1" "$TOK" | jget total)
SIZE=$(du -cb "$DB" "$DB-wal" 2>/dev/null | tail -1 | cut -f1)
python3 - "$RESULTS" "$COUNT" "$SIZE" <<'PY'
import statistics, sys
rows = [l.split() for l in open(sys.argv[1]) if l.strip()]
by = {}
for r in rows:
    by.setdefault(r[0], []).append(r)
def fmt(vals, f):
    return "%s [%s..%s]" % (f % statistics.median(vals), f % min(vals), f % max(vals))
print("| connections | req/s | p50 ms | p99 ms | non-2xx |")
print("|---|---|---|---|---|")
total = 0
for c, rs in by.items():
    total += sum(int(r[4]) for r in rs)
    print("| %s | %s | %s | %s | %d |" % (c, fmt([float(r[1]) for r in rs], "%.0f"), fmt([float(r[2]) for r in rs], "%.2f"),
                                   fmt([float(r[3]) for r in rs], "%.2f"), sum(int(r[5]) for r in rs)))
print("incidents in the database: %s (wrk counted %d requests + 1 setup); database + WAL: %.1f MB"
      % (sys.argv[2], total, int(sys.argv[3]) / 1e6))
PY
