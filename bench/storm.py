#!/usr/bin/env python3
"""storm.py — the desk during an alert storm (issue 20, "Storm isolation").

One `opsdesk serve` on 127.0.0.1 (real clock, a fresh SQLite database in
--dir, notification channels pointed at tests/notify/receivers.py on
loopback).  For --duration seconds (default 60; --quick: 20):

* ingestion at its maximum rate: wrk (bench/events_wrk.lua, distinct alerts,
  --batch alerts per request, --conns connections) against
  POST /api/v1/integrations/alertmanager;
* an interactive client (one keep-alive connection) at a steady --rate
  requests/s cycling incident list, incident get and incident create, each
  latency recorded;
* deadlines coming due: the bench policy sets every level's first-report
  deadline (R-NOT-1) to --within seconds; --deadlines incidents are created
  just before the storm, so their deadlines come due together inside it,
  and every incident the interactive client creates in the storm's first
  (duration - within) seconds adds one more.  Each deadline's lag is the time
  of its "deadline_missed" timeline entry minus its due time;
* the dispatcher: every message the storm's incidents write (first notices,
  first-report-overdue notices) goes by SMS to the loopback sink; its lag is
  outbox sent_at - created_at.

After the storm the script waits (at most 30 s) for the outbox to drain,
stops the server and reads the figures from the database file (all times are
the server's own clock).  Prints medians and p99 against the targets of
issue 20: interactive p99 <= 100 ms, every deadline within 1 s of due,
dispatcher lag <= 2 s.

  python3 bench/storm.py --opsdesk build/opsdesk [--quick] [--dir /tmp]
  make bench-storm [STORM_ARGS=--quick]
"""
import argparse
import http.client
import json
import os
import re
import shutil
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)
import bench_policy  # noqa: E402

ADMIN_PW = "Admin-pass-1"
USER_PW = "User-pass-1!"


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class Client:
    """One keep-alive HTTP connection to the server."""

    def __init__(self, port, token=None):
        self.port = port
        self.token = token
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)

    def call(self, method, path, body=None, token=None):
        headers = {"Content-Type": "application/json"}
        tok = token or self.token
        if tok:
            headers["Authorization"] = "Bearer " + tok
        data = json.dumps(body).encode() if body is not None else None
        for attempt in range(2):
            try:
                self.conn.request(method, path, body=data, headers=headers)
                r = self.conn.getresponse()
                raw = r.read()
                break
            except (ConnectionError, http.client.HTTPException):
                self.conn.close()
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
                if attempt:
                    raise
        try:
            obj = json.loads(raw) if raw else None
        except ValueError:
            obj = None
        return r.status, obj

    def ok(self, method, path, body=None, token=None):
        st, obj = self.call(method, path, body, token)
        if st // 100 != 2:
            raise SystemExit("storm: %s %s -> %d %r" % (method, path, st, obj))
        return obj


def storm_policy(tmp, within_s):
    """The bench policy with every first-report deadline `within_s` seconds."""
    path = bench_policy.path(tmp)
    with open(path, encoding="utf-8") as f:
        text = f.read()
    head, sep, rest = text.partition("\nfirst_report:\n")
    if not sep:
        raise SystemExit("storm: policy/default.yaml has no first_report block")
    block, nl, tail = rest.partition("\n\n")
    block = re.sub(r"within: \w+", "within: %ds" % within_s, block)
    with open(path, "w", encoding="utf-8") as f:
        f.write(head + sep + block + nl + tail)
    return path


def pct(vals, q):
    if not vals:
        return float("nan")
    s = sorted(vals)
    k = max(0, min(len(s) - 1, int(round(q / 100.0 * len(s) + 0.5)) - 1))
    return s[k]


def fmt_row(name, vals, unit="ms"):
    if not vals:
        return "| %s | 0 | - | - | - |" % name
    return "| %s | %d | %.1f | %.1f | %.1f |" % (name, len(vals), statistics.median(vals), pct(vals, 99), max(vals))


OPS = ["list", "get", "create"]


def interactive(c, body, rate, seconds):
    """The interactive client: list, get, create in turn at `rate` requests/s
    for `seconds`; returns ({op: [ms]}, {(op, status): count})."""
    lat = {op: [] for op in OPS}
    errors = {}
    created = []
    period = 1.0 / rate
    t0 = nxt = time.time()
    i = 0
    while True:
        now = time.time()
        if now - t0 >= seconds:
            break
        if now < nxt:
            time.sleep(nxt - now)
        nxt += period
        op = OPS[i % 3]
        i += 1
        s = time.perf_counter()
        if op == "list":
            st, obj = c.call("GET", "/api/v1/incidents?limit=20")
        elif op == "get":
            st, obj = c.call("GET", "/api/v1/incidents/%d" % (created[-1] if created else 1))
        else:
            st, obj = c.call("POST", "/api/v1/incidents", body)
            if st == 201:
                created.append(obj["id"])
        ms = (time.perf_counter() - s) * 1000
        if st // 100 == 2:
            lat[op].append(ms)
        else:
            errors[(op, st)] = errors.get((op, st), 0) + 1
    return lat, errors


class Sink:
    """The loopback SMS gateway: answers 200 and notes when each message
    (its idempotency key, "opsdesk-<outbox id>") arrived."""

    def __init__(self):
        import http.server
        got = self.got = {}

        class H(http.server.BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_POST(self):
                raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                at = time.time()
                try:
                    ref = json.loads(raw).get("ref", "")
                except ValueError:
                    ref = ""
                got.setdefault(ref, []).append(at)
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"{}")

        class Server(http.server.ThreadingHTTPServer):
            # a gateway's listen backlog, not socketserver's 5: the dispatcher opens up to
            # OD_DISPATCH_SENDERS_PER_CHANNEL connections at once, and a SYN dropped on a full
            # backlog is retried by the kernel after 1, 3, 7, 15 s (seen: p99 15 s with 5)
            request_queue_size = 128

        self.srv = Server(("127.0.0.1", 0), H)
        self.port = self.srv.server_address[1]
        threading.Thread(target=self.srv.serve_forever, daemon=True).start()

    def close(self):
        self.srv.shutdown()
        self.srv.server_close()


def cpu_sample(*pids):
    """Jiffies: the machine's (busy, total) from /proc/stat, then each pid's utime+stime."""
    with open("/proc/stat") as f:
        v = [int(x) for x in f.readline().split()[1:]]
    idle = v[3] + v[4]  # idle + iowait
    out = [sum(v) - idle, sum(v)]
    for pid in pids:
        try:
            with open("/proc/%d/stat" % pid) as f:
                st = f.read().rsplit(")", 1)[1].split()
            out.append(int(st[11]) + int(st[12]))
        except OSError:
            out.append(0)
    return out


def listen_overflows():
    """The machine's count of connections dropped on a full listen queue (/proc/net/netstat)."""
    with open("/proc/net/netstat") as f:
        lines = f.read().splitlines()
    for head, vals in zip(lines[::2], lines[1::2]):
        if head.startswith("TcpExt:"):
            return dict(zip(head.split()[1:], map(int, vals.split()[1:]))).get("ListenOverflows", 0)
    return 0


def thread_sample(pid):
    """Per server thread (/proc/PID/task/TID/schedstat): name, ns on a CPU, ns runnable but
    waiting for a CPU (the run queue)."""
    out = {}
    for tid in os.listdir("/proc/%d/task" % pid):
        try:
            with open("/proc/%d/task/%s/comm" % (pid, tid)) as f:
                name = f.read().strip()
            with open("/proc/%d/task/%s/schedstat" % (pid, tid)) as f:
                run, wait = [int(x) for x in f.read().split()[:2]]
        except OSError:
            continue
        out[tid] = (name, run, wait)
    return out


def thread_report(a, b, seconds):
    """Seconds on a CPU and seconds waiting for one, by thread name, during the storm."""
    by = {}
    for tid, (name, run, wait) in b.items():
        r0, w0 = a.get(tid, (name, 0, 0))[1:]
        n, rs, ws = by.get(name, (0, 0, 0))
        by[name] = (n + 1, rs + run - r0, ws + wait - w0)
    rows = sorted(by.items(), key=lambda kv: -(kv[1][1] + kv[1][2]))
    return ("server threads during the %.0f-s storm (schedstat; name ×count: s on a CPU / s runnable "
            "waiting for a CPU): " % seconds
            + "; ".join("%s ×%d: %.1f / %.1f" % (name, n, rs / 1e9, ws / 1e9) for name, (n, rs, ws) in rows
                        if rs + ws > 1e7))


def cpu_report(a, b):
    """The storm's CPU: shares of the machine's capacity (all CPUs) used by everything, the server
    and wrk (the rest is other processes, this script included)."""
    total = (b[1] - a[1]) or 1
    busy, srv, wrk = b[0] - a[0], b[2] - a[2], b[3] - a[3]
    return ("CPU during the storm (/proc/stat, share of %d CPUs): machine busy %.0f %%, opsdesk %.0f %%, "
            "wrk %.0f %%, everything else %.0f %%, idle %.0f %%"
            % (os.cpu_count(), 100 * busy / total, 100 * srv / total, 100 * wrk / total,
               100 * (busy - srv - wrk) / total, 100 * (total - busy) / total))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--opsdesk", default=os.path.join(ROOT, "build", "opsdesk"))
    ap.add_argument("--dir", default="/tmp", help="where the temporary database goes")
    ap.add_argument("--duration", type=int, default=60, help="seconds of storm (default 60)")
    ap.add_argument("--quick", action="store_true", help="20 s of storm")
    ap.add_argument("--within", type=int, default=0,
                    help="first-report deadline in seconds (default: a third of the duration)")
    ap.add_argument("--deadlines", type=int, default=50, help="incidents created before the storm (default 50)")
    ap.add_argument("--rate", type=float, default=20.0, help="interactive requests/s (default 20)")
    ap.add_argument("--batch", type=int, default=100, help="alerts per ingestion request (default 100)")
    ap.add_argument("--conns", type=int, default=32, help="ingestion connections (default 32)")
    ap.add_argument("--wrk-threads", type=int, default=1)
    ap.add_argument("--serve-args", default="", help="more `opsdesk serve` options")
    ap.add_argument("--alone", type=int, default=0,
                    help="seconds of the interactive client alone before the storm (default: a quarter of it)")
    ap.add_argument("--keep", action="store_true", help="keep the temporary directory")
    a = ap.parse_args()
    if a.quick:
        a.duration = 20
    within = a.within or max(3, a.duration // 3)
    a.alone = a.alone or max(5, a.duration // 4)
    if not shutil.which("wrk"):
        raise SystemExit("storm: wrk is required (apt-get install wrk)")
    if not os.access(a.opsdesk, os.X_OK):
        raise SystemExit("storm: %s is not built (make build)" % a.opsdesk)

    tmp = tempfile.mkdtemp(prefix="opsdesk-storm-", dir=a.dir)
    procs = []
    try:
        run(a, tmp, within, procs)
    finally:
        for p in procs:
            if p.poll() is None:
                if p.stdin:
                    p.stdin.close()
                p.send_signal(signal.SIGTERM)
                try:
                    p.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    p.kill()
        if not a.keep:
            shutil.rmtree(tmp, ignore_errors=True)
        else:
            print("kept", tmp)


def run(a, tmp, within, procs):
    load0 = " ".join(open("/proc/loadavg").read().split()[:3])
    sink = Sink()
    channels = os.path.join(tmp, "channels.yaml")
    with open(channels, "w", encoding="utf-8") as f:
        f.write("channels:\n  - name: sms-gw\n    kind: sms\n    url: http://127.0.0.1:%d/sms/gw\n"
                "    body: '{\"phone\": \"{{to}}\", \"content\": \"{{text}}\", \"ref\": \"{{idempotency_key}}\"}'\n"
                "    max_chars: 2000\n" % sink.port)
    policy = storm_policy(tmp, within)
    db = os.path.join(tmp, "opsdesk.db")
    env = dict(os.environ, OPSDESK_ADMIN_PASSWORD=ADMIN_PW, OPSDESK_PWHASH_COST="min")
    subprocess.run([a.opsdesk, "init", "--db", db, "--policy", policy], env=env, check=True,
                   stdout=subprocess.DEVNULL)
    port = free_port()
    log = open(os.path.join(tmp, "server.log"), "wb")
    srv = subprocess.Popen([a.opsdesk, "serve", "--db", db, "--listen", "127.0.0.1:%d" % port, "--policy", policy,
                            "--channels", channels] + a.serve_args.split(), env=env, stdout=log, stderr=log)
    procs.insert(0, srv)
    for _ in range(300):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            if srv.poll() is not None:
                raise SystemExit("storm: server exited:\n" + open(log.name).read()[-4000:])
            time.sleep(0.05)

    c = Client(port)
    sys_tok = c.ok("POST", "/api/v1/auth/login", {"username": "sysadmin", "password": ADMIN_PW})["token"]
    sec_tok = c.ok("POST", "/api/v1/auth/login", {"username": "secadmin", "password": ADMIN_PW})["token"]

    def user(name, role, phone=None, dept="运行部"):
        body = {"username": name, "password": USER_PW, "display_name": name, "department": dept}
        if phone:
            body["phone"] = phone
        uid = c.ok("POST", "/api/v1/users", body, sys_tok)["id"]
        c.ok("PUT", "/api/v1/users/%d/roles" % uid, {"roles": [role]}, sec_tok)
        return c.ok("POST", "/api/v1/auth/login", {"username": name, "password": USER_PW})["token"]

    eng = user("storm-eng", "ops_engineer")
    user("storm-head", "ops_section_head", "13800000001")
    user("storm-liaison", "liaison", "13800000002")
    user("storm-dept", "ops_department_head", "13800000003")
    c.token = eng
    ci = c.ok("POST", "/api/v1/cis", {"name": "storm-core-switch", "category": "network", "grade": "L3",
                                      "department": "运行部", "location": "机房A"})["id"]
    key = c.ok("POST", "/api/v1/api-keys", {"name": "storm", "integration": "alertmanager"}, sys_tok)["key"]
    body = {"title": "storm: core switch port flapping", "ci_ids": [ci], "severity": "moderate",
            "location": "机房A", "symptoms": "port flapping on uplink", "impact_scope": "one rack"}

    # the same interactive client alone first: the reference of this run
    alone, _ = interactive(c, body, a.rate, a.alone) if a.alone else ({}, {})

    # the deadlines that come due together inside the storm
    t_pre = time.time()
    for _ in range(a.deadlines):
        c.ok("POST", "/api/v1/incidents", body)
    pre_s = time.time() - t_pre

    wrk_env = dict(os.environ, TARGET="od", BATCH=str(a.batch), KIND="distinct", TOKEN=key)
    wrk_out = os.path.join(tmp, "wrk.out")
    with open(wrk_out, "w") as wo:
        wrk = subprocess.Popen(["wrk", "-t%d" % a.wrk_threads, "-c%d" % a.conns, "-d%ds" % a.duration, "--latency",
                                "-s", os.path.join(HERE, "events_wrk.lua"), "http://127.0.0.1:%d" % port],
                               env=wrk_env, stdout=wo, stderr=subprocess.STDOUT)
    procs.append(wrk)
    t0 = time.time()
    cpu0, th0, ovf0 = cpu_sample(srv.pid, wrk.pid), thread_sample(srv.pid), listen_overflows()
    lat, errors = interactive(c, body, a.rate, a.duration)
    cpu1, th1, ovf1 = cpu_sample(srv.pid, wrk.pid), thread_sample(srv.pid), listen_overflows()
    wrk.wait(timeout=a.duration + 60)
    t_end = time.time()

    # drain: the outbox empties (at most 30 s)
    drain_deadline = time.time() + 30
    pending = None
    while time.time() < drain_deadline:
        with sqlite3.connect("file:%s?mode=ro" % db, uri=True, timeout=30) as q:
            pending = q.execute("SELECT count(*) FROM outbox WHERE status = 'pending'").fetchone()[0]
        if not pending:
            break
        time.sleep(0.5)
    srv.send_signal(signal.SIGTERM)
    srv.wait(timeout=60)

    q = sqlite3.connect(db)
    start_ms, end_ms = int(t0 * 1000), int(t_end * 1000)
    dl = q.execute("""SELECT d.id, d.due_at, d.status,
                         (SELECT min(t.at) FROM incident_timeline t WHERE t.incident_id = d.incident_id
                            AND t.kind = 'deadline_missed' AND t.at >= d.due_at)
                      FROM deadlines d WHERE d.kind = 'first_report' AND d.due_at >= ? AND d.due_at < ?""",
                   (start_ms, end_ms)).fetchall()
    dl_lag = [r[3] - (r[1] + 1) for r in dl if r[3] is not None]
    dl_unfired = [r for r in dl if r[3] is None]
    fired_twice = q.execute("""SELECT count(*) FROM (SELECT incident_id FROM incident_timeline
                               WHERE kind = 'deadline_missed' GROUP BY incident_id HAVING count(*) > 1)""").fetchone()[0]
    ob = q.execute("""SELECT o.id, o.created_at, o.status,
                         (SELECT min(d.at) FROM deliveries d WHERE d.outbox_id = o.id AND d.status = 'sent')
                      FROM outbox o WHERE o.created_at >= ? AND o.created_at < ?""",
                   (start_ms - int(pre_s * 1000) - 1000, end_ms)).fetchall()
    # where a message's time goes: created -> the dispatcher's pass that sent it began (the
    # delivery's `at` is the pass's time) -> arrived at the sink (claim, the sends and records
    # before it in that pass, its own send)
    ob_wait = [r[3] - r[1] for r in ob if r[3] is not None]
    ob_pass = [sink.got["opsdesk-%d" % r[0]][0] * 1000 - r[3] for r in ob
               if r[3] is not None and sink.got.get("opsdesk-%d" % r[0])]
    # created (the server's clock) -> arrived at the sink (this machine's clock: the same real clock)
    ob_lag = [sink.got["opsdesk-%d" % r[0]][0] * 1000 - r[1] for r in ob if sink.got.get("opsdesk-%d" % r[0])]
    ob_unsent = sum(1 for r in ob if r[2] != "sent")
    ob_dups = sum(1 for v in sink.got.values() if len(v) > 1)
    sink.close()
    events = q.execute("SELECT count(*) FROM events").fetchone()[0]
    q.close()

    txt = open(wrk_out).read()
    m = re.search(r"(\d+) requests in ([\d.]+)(\w+)", txt)
    reqs = int(m.group(1)) if m else 0
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", txt)
    bad = int(bad.group(1)) if bad else 0
    rps = re.search(r"Requests/sec:\s+([\d.]+)", txt)
    rps = float(rps.group(1)) if rps else 0.0

    inter = [v for op in OPS for v in lat[op]]
    print("opsdesk storm: %d s of ingestion (wrk -t%d -c%d, %d distinct alerts per request) on %d CPUs; %s UTC"
          % (a.duration, a.wrk_threads, a.conns, a.batch, os.cpu_count(), time.strftime("%Y-%m-%dT%H:%M",
                                                                                       time.gmtime(t0))))
    print("load average before the run: %s (the machine is shared)" % load0)
    print("ingestion: %.0f requests/s, %.0f alerts/s offered; %d non-2xx (503: queue full); %d events stored"
          % (rps, rps * a.batch, bad, events))
    print("interactive: %.0f requests/s asked, %d answered 2xx, errors %s"
          % (a.rate, len(inter), {"%s %d" % k: v for k, v in errors.items()} or "none"))
    print()
    print("| what | n | median ms | p99 ms | max ms |")
    print("|---|---|---|---|---|")
    for op in OPS:
        print(fmt_row("interactive %s, alone (%d s before the storm)" % (op, a.alone), alone.get(op, [])))
        print(fmt_row("interactive %s, in the storm" % op, lat[op]))
    print(fmt_row("interactive, all, alone", [v for op in OPS for v in alone.get(op, [])]))
    print(fmt_row("interactive, all, in the storm", inter))
    print(fmt_row("deadline due → fired", dl_lag))
    print(fmt_row("dispatcher created → at the sink", ob_lag))
    print(fmt_row("  of which created → its pass began", ob_wait))
    print(fmt_row("  of which pass began → at the sink", ob_pass))
    print()
    print(cpu_report(cpu0, cpu1))
    print(thread_report(th0, th1, t_end - t0))
    print("listen queue overflows on this machine during the storm (TcpExtListenOverflows): %d" % (ovf1 - ovf0))
    print()
    worst_dl = max(dl_lag) if dl_lag else float("nan")
    rows = [
        ("interactive p99 ≤ 100 ms", pct(inter, 99) <= 100, "p99 %.1f ms" % pct(inter, 99)),
        ("every deadline fired within 1 s of due", bool(dl) and not dl_unfired and worst_dl <= 1000,
         "%d due in the storm, %d fired, %d not fired, worst %.0f ms, fired twice %d"
         % (len(dl), len(dl_lag), len(dl_unfired), worst_dl, fired_twice)),
        ("dispatcher lag ≤ 2 s", bool(ob_lag) and not ob_unsent and max(ob_lag) <= 2000,
         "%d messages, %d not sent after the drain, %d received twice, p99 %.0f ms, max %.0f ms"
         % (len(ob), ob_unsent, ob_dups, pct(ob_lag, 99), max(ob_lag) if ob_lag else float("nan"))),
    ]
    print("| target | result | figures |")
    print("|---|---|---|")
    for name, ok, fig in rows:
        print("| %s | %s | %s |" % (name, "**met**" if ok else "**not met**", fig))


if __name__ == "__main__":
    main()
