"""test_audit.py — the hash-chained audit trail (R-SEC-SYS-3): every change
writes an entry (who, what, before/after) readable by the auditor only;
`opsdesk audit verify` catches an edited, a deleted, a re-ordered and a
forged row in a stopped server's database."""
import os
import shutil
import sqlite3
import subprocess

import harness
from harness import BIN

COLS = "at, actor_id, actor, action, entity, entity_id, before_json, after_json, prev_hash, hash"


class AuditTrail(harness.ServerTest):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        s = cls.srv
        cls.auditor = s.admin("auditor")
        cls.uid, cls.ops = s.make_user("aud_ops", ["ops_engineer"])
        r = s.post("/api/v1/cis", {"name": "aud-db", "category": "database", "grade": "L1"}, cls.ops)
        assert r.status == 201, r
        cls.c1 = r.json["id"]
        r = s.post("/api/v1/cis", {"name": "aud-app", "category": "application", "grade": "L2"}, cls.ops)
        cls.c2 = r.json["id"]
        assert s.request("PATCH", "/api/v1/cis/%d" % cls.c1, {"location": "机房A"}, token=cls.ops).status == 200
        assert s.post("/api/v1/cis/%d/relations" % cls.c2, {"type": "depends_on", "target_id": cls.c1},
                      cls.ops).status == 201
        assert s.post("/api/v1/cis/%d/verify" % cls.c1, token=cls.ops).status == 200
        cls.entries = s.get("/api/v1/audit?limit=500", cls.auditor).json["items"]

    def find(self, action, entity_id=None):
        hits = [e for e in self.entries if e["action"] == action and (entity_id is None or e["entity_id"] == entity_id)]
        self.assertTrue(hits, "no audit entry %s %s" % (action, entity_id))
        return hits[0]

    def test_user_create_and_roles(self):
        e = self.find("user.create", self.uid)
        self.assertEqual(e["actor"], "sysadmin")
        self.assertIsNone(e["before"])
        self.assertEqual(e["after"]["username"], "aud_ops")
        self.assertNotIn("password", str(e["after"]).lower())
        e = self.find("user.set_roles", self.uid)
        self.assertEqual(e["actor"], "secadmin")
        self.assertEqual(e["before"]["roles"], [])
        self.assertEqual(e["after"]["roles"], ["ops_engineer"])

    def test_ci_changes(self):
        e = self.find("ci.create", self.c1)
        self.assertEqual((e["actor"], e["entity"]), ("aud_ops", "ci"))
        self.assertEqual(e["after"]["grade"], "L1")
        e = self.find("ci.update", self.c1)
        self.assertEqual(e["before"]["location"], "")
        self.assertEqual(e["after"]["location"], "机房A")
        e = self.find("ci.relate", self.c2)
        self.assertEqual(e["after"]["target_id"], self.c1)
        e = self.find("ci.verify", self.c1)
        self.assertIsNone(e["before"]["last_verified_at"])
        self.assertIsNotNone(e["after"]["last_verified_at"])

    def test_entries_chain_and_order(self):
        ids = [e["id"] for e in self.entries]
        self.assertEqual(ids, sorted(ids, reverse=True))
        self.assertEqual(ids, list(range(ids[0], 0, -1)))
        by_id = {e["id"]: e for e in self.entries}
        for i in ids[:-1]:
            if i - 1 in by_id:
                self.assertEqual(by_id[i]["prev_hash"], by_id[i - 1]["hash"])

    def test_filters(self):
        r = self.srv.get("/api/v1/audit?entity=ci&entity_id=%d" % self.c1, self.auditor)
        self.assertStatus(r, 200)
        self.assertEqual({e["action"] for e in r.json["items"]}, {"ci.create", "ci.update", "ci.verify"})
        # the total counts every matching entry, not only the page
        n = len(r.json["items"])
        self.assertEqual(r.json["total"], n)
        r = self.srv.get("/api/v1/audit?entity=ci&entity_id=%d&limit=1&offset=1" % self.c1, self.auditor)
        self.assertEqual((len(r.json["items"]), r.json["total"], r.json["limit"], r.json["offset"]), (1, n, 1, 1))
        r = self.srv.get("/api/v1/audit?actor=secadmin", self.auditor)
        self.assertTrue(r.json["items"])
        self.assertEqual({e["actor"] for e in r.json["items"]}, {"secadmin"})

    def test_failed_change_not_audited(self):
        before = self.srv.get("/api/v1/audit/verify", self.auditor).json["rows"]
        r = self.srv.post("/api/v1/cis", {"name": "aud-db", "category": "database", "grade": "L1"}, self.ops)
        self.assertError(r, 409)
        r = self.srv.post("/api/v1/cis", {"name": "aud-x", "category": "database", "grade": "L3"}, self.ops)
        self.assertError(r, 422)
        self.assertEqual(self.srv.get("/api/v1/audit/verify", self.auditor).json["rows"], before)

    def test_only_auditor_reads(self):
        for name in ("sysadmin", "secadmin"):
            self.assertError(self.srv.get("/api/v1/audit", self.srv.admin(name)), 403)
            self.assertError(self.srv.get("/api/v1/audit/verify", self.srv.admin(name)), 403)
        self.assertError(self.srv.get("/api/v1/audit", self.ops), 403)

    def test_verify_endpoint(self):
        r = self.srv.get("/api/v1/audit/verify", self.auditor)
        self.assertStatus(r, 200)
        self.assertTrue(r.json["ok"], r)
        self.assertGreaterEqual(r.json["rows"], len(self.entries))
        self.assertNotIn("first_bad_id", r.json)

    def test_zz_tampering_caught_offline(self):
        """Runs last: stops the server, then tampers with copies of the database."""
        s = self.srv
        self.assertEqual(s.stop(), 0, s.read_log()[-3000:])
        wal = s.db + "-wal"
        self.assertFalse(os.path.exists(wal) and os.path.getsize(wal) > 0, "WAL not checkpointed on clean stop")
        con = harness.db_connect(s.db)
        n = con.execute("SELECT MAX(id) FROM audit").fetchone()[0]
        con.close()
        self.assertGreaterEqual(n, 10)
        mid = n // 2

        def copy(tag):
            dst = os.path.join(s.tmp, "copy-%s.db" % tag)
            shutil.copyfile(s.db, dst)
            return dst

        def verify(db):
            return subprocess.run([BIN, "audit", "verify", "--db", db], capture_output=True, text=True, timeout=120,
                                  env=s.env)

        def tamper(tag, *sql):
            db = copy(tag)
            con = harness.db_connect(db)
            for q in sql:
                con.execute(*q) if isinstance(q, tuple) else con.execute(q)
            con.commit()
            con.close()
            return verify(db)

        def broken_at(out, entry):
            self.assertEqual(out.returncode, 1, out.stdout + out.stderr)
            self.assertIn("BROKEN at entry %d:" % entry, out.stdout, out.stdout + out.stderr)

        out = verify(copy("intact"))
        self.assertEqual(out.returncode, 0, out.stdout + out.stderr)
        self.assertIn("%d entries" % n, out.stdout)

        # (a) an edited row
        broken_at(tamper("edit", ("UPDATE audit SET after_json = '{\"grade\":\"NG\"}' WHERE id = ?", (mid,))), mid)
        # ... or only its actor
        broken_at(tamper("edit-actor", ("UPDATE audit SET actor = 'nobody' WHERE id = ?", (mid,))), mid)
        # (b) a deleted middle row: the next one no longer chains
        broken_at(tamper("delete", ("DELETE FROM audit WHERE id = ?", (mid,))), mid + 1)
        # (c) two rows' content swapped (re-ordered)
        con = harness.db_connect(s.db)
        ra = con.execute("SELECT %s FROM audit WHERE id = ?" % COLS, (mid,)).fetchone()
        rb = con.execute("SELECT %s FROM audit WHERE id = ?" % COLS, (mid + 1,)).fetchone()
        con.close()
        upd = "UPDATE audit SET %s WHERE id = ?" % ", ".join("%s = ?" % c.strip() for c in COLS.split(","))
        broken_at(tamper("swap", (upd, rb + (mid,)), (upd, ra + (mid + 1,))), mid)
        # ... and re-ordered by renumbering the ids
        broken_at(tamper("renumber", ("UPDATE audit SET id = -1 WHERE id = ?", (mid,)),
                         ("UPDATE audit SET id = ? WHERE id = ?", (mid, mid + 1)),
                         ("UPDATE audit SET id = ? WHERE id = -1", (mid + 1,))), mid)
        # (d) a forged row appended with a made-up hash
        con = harness.db_connect(s.db)
        last_hash = con.execute("SELECT hash FROM audit WHERE id = ?", (n,)).fetchone()[0]
        con.close()
        forged = ("INSERT INTO audit(id, at, actor_id, actor, action, entity, entity_id, before_json, after_json, "
                  "prev_hash, hash) VALUES(?, 0, 1, 'sysadmin', 'user.create', 'user', 99, NULL, '{}', ?, ?)",
                  (n + 1, last_hash, "ab" * 32))
        broken_at(tamper("forge", forged), n + 1)
        # (e) the newest row deleted (caught by the head record)
        out = tamper("truncate", ("DELETE FROM audit WHERE id = ?", (n,)))
        self.assertEqual(out.returncode, 1, out.stdout + out.stderr)
        self.assertIn("BROKEN", out.stdout)
        # the original is still intact
        self.assertEqual(verify(s.db).returncode, 0)


if __name__ == "__main__":
    harness.main()
