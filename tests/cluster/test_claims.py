"""test_claims.py — several opsdesk nodes on one PostgreSQL (issue "PostgreSQL
and several nodes", docs/deploy/cluster.md, study §4.2 "claim race"):

  * 3 nodes; 1 000 incidents whose first-report deadlines (R-NOT-1, R-NOT-6)
    come due in one test-clock advance: each deadline fires exactly once
    (one deadline_missed timeline row per incident, one missed row each,
    every missed deadline recorded once), fired by the nodes that claimed
    them (deadlines.fired_by);
  * 200 messages (notify test) to a loopback fake SMS gateway
    (tests/notify/receivers.py), claimed by all nodes at once: each received
    exactly once (idempotency key opsdesk-<id>), no key received twice;
  * a fourth node under libfaketime +20 s: /readyz 503 with its offset, its
    test-clock advance refused, and it claims nothing — no deadline fired by
    it, no message claimed by it — while the others fire and send all.

The database: $OPSDESK_TEST_PG_URL, else a throwaway PostgreSQL 15 of the
Debian binaries (tests/pg/pgtmp.py); skipped (ctest code 77) when neither.
Exact counts, no latencies: generous waits on 2 shared cores.
"""
import json
import os
import subprocess
import sys
import threading
import time
import unittest
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "api"))
sys.path.insert(0, os.path.join(HERE, "..", "pg"))
import harness  # noqa: E402
import pgtmp  # noqa: E402
from test_delivery import Receivers  # noqa: E402

FAKETIME_LIB = "/usr/lib/x86_64-linux-gnu/faketime/libfaketimeMT.so.1"
N_INCIDENTS = int(os.environ.get("OPSDESK_CLUSTER_INCIDENTS", "1000"))
N_MESSAGES = int(os.environ.get("OPSDESK_CLUSTER_MESSAGES", "200"))
PHONE = "13800000042"


def psql_bin():
    p = os.path.join(pgtmp.BIN, "psql")
    return p if os.path.exists(p) else "psql"


class Cluster(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.pg = None
        url = os.environ.get("OPSDESK_TEST_PG_URL")
        if not url:
            if not pgtmp.available():
                raise unittest.SkipTest("PostgreSQL 15 is not installed (scripts/deps.sh installs postgresql-15) "
                                        "and OPSDESK_TEST_PG_URL is unset: several nodes need PostgreSQL")
            cls.pg = pgtmp.Pg()
            cls.pg.start()
            url = cls.pg.url()
        cls.url = url
        cls.nodes = []
        cls.rcv = Receivers()
        try:
            cls.tmp = harness.tempfile.mkdtemp(prefix="opsdesk-cluster-")
            # one audit key for every node (PostgreSQL has no directory to keep it beside)
            os.environ["OPSDESK_AUDIT_KEY_FILE"] = os.path.join(cls.tmp, "opsdesk-audit.key")
            cls.channels = os.path.join(cls.tmp, "channels.yaml")
            with open(cls.channels, "w") as f:
                f.write("channels:\n  - name: sms-gw\n    kind: sms\n    url: http://127.0.0.1:%d/sms/gw\n"
                        "    body: '{\"phone\": \"{{to}}\", \"content\": \"{{text}}\"}'\n"
                        "    timeout_ms: 10000\n" % cls.rcv.http)
            for i in range(3):
                cls.nodes.append(cls.node("n%d" % (i + 1)))
            cls.nodes[0].init()
            for n in cls.nodes:
                n.start()
            s = cls.nodes[0]
            cls.eng_id, cls.eng = s.make_user("eng", ["ops_engineer"], department="应用部")
            r = s.post("/api/v1/cis", {"name": "app-L3", "category": "application", "grade": "L3",
                                       "department": "应用部", "attributes": {}}, token=cls.eng)
            assert r.status == 201, r
            cls.ci = r.json["id"]
            cls.sysadmin = s.admin("sysadmin")
        except BaseException:
            cls.tearDownClass()
            raise

    @classmethod
    def node(cls, name, env=None):
        n = harness.Server(tmp=harness.tempfile.mkdtemp(prefix="opsdesk-node-"), extra_env=env,
                           channels=getattr(cls, "channels", None), extra_args=["--node-id", name])
        n.owns_tmp = True
        n.db = cls.url  # the shared database: no file beside the node
        return n

    @classmethod
    def tearDownClass(cls):
        bad = []
        for n in getattr(cls, "nodes", []):
            if n.proc:
                rc = n.stop()
                if rc != 0:
                    bad.append((n.extra_args, rc, n.read_log()[-3000:]))
            n.cleanup()
        if getattr(cls, "rcv", None):
            cls.rcv.close()
        if cls.pg:
            cls.pg.stop()
        if bad:
            raise AssertionError("a node exited badly: %r" % bad)

    # ---- helpers ----
    def sql(self, q):
        r = subprocess.run([psql_bin(), "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-d", self.url, "-c", q],
                           check=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=60)
        return [line.split("|") for line in r.stdout.decode().splitlines() if line]

    def one(self, q):
        return int(self.sql(q)[0][0])

    def post(self, node, path, body, timeout=600):
        req = urllib.request.Request(node.base + path, data=json.dumps(body).encode(), method="POST",
                                     headers={"Content-Type": "application/json",
                                              "Authorization": "Bearer " + self.sysadmin})
        try:
            with urllib.request.urlopen(req, timeout=timeout) as r:
                return r.status, json.loads(r.read() or b"null")
        except urllib.error.HTTPError as ex:
            return ex.code, json.loads(ex.read() or b"null")

    def parallel(self, n, fn, threads=6):
        """fn(i) for i in range(n) on `threads` threads; the results, in order."""
        out, errors = [None] * n, []

        def run(k):
            try:
                for i in range(k, n, threads):
                    out[i] = fn(i)
            except Exception as ex:  # noqa: BLE001 - reported below
                errors.append(ex)
        ts = [threading.Thread(target=run, args=(k,)) for k in range(threads)]
        for t in ts:
            t.start()
        for t in ts:
            t.join()
        self.assertEqual(errors, [])
        return out

    def create_incidents(self, n, nodes):
        def one(i):
            node = nodes[i % len(nodes)]
            r = node.post("/api/v1/incidents", {"title": "集群 %d" % i, "ci_ids": [self.ci], "severity": "moderate",
                                                "location": "机房A", "symptoms": "交易缓慢",
                                                "impact_scope": "柜面业务"}, token=self.eng)
            if r.status != 201:
                raise AssertionError("create incident: %r" % r)
            return r.json["id"]
        return self.parallel(n, one)

    def wait_fired(self, timeout=300):
        """Until no deadline is due at the shared test clock."""
        deadline = time.time() + timeout
        while time.time() < deadline:
            left = self.one("SELECT COUNT(*) FROM deadlines WHERE fire_at IS NOT NULL AND fire_at <= "
                            "(SELECT CAST(value AS BIGINT) FROM meta WHERE key = 'test_clock_ms')")
            if left == 0:
                return
            time.sleep(0.5)
        self.fail("%d deadlines still due after %d s" % (left, timeout))

    def advance(self, node, seconds):
        st, body = self.post(node, "/api/v1/test/clock", {"advance_seconds": seconds})
        self.assertEqual(st, 200, body)
        return body

    # ---- the claim race ----
    def test_1_each_deadline_fires_once(self):
        ids = self.create_incidents(N_INCIDENTS, self.nodes)
        lo, hi = min(ids), max(ids)
        self.assertEqual(self.one("SELECT COUNT(*) FROM deadlines WHERE kind = 'first_report' AND status = "
                                  "'pending' AND incident_id BETWEEN %d AND %d" % (lo, hi)), N_INCIDENTS)
        # L3: first report due 10 min after detection.  Every node is told to
        # set the same later time at once, so all of them walk the due rows
        # together (a race however fast one node is); the shared clock moves once.
        now_ms = self.advance(self.nodes[0], 0)["now_ms"]
        target = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(now_ms // 1000 + 11 * 60 + 1))
        def set_clock(i):
            st, body = self.post(self.nodes[i], "/api/v1/test/clock", {"set": target})
            if st != 200:
                raise AssertionError("set clock on node %d: %s %s" % (i, st, body))
        self.parallel(len(self.nodes), set_clock)
        self.wait_fired()
        where = "incident_id BETWEEN %d AND %d" % (lo, hi)
        self.assertEqual(self.one("SELECT COUNT(*) FROM deadlines WHERE kind = 'first_report' AND status = "
                                  "'missed' AND " + where), N_INCIDENTS)
        rows = self.sql("SELECT COUNT(*), COUNT(DISTINCT incident_id) FROM incident_timeline WHERE kind = "
                        "'deadline_missed' AND text LIKE '%%first_report%%' AND " + where)
        self.assertEqual(rows, [[str(N_INCIDENTS), str(N_INCIDENTS)]])  # once each, never twice
        # every missed deadline of any kind recorded exactly once
        self.assertEqual(self.one("SELECT COUNT(*) FROM incident_timeline WHERE kind = 'deadline_missed' AND " + where),
                         self.one("SELECT COUNT(*) FROM deadlines WHERE status = 'missed' AND " + where))
        by = dict((k, int(v)) for k, v in self.sql(
            "SELECT COALESCE(fired_by, '-'), COUNT(*) FROM deadlines WHERE kind = 'first_report' AND " + where +
            " GROUP BY 1"))
        sys.stderr.write("first-report deadlines fired by node: %r\n" % by)
        self.assertEqual(sum(by.values()), N_INCIDENTS)
        self.assertLessEqual(set(by), {"n1", "n2", "n3"})
        self.assertGreaterEqual(len(by), 2, "a race needs more than one node firing")

    def test_2_each_message_received_once(self):
        def one(i):
            st, body = self.post(self.nodes[i % 3], "/api/v1/notify/test", {"channel": "sms-gw", "to": PHONE})
            if st != 202:
                raise AssertionError("notify test: %r %r" % (st, body))
            return body["id"]
        ids = self.parallel(N_MESSAGES, one)
        # the clock moves on one node; all three claim what is due
        self.advance(self.nodes[1], 60)
        deadline = time.time() + 300
        while time.time() < deadline:
            sent = self.one("SELECT COUNT(*) FROM outbox WHERE kind = 'test' AND status = 'sent' AND id BETWEEN "
                            "%d AND %d" % (min(ids), max(ids)))
            if sent == N_MESSAGES:
                break
            time.sleep(0.5)
        self.assertEqual(sent, N_MESSAGES)
        log = self.rcv.log()
        keys = [r.get("idempotency_key") for r in log["requests"] if r["path"] == "/sms/gw"]
        for i in ids:
            self.assertEqual(keys.count("opsdesk-%d" % i), 1, "message %d" % i)
        self.assertEqual(log.get("dups") or {}, {})  # no message of any kind twice
        by = dict((k, int(v)) for k, v in self.sql(
            "SELECT COALESCE(claimed_by, '-'), COUNT(*) FROM outbox WHERE kind = 'test' GROUP BY 1"))
        sys.stderr.write("test messages claimed by node: %r\n" % by)
        self.assertLessEqual(set(by), {"n1", "n2", "n3"})
        self.assertGreaterEqual(len(by), 2, "a race needs more than one node claiming")
        self.assertEqual(self.one("SELECT COUNT(*) FROM deliveries d JOIN outbox o ON o.id = d.outbox_id WHERE "
                                  "o.kind = 'test' AND d.status = 'sent'"), N_MESSAGES)

    def test_3_skewed_node_claims_nothing(self):
        if not os.path.exists(FAKETIME_LIB):
            self.skipTest("libfaketime not installed (scripts/deps.sh installs faketime)")
        skew = self.node("skew", env={"LD_PRELOAD": FAKETIME_LIB, "FAKETIME": "+20s",
                                      "FAKETIME_DONT_FAKE_MONOTONIC": "1"})
        self.nodes.append(skew)
        skew.start()
        deadline = time.time() + 20
        while time.time() < deadline:
            r = skew.get("/readyz")
            if r.status == 503:
                break
            time.sleep(0.2)
        self.assertEqual(r.status, 503, r)
        self.assertEqual(r.json["node_id"], "skew")
        self.assertGreater(r.json["clock_offset_ms"], 18000)
        self.assertIn("clock", r.json["reason"])
        self.assertEqual(self.nodes[0].get("/readyz").status, 200)
        # it still serves: incidents and messages written through it
        ids = self.create_incidents(100, [skew, self.nodes[0]])
        msgs = [self.post(skew, "/api/v1/notify/test", {"channel": "sms-gw", "to": PHONE})[1]["id"]
                for _ in range(20)]
        st, body = self.post(skew, "/api/v1/test/clock", {"advance_seconds": 11 * 60})
        self.assertEqual(st, 503, body)  # it claims no deadline
        self.advance(self.nodes[2], 11 * 60)
        self.wait_fired()
        where = "incident_id BETWEEN %d AND %d" % (min(ids), max(ids))
        # exact once nothing is due: a row's firing and its timeline entry commit together.  (Once the
        # skewed node, started after the shared test clock fell behind the wall clock, ran at its own
        # later time and dated its incidents past this advance: their first reports were never due.)
        self.assertEqual(self.one("SELECT COUNT(*) FROM incident_timeline WHERE kind = 'deadline_missed' AND "
                                  "text LIKE '%%first_report%%' AND " + where), 100)
        deadline = time.time() + 120
        while time.time() < deadline and self.one(
                "SELECT COUNT(*) FROM outbox WHERE status <> 'sent' AND id IN (%s)" % ",".join(map(str, msgs))):
            time.sleep(0.5)
        self.assertEqual(self.one("SELECT COUNT(*) FROM outbox WHERE status = 'sent' AND id IN (%s)"
                                  % ",".join(map(str, msgs))), 20)
        self.assertEqual(self.one("SELECT COUNT(*) FROM deadlines WHERE fired_by = 'skew'"), 0)
        self.assertEqual(self.one("SELECT COUNT(*) FROM outbox WHERE claimed_by = 'skew'"), 0)
        self.assertEqual(self.one("SELECT COUNT(*) FROM bot_outbox WHERE claimed_by = 'skew'"), 0)


if __name__ == "__main__":
    res = unittest.main(verbosity=2, exit=False).result
    if res.testsRun == 0 or (res.skipped and len(res.skipped) == res.testsRun and res.wasSuccessful()):
        sys.exit(77)  # ctest: skipped (no PostgreSQL)
    sys.exit(0 if res.wasSuccessful() else 1)
