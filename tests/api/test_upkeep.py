"""test_upkeep.py — upkeep beyond plans and drills (seed 000 ch. 9; docs/upkeep.md).

- 运行部's periodic risk assessment (ch. 9 §4 技术资料保障: "同时运行部还应定期对系统进行
  风险评估，及时发现和纠正系统的潜在问题"; audit #57): a recurring duty, due
  upkeep.risk_assessment_months (6) after the latest assessment held, due at
  once when none was ever recorded; each assessment records its date, the
  assessor (of 运行部: anyone else 403), scope, findings, risks and actions;
  overdue on the dashboard (upkeep.risk_assessment_overdue) and at
  GET /api/v1/risk-assessments/due; due at the instant six calendar months
  after, not 1 ms before.
- Feedback that keeps training and plan content current (ch. 9 §2: "通过考核、
  演练等方式及时发现培训中存在的问题，依据这些反馈结果调整培训课程设置、培训时间
  计划以及培训重点"; audit #50): an entry on a plan or a training topic from an
  assessment, a drill, ...; due upkeep.feedback_days (30) later; acted on once
  with what changed (courses, schedule, focus, plan, none) and how; the entries
  not acted on in time are counted on the dashboard (upkeep.feedback_overdue)
  and listed (open=true).
Bad input: a clear error naming the field, nothing written.  Runs on SQLite
and PostgreSQL (api/test_upkeep-pg).
"""
import calendar
import time

import harness

T0 = "2030-03-01T00:00:00.000Z"
T0_MS = calendar.timegm((2030, 3, 1, 0, 0, 0)) * 1000
DAY = 24 * 3600 * 1000


def utc(ms):
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(ms // 1000)) + ".%03dZ" % (ms % 1000)


class Upkeep(harness.ServerTest):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        s = cls.srv
        try:
            s.clock(set_to=T0)
            cls.ops_id, _ = s.make_user("ops", ["ops_engineer"], department="运行部")
            cls.tech_id, _ = s.make_user("tech", ["ops_engineer"], department="技术部")
            cls.eng_id, _ = s.make_user("eng", ["emergency_engineering"], department="运行部")
            cls.aud_id, _ = s.make_user("aud", ["auditor"])
        except Exception:
            cls.tearDownClass()
            raise

    def setUp(self):
        # the test clock jumps months ahead: sessions expire, sign in again
        self.tok = {n: self.srv.login(n, harness.USER_PW) for n in ("ops", "tech", "eng", "aud")}

    def due(self):
        r = self.srv.get("/api/v1/risk-assessments/due", token=self.tok["aud"])
        self.assertStatus(r, 200)
        return r.json

    def dash(self):
        r = self.srv.get("/api/v1/dashboard", token=self.tok["ops"])
        self.assertStatus(r, 200)
        return r.json["upkeep"]

    def count(self, path):
        r = self.srv.get(path, token=self.tok["aud"])
        self.assertStatus(r, 200)
        return r.json["total"]

    def test_1_risk_assessment_cycle_r_plan_1(self):
        # none ever held: due at once, on the dashboard and at /due
        d = self.due()
        self.assertEqual((d["cycle_months"], d["department"]), (6, "运行部"))
        self.assertIsNone(d["last_held_at"])
        self.assertIsNone(d["next_due_at"])
        self.assertIs(d["overdue"], True)
        self.assertEqual(self.dash(), {"risk_assessment_overdue": True, "risk_assessment_due_at": None,
                                       "feedback_overdue": 0})
        body = {"held_at": "2030-02-28T09:00:00Z", "scope": "核心数据库与存储",
                "findings": "主库磁盘使用率 85%", "risks": "磁盘写满导致业务中断",
                "actions": "一周内扩容；增加 80% 告警"}
        # another department may not assess; nothing written
        self.assertError(self.srv.post("/api/v1/risk-assessments", body, token=self.tok["tech"]), 403,
                         contains="运行部")
        # the auditor reads, may not write
        self.assertError(self.srv.post("/api/v1/risk-assessments", body, token=self.tok["aud"]), 403)
        # bad input: 422/400 naming the field, nothing written
        for extra, status, field in (({"held_at": utc(T0_MS + 1)}, 422, "held_at"),  # 1 ms in the future
                                     ({"held_at": "yesterday"}, 400, "held_at"),
                                     ({"scope": ""}, 422, "scope"), ({"findings": ""}, 422, "findings"),
                                     ({"risks": ""}, 422, "risks"), ({"actions": ""}, 422, "actions"),
                                     ({"scope": "x" * 201}, 413, "scope"), ({"colour": "red"}, 400, "colour")):
            b = dict(body)
            b.update(extra)
            self.assertError(self.srv.post("/api/v1/risk-assessments", b, token=self.tok["ops"]), status,
                             field=field)
        for f in ("scope", "findings", "risks", "actions"):
            b = dict(body)
            del b[f]
            self.assertError(self.srv.post("/api/v1/risk-assessments", b, token=self.tok["ops"]), 422, field=f)
        self.assertEqual(self.count("/api/v1/risk-assessments"), 0)
        r = self.srv.post("/api/v1/risk-assessments", body, token=self.tok["ops"])
        self.assertStatus(r, 201)
        a = r.json
        self.assertEqual((a["username"], a["department"], a["held_at"]), ("ops", "运行部", "2030-02-28T09:00:00.000Z"))
        self.assertEqual((a["scope"], a["findings"], a["risks"], a["actions"]),
                         (body["scope"], body["findings"], body["risks"], body["actions"]))
        audit = self.srv.get("/api/v1/audit?entity=risk_assessment", token=self.srv.admin("auditor")).json["items"]
        self.assertEqual([x["action"] for x in audit], ["risk_assessment.create"])
        # next due six calendar months after it: 2030-08-28T09:00Z
        due_ms = calendar.timegm((2030, 8, 28, 9, 0, 0)) * 1000
        d = self.due()
        self.assertEqual((d["last_held_at"], d["next_due_at"], d["overdue"]),
                         ("2030-02-28T09:00:00.000Z", utc(due_ms), False))
        self.assertEqual(self.dash()["risk_assessment_overdue"], False)
        self.assertEqual(self.dash()["risk_assessment_due_at"], utc(due_ms))
        # 1 ms before: not yet; at the instant: overdue
        self.srv.clock(set_to=utc(due_ms - 1))
        self.setUp()
        self.assertIs(self.due()["overdue"], False)
        self.srv.clock(set_to=utc(due_ms))
        self.setUp()
        self.assertIs(self.due()["overdue"], True)
        self.assertIs(self.dash()["risk_assessment_overdue"], True)
        # an assessment by the emergency engineer of 运行部, dated earlier than the last: the latest counts
        b = dict(body, held_at="2030-01-15T00:00:00Z")
        self.assertStatus(self.srv.post("/api/v1/risk-assessments", b, token=self.tok["eng"]), 201)
        self.assertIs(self.due()["overdue"], True)
        b = dict(body, held_at=utc(due_ms), scope="网络与安全设备")
        self.assertStatus(self.srv.post("/api/v1/risk-assessments", b, token=self.tok["eng"]), 201)
        d = self.due()
        self.assertEqual((d["last_held_at"], d["overdue"]), (utc(due_ms), False))
        self.assertEqual(d["next_due_at"], utc(calendar.timegm((2031, 2, 28, 9, 0, 0)) * 1000))
        lst = self.srv.get("/api/v1/risk-assessments?limit=2", token=self.tok["aud"]).json
        self.assertEqual(lst["total"], 3)
        self.assertEqual([x["held_at"] for x in lst["items"]], [utc(due_ms), "2030-02-28T09:00:00.000Z"])
        self.assertEqual((lst["limit"], lst["offset"]), (2, 0))

    def test_2_content_feedback_r_plan_3(self):
        r = self.srv.post("/api/v1/plans", {"title": "数据库故障应急预案", "fields": {"owner_id": self.eng_id}},
                          token=self.tok["eng"])
        self.assertStatus(r, 201)
        pid = r.json["id"]
        before = self.count("/api/v1/content-feedback")
        # bad input, nothing written
        for body, status, field in (({"source": "drill", "text": "x"}, 422, "plan_id"),
                                    ({"plan_id": 999999, "source": "drill", "text": "x"}, 422, "plan_id"),
                                    ({"topic": "备份恢复", "source": "rumour", "text": "x"}, 422, "source"),
                                    ({"topic": "备份恢复", "source": "drill", "text": ""}, 422, "text"),
                                    ({"topic": "备份恢复", "source": "drill"}, 422, "text"),
                                    ({"topic": "备份恢复", "source": "drill", "text": "x", "due": 1}, 400, "due")):
            self.assertError(self.srv.post("/api/v1/content-feedback", body, token=self.tok["eng"]), status,
                             field=field)
        self.assertError(self.srv.post("/api/v1/content-feedback", {"topic": "t", "source": "drill", "text": "x"},
                                       token=self.tok["aud"]), 403)
        self.assertEqual(self.count("/api/v1/content-feedback"), before)
        now = self.srv.now_ms()
        r = self.srv.post("/api/v1/content-feedback",
                          {"plan_id": pid, "source": "drill", "text": "演练中切换步骤顺序有误"}, token=self.tok["eng"])
        self.assertStatus(r, 201)
        f1 = r.json
        self.assertEqual((f1["plan_id"], f1["source"], f1["source_zh"]), (pid, "drill", "演练"))
        self.assertEqual(f1["due_at"], utc(now + 30 * DAY))
        self.assertIs(f1["overdue"], False)
        self.assertIsNone(f1["addressed_at"])
        r = self.srv.post("/api/v1/content-feedback",
                          {"topic": "备份恢复工具培训", "source": "assessment", "text": "考核中半数未能完成恢复"},
                          token=self.tok["ops"])
        self.assertStatus(r, 201)
        f2 = r.json
        self.assertIsNone(f2["plan_id"])
        self.assertEqual(self.dash()["feedback_overdue"], 0)
        # 1 ms before the due time: not overdue; at it: both overdue, listed open
        self.srv.clock(set_to=utc(now + 30 * DAY - 1))
        self.setUp()
        self.assertEqual(self.dash()["feedback_overdue"], 0)
        self.srv.clock(set_to=utc(self.srv.now_ms() + 1 + 10000))
        self.setUp()
        self.assertEqual(self.dash()["feedback_overdue"], 2)
        lst = self.srv.get("/api/v1/content-feedback?open=true", token=self.tok["aud"]).json
        self.assertEqual([x["id"] for x in lst["items"]], [f1["id"], f2["id"]])
        self.assertTrue(all(x["overdue"] for x in lst["items"]))
        self.assertEqual(self.srv.get("/api/v1/content-feedback?plan_id=%d" % pid, token=self.tok["aud"]).json["total"], 1)
        for bad in ("0", "-3", "x", "", "1x", "99999999999999999999"):
            err = self.assertError(self.srv.get("/api/v1/content-feedback?plan_id=" + bad, token=self.tok["aud"]),
                                   400, field="plan_id")
            self.assertEqual(err["message"], "plan_id 须为正整数 (plan_id must be a positive integer)", bad)
        # acted on: what changed and how; bad input names the field, nothing changed
        url = "/api/v1/content-feedback/%d/address" % f2["id"]
        self.assertError(self.srv.post(url, {"change": "mood", "resolution": "x"}, token=self.tok["eng"]), 422,
                         field="change")
        self.assertError(self.srv.post(url, {"change": "courses", "resolution": ""}, token=self.tok["eng"]), 422,
                         field="resolution")
        self.assertError(self.srv.post("/api/v1/content-feedback/999999/address",
                                       {"change": "courses", "resolution": "x"}, token=self.tok["eng"]), 404)
        r = self.srv.post(url, {"change": "focus", "resolution": "下期培训增加恢复实操 2 学时"}, token=self.tok["eng"])
        self.assertStatus(r, 200)
        self.assertEqual((r.json["change"], r.json["change_zh"]), ("focus", "培训重点"))
        self.assertIs(r.json["overdue"], False)
        self.assertIsNotNone(r.json["addressed_at"])
        # once only
        self.assertError(self.srv.post(url, {"change": "none", "resolution": "y"}, token=self.tok["eng"]), 409)
        self.assertEqual(self.dash()["feedback_overdue"], 1)
        lst = self.srv.get("/api/v1/content-feedback?open=true", token=self.tok["aud"]).json
        self.assertEqual([x["id"] for x in lst["items"]], [f1["id"]])
        self.assertEqual(self.count("/api/v1/content-feedback"), before + 2)
        self.assertError(self.srv.get("/api/v1/content-feedback?open=maybe", token=self.tok["aud"]), 400, field="open")
        auditor = self.srv.login("auditor", harness.ADMIN_PW)  # the clock moved: a fresh session
        audit = self.srv.get("/api/v1/audit?entity=feedback", token=auditor).json["items"]
        self.assertEqual(sorted(x["action"] for x in audit), ["feedback.address", "feedback.create", "feedback.create"])

    def test_3_policy_keys(self):
        import os
        import subprocess
        import tempfile
        with open(os.path.join(harness.ROOT, "policy", "default.yaml"), encoding="utf-8") as f:
            text = f.read()
        for bad, needle in (("  risk_assessment_months: 0\n", "upkeep.risk_assessment_months"),
                            ("  feedback_days: 366\n", "upkeep.feedback_days"),
                            ("  risk_assessment_department: \"\"\n", "upkeep.risk_assessment_department"),
                            ("  cadence: 3\n", "cadence")):
            key = bad.split(":")[0]
            lines = [ln for ln in text.split("\n")]
            start = lines.index("upkeep:")
            body = [ln for ln in lines[start + 1:] if not ln.startswith(key + ":")]
            t = "\n".join(lines[:start + 1]) + "\n" + bad + "\n".join(body)
            fd, path = tempfile.mkstemp(suffix=".yaml")
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                f.write(t)
            try:
                out = subprocess.run([harness.BIN, "policy", "check", path], capture_output=True, text=True, timeout=60)
            finally:
                os.unlink(path)
            self.assertNotEqual(out.returncode, 0, bad)
            self.assertIn(needle, out.stdout + out.stderr, bad)

    def test_4_cli(self):
        """The command line (docs/cli.md): upkeep risk-add, risk-due, feedback-add, feedback-list."""
        import os
        import subprocess

        def cli(*args, who="ops"):
            env = dict(os.environ, OPSDESK_SERVER=self.srv.base, OPSDESK_TOKEN=self.tok[who])
            return subprocess.run([harness.BIN, "upkeep"] + list(args), env=env, capture_output=True, text=True,
                                  timeout=60)
        held = utc(self.srv.now_ms() - 1000)
        out = cli("risk-add", "--held", held, "--scope", "机房环境", "--findings", "UPS 电池老化",
                  "--risks", "断电时无法支撑", "--actions", "更换电池")
        self.assertEqual(out.returncode, 0, out.stdout + out.stderr)
        self.assertIn("UPS 电池老化", out.stdout)
        out = cli("risk-due", who="aud")
        self.assertEqual(out.returncode, 0, out.stdout + out.stderr)
        self.assertIn("运行部", out.stdout)
        self.assertIn("已逾期 Overdue", out.stdout)
        out = cli("risk-add", "--held", held, "--scope", "x", "--findings", "x", "--risks", "x", "--actions", "x",
                  who="tech")
        self.assertNotEqual(out.returncode, 0)
        out = cli("feedback-add", "--topic", "网络安全培训", "--source", "assessment", "--text", "考核通过率低",
                  who="eng")
        self.assertEqual(out.returncode, 0, out.stdout + out.stderr)
        out = cli("feedback-list", "--open", "true", who="aud")
        self.assertEqual(out.returncode, 0, out.stdout + out.stderr)
        self.assertIn("网络安全培训", out.stdout)


if __name__ == "__main__":
    harness.main()
