"""test_cluster_node.py — one node's share of running several nodes on one
database (docs/deploy/cluster.md), on SQLite: the node's id (--node-id, by
default host:port), its heartbeat row stamped every 2 s, /readyz 200 with
the node id and clock offset, the offset in /metrics, deadlines marked
with the node that fired them, and the audit chain gapless (seq 1..N, verify
intact) after concurrent writers.  Several nodes need PostgreSQL
(tests/cluster/test_claims.py): SQLite's file is held by one process."""
import os
import socket
import sys
import threading
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from test_incidents import MIN, IncidentWorld, parse_time  # noqa: E402


def db_rows(srv, sql, args=()):
    """Reads the server's database behind it (SQLite: WAL readers do not block)."""
    con = harness.db_connect("file:%s?mode=ro" % srv.db, uri=True, timeout=10)
    try:
        return con.execute(sql, args).fetchall()
    finally:
        con.close()


class NodeTest(IncidentWorld):
    extra_args = ["--node-id", "desk-a"]

    def test_readyz_names_the_node(self):
        r = self.srv.get("/readyz")
        self.assertStatus(r, 200)
        self.assertEqual(r.json["status"], "ready")
        self.assertEqual(r.json["node_id"], "desk-a")
        # SQLite: the database clock is this node's, the offset ~0
        self.assertLess(abs(r.json["clock_offset_ms"]), 500)
        self.assertNotIn("reason", r.json)

    def test_heartbeat_row(self):
        rows = db_rows(self.srv, "SELECT node_id, boot_id, heartbeat_at, clock_offset_ms FROM opsdesk_nodes")
        self.assertEqual([r[0] for r in rows], ["desk-a"])
        self.assertEqual(len(rows[0][1]), 32)  # a fresh boot id
        first = rows[0][2]
        deadline = time.time() + 10
        while time.time() < deadline:
            time.sleep(0.5)
            hb = db_rows(self.srv, "SELECT heartbeat_at FROM opsdesk_nodes WHERE node_id = 'desk-a'")[0][0]
            if hb > first:
                break
        self.assertGreater(hb, first)  # renewed (every 2 s)
        self.assertLessEqual(hb - first, 6000)
        self.assertLess(abs(time.time() * 1000 - hb), 5000)  # the database (here: machine) clock

    def test_metrics_offset(self):
        r = self.srv.get("/metrics", self.srv.admin())
        self.assertStatus(r, 200)
        self.assertIn("opsdesk_node_clock_offset_seconds ", r.raw)
        self.assertIn("opsdesk_node_ready 1\n", r.raw)

    def test_fired_by_this_node(self):
        inc = self.create("L2", "moderate")
        due = parse_time(inc["first_report_due"])
        self.set_clock(due + 1000)
        rows = db_rows(self.srv, "SELECT kind, status, fired_by FROM deadlines WHERE incident_id = ? AND "
                       "kind = 'first_report'", (inc["id"],))
        self.assertEqual(rows, [("first_report", "missed", "desk-a")])
        g = self.get(inc["id"])
        missed = [t for t in g["timeline"] if t["kind"] == "deadline_missed"]
        self.assertEqual(len(missed), 1)

    def test_audit_gapless_after_concurrent_writers(self):
        before = self.srv.get("/api/v1/audit/verify", self.srv.admin("auditor")).json["rows"]
        errors = []

        def writer(k):
            try:
                for i in range(10):
                    r = self.srv.post("/api/v1/cis", {"name": "conc-%d-%d" % (k, i), "category": "application",
                                                      "grade": "L3", "department": "应用部", "attributes": {}},
                                      token=self.tok["eng"])
                    if r.status != 201:
                        errors.append(r)
            except Exception as ex:  # noqa: BLE001 - reported below
                errors.append(ex)
        ts = [threading.Thread(target=writer, args=(k,)) for k in range(8)]
        for t in ts:
            t.start()
        for t in ts:
            t.join()
        self.assertEqual(errors, [])
        v = self.srv.get("/api/v1/audit/verify", self.srv.admin("auditor")).json
        self.assertEqual(v["rows"], before + 80)
        self.assertIs(v["ok"], True)
        ids = [r[0] for r in db_rows(self.srv, "SELECT id FROM audit ORDER BY id")]
        self.assertEqual(ids, list(range(1, len(ids) + 1)))  # seq gapless
        lock = db_rows(self.srv, "SELECT appends FROM audit_lock WHERE id = 1")[0][0]
        self.assertGreaterEqual(lock, 80)


class DefaultNodeIdTest(harness.ServerTest):
    def test_default_is_host_and_port(self):
        r = self.srv.get("/readyz")
        self.assertStatus(r, 200)
        host = socket.gethostname()[:63]
        self.assertEqual(r.json["node_id"], "%s:%d" % (host, self.srv.port))


if __name__ == "__main__":
    harness.main()
