#!/usr/bin/env python3
"""cluster_vs_alertmanager.py — duplicate notifications at one webhook
receiver: 3 opsdesk nodes on one throwaway PostgreSQL against a 3-peer
Prometheus Alertmanager cluster (bench/results.md "Several nodes against an
Alertmanager cluster"; docs/deploy/cluster.md "What each failure does").

Both systems get the same alerts: ALERTS_PER_S (default 10) new alerts a
second for LOAD_S seconds (default 60), each its own key (label `bkey`, also
its alertname).  Both notify one loopback HTTP receiver of this script,
which answers after RECEIVER_DELAY_MS (default 50) and counts the requests
per alert key (and, for opsdesk, per Idempotency-Key).
  * opsdesk: 3 `opsdesk serve` nodes (real clock) on one PostgreSQL 15
    (tests/pg/pgtmp.py, fsync on).  Alerts go in through the Alertmanager
    integration (POST /api/v1/integrations/alertmanager), round-robin over
    the nodes (a refused or timed-out request is sent to the next node, as a
    load balancer would); a policy response rule (`webhook: bench-hook`)
    turns each new alert into one outbox message to the receiver.
  * Alertmanager (Debian prometheus-alertmanager 0.25, installed with
    apt-get when missing): 3 peers gossiping on --cluster.listen-address,
    each alert posted to every peer (as Prometheus does), one route to a
    webhook receiver: group_by [bkey], group_wait 1s, group_interval 10s,
    repeat_interval 1h, send_resolved false, peer_timeout 15s (default).
Three scenarios, one fresh cluster each, the fault FAULT_AT_S (default 15)
seconds into the load:
  kill       one node / peer killed with SIGKILL (the one that had delivered
             most; not restarted during the measurement);
  partition  one node / peer cut off for PARTITION_S (default 60) seconds:
             it runs in a network namespace of this script with two veth
             pairs (tests/cluster/test_partition_netns.py); the "db" pair
             carries opsdesk's connections to PostgreSQL and Alertmanager's
             gossip, the "ctl" pair the alerts sent to it and its sends to
             the receiver.  The cut sets the host end of the "db" pair down:
             cut from the database (or the other peers), not from the
             receiver — the worst case for duplicates.  Needs root and
             iproute2 (skipped otherwise);
  receiver   the receiver answers 500 for RECEIVER_FAIL_S (default 30) s.
After the load (and the heal) the run waits until every accepted alert was
delivered and then QUIET_S (default 20) seconds without a delivery (at most
SETTLE_MAX_S, default 150).  Printed per system and scenario: alerts
accepted, delivered (2xx at the receiver), lost, keys delivered more than
once, extra deliveries, for opsdesk keys with more than one idempotency key
(a duplicate even to a receiver that honours the key), and the time from
the alert's acceptance to its first 2xx delivery (median, p99, max).
Network: loopback and this script's own namespace only.  Every process and
the namespace are removed at the end, also on failure or Ctrl-C.

Usage: OPSDESK_BIN=build/opsdesk python3 bench/cluster_vs_alertmanager.py [--systems od,am]
       [--scenarios kill,partition,receiver]      (make bench-cluster-am)
"""
import argparse
import http.server
import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tests", "api"))
sys.path.insert(0, os.path.join(ROOT, "tests", "pg"))
sys.path.insert(0, os.path.join(ROOT, "tests", "cluster"))
sys.path.insert(0, os.path.join(ROOT, "bench"))
import bench_policy  # noqa: E402
import harness  # noqa: E402
import pgtmp  # noqa: E402
import test_partition_netns as tpn  # noqa: E402  (its namespace, forwarders and node-in-a-namespace)

RATE = float(os.environ.get("ALERTS_PER_S", "10"))
LOAD_S = float(os.environ.get("LOAD_S", "60"))
FAULT_AT = float(os.environ.get("FAULT_AT_S", "15"))
PARTITION_S = float(os.environ.get("PARTITION_S", "60"))
RECEIVER_FAIL_S = float(os.environ.get("RECEIVER_FAIL_S", "30"))
RECEIVER_DELAY = float(os.environ.get("RECEIVER_DELAY_MS", "50")) / 1000
QUIET_S = float(os.environ.get("QUIET_S", "20"))
SETTLE_MAX_S = float(os.environ.get("SETTLE_MAX_S", "150"))
AM_BIN = "prometheus-alertmanager"
KEY_RE = re.compile(rb"amb-[a-z]+-[0-9]+-[0-9]+")
# its own namespace and subnets (10.213.216-253.x: the cluster test uses 10.213.16-215.x)
tpn.NS = "odbench-am-%d" % os.getpid()
tpn.K = 216 + os.getpid() % 38
tpn.DB_HOST, tpn.DB_NS = "10.213.%d.1" % tpn.K, "10.213.%d.2" % tpn.K
tpn.CTL_HOST, tpn.CTL_NS = "10.213.%d.5" % tpn.K, "10.213.%d.6" % tpn.K
tpn.LINKS = {"db": ("oda%dd" % (os.getpid() % 100000), "oda%ddn" % (os.getpid() % 100000)),
             "ctl": ("oda%dc" % (os.getpid() % 100000), "oda%dcn" % (os.getpid() % 100000))}


def log(msg):
    sys.stderr.write("[%s] %s\n" % (time.strftime("%H:%M:%S"), msg))
    sys.stderr.flush()


def free_port(addr="127.0.0.1"):
    s = socket.socket()
    s.bind((addr, 0))
    p = s.getsockname()[1]
    s.close()
    return p


def post(url, body, token=None, timeout=3.0):
    req = urllib.request.Request(url, data=json.dumps(body).encode(), method="POST",
                                 headers={"Content-Type": "application/json"})
    if token:
        req.add_header("Authorization", "Bearer " + token)
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            r.read()
            return r.status
    except urllib.error.HTTPError as ex:
        return ex.code
    except (OSError, ValueError):
        return 0


def get(url, timeout=3.0):
    try:
        with urllib.request.urlopen(url, timeout=timeout) as r:
            return r.status, json.loads(r.read() or b"null")
    except urllib.error.HTTPError as ex:
        return ex.code, None
    except (OSError, ValueError):
        return 0, None


# ---------------------------------------------------------------- receiver
class Receiver:
    """Loopback webhook receiver: every request logged (time, path, alert keys,
    Idempotency-Key, status answered); answers 500 while failing."""

    def __init__(self):
        self.lock = threading.Lock()
        self.log = []
        self.fail_until = 0.0
        rcv = self

        class H(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self):
                n = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(n) if n else b""
                time.sleep(RECEIVER_DELAY)
                st = 500 if time.time() < rcv.fail_until else 200
                keys = sorted(set(k.decode() for k in KEY_RE.findall(body)))
                with rcv.lock:
                    rcv.log.append((time.time(), self.path, keys, self.headers.get("Idempotency-Key"), st))
                out = b"{}"
                self.send_response(st)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(out)))
                self.end_headers()
                self.wfile.write(out)

            def log_message(self, *a):
                pass

        self.srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), H)
        self.srv.daemon_threads = True
        self.port = self.srv.server_address[1]
        threading.Thread(target=self.srv.serve_forever, daemon=True).start()

    def entries(self):
        with self.lock:
            return list(self.log)

    def close(self):
        self.srv.shutdown()
        self.srv.server_close()


# ---------------------------------------------------------------- namespace
class Netns:
    """The namespace of test_partition_netns.py: "db" pair (cut) and "ctl" pair."""

    def __init__(self):
        self.made = False

    def up(self):
        if not tpn.netns_usable():
            raise RuntimeError("network namespaces need root and iproute2")
        tpn.netns_down()
        self.made = True
        tpn.netns_up()

    def cut(self):
        tpn.ip("link", "set", tpn.LINKS["db"][0], "down")

    def heal(self):
        tpn.ip("link", "set", tpn.LINKS["db"][0], "up", check=False)

    def down(self):
        if self.made:
            self.heal()
            tpn.netns_down()
            self.made = False


# ---------------------------------------------------------------- Alertmanager
class AmPeer:
    def __init__(self, name, tmp, web, cluster, peers, hook_url, netns=False):
        self.name, self.web, self.cluster = name, web, cluster
        self.dir = os.path.join(tmp, name)
        os.makedirs(self.dir, exist_ok=True)
        with open(os.path.join(self.dir, "am.yml"), "w") as f:
            f.write("route:\n  receiver: hook\n  group_by: [bkey]\n  group_wait: 1s\n  group_interval: 10s\n"
                    "  repeat_interval: 1h\nreceivers:\n  - name: hook\n    webhook_configs:\n"
                    "      - url: %s\n        send_resolved: false\n" % hook_url)
        args = [AM_BIN, "--config.file=" + os.path.join(self.dir, "am.yml"), "--storage.path=" + self.dir,
                "--web.listen-address=%s:%d" % web, "--cluster.listen-address=%s:%d" % cluster,
                "--cluster.advertise-address=%s:%d" % cluster, "--log.level=info"]
        args += ["--cluster.peer=%s:%d" % p for p in peers]
        if netns:
            args = ["ip", "netns", "exec", tpn.NS] + args
        self.logf = open(os.path.join(self.dir, "am.log"), "ab")
        self.proc = subprocess.Popen(args, stdout=self.logf, stderr=self.logf)

    @property
    def base(self):
        return "http://%s:%d" % self.web

    def peers_seen(self):
        st, body = get(self.base + "/api/v2/status")
        if st != 200:
            return -1
        return len((body.get("cluster") or {}).get("peers") or [])

    def kill(self):
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.logf.close()


class AmSystem:
    name = "Alertmanager"
    label = "am"

    def __init__(self, rcv, partition):
        self.rcv, self.partition = rcv, partition
        self.tmp = tempfile.mkdtemp(prefix="odbench-am-")
        self.peers, self.fwd = [], None

    def start(self):
        if self.partition:
            host, ns = tpn.DB_HOST, tpn.DB_NS
            self.fwd = tpn.Forwarder(tpn.CTL_HOST, ("127.0.0.1", self.rcv.port))
            hooks = ["http://127.0.0.1:%d/am/p1" % self.rcv.port, "http://127.0.0.1:%d/am/p2" % self.rcv.port,
                     "http://%s:%d/am/p3" % (tpn.CTL_HOST, self.fwd.port)]
            cl = [(host, free_port(host)), (host, free_port(host)), (ns, 9094)]
            web = [("127.0.0.1", free_port()), ("127.0.0.1", free_port()), (tpn.CTL_NS, 9093)]
        else:
            hooks = ["http://127.0.0.1:%d/am/p%d" % (self.rcv.port, i + 1) for i in range(3)]
            cl = [("127.0.0.1", free_port()) for _ in range(3)]
            web = [("127.0.0.1", free_port()) for _ in range(3)]
        for i in range(3):
            self.peers.append(AmPeer("p%d" % (i + 1), self.tmp, web[i], cl[i], [c for j, c in enumerate(cl) if j != i],
                                     hooks[i], netns=self.partition and i == 2))
        deadline = time.time() + 60
        while time.time() < deadline:
            if all(p.peers_seen() == 3 for p in self.peers):
                break
            time.sleep(0.5)
        else:
            raise RuntimeError("Alertmanager peers did not form a cluster of 3: %r"
                               % [p.peers_seen() for p in self.peers])
        self.wait_settled()

    def wait_settled(self):
        deadline = time.time() + 90
        while time.time() < deadline:
            if all(b"gossip settled" in open(os.path.join(p.dir, "am.log"), "rb").read() for p in self.peers):
                return
            time.sleep(0.5)
        raise RuntimeError("Alertmanager gossip did not settle")

    def send(self, key, start_iso, end_iso):
        a = [{"labels": {"alertname": key, "bkey": key, "bench": "am16", "severity": "warning"},
              "annotations": {"summary": "bench alert " + key}, "startsAt": start_iso, "endsAt": end_iso}]
        ok = False
        for p in self.peers:  # as Prometheus does: every alert to every peer
            if p.proc.poll() is None and post(p.base + "/api/v2/alerts", a, timeout=3.0) == 200:
                ok = True
        return ok

    def victim(self):
        """The peer that delivered most so far (the first in the notification order)."""
        counts = {}
        for _, path, _, _, st in self.rcv.entries():
            counts[path] = counts.get(path, 0) + 1
        best = max(range(3), key=lambda i: counts.get("/am/p%d" % (i + 1), 0))
        return best

    def kill(self):
        i = self.victim()
        self.peers[i].kill()
        return "p%d" % (i + 1)

    def stop(self):
        for p in self.peers:
            p.stop()
        if self.fwd:
            self.fwd.close()
        shutil.rmtree(self.tmp, ignore_errors=True)


# ---------------------------------------------------------------- opsdesk
CHANNELS = ("channels:\n  - name: bench-hook\n    kind: webhook\n    url_env: OPSDESK_BENCH_HOOK_URL\n"
            "    timeout_ms: 10000\n")


def policy(tmp):
    text = open(bench_policy.path(tmp), encoding="utf-8").read()
    rule = ("rules:\n      - name: bench-hook\n        match: ['bench=am16']\n        webhook: bench-hook\n")
    if text.count("rules: []\n") != 1:
        raise SystemExit("cluster_vs_alertmanager: policy/default.yaml has not exactly one 'rules: []'")
    out = os.path.join(tmp, "policy.yaml")
    with open(out, "w", encoding="utf-8") as f:
        f.write(text.replace("rules: []\n", rule))
    return out


class NsNode(tpn.NsServer):
    """An opsdesk node in the namespace, on the real clock (no --test-clock)."""

    def _start(self):
        self.base = "http://%s:%d" % (tpn.CTL_NS, self.port)
        args = ["ip", "netns", "exec", tpn.NS, harness.BIN, "serve", "--db", self.db, "--listen",
                "127.0.0.1:%d" % self.port, "--channels", self.channels, "--policy", self.policy] + self.extra_args
        self.log = open(self.log_path, "ab")
        self.proc = subprocess.Popen(args, env=self.env, stdout=self.log, stderr=self.log)
        deadline = time.time() + 60
        while time.time() < deadline:
            if self.proc.poll() is not None:
                self.proc = None
                self.log.close()
                raise RuntimeError("server exited: " + self.read_log())
            if self.call_ok():
                return self
            time.sleep(0.1)
        raise RuntimeError("server did not start")


class OdSystem:
    name = "opsdesk"
    label = "od"

    def __init__(self, rcv, partition):
        self.rcv, self.partition = rcv, partition
        self.tmp = tempfile.mkdtemp(prefix="odbench-od-")
        self.pg, self.nodes, self.fwds, self.rr = None, [], [], 0
        self.rr_lock = threading.Lock()

    def start(self):
        self.pg = pgtmp.Pg(fsync=True).start()
        os.environ["OPSDESK_AUDIT_KEY_FILE"] = os.path.join(self.tmp, "audit.key")
        chans = os.path.join(self.tmp, "channels.yaml")
        with open(chans, "w") as f:
            f.write(CHANNELS)
        pol = policy(self.tmp)
        for i in range(3):
            name = "n%d" % (i + 1)
            env = {"OPSDESK_BENCH_HOOK_URL": "http://127.0.0.1:%d/od/%s" % (self.rcv.port, name)}
            tmp = tempfile.mkdtemp(prefix="odbench-node-")
            if self.partition and i == 2:
                fdb = tpn.Forwarder(tpn.DB_HOST, os.path.join(self.pg.dir, ".s.PGSQL.5432"))
                frc = tpn.Forwarder(tpn.CTL_HOST, ("127.0.0.1", self.rcv.port))
                self.fwds += [fdb, frc]
                env["OPSDESK_BENCH_HOOK_URL"] = "http://%s:%d/od/%s" % (tpn.CTL_HOST, frc.port, name)
                n = NsNode(tmp=tmp, test_clock=False, policy=pol, channels=chans, extra_env=env,
                           extra_args=["--node-id", name])
                n.db = "postgresql://postgres@%s:%d/opsdesk?connect_timeout=3" % (tpn.DB_HOST, fdb.port)
            else:
                n = harness.Server(tmp=tmp, test_clock=False, policy=pol, channels=chans, extra_env=env,
                                   extra_args=["--node-id", name])
                n.db = self.pg.url()
            n.owns_tmp = True
            self.nodes.append(n)
        self.nodes[0].init()
        for n in self.nodes:
            n.start()
        admin = self.nodes[0].admin("sysadmin")
        r = self.nodes[0].post("/api/v1/api-keys", {"name": "bench-am", "integration": "alertmanager"}, admin)
        assert r.status == 201, r
        self.key = r.json["key"]
        deadline = time.time() + 60
        while not all(get(n.base + "/readyz")[0] == 200 for n in self.nodes):
            if time.time() > deadline:
                raise RuntimeError("opsdesk nodes not ready")
            time.sleep(0.5)

    def send(self, key, start_iso, end_iso):
        body = {"version": "4", "status": "firing", "receiver": "opsdesk", "groupLabels": {}, "commonLabels": {},
                "alerts": [{"status": "firing", "labels": {"alertname": key, "bkey": key, "bench": "am16",
                                                           "severity": "warning"},
                            "annotations": {"summary": "bench alert " + key}, "startsAt": start_iso}]}
        with self.rr_lock:
            first = self.rr
            self.rr += 1
        for k in range(6):  # a load balancer: the next node when one refuses or does not answer
            n = self.nodes[(first + k) % 3]
            if n.proc and post(n.base + "/api/v1/integrations/alertmanager", body, self.key, timeout=3.0) in (200, 202):
                return True
        return False

    def kill(self):
        counts = {}
        for _, path, _, _, st in self.rcv.entries():
            counts[path] = counts.get(path, 0) + 1
        i = max(range(3), key=lambda i: counts.get("/od/n%d" % (i + 1), 0))
        self.nodes[i].kill9()
        return "n%d" % (i + 1)

    def stop(self):
        for n in self.nodes:
            try:
                if n.proc:
                    n.proc.send_signal(signal.SIGCONT)
                    n.stop()
            except Exception as ex:  # noqa: BLE001 - cleanup goes on
                log("stopping %s: %r" % (n.extra_args[-1], ex))
            if isinstance(n, tpn.NsServer):
                n.stop_forwarder()
            n.cleanup()
        for f in self.fwds:
            f.close()
        if self.pg:
            self.pg.stop()
        shutil.rmtree(self.tmp, ignore_errors=True)


# ---------------------------------------------------------------- one run
def iso(t):
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(t)) + ".%03dZ" % int((t % 1) * 1000)


def pct(xs, p):
    if not xs:
        return float("nan")
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(p / 100.0 * (len(xs) - 1))))]


def run(system_cls, scenario):
    rcv = Receiver()
    ns = Netns()
    sysm = None
    try:
        if scenario == "partition":
            ns.up()
        sysm = system_cls(rcv, scenario == "partition")
        log("%s/%s: starting" % (system_cls.name, scenario))
        sysm.start()
        total = int(RATE * LOAD_S)
        accepted, lock = {}, threading.Lock()
        t0 = time.time()
        fault = {"what": ""}

        def sender(k, threads):
            for i in range(k, total, threads):
                at = t0 + i / RATE
                d = at - time.time()
                if d > 0:
                    time.sleep(d)
                key = "amb-%s-%d-%d" % (scenario[:4], os.getpid() % 1000, i)
                now = time.time()
                if sysm.send(key, iso(now), iso(now + 3600)):
                    with lock:
                        accepted[key] = time.time()

        threads = [threading.Thread(target=sender, args=(k, 8), daemon=True) for k in range(8)]
        for t in threads:
            t.start()
        time.sleep(max(0, t0 + FAULT_AT - time.time()))
        fault_at = time.time()
        if scenario == "kill":
            fault["what"] = "SIGKILL " + sysm.kill()
        elif scenario == "partition":
            ns.cut()
            fault["what"] = "cut %s for %.0f s" % ("n3" if system_cls is OdSystem else "p3", PARTITION_S)
        else:
            rcv.fail_until = fault_at + RECEIVER_FAIL_S
            fault["what"] = "receiver 500 for %.0f s" % RECEIVER_FAIL_S
        log("%s/%s: %s at %.1f s" % (system_cls.name, scenario, fault["what"], fault_at - t0))
        if scenario == "partition":
            time.sleep(max(0, fault_at + PARTITION_S - time.time()))
            ns.heal()
            log("%s/%s: healed" % (system_cls.name, scenario))
        for t in threads:
            t.join()
        load_end = time.time()
        # settle: every accepted alert delivered, then QUIET_S without any delivery
        deadline = load_end + SETTLE_MAX_S
        while time.time() < deadline:
            ents = rcv.entries()
            ok = set(k for _, _, keys, _, st in ents if st < 300 for k in keys)
            last = max([e[0] for e in ents] or [0])
            if all(k in ok for k in accepted) and time.time() - last >= QUIET_S:
                break
            time.sleep(1)
        ents = rcv.entries()
        per_key, idem, first = {}, {}, {}
        for at, path, keys, ik, st in ents:
            if st >= 300:
                continue
            for k in keys:
                per_key[k] = per_key.get(k, 0) + 1
                idem.setdefault(k, set()).add(ik)
                first[k] = min(first.get(k, at), at)
        lost = [k for k in accepted if k not in per_key]
        dup = [k for k in accepted if per_key.get(k, 0) > 1]
        extra = sum(per_key[k] - 1 for k in dup)
        idem_dup = [k for k in accepted if len(idem.get(k, ())) > 1] if system_cls is OdSystem else None
        lat = [first[k] - accepted[k] for k in accepted if k in first]
        by_path = {}
        for _, path, _, _, st in ents:
            if st < 300:
                by_path[path] = by_path.get(path, 0) + 1
        res = {"system": system_cls.name, "scenario": scenario, "fault": fault["what"], "sent": total,
               "accepted": len(accepted), "delivered": len(accepted) - len(lost), "lost": len(lost),
               "dup_keys": len(dup), "extra": extra, "idem_dup": idem_dup if idem_dup is None else len(idem_dup),
               "requests": len(ents), "failed_requests": sum(1 for e in ents if e[4] >= 300),
               "p50": pct(lat, 50), "p99": pct(lat, 99), "max": max(lat) if lat else float("nan"),
               "by_sender": by_path, "settled_s": time.time() - load_end}
        log("%s/%s: %s" % (system_cls.name, scenario, json.dumps(res, sort_keys=True)))
        return res
    finally:
        if sysm:
            try:
                sysm.stop()
            except Exception as ex:  # noqa: BLE001 - the namespace must still go
                log("stop: %r" % ex)
        ns.down()
        rcv.close()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--systems", default="od,am")
    ap.add_argument("--scenarios", default="kill,partition,receiver")
    a = ap.parse_args()
    if "am" in a.systems and not shutil.which(AM_BIN):
        log("installing prometheus-alertmanager (apt-get)")
        if subprocess.run(["apt-get", "install", "-y", "prometheus-alertmanager"], stdout=subprocess.DEVNULL).returncode:
            subprocess.run(["apt-get", "update"], stdout=subprocess.DEVNULL)
            subprocess.run(["apt-get", "install", "-y", "prometheus-alertmanager"], check=True,
                           stdout=subprocess.DEVNULL)
    if "od" in a.systems and not pgtmp.available():
        raise SystemExit("cluster_vs_alertmanager: PostgreSQL 15 is not installed (scripts/deps.sh)")
    systems = {"od": OdSystem, "am": AmSystem}
    rows = []
    for scen in a.scenarios.split(","):
        if scen == "partition" and not tpn.netns_usable():
            log("partition: skipped (network namespaces need root and iproute2)")
            continue
        for s in a.systems.split(","):
            rows.append(run(systems[s], scen))
    print("| scenario | system | fault | alerts accepted | delivered | lost | keys delivered > 1 | extra deliveries "
          "| keys with > 1 idempotency key | receiver requests (500s) | to deliver p50 / p99 / max, s |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        print("| %s | %s | %s | %d | %d | %d | %d | %d | %s | %d (%d) | %.2f / %.2f / %.2f |"
              % (r["scenario"], r["system"], r["fault"], r["accepted"], r["delivered"], r["lost"], r["dup_keys"],
                 r["extra"], "—" if r["idem_dup"] is None else r["idem_dup"], r["requests"], r["failed_requests"],
                 r["p50"], r["p99"], r["max"]))


if __name__ == "__main__":
    main()
