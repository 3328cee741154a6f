#!/usr/bin/env python3
"""window_matchers.py — maintenance-window matchers against event ingestion
(probe-security.md H4; figures in bench/results.md "Window matchers").

Starts `opsdesk serve` (OPSDESK_BIN, default build/opsdesk) on 127.0.0.1
with a fresh database per scenario, then drives Alertmanager ingestion with
wrk and bench/events_wrk.lua (distinct alerts, 1 per request, 32
connections) for BENCH_DURATION seconds (default 8), BENCH_RUNS runs
(default 3, the median is printed):

  none      no maintenance window
  50        50 active windows of 3 matchers each (2 regexes), none matching
  probe     the probe's window: 8 matchers ((a{1,50}){1,50}){1,50}, created by a
            service_desk user (status and seconds to answer printed); then ingestion

Prints a Markdown table: scenario, window create (status, s), alerts/s, avg
latency, server CPU time per alert (user + system: steadier than alerts/s
on a shared machine), server RSS after the run.  Scenarios may repeat on the
command line (`none 50 none 50`) to interleave them.  Needs wrk (apt-get install wrk).  Not a
test: run by hand, `python3 bench/window_matchers.py`.
"""
import json
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench_policy  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.environ.get("OPSDESK_BIN", os.path.join(ROOT, "build", "opsdesk"))
DUR = int(os.environ.get("BENCH_DURATION", "8"))
RUNS = int(os.environ.get("BENCH_RUNS", "3"))
PW = "Admin-pass-1"


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    s.close()
    return p


def call(port, method, path, body=None, token=None, timeout=120):
    req = urllib.request.Request("http://127.0.0.1:%d%s" % (port, path), method=method,
                                 data=json.dumps(body).encode() if body is not None else None)
    req.add_header("Content-Type", "application/json")
    if token:
        req.add_header("Authorization", "Bearer " + token)
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return r.status, json.loads(r.read() or b"null")
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read() or b"null")


class Server:
    def __init__(self, tmp):
        self.port = free_port()
        db = os.path.join(tmp, "w%d.db" % self.port)
        env = dict(os.environ, OPSDESK_ADMIN_PASSWORD=PW)
        subprocess.run([BIN, "init", "--db", db], env=env, check=True, stdout=subprocess.DEVNULL)
        self.log = open(os.path.join(tmp, "w%d.log" % self.port), "w")
        self.proc = subprocess.Popen([BIN, "serve", "--db", db, "--listen", "127.0.0.1:%d" % self.port,
                                      "--policy", bench_policy.path(os.path.dirname(db))],
                                     stdout=self.log, stderr=self.log)
        for _ in range(200):
            try:
                socket.create_connection(("127.0.0.1", self.port), 0.1).close()
                break
            except OSError:
                time.sleep(0.05)
        self.sys = self.login("sysadmin", PW)
        self.sec = self.login("secadmin", PW)
        st, key = call(self.port, "POST", "/api/v1/api-keys", {"name": "bench", "integration": "alertmanager"},
                       self.sys)
        assert st == 201, key
        self.key = key["key"]
        st, u = call(self.port, "POST", "/api/v1/users", {"username": "desk", "password": "Desk-pass-12",
                                                          "display_name": "desk", "department": "运行部"}, self.sys)
        assert st == 201, u
        st, r = call(self.port, "PUT", "/api/v1/users/%d/roles" % u["id"], {"roles": ["service_desk"]}, self.sec)
        assert st == 200, r
        self.desk = self.login("desk", "Desk-pass-12")

    def login(self, user, pw):
        st, r = call(self.port, "POST", "/api/v1/auth/login", {"username": user, "password": pw})
        assert st == 200, r
        return r["token"]

    def rss_mb(self):
        with open("/proc/%d/status" % self.proc.pid) as f:
            return int(re.search(r"VmRSS:\s+(\d+)", f.read()).group(1)) // 1024

    def cpu_s(self):
        with open("/proc/%d/stat" % self.proc.pid) as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
        self.proc.wait(30)
        self.log.close()


def window(srv, matchers):
    now = time.time()
    iso = lambda t: time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(t))
    t0 = time.monotonic()
    st, r = call(srv.port, "POST", "/api/v1/maintenance-windows",
                 {"name": "bench", "starts_at": iso(now - 60), "ends_at": iso(now + 365 * 86400),
                  "matchers": matchers}, srv.desk)
    return st, time.monotonic() - t0, r


def wrk(srv):
    env = dict(os.environ, TARGET="od", BATCH="1", KIND="distinct", TOKEN=srv.key)
    out = subprocess.run(["wrk", "-t2", "-c32", "-d%ds" % DUR, "--timeout", "20s", "--latency", "-s",
                          os.path.join(ROOT, "bench", "events_wrk.lua"), "http://127.0.0.1:%d" % srv.port],
                         env=env, capture_output=True, text=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    lat = re.search(r"Latency\s+([\d.]+)(us|ms|s)", out)
    ms = float(lat.group(1)) * {"us": 0.001, "ms": 1, "s": 1000}[lat.group(2)]
    return rps, ms


def scenario(name, tmp):
    rows = []
    for _ in range(RUNS if name != "probe" else 1):
        srv = Server(tmp)
        create = "-"
        try:
            if name == "50":
                for i in range(50):
                    st, _, r = window(srv, [{"name": "alertname", "value": "Maint%02d.*" % i, "regex": True},
                                            {"name": "instance", "value": "host-%d-[0-9]+" % i, "regex": True},
                                            {"name": "env", "value": "staging"}])
                    assert st == 201, r
                create = "50 × 201"
            elif name == "probe":
                ms = [{"name": "l%d" % i, "value": "((a{1,50}){1,50}){1,50}", "regex": True} for i in range(8)]
                st, secs, _ = window(srv, ms)
                create = "%d in %.2f s" % (st, secs)
            c0 = srv.cpu_s()
            rps, lat = wrk(srv)
            if srv.proc.poll() is not None:
                return "| %s | %s | server died (exit %d) | - | - | - |" % (name, create, srv.proc.returncode)
            us = (srv.cpu_s() - c0) * 1e6 / max(1.0, rps * DUR)
            rows.append((rps, lat, srv.rss_mb(), us))
        finally:
            srv.stop()
    rps = statistics.median(r[0] for r in rows)
    lat = statistics.median(r[1] for r in rows)
    rss = max(r[2] for r in rows)
    us = statistics.median(r[3] for r in rows)
    return "| %s | %s | %.0f | %.1f ms | %.0f µs | %d MB |" % (name, create, rps, lat, us, rss)


def main():
    names = sys.argv[1:] or ["none", "50", "probe"]
    with tempfile.TemporaryDirectory(dir=os.environ.get("BENCH_DIR", "/tmp")) as tmp:
        print("| scenario | window create | alerts/s (median of %d × %d s) | avg latency | server CPU per alert "
              "| RSS after |" % (RUNS, DUR))
        print("| --- | --- | --- | --- | --- | --- |")
        for n in names:
            print(scenario(n, tmp), flush=True)


if __name__ == "__main__":
    main()
