#!/usr/bin/env bash
# sqlite_floor.sh — the fastest this machine's SQLite stores opsdesk's event
# rows, with nothing else: no HTTP, no JSON, no pipeline
# (the floor under bench/events_vs_alertmanager.sh).
#
# One real event row is made by opsdesk itself (init, serve, one Alertmanager
# alert through the API), then the sqlite3 shell copies it FLOOR_ROWS times
# (a different dedup key, raw and key hash each) with INSERT … SELECT over
# generate_series — no statement per row — in transactions of FLOOR_GROUP
# rows, with the writer's settings (WAL, synchronous=FULL, 8 MiB cache,
# automatic checkpoints).  Prints rows/s (wall) and CPU µs per row for the
# row as stored and for the same row without its decisions column, medians
# of FLOOR_RUNS runs.
# Environment: OPSDESK_BIN (default build/opsdesk), BENCH_DIR (default /tmp),
#   FLOOR_ROWS (200000), FLOOR_GROUP (2000), FLOOR_RUNS (3).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BIN=${OPSDESK_BIN:-$ROOT/build/opsdesk}
ROWS=${FLOOR_ROWS:-200000} GROUP=${FLOOR_GROUP:-2000} RUNS=${FLOOR_RUNS:-3}
[ -x "$BIN" ] || { echo "sqlite_floor: $BIN not built (run make build)" >&2; exit 1; }
SUDO=; [ "$(id -u)" -eq 0 ] || SUDO=sudo
command -v sqlite3 >/dev/null || $SUDO apt-get install -y sqlite3 >/dev/null
TMP=$(mktemp -d "${BENCH_DIR:-/tmp}/opsdesk-floor-XXXXXX")
PID=
trap '[ -n "$PID" ] && kill "$PID" 2>/dev/null; wait 2>/dev/null; rm -rf "$TMP"' EXIT

# one event row, made by opsdesk
p=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
OPSDESK_ADMIN_PASSWORD=Admin-pass-1 "$BIN" init --db "$TMP/proto.db" >/dev/null 2>&1
"$BIN" serve --db "$TMP/proto.db" --listen 127.0.0.1:$p --policy "$(python3 "$(dirname "$0")/bench_policy.py" "$TMP")" >"$TMP/od.log" 2>&1 &
PID=$!
for _ in $(seq 200); do (exec 3<>/dev/tcp/127.0.0.1/$p) 2>/dev/null && break; sleep 0.05; done
sys=$(curl -s http://127.0.0.1:$p/api/v1/auth/login -H "Content-Type: application/json" -d '{"username":"sysadmin","password":"Admin-pass-1"}' |
      python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')
key=$(curl -s http://127.0.0.1:$p/api/v1/api-keys -H "Authorization: Bearer $sys" -H "Content-Type: application/json" \
      -d '{"name":"floor","integration":"alertmanager"}' | python3 -c 'import json,sys; print(json.load(sys.stdin)["key"])')
# the alert of bench/events_wrk.lua (distinct kind)
curl -s -o /dev/null http://127.0.0.1:$p/api/v1/integrations/alertmanager -H "Authorization: Bearer $key" -H "Content-Type: application/json" \
  -d '{"version":"4","status":"firing","alerts":[{"labels":{"alertname":"Bench1","instance":"h-1-1-1","severity":"warning"},"annotations":{"summary":"bench alert"},"startsAt":"2026-05-01T10:00:00Z","status":"firing"}]}'
kill -TERM $PID; wait $PID 2>/dev/null || true; PID=

bytes=$(sqlite3 "$TMP/proto.db" "SELECT length(source)+length(dedup_key)+length(labels)+length(annotations)+length(raw)+length(decisions)+length(changes)+length(group_key)+length(status)+length(state)+ifnull(length(class),0)+length(severity)+length(summary) FROM events LIMIT 1")
decs=$(sqlite3 "$TMP/proto.db" "SELECT length(decisions) FROM events LIMIT 1")

script() { # $1: the decisions expression
  echo "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA cache_size=-8192;"
  echo "CREATE TEMP TABLE proto AS SELECT * FROM main.events LIMIT 1;"
  local t lo
  for ((t = 0; t < ROWS / GROUP; t++)); do
    lo=$((t * GROUP + 1))
    echo "BEGIN; INSERT INTO events(source,dedup_key,status,state,class,severity,summary,ci_id,labels,annotations,raw,count,flapping,changes,group_key,incident_id,incident_rule,window_id,api_key_id,first_seen,last_seen,received_at,updated_at,closed_at,decisions,key_hash) SELECT source,dedup_key||value,status,state,class,severity,summary,ci_id,labels,annotations,raw||value,count,flapping,changes,group_key,incident_id,incident_rule,window_id,api_key_id,first_seen,last_seen,received_at+value,updated_at,closed_at,$1,key_hash+value FROM proto, generate_series($lo,$((lo + GROUP - 1))); COMMIT;"
  done
}

measure() { # $1: label, $2: decisions expression -> "label rows/s cpu_us"
  local walls=() cpus=() out
  script "$2" >"$TMP/floor.sql"
  for _ in $(seq "$RUNS"); do
    cp "$TMP/proto.db" "$TMP/t.db"; rm -f "$TMP/t.db-wal" "$TMP/t.db-shm"
    out=$( { /usr/bin/time -f "%e %U %S" sqlite3 "$TMP/t.db" <"$TMP/floor.sql" >/dev/null; } 2>&1 | tail -1)
    read -r w u s <<<"$out"
    walls+=("$w"); cpus+=("$(python3 -c "print($u + $s)")")
  done
  python3 - "$1" "$ROWS" "${walls[*]}" "${cpus[*]}" <<'PY'
import statistics, sys
label, rows = sys.argv[1], int(sys.argv[2])
w = statistics.median(float(x) for x in sys.argv[3].split())
c = statistics.median(float(x) for x in sys.argv[4].split())
print("| %s | %d | %.0f | %.2f |" % (label, rows, rows / w, c / rows * 1e6))
PY
}

echo "one event row: $bytes bytes of text, of which decisions $decs; $ROWS rows in transactions of $GROUP, median of $RUNS"
echo
echo "| row | rows | rows/s (wall) | CPU µs per row |"
echo "|---|---|---|---|"
measure "as stored" decisions
measure "without decisions" "'[]'"
