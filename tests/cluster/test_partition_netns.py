"""test_partition_netns.py — one node cut off from the database by the network
(docs/deploy/cluster.md "What each failure does", study §4.2 "partition").

n1 and n2 reach PostgreSQL over its Unix socket.  n3 runs in a network
namespace this test creates, with two veth pairs to the host, each a
private /30 of its own (10.213.K.0/30 and 10.213.K.4/30, K from the test's
pid): the "db" pair carries n3's connections to PostgreSQL (a forwarder of
this test on the host side, 10.213.K.1, to the cluster's Unix socket), the
"ctl" pair the test's requests to n3 and n3's sends to the fake SMS gateway
(another forwarder, 10.213.K.5, to tests/notify/receivers.py on loopback).
All traffic stays between this host and the namespace.  The cut is the
host side of the db pair set down (`ip link set … down`): n3's packets to
the database vanish silently (no reset, no error: the hard case); the heal
sets it up again.  Needs root and iproute2 (skipped, code 77, otherwise or
without PostgreSQL 15).  The namespace and its links are removed at the end,
even when the test fails.

  1. n3 claims 16 messages and is cut while sending them (1 s each): it
     answers /readyz 503 while n1 and n2 stay ready; it starts no send after
     the cut (the one already at the gateway completes); n1 and n2 take its
     claims over once it is dead and send every message; each message is
     received once, except the wave in flight at the cut (same idempotency
     key), and has one 'sent' result.
  2. During the cut the shared test clock passes 20 first-report deadlines:
     each fires exactly once, none by n3.
  3. Healed, n3 is ready again, sends nothing of what it had claimed, and
     resumes: with n1 and n2 paused (2 s, under the self-fence) its clock
     advance fires 10 new deadlines, each once, all by n3, and it claims
     and sends new messages.
Exact counts, no latencies asserted (the figures are printed).
"""
import http.client
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import clusterlib  # noqa: E402
from clusterlib import harness  # noqa: E402

CHANNEL = ("channels:\n  - name: sms-gw\n    kind: sms\n    url_env: OPSDESK_TEST_SMS_URL\n"
           "    body: '{\"phone\": \"{{to}}\", \"content\": \"{{text}}\"}'\n    timeout_ms: 10000\n")
K = 16 + os.getpid() % 200
NS = "odtest-part-%d" % os.getpid()
DB_HOST, DB_NS = "10.213.%d.1" % K, "10.213.%d.2" % K
CTL_HOST, CTL_NS = "10.213.%d.5" % K, "10.213.%d.6" % K
LINKS = {"db": ("odp%dd" % (os.getpid() % 100000), "odp%ddn" % (os.getpid() % 100000)),
         "ctl": ("odp%dc" % (os.getpid() % 100000), "odp%dcn" % (os.getpid() % 100000))}


def ip(*args, check=True):
    return subprocess.run(["ip"] + list(args), check=check, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          timeout=30)


def netns_usable():
    return os.geteuid() == 0 and shutil.which("ip") is not None


def netns_up():
    ip("netns", "add", NS)
    for (host, inner), (ha, na) in ((LINKS["db"], (DB_HOST, DB_NS)), (LINKS["ctl"], (CTL_HOST, CTL_NS))):
        ip("link", "add", host, "type", "veth", "peer", "name", inner)
        ip("link", "set", inner, "netns", NS)
        ip("addr", "add", ha + "/30", "dev", host)
        ip("link", "set", host, "up")
        ip("netns", "exec", NS, "ip", "addr", "add", na + "/30", "dev", inner)
        ip("netns", "exec", NS, "ip", "link", "set", inner, "up")
    ip("netns", "exec", NS, "ip", "link", "set", "lo", "up")


def netns_down():
    ip("netns", "del", NS, check=False)
    for host, _ in LINKS.values():
        ip("link", "del", host, check=False)  # usually gone with the namespace


class Forwarder:
    """(bind_addr, port) → a Unix socket path or a (host, port); never cut."""

    def __init__(self, bind_addr, target, port=0):
        self.target = target
        self.lsock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.lsock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.lsock.bind((bind_addr, port))
        self.lsock.listen(64)
        self.port = self.lsock.getsockname()[1]
        self.closed = False
        threading.Thread(target=self.accept, daemon=True).start()

    def accept(self):
        while not self.closed:
            try:
                c, _ = self.lsock.accept()
            except OSError:
                return
            try:
                if isinstance(self.target, str):
                    u = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                    u.connect(self.target)
                else:
                    u = socket.create_connection(self.target, timeout=10)
                    u.settimeout(None)
            except OSError:
                c.close()
                continue
            threading.Thread(target=self.pump, args=(c, u), daemon=True).start()
            threading.Thread(target=self.pump, args=(u, c), daemon=True).start()

    @staticmethod
    def pump(a, b):
        try:
            while True:
                data = a.recv(65536)
                if not data:
                    break
                b.sendall(data)
        except OSError:
            pass
        for s in (a, b):
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def close(self):
        self.closed = True
        self.lsock.close()


class NsServer(harness.Server):
    """An opsdesk node run in the namespace (ip netns exec).  It listens on the
    namespace's loopback (--test-clock wants loopback); a forwarder of this
    file run in the namespace (ns_forwarder) serves it on CTL_NS, same port."""

    fwd = None

    def start(self):
        if not self.fwd:
            self.fwd = subprocess.Popen(["ip", "netns", "exec", NS, sys.executable, os.path.abspath(__file__),
                                         "--forward", CTL_NS, str(self.port)], stdout=subprocess.PIPE)
            self.fwd.stdout.readline()  # "ready"
        return self._start()

    def stop_forwarder(self):
        if self.fwd:
            self.fwd.kill()
            self.fwd.wait()
            self.fwd = None

    def _start(self):
        self.base = "http://%s:%d" % (CTL_NS, self.port)
        args = ["ip", "netns", "exec", NS, harness.BIN, "serve", "--db", self.db, "--listen",
                "127.0.0.1:%d" % self.port, "--test-clock", "--channels", self.channels] + self.extra_args
        self.log = open(self.log_path, "ab")
        self.proc = subprocess.Popen(args, env=self.env, stdout=self.log, stderr=self.log)
        deadline = time.time() + 30
        while time.time() < deadline:
            if self.proc.poll() is not None:
                self.proc = None
                self.log.close()
                raise RuntimeError("server exited: " + self.read_log())
            if self.call_ok():
                return self
            time.sleep(0.05)
        raise RuntimeError("server did not start")

    def call_ok(self):
        """Whether the node answers through the forwarder (which accepts before the node listens)."""
        try:
            c = http.client.HTTPConnection(CTL_NS, self.port, timeout=2)
            c.request("GET", "/healthz")
            c.getresponse().read()
            c.close()
            return True
        except (OSError, http.client.HTTPException):
            return False


class PartitionNetns(clusterlib.Base):
    NODES = 2
    OWN_DATABASE = True  # the forwarder needs the cluster's socket
    CHANNELS = CHANNEL

    @classmethod
    def setUpClass(cls):
        if not netns_usable():
            raise __import__("unittest").SkipTest("network namespaces need root and iproute2")
        super().setUpClass()

    @classmethod
    def node(cls, name, env=None):
        e = {"OPSDESK_TEST_SMS_URL": "http://127.0.0.1:%d/sms/gw" % cls.rcv.http}
        e.update(env or {})
        return super().node(name, e)

    @classmethod
    def prepare(cls):
        s = cls.nodes[0]
        cls.eng_id, cls.eng = s.make_user("eng", ["ops_engineer"], department="应用部")
        r = s.post("/api/v1/cis", {"name": "app-L3", "category": "application", "grade": "L3",
                                   "department": "应用部", "attributes": {}}, token=cls.eng)
        assert r.status == 201, r
        cls.ci = r.json["id"]
        netns_down()  # a namespace left by a killed earlier run of the same pid
        cls.ns_made = True
        netns_up()
        cls.fwd_db = Forwarder(DB_HOST, os.path.join(cls.pg.dir, ".s.PGSQL.5432"))
        cls.fwd_rcv = Forwarder(CTL_HOST, ("127.0.0.1", cls.rcv.http))
        e = dict(cls.NODE_ENV or {})
        e["OPSDESK_TEST_SMS_URL"] = "http://%s:%d/sms/n3" % (CTL_HOST, cls.fwd_rcv.port)
        n3 = NsServer(tmp=harness.tempfile.mkdtemp(prefix="opsdesk-node-"), extra_env=e, channels=cls.channels,
                      extra_args=["--node-id", "n3"])
        n3.owns_tmp = True
        n3.db = "postgresql://postgres@%s:%d/opsdesk?connect_timeout=3" % (DB_HOST, cls.fwd_db.port)
        cls.nodes.append(n3)
        n3.start()

    @classmethod
    def tearDownClass(cls):
        for n in getattr(cls, "nodes", []):
            if n.proc:
                n.proc.send_signal(signal.SIGCONT)
        if getattr(cls, "ns_made", False):
            ip("link", "set", LINKS["db"][0], "up", check=False)  # healed: n3 stops cleanly
        try:
            super().tearDownClass()
        finally:
            for n in getattr(cls, "nodes", []):
                if isinstance(n, NsServer):
                    n.stop_forwarder()
            if getattr(cls, "ns_made", False):
                netns_down()
            for f in ("fwd_db", "fwd_rcv"):
                if getattr(cls, f, None):
                    getattr(cls, f).close()

    # ---- helpers ----
    def receipts(self, path):
        return [r.get("idempotency_key") for r in self.rcv.log()["requests"] if r["path"] == path]

    def cut(self):
        ip("link", "set", LINKS["db"][0], "down")

    def heal(self):
        ip("link", "set", LINKS["db"][0], "up")

    def ready(self, n):
        return self.call(n, "GET", "/readyz", timeout=5)[0]

    def incidents(self, node, k):
        ids = []
        for i in range(k):
            st, body = self.call(node, "POST", "/api/v1/incidents",
                                 {"title": "分区 %d" % i, "ci_ids": [self.ci], "severity": "moderate",
                                  "location": "机房A", "symptoms": "交易缓慢", "impact_scope": "柜面业务"},
                                 token=self.eng)
            self.assertEqual(st, 201, body)
            ids.append(body["id"])
        return ids

    def message(self, node):
        st, body = self.call(node, "POST", "/api/v1/notify/test", {"channel": "sms-gw", "to": "13800000098"},
                             token=self.sysadmin)
        self.assertEqual(st, 202, body)
        return body["id"]

    def fired(self, ids):
        where = "incident_id IN (%s)" % ",".join(map(str, ids))
        rows = self.sql("SELECT COALESCE(fired_by, '-'), COUNT(*) FROM deadlines WHERE kind = 'first_report' AND "
                        "status = 'missed' AND %s GROUP BY 1 ORDER BY 1" % where)
        twice = self.one("SELECT COUNT(*) FROM (SELECT incident_id FROM incident_timeline WHERE kind = "
                         "'deadline_missed' AND text LIKE '%%first_report%%' AND " + where +
                         " GROUP BY incident_id HAVING COUNT(*) > 1) t")
        return dict((k, int(v)) for k, v in rows), twice

    def pause_others(self, on):
        for n in self.nodes[:2]:
            n.proc.send_signal(signal.SIGSTOP if on else signal.SIGCONT)

    def test_cut_node_stops_claiming_and_resumes_after_the_heal(self):
        n1, n2, n3 = self.nodes
        for path in ("/sms/gw", "/sms/n3"):
            self.rcv.config(path=path, responses=[{"status": 200, "json": {}, "delay_ms": 1000}] * 100)
        self.wait_until(lambda: self.ready(n3) == 200, 60, "n3 ready")
        before = self.incidents(n1, 20)  # first reports due in 10 min (L3)
        # n3 claims the messages: n1 and n2 are held for the 2 s it takes (under the self-fence)
        self.pause_others(True)
        try:
            msgs = [self.message(n3) for _ in range(16)]
            in_msgs = "id IN (%s)" % ",".join(map(str, msgs))
            self.wait_until(lambda: self.one("SELECT COUNT(*) FROM outbox WHERE claimed_by = 'n3' AND " + in_msgs)
                            >= 12, 10, "n3 claiming the messages")
        finally:
            self.pause_others(False)
        self.wait_until(lambda: len(self.receipts("/sms/n3")) >= 2, 60, "n3 sending")
        self.cut()
        cut_at = time.time()
        at_cut = len(self.receipts("/sms/n3"))
        healed = False
        try:
            self.wait_until(lambda: self.ready(n3) == 503, 20, "n3 not ready")
            reason = self.call(n3, "GET", "/readyz", timeout=5)[1].get("reason")
            self.assertEqual([self.ready(n1), self.ready(n2)], [200, 200])
            # the deadlines come due during the cut: n1 and n2 fire each once
            st, body = self.call(n1, "POST", "/api/v1/test/clock", {"advance_seconds": 11 * 60})
            self.assertEqual(st, 200, body)
            self.wait_until(lambda: sum(self.fired(before)[0].values()) == 20, 60, "the deadlines fired")
            by, twice = self.fired(before)
            self.assertEqual(twice, 0)
            self.assertNotIn("n3", by)
            # the others take n3's claims once it is dead, and send everything

            def all_sent():
                return self.one("SELECT COUNT(*) FROM outbox WHERE status = 'sent' AND " + in_msgs) == len(msgs)
            self.wait_until(all_sent, 120, "every message sent by n1 and n2")
            took_over = time.time() - cut_at
            after_cut = len(self.receipts("/sms/n3"))
            # only the wave already under way ends: at most OD_DISPATCH_SENDERS_PER_CHANNEL (8,
            # notify/dispatcher.h) sends on this gateway
            self.assertLessEqual(after_cut, at_cut + 8)
            self.assertEqual(self.ready(n3), 503)
        finally:
            self.heal()
            healed = True
        self.assertTrue(healed)
        self.wait_until(lambda: self.ready(n3) == 200, 60, "n3 ready after the heal")
        time.sleep(5)  # what n3 still holds from before the cut it gives back (stale): nothing more is sent
        self.assertEqual(len(self.receipts("/sms/n3")), after_cut)
        keys = self.receipts("/sms/n3") + self.receipts("/sms/gw")
        counts = {m: keys.count("opsdesk-%d" % m) for m in msgs}
        dup = [m for m, c in counts.items() if c > 1]
        self.assertEqual([m for m, c in counts.items() if c == 0], [])
        self.assertLessEqual(len(dup), after_cut - at_cut)  # only the wave in flight at the cut
        self.assertTrue(all(counts[m] <= 2 for m in msgs))
        self.assertEqual(self.one("SELECT COUNT(*) FROM deliveries d WHERE d.status = 'sent' AND d.outbox_id IN "
                                  "(%s)" % ",".join(map(str, msgs))), len(msgs))  # one result each
        # n3 resumes: alone for 2 s, its advance fires the new deadlines and it claims new messages
        after = self.incidents(n3, 10)
        self.pause_others(True)
        try:
            st, body = self.call(n3, "POST", "/api/v1/test/clock", {"advance_seconds": 11 * 60},
                                 timeout=30)
            self.assertEqual(st, 200, body)
            new = [self.message(n3) for _ in range(3)]
            in_new = "id IN (%s)" % ",".join(map(str, new))
            self.wait_until(lambda: self.one("SELECT COUNT(*) FROM outbox WHERE claimed_by = 'n3' AND " + in_new)
                            == 3, 10, "n3 claiming again")
        finally:
            self.pause_others(False)
        self.assertEqual(self.fired(after), ({"n3": 10}, 0))
        self.assertEqual(self.fired(before), (by, 0))  # nothing fired twice later either
        self.wait_until(lambda: self.one("SELECT COUNT(*) FROM outbox WHERE status = 'sent' AND " + in_new) == 3,
                        60, "n3's new messages sent")
        sys.stderr.write("netns partition: n3 not ready (%s); n3 sent %d before the cut, %d after it; n1/n2 sent "
                         "the rest %.1f s after the cut; received twice: %r; first reports during the cut by %r; "
                         "after the heal n3 fired 10 of 10 and sent 3 new\n"
                         % (reason, at_cut, after_cut - at_cut, took_over, dup, by))


def ns_forwarder(addr, port):
    """Run in the namespace: (addr, port) → 127.0.0.1:port there, until killed."""
    Forwarder(addr, ("127.0.0.1", port), port=port)
    print("ready", flush=True)
    while True:
        time.sleep(3600)


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--forward":
        ns_forwarder(sys.argv[2], int(sys.argv[3]))
    clusterlib.main()
