"""test_housekeeping.py — two opsdesk nodes on one PostgreSQL
(docs/deploy/cluster.md):

  * housekeeping leases: the periodic problem-candidate job
    (OPSDESK_TEST_HOUSEKEEPING_MS=2000: asked every 2 s, lease 6 s) runs on
    one node at a time — the other node runs it 0 times while the holder
    lives; killed (-9), the holder's lease is taken over after its expiry
    with the term + 1, and the node restarted does not take it back; a clean
    stop gives the lease up (term + 1 at the other node);
  * a node whose channels file differs from the cluster's (1 against 1: the
    node that joined later is the odd one): /readyz 503 naming both hashes,
    Chinese first, opsdesk_node_channels_differ 1, the other node ready;
  * --refuse-config-mismatch with another policy file: the node does not
    start, says why, and leaves no heartbeat row;
  * a node 1 h ahead adopts the shared test clock (what it registers is dated there);
  * clock skew -20 s (libfaketime): /readyz 503 with its offset; it adopts
    the shared test clock (records it writes are dated at the others' time,
    not its own); nothing fires early (9 of the 10 minutes: no first report
    missed), and it fires nothing (fired_by), the other node fires all.

The database: a throwaway PostgreSQL 15 (tests/pg/pgtmp.py) or
$OPSDESK_TEST_PG_URL; skipped (ctest code 77) when neither.  Exact counts.
"""
import hashlib
import os
import re
import shutil
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import clusterlib  # noqa: E402
from clusterlib import harness  # noqa: E402

FAKETIME_LIB = "/usr/lib/x86_64-linux-gnu/faketime/libfaketimeMT.so.1"
JOB = "problem_candidates"


def metric(node, name, job=None):
    """The value of metric `name` (with job="…" when given) on node; None when absent."""
    r = node.get("/metrics", Housekeeping.sysadmin)
    if r.status != 200:
        return None
    want = '%s{job="%s"}' % (name, job) if job else name
    raw = r.raw.decode(errors="replace") if isinstance(r.raw, bytes) else r.raw
    for line in raw.splitlines():
        if line.startswith(want + " "):
            return float(line.split()[-1])
    return None


class Housekeeping(clusterlib.Base):
    NODES = 2
    NODE_ENV = {"OPSDESK_TEST_HOUSEKEEPING_MS": "2000"}
    CHANNELS = ("channels:\n  - name: sms-gw\n    kind: sms\n    url: http://127.0.0.1:%(http)d/sms/gw\n"
                "    body: '{\"phone\": \"{{to}}\", \"content\": \"{{text}}\"}'\n")

    @classmethod
    def prepare(cls):
        s = cls.nodes[0]
        cls.eng_id, cls.eng = s.make_user("eng", ["ops_engineer"], department="应用部")
        r = s.post("/api/v1/cis", {"name": "app-L3", "category": "application", "grade": "L3",
                                   "department": "应用部", "attributes": {}}, token=cls.eng)
        assert r.status == 201, r
        cls.ci = r.json["id"]

    def lease(self):
        rows = self.sql("SELECT holder, term FROM opsdesk_leases WHERE name = '%s'" % JOB)
        return (rows[0][0], int(rows[0][1])) if rows else None

    def node_by_id(self, nid):
        return [n for n in self.nodes if n.extra_args[-1] == nid][0]

    def runs(self, node):
        return metric(node, "opsdesk_housekeeping_runs_total", JOB) or 0

    def test_1_one_node_at_a_time_taken_over_after_expiry(self):
        l = self.wait_until(self.lease, 20, "the lease taken")
        holder = self.node_by_id(l[0])
        other = [n for n in self.nodes if n is not holder][0]
        self.assertEqual(l[1], 1)
        # both nodes ask every 2 s for 8 s: only the holder runs the job
        time.sleep(8)
        self.assertEqual(self.lease(), l)
        self.assertGreaterEqual(self.runs(holder), 3)
        self.assertEqual(self.runs(other), 0)
        self.assertEqual(metric(holder, "opsdesk_housekeeping_lease_held", JOB), 1)
        self.assertEqual(metric(other, "opsdesk_housekeeping_lease_held", JOB), 0)
        self.assertEqual(metric(holder, "opsdesk_housekeeping_lease_term", JOB), 1)
        # the holder dies: the other node takes the lease over once it expired, term 2
        holder.kill9()
        self.wait_until(lambda: self.lease()[0] == other.extra_args[-1], 30, "the lease taken over")
        self.assertEqual(self.lease(), (other.extra_args[-1], 2))
        self.wait_until(lambda: self.runs(other) >= 1, 10, "the job run by the new holder")
        # back, the old holder does not take it back while the new one lives
        holder.start()
        self.wait_until(lambda: holder.get("/readyz").status == 200, 30, "the restarted node ready")
        time.sleep(5)
        self.assertEqual(self.lease(), (other.extra_args[-1], 2))
        self.assertEqual(self.runs(holder), 0)  # a new process: counted from its start
        self.assertEqual(metric(holder, "opsdesk_housekeeping_lease_held", JOB), 0)
        # a clean stop gives the lease up: the restarted node takes it, term 3
        self.assertEqual(other.stop(), 0)
        self.wait_until(lambda: self.lease()[0] == holder.extra_args[-1], 30, "the lease after a clean stop")
        self.assertEqual(self.lease(), (holder.extra_args[-1], 3))
        self.wait_until(lambda: self.runs(holder) >= 1, 10, "the job run after the hand-over")
        other.start()
        self.wait_until(lambda: other.get("/readyz").status == 200, 30, "the stopped node back")
        self.nodes.sort(key=lambda n: n.extra_args[-1])  # n1, n2 again, whichever held

    def test_2_channels_differ_one_against_one(self):
        # one node only serves (the other's heartbeat row dies out after 10 s)
        first, second = self.nodes
        self.assertEqual(second.stop(), 0)
        time.sleep(11)
        other_channels = os.path.join(self.tmp, "channels-other.yaml")
        with open(other_channels, "w") as f:
            f.write("channels:\n  - name: sms-gw\n    kind: sms\n    url: http://127.0.0.1:9/sms/gw\n"
                    "    body: '{\"phone\": \"{{to}}\", \"content\": \"{{text}}\"}'\n")
        odd = self.node("odd", env={"OPSDESK_TEST_HOUSEKEEPING_MS": "2000"})
        odd.channels = other_channels
        self.nodes.append(odd)
        odd.start()
        r = self.wait_until(lambda: (lambda x: x if x.status == 503 else None)(odd.get("/readyz")), 20,
                            "the odd node not ready")
        reason = r.json["reason"]
        self.assertIn("渠道文件", reason)
        self.assertLess(reason.index("渠道文件"), reason.index("channels file"))  # Chinese first
        hashes = re.findall(r"[0-9a-f]{64}", reason)
        with open(other_channels, "rb") as f:
            own = hashlib.sha256(f.read()).hexdigest()
        self.assertEqual(hashes[0], own)
        self.assertIn(hashes[1], self.sql("SELECT channels_sha256 FROM opsdesk_nodes WHERE node_id = 'n1'")[0])
        self.assertEqual(metric(odd, "opsdesk_node_channels_differ"), 1)
        self.assertEqual(metric(odd, "opsdesk_node_ready"), 0)
        self.assertEqual(first.get("/readyz").status, 200)  # it was first: the cluster's file
        self.assertEqual(metric(first, "opsdesk_node_channels_differ"), 0)
        # it claims nothing, so it takes no lease either
        self.assertEqual(metric(odd, "opsdesk_housekeeping_runs_total", JOB) or 0, 0)
        self.assertEqual(odd.stop(), 0)
        self.nodes.remove(odd)
        odd.cleanup()
        second.start()
        self.wait_until(lambda: second.get("/readyz").status == 200, 30, "the second node back")

    def test_3_refuse_start_with_another_policy(self):
        pol = os.path.join(self.tmp, "policy-other.yaml")
        shutil.copy(os.path.join(HERE, "..", "..", "policy", "default.yaml"), pol)
        with open(pol, "a") as f:
            f.write("\n# another policy file: another hash\n")
        n = self.node("refuser")
        n.policy = pol
        n.extra_args += ["--refuse-config-mismatch"]
        try:
            with self.assertRaises(RuntimeError) as cm:
                n.start()
            msg = str(cm.exception)
            self.assertIn("拒绝启动", msg)
            self.assertIn("refusing to start", msg)
            self.assertIn("策略文件", msg)
        finally:
            n.cleanup()
        self.assertEqual(self.one("SELECT COUNT(*) FROM opsdesk_nodes WHERE node_id = 'refuser'"), 0)
        for x in self.nodes:
            self.wait_until(lambda: x.get("/readyz").status == 200, 30, "every node ready")

    def test_4_clock_20s_behind(self):
        if not os.path.exists(FAKETIME_LIB):
            self.skipTest("libfaketime not installed (scripts/deps.sh installs faketime)")
        late = self.node("late", env={"OPSDESK_TEST_HOUSEKEEPING_MS": "2000", "LD_PRELOAD": FAKETIME_LIB,
                                      "FAKETIME": "-20s", "FAKETIME_DONT_FAKE_MONOTONIC": "1"})
        self.nodes.append(late)
        late.start()
        r = self.wait_until(lambda: (lambda x: x if x.status == 503 else None)(late.get("/readyz")), 20,
                            "the late node not ready")
        self.assertEqual(r.json["node_id"], "late")
        self.assertLess(r.json["clock_offset_ms"], -18000)
        self.assertIn("时钟", r.json["reason"])
        self.assertIn("clock", r.json["reason"])
        self.assertEqual(self.nodes[0].get("/readyz").status, 200)
        # it serves: incidents registered through it are dated at the shared test clock
        shared = self.one("SELECT CAST(value AS BIGINT) FROM meta WHERE key = 'test_clock_ms'")
        ids = []
        for i in range(10):
            node = late if i % 2 == 0 else self.nodes[0]
            r = node.post("/api/v1/incidents", {"title": "慢钟 %d" % i, "ci_ids": [self.ci], "severity": "moderate",
                                                "location": "机房A", "symptoms": "交易缓慢",
                                                "impact_scope": "柜面业务"}, token=self.eng)
            self.assertEqual(r.status, 201, r)
            ids.append(r.json["id"])
        self.assertEqual(self.one("SELECT COUNT(DISTINCT detected_at) FROM incidents WHERE id IN (%s)"
                                  % ",".join(map(str, ids))), 1)
        self.assertEqual(self.one("SELECT MIN(detected_at) FROM incidents WHERE id IN (%s)"
                                  % ",".join(map(str, ids))), shared)
        where = "incident_id IN (%s)" % ",".join(map(str, ids))
        missed = "SELECT COUNT(*) FROM deadlines WHERE kind = 'first_report' AND status = 'missed' AND " + where
        # L3: the first report is due 10 min after detection; 9 min: nothing fires early
        st, body = self.call(late, "POST", "/api/v1/test/clock", {"advance_seconds": 9 * 60}, token=self.sysadmin)
        self.assertEqual(st, 503, body)  # it claims no deadline
        st, body = self.call(self.nodes[0], "POST", "/api/v1/test/clock", {"advance_seconds": 9 * 60},
                             token=self.sysadmin)
        self.assertEqual(st, 200, body)
        time.sleep(3)  # every node's scheduler polls each second
        self.assertEqual(self.one(missed), 0)
        st, body = self.call(self.nodes[0], "POST", "/api/v1/test/clock", {"advance_seconds": 61},
                             token=self.sysadmin)
        self.assertEqual(st, 200, body)
        self.wait_until(lambda: self.one(missed) == 10, 60, "the first reports missed")
        self.assertEqual(self.one("SELECT COUNT(*) FROM deadlines WHERE fired_by = 'late'"), 0)
        self.assertEqual(self.one("SELECT COUNT(*) FROM incident_timeline WHERE kind = 'deadline_missed' AND "
                                  "text LIKE '%%first_report%%' AND " + where), 10)
        self.assertEqual(metric(late, "opsdesk_housekeeping_runs_total", JOB) or 0, 0)

    def test_5_node_ahead_adopts_the_shared_test_clock(self):
        """A node whose machine clock is past the shared test clock (started later, or
        ahead) runs at the shared one: what it registers is due when the others' advance
        makes it due (cluster/test_claims' node 20 s ahead once dated its incidents past
        the advance, and their first reports never fired)."""
        if not os.path.exists(FAKETIME_LIB):
            self.skipTest("libfaketime not installed (scripts/deps.sh installs faketime)")
        st, body = self.call(self.nodes[0], "POST", "/api/v1/test/clock", {"advance_seconds": 0},
                             token=self.sysadmin)
        self.assertEqual(st, 200, body)
        shared = body["now_ms"]  # the clock every node runs
        ahead = self.node("ahead", env={"LD_PRELOAD": FAKETIME_LIB, "FAKETIME": "+3600s",
                                       "FAKETIME_DONT_FAKE_MONOTONIC": "1"})
        self.nodes.append(ahead)
        ahead.start()
        self.assertEqual(self.one("SELECT CAST(value AS BIGINT) FROM meta WHERE key = 'test_clock_ms'"), shared)
        r = ahead.post("/api/v1/incidents", {"title": "快钟", "ci_ids": [self.ci], "severity": "moderate",
                                             "location": "机房A", "symptoms": "交易缓慢",
                                             "impact_scope": "柜面业务"}, token=self.eng)
        self.assertEqual(r.status, 201, r)
        self.assertEqual(self.one("SELECT detected_at FROM incidents WHERE id = %d" % r.json["id"]), shared)
        self.assertEqual(ahead.stop(), 0)
        self.nodes.remove(ahead)
        ahead.cleanup()


if __name__ == "__main__":
    clusterlib.main()
