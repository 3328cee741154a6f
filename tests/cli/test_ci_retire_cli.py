"""test_ci_retire_cli.py — `opsdesk ci retire ID --reason …`, `opsdesk ci
unretire ID --reason …` and `opsdesk ci retirements ID` against a real
server (R-CI-1, docs/cli.md): each goes through the API
(POST /api/v1/cis/{id}/retire, /unretire; GET /api/v1/cis/{id}/retirements),
prints the CI with its retirement fields labelled in both languages (or the
history: time, action, who, why), and a missing reason is a usage error that
sends nothing; the server's refusals (already retired, not retired, no such
CI) come back as its bilingual message with a non-zero exit.

Run: OPSDESK_BIN=build/opsdesk python3 tests/cli/test_ci_retire_cli.py
"""
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "api"))
import harness  # noqa: E402


class CiRetireCli(harness.ServerTest):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        s = cls.srv
        try:
            _, cls.eng = s.make_user("cli_ret", ["ops_engineer"], display_name="退役测试员")
            r = s.post("/api/v1/cis", {"name": "cli-old-db", "category": "server", "grade": "L3",
                                       "department": "运行部"}, cls.eng)
            assert r.status == 201, r
            cls.ci = r.json["id"]
        except BaseException:
            s.cleanup()
            raise

    def cli(self, *args, code=0):
        env = dict(os.environ, OPSDESK_SERVER=self.srv.base, OPSDESK_TOKEN=self.eng,
                   HOME=self.srv.tmp if hasattr(self.srv, "tmp") else "/tmp")
        env.pop("OPSDESK_CONFIG_DIR", None)
        p = subprocess.run([harness.BIN] + list(args), env=env, capture_output=True, text=True, timeout=60)
        self.assertEqual(p.returncode, code, (args, p.stdout, p.stderr))
        return p

    def audit_count(self):
        r = self.srv.get("/api/v1/audit?entity=ci&entity_id=%d&limit=500" % self.ci, self.srv.admin("auditor"))
        self.assertStatus(r, 200)
        return r.json["total"]

    def test_retire_unretire_and_history(self):
        ci = str(self.ci)
        n0 = self.audit_count()
        # no reason: a usage error, nothing sent
        p = self.cli("ci", "retire", ci, code=2)
        self.assertIn("--reason", p.stderr)
        self.assertEqual(self.audit_count(), n0)
        p = self.cli("ci", "retire", ci, "--reason", "硬件报废，业务已迁移")
        self.assertIn("退役时间 Retired at", p.stdout)
        self.assertIn("退役原因 Retirement reason", p.stdout)
        self.assertIn("硬件报废，业务已迁移", p.stdout)
        self.assertIsNotNone(self.srv.get("/api/v1/cis/" + ci, self.eng).json["retired_at"])
        # twice: the server's conflict, in both languages
        p = self.cli("ci", "retire", ci, "--reason", "again", code=1)
        self.assertIn("配置项已退役", p.stderr)
        self.assertIn("already retired", p.stderr)
        p = self.cli("ci", "unretire", ci, "--reason", "重新上线")
        self.assertIsNone(self.srv.get("/api/v1/cis/" + ci, self.eng).json["retired_at"])
        p = self.cli("ci", "unretire", ci, "--reason", "again", code=1)
        self.assertIn("not retired", p.stderr)
        self.assertEqual(self.audit_count(), n0 + 2)
        # the history, newest first, with the person's display name
        p = self.cli("ci", "retirements", ci)
        lines = [x for x in p.stdout.splitlines() if x.strip()]
        self.assertEqual(len(lines), 3, p.stdout)  # header + 2 entries
        for label in ("时间 At", "操作 Action", "操作人姓名 Actor name", "原因 Reason"):
            self.assertIn(label, lines[0])
        self.assertIn("unretire", lines[1])
        self.assertIn("重新上线", lines[1])
        self.assertIn("退役测试员", lines[1])
        self.assertIn("硬件报废", lines[2])
        j = json.loads(self.cli("--json", "ci", "retirements", ci).stdout)
        self.assertEqual([x["action"] for x in j["items"]], ["unretire", "retire"])
        self.assertEqual([x["reason"] for x in j["items"]], ["重新上线", "硬件报废，业务已迁移"])
        self.assertEqual({x["actor"] for x in j["items"]}, {"cli_ret"})
        # no such CI
        p = self.cli("ci", "retire", "999999", "--reason", "x", code=1)
        self.assertIn("不存在", p.stderr)


if __name__ == "__main__":
    harness.main()
