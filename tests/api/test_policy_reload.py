"""test_policy_reload.py — policy changes are audited and applied without a
restart (docs/policy.md "Reload"): a server started with a policy whose
hash differs from the last recorded one writes a "policy.load" audit entry
(R-SEC-SYS-3); `opsdesk policy reload --db` makes the running server load
its --policy file again, and a broken file is refused with the old policy
kept."""
import hashlib
import os
import subprocess
import time

import harness
from harness import BIN

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
ORIGINAL = open(os.path.join(ROOT, "policy", "default.yaml"), "rb").read()
L1_LINE = b"  L1: { severe: R1, moderate: R1, minor: R2 }"
assert ORIGINAL.count(L1_LINE) == 1


def sha(data):
    return hashlib.sha256(data).hexdigest()


class PolicyReload(harness.ServerTest):
    @classmethod
    def setUpClass(cls):
        import tempfile
        cls.pdir = tempfile.mkdtemp(prefix="opsdesk-policy-")
        cls.policy = os.path.join(cls.pdir, "policy.yaml")
        with open(cls.policy, "wb") as f:
            f.write(ORIGINAL)
        super().setUpClass()
        cls.auditor = cls.srv.admin("auditor")
        _, cls.ops = cls.srv.make_user("pol_ops", ["ops_engineer"])

    def write_policy(self, data):
        tmp = self.policy + ".tmp"
        with open(tmp, "wb") as f:
            f.write(data)
        os.replace(tmp, self.policy)

    def reload(self):
        out = subprocess.run([BIN, "policy", "reload", "--db", self.srv.db], capture_output=True, text=True,
                             timeout=60)
        self.assertEqual(out.returncode, 0, out.stdout + out.stderr)
        return out

    def policy_entries(self):
        r = self.srv.get("/api/v1/audit?entity=policy&limit=100", self.auditor)
        self.assertStatus(r, 200)
        return [e for e in r.json["items"] if e["action"] == "policy.load"]

    def wait_log(self, text, count):
        """The reload runs in the server after the signal: wait (bounded) for its log line."""
        deadline = time.time() + 30
        while time.time() < deadline:
            if self.srv.read_log().count(text) >= count:
                return
            time.sleep(0.05)
        self.fail("no %r in the server log: %s" % (text, self.srv.read_log()[-2000:]))

    def l1_minor(self):
        r = self.srv.get("/api/v1/policy/table", self.ops)
        self.assertStatus(r, 200)
        return r.json["response_matrix"]["L1"]["minor"]

    def test_reload(self):
        # the start recorded the policy it was started with
        entries = self.policy_entries()
        self.assertEqual(len(entries), 1, entries)
        self.assertEqual(entries[0]["after"]["sha256"], sha(ORIGINAL))
        self.assertEqual(entries[0]["after"]["source"], self.policy)
        self.assertEqual(entries[0]["after"]["trigger"], "start")
        self.assertEqual(entries[0]["actor"], "system")
        self.assertEqual(self.l1_minor(), "R2")

        # a changed file, reloaded: in force without a restart, and audited
        changed = ORIGINAL.replace(L1_LINE, b"  L1: { severe: R1, moderate: R1, minor: R1 }")
        self.write_policy(changed)
        self.reload()
        self.wait_log("policy reloaded", 1)
        self.assertEqual(self.l1_minor(), "R1")
        entries = self.policy_entries()
        self.assertEqual(len(entries), 2, entries)
        new = max(entries, key=lambda e: e["id"])
        self.assertEqual(new["after"]["sha256"], sha(changed))
        self.assertEqual(new["after"]["previous_sha256"], sha(ORIGINAL))
        self.assertEqual(new["after"]["trigger"], "reload")

        # a broken file is refused: the last good policy stays, nothing audited
        self.write_policy(changed.replace(b"minor: R1 }", b"minor: R9 }", 1))
        self.reload()
        self.wait_log("old policy stays", 1)
        self.assertEqual(self.l1_minor(), "R1")
        self.assertEqual(len(self.policy_entries()), 2)
        r = self.srv.get("/api/v1/audit/verify", self.auditor)
        self.assertStatus(r, 200)
        self.assertTrue(r.json["ok"], r.json)

        # a restart with the same file records nothing new; with a different one it does
        self.write_policy(changed)
        self.srv.stop()
        self.srv.start()
        self.auditor = self.srv.admin("auditor")
        self.assertEqual(len(self.policy_entries()), 2)
        self.write_policy(ORIGINAL)
        self.srv.stop()
        self.srv.start()
        self.auditor = self.srv.admin("auditor")
        entries = self.policy_entries()
        self.assertEqual(len(entries), 3, entries)
        self.assertEqual(max(entries, key=lambda e: e["id"])["after"]["sha256"], sha(ORIGINAL))

    def test_reload_without_server(self):
        out = subprocess.run([BIN, "policy", "reload", "--db", os.path.join(self.pdir, "none.db")],
                             capture_output=True, text=True, timeout=60)
        self.assertEqual(out.returncode, 1, out.stdout + out.stderr)
        self.assertIn("no server runs", out.stderr)
        out = subprocess.run([BIN, "policy", "reload"], capture_output=True, text=True, timeout=60)
        self.assertEqual(out.returncode, 2)


if __name__ == "__main__":
    harness.main()
