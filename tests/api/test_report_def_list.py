"""test_report_def_list.py — the O&M report definitions visible (R-SLA-2, R-SLA-6; modules-spec §1.10;
docs/service-levels.md "报告定义"): GET /api/v1/reports/definitions lists the policy's `sla.reports`
in the list envelope, each with its title, period, sections (catalog order, auto / module / manual,
required), schedule, filing deadline, reviewer and recipients (the last three resolved against
sla.report_review), and `opsdesk report definitions` prints them.  The policy here is the shipped
one with a fifth, custom definition `special` (monthly, by hand only, its own reviewer, recipients
and deadline).  Runs on SQLite and PostgreSQL (OD_PG_API_SUBSET)."""
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

SPECIAL = """    special:
      zh: 专项安全报告
      en: special security report
      period: month
      code: SEC
      sections: [problems, improvements, trend, next_month_plan]
      manual: [improvements]
      file_within: 3d
      reviewer: ops_leader
      recipients: [ops_department_head, emergency_leadership]
"""


def policy_with_special():
    with open(os.path.join(harness.ROOT, "policy", "default.yaml"), encoding="utf-8") as f:
        text = f.read()
    anchor = "      file_within: 14d\n\n# Key positions"
    assert text.count(anchor) == 1
    text = text.replace(anchor, "      file_within: 14d\n" + SPECIAL + "\n# Key positions", 1)
    fd, path = tempfile.mkstemp(suffix=".yaml", prefix="opsdesk-policy-")
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(text)
    return path


def sec(key, title, kind, required=False):
    return {"key": key, "title": title, "kind": kind, "required": required}


TREND = "12 个月趋势 (12-month trend)"
SELF = "服务质量自评 (service-quality self-assessment)"
PROBLEMS = "问题与已知错误 (problems and known errors)"
PLANS = "预案与演练 (plans and drills)"
READINESS = "应急准备 (readiness)"
IMPROVE = "优化完善建议 (optimization and improvement suggestions)"


class DefinitionListTest(harness.ServerTest):
    policy = policy_with_special()

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        _, cls.tok = cls.srv.make_user("dl_eng", ["ops_engineer"])

    def test_1_list(self):
        r = self.srv.get("/api/v1/reports/definitions", token=self.tok)
        self.assertStatus(r, 200, r.raw)
        self.assertEqual((r.json["total"], r.json["offset"]), (5, 0))
        items = r.json["items"]
        self.assertEqual([d["key"] for d in items], ["weekly", "monthly", "quarterly", "annual", "special"])
        self.assertEqual(items[-1], {
            "key": "special", "code": "SEC", "title": {"zh": "专项安全报告", "en": "special security report"},
            "period": "month",
            "sections": [sec("trend", TREND, "auto"), sec("problems", PROBLEMS, "module"),
                         sec("improvements", IMPROVE, "manual", True),
                         sec("next_month_plan", "下月运维服务规划 (next month's plan)", "manual")],
            "required": ["improvements"], "schedule": None, "file_within_minutes": 3 * 24 * 60,
            "reviewer": "ops_leader", "recipients": ["ops_department_head", "emergency_leadership"]})
        # a shipped one: defaults from sla.report_review (ops_department_head, 2 d, two recipients)
        weekly = items[0]
        self.assertEqual(weekly["title"], {"zh": "运维周报", "en": "weekly O&M report"})
        self.assertEqual(weekly["schedule"], {"on": "first_day", "at": "08:00", "calendar": "24x7"})
        self.assertEqual(weekly["sections"], [sec("problems", PROBLEMS, "module"), sec("plans", PLANS, "module"),
                                              sec("next_week_plan", "下周运维服务规划 (next week's plan)",
                                                  "manual", True)])
        self.assertEqual((weekly["file_within_minutes"], weekly["reviewer"]), (2 * 24 * 60, "ops_department_head"))
        self.assertEqual(sorted(weekly["recipients"]), ["ops_department_head", "ops_leader"])
        quarterly = items[2]
        self.assertEqual(quarterly["code"], "Q")
        self.assertEqual(quarterly["schedule"], {"on": "first_working_day", "at": "08:00", "calendar": "business"})
        self.assertEqual(quarterly["required"], ["quarter_summary", "improvements", "next_quarter_plan"])
        self.assertEqual(quarterly["file_within_minutes"], 5 * 24 * 60)
        self.assertEqual([s["key"] for s in items[1]["sections"]][:5],
                         ["trend", "self_assessment", "problems", "plans", "readiness"])

    def test_2_page(self):
        r = self.srv.get("/api/v1/reports/definitions?limit=2&offset=3", token=self.tok)
        self.assertStatus(r, 200, r.raw)
        self.assertEqual((r.json["total"], r.json["limit"], r.json["offset"]), (5, 2, 3))
        self.assertEqual([d["key"] for d in r.json["items"]], ["annual", "special"])
        r = self.srv.get("/api/v1/reports/definitions?limit=0", token=self.tok)
        self.assertStatus(r, 400, r.raw)
        r = self.srv.get("/api/v1/reports/definitions")
        self.assertStatus(r, 401, r.raw)

    def test_3_generate_custom(self):
        """The listed custom definition is one the runs accept."""
        r = self.srv.post("/api/v1/reports/runs", {"kind": "special"}, token=self.tok)
        self.assertStatus(r, 201, r.raw)
        self.assertTrue(r.json["number"].startswith("OMR-SEC-"), r.json["number"])

    def test_4_cli(self):
        """`opsdesk report definitions` (docs/cli.md): one labelled row per definition."""
        env = dict(os.environ, OPSDESK_SERVER=self.srv.base, OPSDESK_TOKEN=self.tok)
        out = subprocess.run([harness.BIN, "report", "definitions"], env=env, capture_output=True, text=True,
                             timeout=60)
        self.assertEqual(out.returncode, 0, out.stdout + out.stderr)
        lines = out.stdout.splitlines()
        header = next(x for x in lines if "编号代码 Code" in x)
        for label in ("标题 Title", "周期 Period", "必填章节 Required sections", "审核角色 Reviewer",
                      "分发角色 Recipients", "归档期限(分钟) File within (min)"):
            self.assertIn(label, header)
        row = [x for x in lines if x.lstrip().startswith("special ")]
        self.assertEqual(len(row), 1, out.stdout)
        for cell in ("SEC", "专项安全报告", "month", "improvements", "4320", "ops_leader"):
            self.assertIn(cell, row[0])
        self.assertEqual(len([x for x in lines if x.lstrip().split(" ")[0] in
                              ("weekly", "monthly", "quarterly", "annual", "special")]), 5, out.stdout)


if __name__ == "__main__":
    harness.main()
