"""test_production_checks.py — what issue "ready for production" asks of
the administration commands, where test_admin_commands.py leaves a gap
(docs/deploy/install.md, docs/upgrade.md):

* `opsdesk init` whose OPSDESK_ADMIN_PASSWORD the password policy refuses
  (R-SEC-SYS-1) leaves no database behind: `serve` then refuses the path as
  missing instead of serving a database nobody can sign in to, and a second
  `init` with a good password makes it.  An existing database is never
  removed, and with --audit-anchor-log (whose log holds the first anchor) the
  file stays.
* `opsdesk backup` copies the database as it is: it never migrates an older
  one, and a newer one (a later release's) is copied unchanged; what it
  restores is refused by `serve` and `audit verify` of this binary, as the
  database was.
* `opsdesk user reset-password USER --db PATH` recovers a lost password, an
  administrator's too, next to a running server (R-SEC-SYS-1): a new random
  password printed once, to be changed at the next sign-in; the old password
  and the account's sessions stop working; audited as user.reset_password.
  It and `opsdesk user unlock` write their audit entry with the audit key, so
  `audit verify` still finds the chain whole (unlock used to leave it
  "BROKEN": an entry past the anchor).

Run: OPSDESK_BIN=build/opsdesk python3 tests/cli/test_production_checks.py
"""
import json
import os
import re
import sqlite3
import subprocess
import unittest

from test_admin_commands import BIN, ENV, Base, newest, run, schema_rows, set_back_one_schema

import harness  # tests/api, on the path once test_admin_commands is imported

WEAK = "weak"
WEAK_MSG = "password needs at least 8 characters"


def run_pw(password, *args):
    env = dict(ENV, OPSDESK_ADMIN_PASSWORD=password)
    return subprocess.run([BIN] + list(args), env=env, capture_output=True, text=True, timeout=120)


class RefusedPassword(Base):
    def files(self):
        return sorted(f for f in os.listdir(self.tmp) if f.startswith("opsdesk.db") and f != "opsdesk.db.lock")

    def test_a_refused_password_leaves_no_database(self):
        out = run_pw(WEAK, "init", "--db", self.db, "--test-clock")
        self.assertEqual(out.returncode, 1, out.stdout)
        self.assertIn(WEAK_MSG, out.stderr)
        self.assertIn("no database created: " + self.db, out.stderr)
        self.assertEqual(self.files(), [])
        out = run("serve", "--db", self.db, "--listen", "127.0.0.1:1")
        self.assertEqual(out.returncode, 1)
        self.assertIn("opsdesk init --db " + self.db, out.stderr)
        self.assertEqual(self.files(), [])
        out = run("init", "--db", self.db, "--test-clock")  # the good password of ENV
        self.assertEqual(out.returncode, 0, out.stderr)
        self.assertIn("admin accounts use OPSDESK_ADMIN_PASSWORD", out.stdout)
        self.assertIn("audit chain OK: 3 entries", run("audit", "verify", "--db", self.db).stdout)

    def test_an_existing_database_is_never_removed(self):
        self.init()
        out = run_pw(WEAK, "init", "--db", self.db, "--test-clock")
        # the administrators exist: no password is needed, nothing is made or removed
        self.assertEqual(out.returncode, 0, out.stderr)
        self.assertIn("used only for administrator accounts that did not exist yet", out.stdout)
        self.assertNotIn("admin accounts use OPSDESK_ADMIN_PASSWORD", out.stdout)
        self.assertTrue(os.path.exists(self.db))
        self.assertIn("audit chain OK: 3 entries", run("audit", "verify", "--db", self.db).stdout)

    def test_with_an_anchor_log_the_file_stays(self):
        log = os.path.join(self.tmp, "anchors.log")
        out = run_pw(WEAK, "init", "--db", self.db, "--test-clock", "--audit-anchor-log", log)
        self.assertEqual(out.returncode, 1)
        self.assertIn(WEAK_MSG, out.stderr)
        self.assertNotIn("no database created", out.stderr)
        self.assertTrue(os.path.exists(self.db))


class BackupCopies(Base):
    def key(self):
        key = os.path.join(self.tmp, "backup.key")
        self.assertEqual(run("backup-key", "new", "--key-file", key).returncode, 0)
        return key

    def test_backup_never_migrates_an_older_database(self):
        self.init()
        set_back_one_schema(self.db)
        before = schema_rows(self.db)
        needs = "needs migrating to %d" % newest()
        self.assertIn(needs, run("audit", "verify", "--db", self.db).stderr)
        out = run("backup", "--db", self.db, "--key-file", self.key(), "--out", os.path.join(self.tmp, "b.odbk"))
        self.assertEqual(out.returncode, 0, out.stderr)
        self.assertEqual(schema_rows(self.db), before)
        self.assertIn(needs, run("audit", "verify", "--db", self.db).stderr)

    def test_a_newer_database_is_copied_unchanged_and_its_restore_refused(self):
        self.init()
        with sqlite3.connect(self.db) as c:
            c.execute("INSERT INTO schema_migrations(version, name, applied_at) VALUES (99, '0099_future.sql', 0)")
        key, bak = self.key(), os.path.join(self.tmp, "n.odbk")
        out = run("backup", "--db", self.db, "--key-file", key, "--out", bak)
        self.assertEqual(out.returncode, 0, out.stderr)
        self.assertEqual(schema_rows(self.db)[-1], 99)
        restored = os.path.join(self.tmp, "restored.db")
        out = run("restore", "--in", bak, "--db", restored, "--key-file", key)
        self.assertEqual(out.returncode, 0, out.stderr)
        self.assertEqual(schema_rows(restored)[-1], 99)
        msg = "has schema 99, newer than this binary's %d" % newest()
        for args in (["serve", "--db", restored, "--listen", "127.0.0.1:1"], ["audit", "verify", "--db", restored]):
            out = run(*args)
            self.assertEqual(out.returncode, 1, args)
            self.assertIn(msg, out.stderr, args)


class PasswordReset(unittest.TestCase):
    POLICY = "version: 1\nlogin: {initial_password_change: true}\n"

    def setUp(self):
        self.srv = harness.Server()
        pol = os.path.join(self.srv.tmp, "policy.yaml")
        with open(pol, "w") as f:
            f.write(self.POLICY)
        self.srv.policy = pol
        self.srv.init()
        self.srv.start()

    def tearDown(self):
        if self.srv.proc:
            self.srv.stop()
        self.srv.cleanup()

    def cli(self, *args):
        return subprocess.run([BIN] + list(args), env=self.srv.env, capture_output=True, text=True, timeout=120)

    def verify(self):
        out = self.cli("audit", "verify", "--db", self.srv.db)
        self.assertEqual(out.returncode, 0, out.stdout + out.stderr)
        self.assertIn("audit chain OK", out.stdout)

    def actions(self, action):
        with harness.db_connect("file:%s?mode=ro" % self.srv.db, uri=True) as c:
            return c.execute("SELECT actor, after_json FROM audit WHERE action = ? ORDER BY id", (action,)).fetchall()

    def test_reset_an_administrators_password(self):
        s = self.srv
        old = s.login("sysadmin", harness.ADMIN_PW)
        self.assertEqual(s.get("/api/v1/auth/me", token=old).status, 200)
        out = self.cli("user", "reset-password", "sysadmin", "--db", s.db)
        self.assertEqual(out.returncode, 0, out.stderr)
        m = re.search(r"new password  sysadmin (\S+)\n", out.stdout)
        self.assertIsNotNone(m, out.stdout)
        new = m.group(1)
        self.assertEqual(s.get("/api/v1/auth/me", token=old).status, 401)  # its sessions were revoked
        r = s.post("/api/v1/auth/login", {"username": "sysadmin", "password": harness.ADMIN_PW})
        self.assertEqual(r.status, 401, r)
        tok = s.login("sysadmin", new)
        me = s.get("/api/v1/auth/me", token=tok)
        self.assertTrue(me.json["must_change_password"], me.json)
        self.assertEqual(s.get("/api/v1/users", token=tok).status, 403)  # the new one first
        r = s.post("/api/v1/auth/password", {"old_password": new, "new_password": "Reset-pass-2!"}, token=tok)
        self.assertEqual(r.status, 200, r)
        tok = s.login("sysadmin", "Reset-pass-2!")
        self.assertEqual(s.get("/api/v1/users", token=tok).status, 200)
        rows = self.actions("user.reset_password")
        self.assertEqual(len(rows), 1, rows)
        self.assertTrue(rows[0][0].startswith("cli:"), rows)
        self.assertEqual(json.loads(rows[0][1]), {"username": "sysadmin", "via": "opsdesk user reset-password"})
        self.assertNotIn(new, rows[0][1])
        self.assertEqual(s.stop(), 0)
        self.verify()  # the server's entries after the reset and the reset's own: one chain

    def test_unknown_user_and_usage(self):
        out = self.cli("user", "reset-password", "nobody-here", "--db", self.srv.db)
        self.assertEqual(out.returncode, 1, out.stdout)
        self.assertIn("nobody-here", out.stderr)
        self.assertEqual(self.cli("user", "reset-password", "--db", self.srv.db).returncode, 2)
        self.assertEqual(self.cli("user", "reset-password", "sysadmin").returncode, 2)
        self.assertEqual(self.actions("user.reset_password"), [])

    def test_unlock_keeps_the_chain_whole(self):
        out = self.cli("user", "unlock", "secadmin", "--db", self.srv.db)
        self.assertEqual(out.returncode, 0, out.stderr)
        self.assertEqual(self.srv.stop(), 0)
        self.verify()


if __name__ == "__main__":
    unittest.main(verbosity=2)
