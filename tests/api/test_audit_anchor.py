"""test_audit_anchor.py — the audit chain is anchored outside the database
(R-SEC-SYS-3, docs/backup.md "Audit chain and its anchor"): whoever can write
the database file but not read the audit key cannot rewrite the chain
consistently.  The probe's forgery (M4) is replayed: entries are rewritten
and deleted, every later id and hash recomputed with the real hash function
and the head record updated; `opsdesk audit verify` must fail and name the
anchor, while the untouched database verifies."""
import hashlib
import hmac
import os
import shutil
import sqlite3
import stat
import subprocess

import harness
from harness import BIN

COLS = "id, at, actor_id, actor, action, entity, entity_id, before_json, after_json, prev_hash, hash"
GENESIS = "0" * 64


def entry_hash(prev, id_, at, actor_id, actor, action, entity, entity_id, before, after):
    """The chain's own hash (src/app/audit.c hash_entry), for a forger without the key."""
    h = hashlib.sha256()
    h.update(("%d|%d|%d|%d" % (id_, at, actor_id or 0, entity_id or 0)).encode())
    for p in (prev, actor, action, entity, before, after):
        b = (p or "").encode()
        h.update(("|%d:" % len(b)).encode())
        h.update(b)
    return h.hexdigest()


def rehash_all(db, edit):
    """Applies edit(rows) -> rows to the audit table and re-chains it consistently."""
    con = harness.db_connect(db)
    rows = [list(r) for r in con.execute("SELECT %s FROM audit ORDER BY id" % COLS)]
    rows = edit(rows)
    con.execute("DELETE FROM audit")
    prev = GENESIS
    for i, r in enumerate(rows, start=1):
        r[0] = i
        r[9] = prev
        r[10] = entry_hash(prev, r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], r[8])
        prev = r[10]
        con.execute("INSERT INTO audit(%s) VALUES(%s)" % (COLS, ",".join("?" * 11)), r)
    con.execute("UPDATE meta SET value = ? WHERE key = 'audit_head'", ("%d:%s" % (len(rows), prev),))
    con.commit()
    con.close()
    return len(rows)


class AuditAnchor(harness.ServerTest):
    def verify(self, db, *extra):
        return subprocess.run([BIN, "audit", "verify", "--db", db, *extra], capture_output=True, text=True,
                              timeout=120, env=self.srv.env)

    def copy(self, tag):
        dst = os.path.join(self.srv.tmp, "copy-%s.db" % tag)
        shutil.copyfile(self.srv.db, dst)
        return dst

    def test_zz_consistent_rewrite_caught(self):
        s = self.srv
        for i in range(3):
            s.make_user("anc_%d" % i, ["ops_engineer"])
            r = s.post("/api/v1/auth/login", {"username": "anc_%d" % i, "password": "wrong password"})
            self.assertStatus(r, 401)  # a login.fail entry, the kind the probe deleted
        self.assertEqual(s.stop(), 0, s.read_log()[-3000:])
        key = os.path.join(s.tmp, "opsdesk-audit.key")
        self.assertEqual(stat.S_IMODE(os.stat(key).st_mode), 0o600)

        # the forger's hash function is the real one: every stored hash recomputes
        con = harness.db_connect(s.db)
        rows = list(con.execute("SELECT %s FROM audit ORDER BY id" % COLS))
        con.close()
        prev = GENESIS
        for r in rows:
            self.assertEqual(r[9], prev)
            self.assertEqual(entry_hash(prev, *r[:9]), r[10], r)
            prev = r[10]
        self.assertTrue(any(r[4] == "login.fail" for r in rows))

        out = self.verify(self.copy("intact"))
        self.assertEqual(out.returncode, 0, out.stdout + out.stderr)
        self.assertIn("audit chain OK: %d entries" % len(rows), out.stdout)

        # delete the failed logins and re-attribute a user creation, re-chained consistently
        def forge(rows):
            rows = [r for r in rows if r[4] != "login.fail"]
            for r in rows:
                if r[4] == "user.create":
                    r[3] = "auditor"
                    break
            return rows
        db = self.copy("forged")
        n = rehash_all(db, forge)
        self.assertLess(n, len(rows))
        out = self.verify(db)
        self.assertEqual(out.returncode, 1, out.stdout + out.stderr)
        self.assertIn("BROKEN", out.stdout)
        self.assertIn("anchor", out.stdout)

        # the same with the anchor row deleted too
        con = harness.db_connect(db)
        con.execute("DELETE FROM meta WHERE key = 'audit_anchor'")
        con.commit()
        con.close()
        out = self.verify(db)
        self.assertEqual(out.returncode, 1, out.stdout + out.stderr)
        self.assertIn("audit anchor missing", out.stdout)

        # an untouched chain re-hashed (nothing changed) still verifies: the check is on content, not form
        db = self.copy("same")
        rehash_all(db, lambda rows: rows)
        out = self.verify(db)
        self.assertEqual(out.returncode, 0, out.stdout + out.stderr)

        # the newest entry removed and the head record moved back with it
        db = self.copy("tail")
        rehash_all(db, lambda rows: rows[:-1])
        out = self.verify(db)
        self.assertEqual(out.returncode, 1, out.stdout + out.stderr)
        self.assertIn("the anchor covers entries up to %d, the chain ends at %d" % (len(rows), len(rows) - 1),
                      out.stdout)

        # another key (a key file replaced) does not authenticate the anchor
        other = os.path.join(s.tmp, "other.key")
        with open(other, "w") as f:
            f.write("ab" * 32 + "\n")
        out = self.verify(s.db, "--audit-key-file", other)
        self.assertEqual(out.returncode, 1, out.stdout + out.stderr)
        self.assertIn("does not authenticate with the audit key", out.stdout)
        # without the key file the chain cannot be checked: an error, not "OK"
        out = self.verify(s.db, "--audit-key-file", os.path.join(s.tmp, "missing.key"))
        self.assertEqual(out.returncode, 1, out.stdout + out.stderr)
        self.assertIn("audit key file", out.stderr)
        self.assertNotIn("OK", out.stdout)
        # the original still verifies, also with the key named explicitly
        self.assertEqual(self.verify(s.db, "--audit-key-file", key).returncode, 0)

    def test_verify_endpoint_checks_anchor(self):
        r = self.srv.get("/api/v1/audit/verify", self.srv.admin("auditor"))
        self.assertStatus(r, 200)
        self.assertTrue(r.json.get("ok", True), r.raw)


class AnchorAdoption(harness.ServerTest):
    """A database from before anchors (no anchor, no key) gets one when its key is made."""

    def test_adopt_existing_chain(self):
        s = self.srv
        s.make_user("adopt_u", ["ops_engineer"])
        self.assertEqual(s.stop(), 0)
        key = os.path.join(s.tmp, "opsdesk-audit.key")
        os.unlink(key)
        con = harness.db_connect(s.db)
        con.execute("DELETE FROM meta WHERE key = 'audit_anchor'")
        con.commit()
        con.close()
        s.start()
        self.assertIn("anchored as of now", s.read_log())
        self.assertEqual(s.stop(), 0)
        out = subprocess.run([BIN, "audit", "verify", "--db", s.db], capture_output=True, text=True, timeout=60,
                             env=s.env)
        self.assertEqual(out.returncode, 0, out.stdout + out.stderr)
        # a key that already existed never adopts: an anchor deleted later stays missing
        con = harness.db_connect(s.db)
        con.execute("DELETE FROM meta WHERE key = 'audit_anchor'")
        con.commit()
        con.close()
        s.start()
        self.assertEqual(s.stop(), 0)
        out = subprocess.run([BIN, "audit", "verify", "--db", s.db], capture_output=True, text=True, timeout=60,
                             env=s.env)
        self.assertEqual(out.returncode, 1, out.stdout + out.stderr)
        self.assertIn("audit anchor missing", out.stdout)
        s.start()  # for tearDownClass


class ForgeryNotReanchored(harness.ServerTest):
    """The next audited change after a forgery must not anchor the forged chain."""

    def test_forged_then_used(self):
        s = self.srv
        s.make_user("fr_a", ["ops_engineer"])
        self.assertEqual(s.stop(), 0)
        rehash_all(s.db, lambda rows: [r for r in rows if r[4] != "user.create"])
        s.start()
        s.make_user("fr_b", ["ops_engineer"])  # audited: user.create, role change, login
        self.assertIn("the anchor is not moved on", s.read_log())
        self.assertEqual(s.stop(), 0)
        out = subprocess.run([BIN, "audit", "verify", "--db", s.db], capture_output=True, text=True, timeout=60,
                             env=s.env)
        self.assertEqual(out.returncode, 1, out.stdout + out.stderr)
        self.assertIn("BROKEN", out.stdout)
        s.start()  # for tearDownClass


def forge_anchor(db, key_path):
    """What an attacker holding the key file can do: a valid anchor for the chain as it is."""
    with open(key_path) as f:
        key = bytes.fromhex(f.read().strip())
    con = harness.db_connect(db)
    n, h = con.execute("SELECT id, hash FROM audit ORDER BY id DESC LIMIT 1").fetchone()
    msg = ("opsdesk-audit-anchor-v1|%d|%s" % (n, h)).encode()
    mac = hmac.new(key, msg, hashlib.sha512).digest()[:32]  # crypto_auth = HMAC-SHA-512-256
    con.execute("UPDATE meta SET value = ? WHERE key = 'audit_anchor'", ("v1 %d %s %s" % (n, h, mac.hex()),))
    con.commit()
    con.close()


class AnchorLog(harness.ServerTest):
    """--audit-anchor-log: committed anchors also go to an append-only file outside the database."""

    @classmethod
    def setUpClass(cls):
        cls.srv = harness.Server()
        cls.alog = os.path.join(cls.srv.tmp, "anchors.log")
        cls.srv.extra_args = ["--audit-anchor-log", cls.alog, "--audit-syslog"]
        cls.srv.init()
        cls.srv.start()

    def verify(self, db, *extra):
        return subprocess.run([BIN, "audit", "verify", "--db", db, *extra], capture_output=True, text=True,
                              timeout=120, env=self.srv.env)

    def test_rollback_and_keyholder_forgery_caught(self):
        s = self.srv
        s.make_user("al_a", ["ops_engineer"])
        self.assertEqual(s.stop(), 0)
        old = os.path.join(s.tmp, "old.db")
        shutil.copyfile(s.db, old)
        s.start()
        s.make_user("al_b", ["ops_engineer"])
        self.assertEqual(s.stop(), 0)
        self.assertEqual(stat.S_IMODE(os.stat(self.alog).st_mode), 0o600)
        con = harness.db_connect(s.db)
        n = con.execute("SELECT MAX(id) FROM audit").fetchone()[0]
        con.close()
        with open(self.alog) as f:
            lines = [l.split() for l in f if l.strip()]
        ids = [int(l[1]) for l in lines]
        self.assertEqual(ids, sorted(ids))
        self.assertEqual(ids[-1], n)  # the newest committed entry is logged
        out = self.verify(s.db, "--anchor-log", self.alog)
        self.assertEqual(out.returncode, 0, out.stdout + out.stderr)

        # rolled back to an older copy of itself: its own anchor is authentic ...
        rolled = os.path.join(s.tmp, "rolled.db")
        shutil.copyfile(old, rolled)
        out = self.verify(rolled)
        self.assertEqual(out.returncode, 0, out.stdout + out.stderr)  # documented: not detected without the log
        # ... but the log knows later entries
        out = self.verify(rolled, "--anchor-log", self.alog)
        self.assertEqual(out.returncode, 1, out.stdout + out.stderr)
        self.assertIn("cut or rolled back", out.stdout)

        # an attacker who holds the key rewrites an entry and forges the anchor
        forged = os.path.join(s.tmp, "keyholder.db")
        shutil.copyfile(s.db, forged)

        def reattribute(rows):
            for r in rows:
                if r[4] == "user.create" and r[0] > ids[0]:
                    r[3] = "auditor"
            return rows
        rehash_all(forged, reattribute)
        forge_anchor(forged, os.path.join(s.tmp, "opsdesk-audit.key"))
        out = self.verify(forged)
        self.assertEqual(out.returncode, 0, out.stdout + out.stderr)  # documented: the key holder can forge
        out = self.verify(forged, "--anchor-log", self.alog)
        self.assertEqual(out.returncode, 1, out.stdout + out.stderr)
        self.assertIn("differs from the anchor log", out.stdout)

        # a line of the log itself edited
        bad = os.path.join(s.tmp, "bad.log")
        with open(self.alog) as f, open(bad, "w") as g:
            text = f.read().splitlines()
            text[0] = text[0].replace(text[0].split()[2], "0" * 64)
            g.write("\n".join(text) + "\n")
        out = self.verify(s.db, "--anchor-log", bad)
        self.assertEqual(out.returncode, 1, out.stdout + out.stderr)
        self.assertIn("line 1 of the anchor log does not authenticate", out.stdout)
        s.start()


if __name__ == "__main__":
    harness.main()
