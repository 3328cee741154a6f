"""opsdesk backup / restore from the command line (R-SEC-SYS-4): an encrypted
online copy with the key split between two custodians; restore needs both
shares; the restored database verifies (audit chain) and has every record; a
tampered backup or a single share is refused."""
import os
import re
import sqlite3
import subprocess
import unittest

import harness


def run(*args, env=None):
    return subprocess.run([harness.BIN, *args], capture_output=True, text=True, timeout=120, env=env)


class BackupCli(harness.ServerTest):
    def test_split_key_backup_and_restore(self):
        s = self.srv
        _, ops = s.make_user("bk_ops", ["ops_engineer"])
        r = s.post("/api/v1/cis", {"name": "备份测试 CI", "category": "server", "grade": "L2"}, ops)
        self.assertStatus(r, 201)
        out = os.path.join(s.tmp, "b.odbk")
        # online: the server keeps running while the copy is taken
        p = run("backup", "--db", s.db, "--out", out, "--split-key")
        self.assertEqual(p.returncode, 0, p.stderr)
        shares = re.findall(r"(ODK1-S[12]-[0-9A-Fa-f-]+)", p.stdout)
        self.assertEqual(len(shares), 2, p.stdout)
        # the key material never appears in the backup file
        with open(out, "rb") as f:
            blob = f.read()
        for sh in shares:
            self.assertNotIn(sh.encode(), blob)
        dest = os.path.join(s.tmp, "restored.db")
        # one share alone (joined with a share of another key) is refused
        other = run("backup", "--db", s.db, "--out", os.path.join(s.tmp, "o.odbk"), "--split-key")
        wrong = re.findall(r"(ODK1-S2-[0-9A-Fa-f-]+)", other.stdout)[0]
        p = run("restore", "--in", out, "--db", dest, "--share1", shares[0], "--share2", wrong)
        self.assertEqual(p.returncode, 1, p.stdout)
        self.assertFalse(os.path.exists(dest))
        # both shares restore; the copy has the CI and its audit chain verifies
        p = run("restore", "--in", out, "--db", dest, "--share1", shares[0], "--share2", shares[1])
        self.assertEqual(p.returncode, 0, p.stderr)
        with sqlite3.connect(dest) as db:
            names = [row[0] for row in db.execute("SELECT name FROM cis")]
            users = db.execute("SELECT COUNT(*) FROM users").fetchone()[0]
        self.assertEqual(names, ["备份测试 CI"])
        self.assertEqual(users, 4)
        p = run("audit", "verify", "--db", dest)
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        # a tampered backup is refused and leaves nothing behind
        bad = os.path.join(s.tmp, "bad.odbk")
        data = bytearray(blob)
        data[len(data) // 2] ^= 0x01
        with open(bad, "wb") as f:
            f.write(bytes(data))
        dest2 = os.path.join(s.tmp, "restored2.db")
        p = run("restore", "--in", bad, "--db", dest2, "--share1", shares[0], "--share2", shares[1])
        self.assertEqual(p.returncode, 1, p.stdout)
        self.assertFalse(os.path.exists(dest2))

    def test_usage_errors(self):
        self.assertEqual(run("backup", "--db", self.srv.db).returncode, 2)
        self.assertEqual(run("restore", "--in", "x").returncode, 2)


if __name__ == "__main__":
    harness.main()
