"""test_training_cli.py — `opsdesk training courses|course-add|sessions|
session|session-add|session-results|hours|roster` against a real server
(R-PLAN-3; docs/cli.md, docs/plans.md "Courses and sessions"): a course, a
session with three attendees, results given as --pass/--absent/--score; the
tables carry bilingual labels; the hours show 8 h for each who attended and
the roster the two qualified people; a missing required option is a usage
error that sends nothing; the server's refusal comes back with its field and
a non-zero exit.

Run: OPSDESK_BIN=build/opsdesk python3 tests/cli/test_training_cli.py
"""
import json
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "api"))
import harness  # noqa: E402

READINESS = """
readiness:
  annual_hours: 48
  positions:
    - key: duty_engineer
      name_zh: 值班工程师
      name_en: Duty engineer
      roles: [ops_engineer]
      min_qualified: 2
      certificate_required: true
"""


def policy_with_readiness():
    with open(os.path.join(harness.ROOT, "policy", "default.yaml"), encoding="utf-8") as f:
        text = f.read()
    fd, path = tempfile.mkstemp(suffix=".yaml", prefix="opsdesk-policy-")
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(text.split("\nreadiness:\n")[0].rstrip("\n") + "\n" + READINESS)
    return path


class TrainingCli(harness.ServerTest):
    policy = policy_with_readiness()

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        s = cls.srv
        try:
            s.clock(set_to="2030-03-01T00:00:00Z")
            cls.eng_id, cls.eng = s.make_user("cli_eng", ["emergency_engineering"])
            cls.ids = [s.make_user("cli_ops%d" % i, ["ops_engineer"])[0] for i in range(3)]
        except BaseException:
            s.cleanup()
            raise

    @classmethod
    def tearDownClass(cls):
        super().tearDownClass()
        os.unlink(cls.policy)

    def cli(self, *args, code=0):
        env = dict(os.environ, OPSDESK_SERVER=self.srv.base, OPSDESK_TOKEN=self.eng, HOME=self.srv.tmp)
        env.pop("OPSDESK_CONFIG_DIR", None)
        p = subprocess.run([harness.BIN] + list(args), env=env, capture_output=True, text=True, timeout=60)
        self.assertEqual(p.returncode, code, (args, p.stdout, p.stderr))
        return p

    def test_course_session_results_hours_roster(self):
        a, b, c = (str(i) for i in self.ids)
        # a required option missing: usage error, nothing sent
        p = self.cli("training", "course-add", "--hours", "8", code=2)
        self.assertIn("--title", p.stderr)
        self.assertEqual(self.cli("--json", "training", "courses").stdout.count('"id"'), 0)
        # the server's refusal: an unknown key position, its field named
        p = self.cli("training", "course-add", "--title", "值守培训", "--hours", "8", "--positions", "nope", code=1)
        self.assertIn("positions", p.stderr)
        p = self.cli("training", "course-add", "--title", "值守培训", "--hours", "8", "--positions",
                     "duty_engineer", "--description", "值班长讲授")
        self.assertIn("有效期（月）Validity months", p.stdout)
        self.assertIn("duty_engineer", p.stdout)
        course = json.loads(self.cli("--json", "training", "courses").stdout)["items"][0]
        self.assertEqual((course["title"], course["hours"]), ("值守培训", 8))
        out = self.cli("training", "courses", "--active", "true").stdout
        self.assertIn("关键岗位 Positions", out)
        self.assertIn("共 1 条", out)
        p = self.cli("training", "session-add", "--course", str(course["id"]), "--starts", "2030-02-20T01:00:00Z",
                     "--ends", "2030-02-20T09:00:00Z", "--trainer", str(self.eng_id), "--location", "三楼",
                     "--attendees", ",".join((a, b, c)))
        self.assertIn("学员 Attendees", p.stdout)
        ses = json.loads(self.cli("--json", "training", "sessions").stdout)["items"][0]
        self.assertEqual(ses["attendee_count"], 3)
        out = self.cli("training", "sessions").stdout
        self.assertIn("讲师 Trainer", out)
        self.assertIn("cli_eng", out)
        p = self.cli("training", "session-results", str(ses["id"]), "--pass", a + "," + b, "--absent", c,
                     "--score", a + "=92")
        self.assertIn("考核 Assessment", p.stdout)
        self.assertIn("证书数 Certificates", p.stdout)
        got = json.loads(self.cli("--json", "training", "session", str(ses["id"])).stdout)
        self.assertEqual([(x["assessment"], x["score"]) for x in got["attendees"]],
                         [("pass", 92), ("pass", None), ("absent", None)])
        p = self.cli("training", "session-results", str(ses["id"]), "--pass", a, "--score", a + "=x", code=2)
        self.assertIn("--score", p.stderr)
        hours = json.loads(self.cli("--json", "training", "hours", "--year", "2030", "--limit", "500").stdout)
        by = {i["user_id"]: i["hours"] for i in hours["items"]}
        self.assertEqual([by[i] for i in self.ids], [8, 8, 0])
        out = self.cli("training", "hours", "--year", "2030").stdout
        self.assertIn("差额学时 Short by", out)
        self.assertIn("达标 Met", out)
        out = self.cli("training", "roster").stdout
        self.assertIn("关键岗位值守 Key positions", out)
        self.assertIn("少于两人 Below two", out)
        roster = json.loads(self.cli("--json", "training", "roster").stdout)["positions"][0]
        self.assertEqual((sorted(roster["people"]), roster["below_two"]), (["cli_ops0", "cli_ops1"], False))


if __name__ == "__main__":
    harness.main()
