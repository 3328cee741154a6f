#!/usr/bin/env python3
"""cluster_bench.py — event ingestion and deadline firing on 1 against 3
opsdesk nodes sharing one PostgreSQL (docs/deploy/cluster.md; results in
bench/results.md "Several nodes on PostgreSQL").

For each node count (BENCH_NODES, default "1 3") and each of BENCH_RUNS runs
(default 3; the table gives medians) a fresh throwaway PostgreSQL 15
(tests/pg/pgtmp.py, fsync and synchronous_commit on) and fresh nodes:
  * ingestion: BENCH_CLIENTS client threads (default 8) spread round-robin
    over the nodes post batches of BENCH_BATCH (default 100) distinct events
    to POST /api/v1/events for BENCH_DURATION seconds (default 8): events/s
    answered 202;
  * deadlines: BENCH_DEADLINES incidents (default 600; L3 CI, first report
    due 10 min after registration) are registered, then every node is told
    at once to set the shared test clock 11 min later; the time until no
    deadline is due, and deadlines fired per second.
On one 2-core machine the nodes, the clients and PostgreSQL share the cores:
what this shows is the cost of coordination (claims, key locks), not
scaling, which needs separate machines.
Usage: OPSDESK_BIN=build/opsdesk python3 bench/cluster_bench.py
"""
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tests", "api"))
sys.path.insert(0, os.path.join(ROOT, "tests", "pg"))
import harness  # noqa: E402
import pgtmp  # noqa: E402

RUNS = int(os.environ.get("BENCH_RUNS", "3"))
CLIENTS = int(os.environ.get("BENCH_CLIENTS", "8"))
BATCH = int(os.environ.get("BENCH_BATCH", "100"))
DURATION = float(os.environ.get("BENCH_DURATION", "8"))
DEADLINES = int(os.environ.get("BENCH_DEADLINES", "600"))
NODE_COUNTS = [int(x) for x in os.environ.get("BENCH_NODES", "1 3").split()]


def call(node, method, path, body, token, timeout=600):
    req = urllib.request.Request(node.base + path, data=json.dumps(body).encode(), method=method,
                                 headers={"Content-Type": "application/json", "Authorization": "Bearer " + token})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return r.status, json.loads(r.read() or b"null")
    except urllib.error.HTTPError as ex:
        return ex.code, None
    except OSError:
        return 0, None


def psql(pg, q):
    r = subprocess.run([os.path.join(pgtmp.BIN, "psql"), "-X", "-q", "-A", "-t", "-d", pg.url(), "-c", q],
                       check=True, stdout=subprocess.PIPE)
    return r.stdout.decode().strip()


def one_run(n_nodes, run):
    pg = pgtmp.Pg(fsync=True).start()
    tmp = tempfile.mkdtemp(prefix="opsdesk-bench-")
    os.environ["OPSDESK_AUDIT_KEY_FILE"] = os.path.join(tmp, "audit.key")
    nodes = []
    try:
        for i in range(n_nodes):
            s = harness.Server(tmp=tempfile.mkdtemp(prefix="opsdesk-bench-node-"), extra_args=["--node-id", "b%d" % i])
            s.owns_tmp = True
            s.db = pg.url()
            nodes.append(s)
        nodes[0].init()
        for s in nodes:
            s.start()
        admin = nodes[0].admin("sysadmin")
        key = call(nodes[0], "POST", "/api/v1/api-keys", {"name": "bench", "integration": "api"}, admin)[1]["key"]
        _, eng = nodes[0].make_user("eng", ["ops_engineer"], department="应用部")
        ci = call(nodes[0], "POST", "/api/v1/cis", {"name": "app-L3", "category": "application", "grade": "L3",
                                                    "department": "应用部", "attributes": {}}, eng)[1]["id"]
        # ---- ingestion ----
        done, stop = [0] * CLIENTS, time.time() + DURATION

        def client(k):
            node, i = nodes[k % n_nodes], 0
            while time.time() < stop:
                evs = [{"status": "firing", "dedup_key": "b%d-%d-%d" % (k, i, j), "severity": "warning",
                        "summary": "bench"} for j in range(BATCH)]
                i += 1
                if call(node, "POST", "/api/v1/events", evs, key)[0] == 202:
                    done[k] += BATCH
        t0 = time.time()
        ts = [threading.Thread(target=client, args=(k,)) for k in range(CLIENTS)]
        for t in ts:
            t.start()
        for t in ts:
            t.join()
        ingest = sum(done) / (time.time() - t0)
        # ---- deadlines ----
        lock = threading.Lock()
        ids = []

        def registrar(k):
            for i in range(k, DEADLINES, 6):
                st, body = call(nodes[i % n_nodes], "POST", "/api/v1/incidents",
                                {"title": "bench %d" % i, "ci_ids": [ci], "severity": "moderate", "location": "A",
                                 "symptoms": "s", "impact_scope": "i"}, eng)
                if st == 201:
                    with lock:
                        ids.append(body["id"])
        ts = [threading.Thread(target=registrar, args=(k,)) for k in range(6)]
        for t in ts:
            t.start()
        for t in ts:
            t.join()
        now_ms = call(nodes[0], "POST", "/api/v1/test/clock", {"advance_seconds": 0}, admin)[1]["now_ms"]
        target = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(now_ms // 1000 + 11 * 60 + 1))
        t0 = time.time()
        ts = [threading.Thread(target=call, args=(s, "POST", "/api/v1/test/clock", {"set": target}, admin))
              for s in nodes]
        for t in ts:
            t.start()
        while int(psql(pg, "SELECT COUNT(*) FROM deadlines WHERE fire_at IS NOT NULL AND fire_at <= (SELECT "
                            "CAST(value AS BIGINT) FROM meta WHERE key = 'test_clock_ms')") or 0) > 0 \
                or psql(pg, "SELECT value FROM meta WHERE key = 'test_clock_ms'") == "":
            time.sleep(0.1)
        fire_s = time.time() - t0
        for t in ts:
            t.join()
        fired = int(psql(pg, "SELECT COUNT(*) FROM deadlines WHERE status = 'missed'"))
        dup = int(psql(pg, "SELECT COUNT(*) - COUNT(DISTINCT incident_id) FROM incident_timeline WHERE kind = "
                           "'deadline_missed' AND text LIKE '%first_report%'"))
        by = psql(pg, "SELECT string_agg(fired_by || ':' || c, ' ') FROM (SELECT fired_by, COUNT(*) c FROM "
                      "deadlines WHERE fired_by IS NOT NULL GROUP BY 1 ORDER BY 1) x")
        sys.stderr.write("nodes=%d run=%d: %.0f events/s; %d deadlines fired in %.2f s (%s), %d fired twice\n"
                         % (n_nodes, run, ingest, fired, fire_s, by, dup))
        return ingest, fired / fire_s, fire_s, dup
    finally:
        for s in nodes:
            s.cleanup()
        pg.stop()


def main():
    rows = []
    for n in NODE_COUNTS:
        res = [one_run(n, r) for r in range(RUNS)]
        rows.append((n, statistics.median(r[0] for r in res), statistics.median(r[1] for r in res),
                     statistics.median(r[2] for r in res), sum(r[3] for r in res)))
    print("| nodes | events/s (median) | deadlines fired/s (median) | firing %d deadlines, s (median) | fired twice |"
          % DEADLINES)
    print("|---|---|---|---|---|")
    for n, ev, dl, s, dup in rows:
        print("| %d | %.0f | %.0f | %.2f | %d |" % (n, ev, dl, s, dup))


if __name__ == "__main__":
    main()
