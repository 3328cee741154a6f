"""test_db_lock.py — one server per database (docs/backup.md "One server per
database"): a second `serve` on the same database is refused, `restore
--force` under a running server is refused and the server's data survives,
after the server stops the restore works; the database, its WAL/SHM, the lock
file and the audit key are created 0600 (L5); plaintext leftovers of
interrupted backups and restores are removed at start, and a backup killed
with SIGKILL leaves no plaintext copy of the database (M12)."""
import os
import signal
import sqlite3
import stat
import subprocess
import time
import unittest

import harness

IN_USE = "正被另一个 opsdesk 进程使用"


def run(*args, env=None):
    return subprocess.run([harness.BIN, *args], capture_output=True, text=True, timeout=120, env=env)


def users(db):
    con = sqlite3.connect(db)
    try:
        return sorted(r[0] for r in con.execute("SELECT username FROM users"))
    finally:
        con.close()


class OneServerPerDatabase(harness.ServerTest):
    def test_second_server_refused(self):
        s = self.srv
        p = subprocess.run([harness.BIN, "serve", "--db", s.db, "--listen", "127.0.0.1:%d" % harness.free_port(),
                            "--test-clock"], capture_output=True, text=True, timeout=60, env=s.env)
        self.assertEqual(p.returncode, 1, p.stdout + p.stderr)
        self.assertIn(IN_USE, p.stderr)
        self.assertIn("pid %d" % s.proc.pid, p.stderr)
        # init (it writes the admins) is refused too
        p = run("init", "--db", s.db, env=s.env)
        self.assertEqual(p.returncode, 1, p.stdout + p.stderr)
        self.assertIn(IN_USE, p.stderr)
        # the running server is untouched
        self.assertStatus(s.get("/healthz"), 200)

    def test_modes_0600(self):
        s = self.srv
        s.make_user("mode_u", ["ops_engineer"])  # the WAL exists and holds data
        for p in (s.db, s.db + "-wal", s.db + "-shm", s.db + ".lock", os.path.join(s.tmp, "opsdesk-audit.key")):
            self.assertTrue(os.path.exists(p), p)
            self.assertEqual(stat.S_IMODE(os.stat(p).st_mode), 0o600, p)


class RestoreUnderServer(unittest.TestCase):
    """M3: restore --force over a running server's database."""

    def test_restore_refused_while_serving_then_works(self):
        s = harness.Server()
        try:
            s.init()
            s.start()
            s.make_user("before_bk", ["ops_engineer"])
            kf = os.path.join(s.tmp, "k.key")
            self.assertEqual(run("backup-key", "new", "--key-file", kf).returncode, 0)
            bk = os.path.join(s.tmp, "b.odbk")
            p = run("backup", "--db", s.db, "--out", bk, "--key-file", kf)
            self.assertEqual(p.returncode, 0, p.stderr)
            self.assertEqual(stat.S_IMODE(os.stat(bk).st_mode), 0o600)
            s.make_user("after_bk", ["ops_engineer"])
            p = run("restore", "--in", bk, "--db", s.db, "--key-file", kf, "--force")
            self.assertEqual(p.returncode, 1, p.stdout + p.stderr)
            self.assertIn(IN_USE, p.stderr)
            self.assertNotIn("已恢复", p.stdout)
            # writes acknowledged after the refused restore are kept
            s.make_user("after_restore", ["ops_engineer"])
            self.assertEqual(s.stop(), 0, s.read_log()[-3000:])
            want = ["after_bk", "after_restore", "auditor", "before_bk", "secadmin", "sysadmin"]
            self.assertEqual(users(s.db), want)
            s.start()
            self.assertEqual(s.stop(), 0)
            self.assertEqual(users(s.db), want)
            p = run("audit", "verify", "--db", s.db)
            self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
            # stopped: the restore works and gives the backup's state
            p = run("restore", "--in", bk, "--db", s.db, "--key-file", kf, "--force")
            self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
            self.assertEqual(users(s.db), ["auditor", "before_bk", "secadmin", "sysadmin"])
            self.assertEqual(stat.S_IMODE(os.stat(s.db).st_mode), 0o600)
            s.start()  # and the lock is free again
            self.assertStatus_ok(s)
        finally:
            s.cleanup()

    def assertStatus_ok(self, s):
        self.assertEqual(s.get("/healthz").status, 200)


class Leftovers(unittest.TestCase):
    """M12: nothing plaintext is left behind by an interrupted backup."""

    def test_leftovers_removed_at_start(self):
        s = harness.Server()
        try:
            s.init()
            with open(s.db, "rb") as f:
                plain = f.read()
            left = [s.db + ".backup-Ab12Xy", s.db + ".backup-Ab12Xy-wal", s.db + ".restore-9zQ3kP",
                    s.db + ".restore-9zQ3kP-journal"]
            keep = [s.db + ".backup-notes.txt", os.path.join(s.tmp, "other.db.backup-Ab12Xy")]
            for p in left + keep:
                with open(p, "wb") as f:
                    f.write(plain)
            s.start()
            for p in left:
                self.assertFalse(os.path.exists(p), p)
            for p in keep:
                self.assertTrue(os.path.exists(p), p)
        finally:
            s.cleanup()

    def test_killed_backup_leaves_no_plaintext(self):
        s = harness.Server()
        try:
            os.makedirs(s.tmp, exist_ok=True)
            db = os.path.join(s.tmp, "big.db")
            con = sqlite3.connect(db)
            con.execute("PRAGMA journal_mode=WAL")
            con.execute("CREATE TABLE blob(id INTEGER PRIMARY KEY, b BLOB)")
            for i in range(96):  # ~48 MB: the backup takes long enough to be killed half-way
                con.execute("INSERT INTO blob(b) VALUES(randomblob(500000))")
            con.commit()
            con.close()
            kf = os.path.join(s.tmp, "k.key")
            self.assertEqual(run("backup-key", "new", "--key-file", kf).returncode, 0)
            out = os.path.join(s.tmp, "out.odbk")
            for delay in (0.02, 0.05, 0.1, 0.2, 0.3):
                p = subprocess.Popen([harness.BIN, "backup", "--db", db, "--out", out, "--key-file", kf],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                time.sleep(delay)  # the kill must land during the copy, not after a wait for it
                p.send_signal(signal.SIGKILL)
                p.wait()
            plaintext = []
            for name in os.listdir(s.tmp):
                path = os.path.join(s.tmp, name)
                if path == db or not os.path.isfile(path):
                    continue
                with open(path, "rb") as f:
                    if f.read(16) == b"SQLite format 3\x00":
                        plaintext.append(name)
            self.assertEqual(plaintext, [])
        finally:
            s.cleanup()


if __name__ == "__main__":
    harness.main()
