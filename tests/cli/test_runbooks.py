"""test_runbooks.py — the runbooks in the docs run as written: each block
between `<!-- runbook: NAME -->` and `<!-- end runbook -->` is executed line
by line by bash (set -e), with `opsdesk` on PATH being the binary under test
and the variables the runbook names set to a scratch installation.

* docs/backup.md "restore": restore a backup made by a running server's
  database onto a spare path, put back the audit key, migrate (nothing to
  do), verify the chain, count the incidents.
* README.md "tour": on a fresh server, people, a CI, an incident through
  first and second reports, activation, progress and final reports,
  closure and review, and the case library.
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "api"))
import harness  # noqa: E402


def runbook(doc, name):
    with open(os.path.join(harness.ROOT, doc if doc.endswith("README.md") else os.path.join("docs", doc)),
              encoding="utf-8") as f:
        text = f.read()
    m = re.search(r"<!-- runbook: %s -->\n```sh\n(.*?)```\n<!-- end runbook -->" % re.escape(name), text, re.S)
    assert m, "no runbook %s in %s" % (name, doc)
    return m.group(1)


class Restore(unittest.TestCase):
    def test_restore_runbook(self):
        tmp = tempfile.mkdtemp(prefix="opsdesk-runbook-")
        try:
            bindir = os.path.join(tmp, "bin")
            os.makedirs(bindir)
            os.symlink(os.path.abspath(harness.BIN), os.path.join(bindir, "opsdesk"))
            # the production side: a server with one incident, then a backup under a key
            srv = harness.Server()
            try:
                srv.init()
                srv.start()
                _, tok = srv.make_user("zhang", ["ops_engineer"])
                r = srv.post("/api/v1/cis", {"name": "核心数据库", "category": "database", "grade": "L1"}, token=tok)
                self.assertEqual(r.status, 201, r)
                r = srv.post("/api/v1/incidents", {"title": "数据库主库宕机", "ci_ids": [r.json["id"]],
                                                   "severity": "severe"}, token=tok)
                self.assertEqual(r.status, 201, r)
                key = os.path.join(tmp, "backup.key")
                env = dict(os.environ, PATH=bindir + os.pathsep + os.environ["PATH"])
                subprocess.run(["opsdesk", "backup-key", "new", "--key-file", key], env=env, check=True,
                               capture_output=True)
                backup = os.path.join(tmp, "latest.odbk")
                out = subprocess.run(["opsdesk", "backup", "--db", srv.db, "--out", backup, "--key-file", key],
                                     env=env, capture_output=True, text=True)
                self.assertEqual(out.returncode, 0, out.stderr)
                audit_key = os.path.join(tmp, "audit.key.copy")
                shutil.copy(os.path.join(srv.tmp, "opsdesk-audit.key"), audit_key)
            finally:
                srv.stop()
                srv.cleanup()
            spare = os.path.join(tmp, "spare")
            os.makedirs(spare)
            env.update(BACKUP=backup, DB=os.path.join(spare, "opsdesk.db"), KEY=key, AUDIT_KEY_COPY=audit_key)
            script = "set -euo pipefail\n" + runbook("backup.md", "restore")
            out = subprocess.run(["bash", "-c", script], env=env, capture_output=True, text=True, timeout=300)
            self.assertEqual(out.returncode, 0, out.stdout + out.stderr)
            self.assertIn("已恢复 restored", out.stdout)
            self.assertIn("nothing to migrate", out.stdout)
            self.assertRegex(out.stdout, r"audit chain OK: \d+ entries")
            self.assertRegex(out.stdout, r"(?m)^1$")  # one incident
            self.assertEqual(os.stat(env["DB"]).st_mode & 0o777, 0o600)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)


class Tour(unittest.TestCase):
    def test_readme_tour(self):
        srv = harness.Server()
        try:
            srv.init()
            srv.start()
            env = dict(os.environ, S=srv.base)
            script = "set -euo pipefail\n" + runbook("README.md", "tour")
            out = subprocess.run(["bash", "-c", script], env=env, capture_output=True, text=True, timeout=600)
            self.assertEqual(out.returncode, 0, out.stdout + out.stderr)
            lines = out.stdout.splitlines()
            self.assertIn('"response_level":"R3"', lines[0])
            self.assertRegex(lines[1], r"^INC-\d{4}-000001 confirmed L3 R3$")
            self.assertIn("期限 deadline first_report", out.stdout)
            self.assertRegex(out.stdout, r"接收人 recipient 李科长 first_report \S+Z")
            self.assertEqual([l for l in lines if l.startswith("state:")],
                             ["state: activated", "state: closed", "state: reviewed"])
            self.assertRegex(lines[-1], r"^案例 cases: \['INC-\d{4}-000001'\]$")
        finally:
            srv.stop()
            srv.cleanup()


if __name__ == "__main__":
    harness.main()
