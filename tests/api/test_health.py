"""test_health.py — /healthz tells the truth about the store (R-SEC-SYS-4:
the data must be intact and writable): a server started on a database with
a corrupted page answers 503 with the reason, not {"status":"ok"} while
every write to that page fails; an intact one answers 200.
"""
import os
import sqlite3
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402


class HealthTest(unittest.TestCase):

    def setUp(self):
        self.srv = harness.Server()
        self.srv.init()
        self.srv.start()

    def tearDown(self):
        self.srv.cleanup()

    def test_intact_store_is_healthy(self):
        r = self.srv.get("/healthz")
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json["status"], "ok")
        self.assertNotIn("reason", r.json)

    def test_corrupted_page_is_503_with_reason(self):
        # some rows on the users table's pages
        self.srv.make_user("health1", ["ops_engineer"])
        self.assertEqual(self.srv.stop(), 0, self.srv.read_log()[-2000:])
        db = sqlite3.connect(self.srv.db)
        page_size = db.execute("PRAGMA page_size").fetchone()[0]
        root = db.execute("SELECT rootpage FROM sqlite_master WHERE name = 'users'").fetchone()[0]
        db.close()
        self.assertFalse(os.path.exists(self.srv.db + "-wal") and os.path.getsize(self.srv.db + "-wal") > 0)
        # the probe's fault: bytes over one page of a table (its b-tree header and cells)
        with open(self.srv.db, "r+b") as f:
            f.seek((root - 1) * page_size)
            f.write(bytes([0x5A]) * page_size)
        self.srv.start()
        r = self.srv.get("/healthz")
        self.assertEqual(r.status, 503, r)
        self.assertEqual(r.json["status"], "unavailable")
        self.assertIn("integrity check failed", r.json["reason"])
        self.assertIn("数据库完整性检查失败", r.json["reason"])


if __name__ == "__main__":
    harness.main()
