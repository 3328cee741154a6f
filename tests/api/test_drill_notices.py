"""test_drill_notices.py — the due notices of a plan's yearly drill and the
policy's lead (应急预案年度演练到期通知; research/modules-spec.md §M7, seed 000
ch. 9 §3; R-PLAN-1, R-PLAN-2; docs/drills.md "Due notices"): with
readiness.notice_lead_days 20 the plan owner is told 20 days before the
yearly drill falls due (readiness.drill_months after the publication; not
1 ms before) and at the due instant, each once, never again after a
restart; the review's notices take the same lead.  Then, on a server with
the real clock, a save that moves a drill's time to two seconds ahead wakes
the scheduler: its "due" notice is sent long before the scheduler's next
look (60 s; OPSDESK_POLL_MS is an hour).  Runs on SQLite and PostgreSQL
(OD_PG_API_SUBSET)."""
import calendar
import os
import tempfile
import time

import harness
import test_drills
from test_drills import DAY, USERS, add_months, parse, utc

LEAD = 20
POSITIONS = """  positions:
    - key: duty_engineer
      name_zh: 值班工程师
      name_en: Duty engineer
      roles: [ops_engineer]
    - key: commander
      name_zh: 应急指挥
      name_en: Emergency commander
      roles: [emergency_leadership]
"""
BEIJING = 8 * 3600 * 1000


def next_month_start(ms):
    """The first instant (Beijing time) of the month after the one holding ms."""
    t = time.gmtime((ms + BEIJING) // 1000)
    y, m = (t.tm_year + 1, 1) if t.tm_mon == 12 else (t.tm_year, t.tm_mon + 1)
    return calendar.timegm((y, m, 1, 0, 0, 0)) * 1000 - BEIJING


def policy_file(extra_login=None):
    with open(os.path.join(harness.ROOT, "policy", "default.yaml"), encoding="utf-8") as f:
        text = f.read()
    old = "  notice_lead_days: 14 "
    assert text.count(old) == 1
    text = text.replace(old, "  notice_lead_days: %d " % LEAD)
    # two key positions (the O&M report counts those below two qualified people)
    old = "  positions: []\n"
    assert text.count(old) == 1
    text = text.replace(old, POSITIONS)
    if extra_login:
        assert "  session_ttl: 12h\n" in text
        text = text.replace("  session_ttl: 12h\n", "  session_ttl: 12h\n" + extra_login, 1)
    fd, path = tempfile.mkstemp(suffix=".yaml", prefix="opsdesk-policy-")
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(text)
    return path


class _Base(harness.ServerTest):
    extra_env = None

    @classmethod
    def setUpClass(cls):
        cls.srv = harness.Server(test_clock=cls.test_clock, policy=cls.policy, extra_env=cls.extra_env)
        cls.srv.init()
        cls.srv.start()
        s = cls.srv
        try:
            cls.uid = {}
            for name, roles in USERS:
                cls.uid[name], _ = s.make_user(name, roles)
            r = s.post("/api/v1/committees", {"key": "emergency_leadership", "name_zh": "应急领导小组",
                                              "name_en": "Emergency leadership group", "chair_id": cls.uid["lead1"],
                                              "members": [cls.uid["lead2"], cls.uid["lead3"]], "quorum": 2},
                       token=s.admin("sysadmin"))
            assert r.status == 201, r
        except Exception:
            cls.tearDownClass()
            raise

    @classmethod
    def tearDownClass(cls):
        super().tearDownClass()
        os.unlink(cls.policy)

    def setUp(self):
        self.relogin()


# the helpers of test_drills (plans, actions, notices, the test clock)
for _name in ("relogin", "ci", "rec", "act", "ok", "plan", "plan_get", "sent", "notices", "at", "report", "second",
              "final_and_close"):
    setattr(_Base, _name, getattr(test_drills.Drills, _name))


class YearlyDrillNotices(_Base):
    policy = policy_file()

    def test_yearly_drill_notices_with_the_policy_lead(self):
        s, u = self.srv, self.uid
        db = self.ci("核心数据库 yearly-db")
        pid = self.plan([db])
        published = parse(self.plan_get(pid)["published_at"])
        due = add_months(published, 12)  # readiness.drill_months
        review = parse(self.plan_get(pid)["next_review_at"])
        self.assertEqual(self.notices(pid, ("annual",)), [])
        # the review's soon notice takes the policy's lead too
        self.at(review - LEAD * DAY - 1)
        self.assertEqual(self.notices(pid, ("review",)), [])
        self.at(review - LEAD * DAY)
        self.assertEqual(self.notices(pid, ("review",)), [("due:review:soon", [u["eng"]])])
        # the yearly drill: LEAD days before (not 1 ms before), then at the instant
        self.at(due - LEAD * DAY - 1)
        self.relogin()
        self.assertEqual(self.notices(pid, ("annual",)), [])
        self.at(due - LEAD * DAY)
        self.assertEqual(self.notices(pid, ("annual",)), [("due:annual:soon", [u["eng"]])])
        n_soon = self.sent(pid, u["eng"])
        self.at(due - 1)
        self.assertEqual(len(self.notices(pid, ("annual",))), 1)
        self.at(due)
        self.assertEqual(self.notices(pid, ("annual",)),
                         [("due:annual:due", [u["eng"]]), ("due:annual:soon", [u["eng"]])])
        self.assertGreater(self.sent(pid, u["eng"]), n_soon)
        # the drill list shows the plan as due, at the same instant
        due_list = s.get("/api/v1/drills/overdue?limit=100", token=self.tok["ops"]).json["items"]
        self.assertEqual([parse(x["drill_due_at"]) for x in due_list if x["plan_id"] == pid], [due])
        # a restart sends neither again (nor anything else of the plan's:
        # its review's notices have both fired by now)
        before = self.sent(pid, u["eng"])
        self.assertEqual(s.stop(), 0)
        s.start()
        s.tokens = {}
        self.relogin()
        self.at(due + 3 * DAY)
        self.assertEqual(len(self.notices(pid, ("annual",))), 2)
        self.assertEqual(len(self.notices(pid, ("review",))), 2)
        self.assertEqual(self.sent(pid, u["eng"]), before)
        # the O&M report's readiness section (om_reports_readiness.c): a month
        # after the due date the plan is published, its review overdue, its
        # yearly drill due; no drill closed, no training held
        self.at(due + 40 * DAY)
        r = s.post("/api/v1/reports/runs", {"kind": "monthly"}, token=self.tok["ops"])
        self.assertStatus(r, 201)
        users = s.get("/api/v1/users?limit=500", token=s.admin("sysadmin")).json["items"]
        plan = s.get("/api/v1/plans/%d" % pid, token=self.tok["ops"]).json
        self.assertEqual(r.json["snapshot"]["modules"]["readiness"], {
            "plans_published": 1, "plans_current": 0, "reviews_due_soon": 0, "reviews_overdue": 1,
            "drills_closed": 0, "drill_score_x100": 0, "yearly_drill_due": 1,
            "training_short": len([x for x in users if not x["disabled"]]),
            # no one trained: both key positions below two (the duty roster's rule)
            "positions_below_two": 2,
            "plans": [{"plan_id": pid, "number": plan["number"], "title": plan["title"], "drill_number": None,
                       "drill_closed_at": None, "drill_score_x100": None}]})
        # R-PLAN-2, R-PLAN-3: a drill of the plan closed with its whole-drill scores (4 and 3), and
        # trainings for lead1, lead2 (commander: two qualified) and ops (duty engineer: one, below two);
        # the next month's report shows the plan's last drill with its date and score
        tok = self.tok["lead1"]
        r = s.post("/api/v1/drills", {"title": "报告演练", "fields": {
            "plan_id": pid, "goals": "检验", "scenario": "主库故障", "participants": [u["lead1"], u["ops"]],
            "scheduled_at": utc(s.now_ms() + DAY)}}, token=tok)
        self.assertStatus(r, 201)
        did, dnum = r.json["id"], r.json["number"]
        self.ok(did, "prepare", "lead1")
        self.ok(did, "start", "lead1")
        for item, score in (("command", 4), ("handling", 3)):
            self.assertStatus(s.request("PUT", "/api/v1/drills/%d/scores" % did, {"item": item, "score": score},
                                        token=tok), 200)
        r = s.post("/api/v1/drills/%d/inject" % did, {"title": "【演练】核心数据库不可用", "ci_ids": [db],
                                                       "severity": "severe", "symptoms": "连接超时",
                                                       "location": "主机房", "impact_scope": "全部业务"},
                   token=self.tok["ops"])
        self.assertStatus(r, 201)
        iid = r.json["id"]
        self.report(iid, "first")
        self.second(iid)
        self.assertStatus(s.post("/api/v1/incidents/%d/activate" % iid, {"plan_id": pid}, token=tok), 200)
        self.final_and_close(iid, "lead1")
        self.ok(did, "evaluate", "eng", fields={"evaluation": "通知及时"})
        self.ok(did, "close", "lead1", fields={"lessons": "补充备用联系人"})
        closed_at = s.now_ms()
        for who in ("lead1", "lead2", "ops"):
            self.assertStatus(s.post("/api/v1/trainings", {"user_id": u[who], "topic": "应急预案培训", "hours": 8,
                                                           "held_at": utc(closed_at - DAY)}, token=self.tok["eng"]), 201)
        self.at(next_month_start(closed_at) + DAY)
        r = s.post("/api/v1/reports/runs", {"kind": "monthly"}, token=self.tok["ops"])
        self.assertStatus(r, 201)
        rd = r.json["snapshot"]["modules"]["readiness"]
        self.assertEqual(rd["plans"], [{"plan_id": pid, "number": plan["number"], "title": plan["title"],
                                        "drill_number": dnum, "drill_closed_at": utc(closed_at),
                                        "drill_score_x100": 350}])
        self.assertEqual((rd["positions_below_two"], rd["drills_closed"], rd["drill_score_x100"],
                          rd["yearly_drill_due"]), (1, 1, 350, 0))
        md = s.get("/api/v1/reports/runs/%d/report.md" % r.json["id"], token=self.tok["ops"]).raw
        self.assertIn("| %s | %s | %s | %s | 350 |" % (plan["number"], plan["title"], dnum, utc(closed_at)), md)


class NoticeWakesTheScheduler(_Base):
    """Real clock: no test clock moves time here."""
    test_clock = False
    policy = policy_file("  initial_password_change: false\n")
    extra_env = {"OPSDESK_POLL_MS": "3600000"}

    def test_sooner_notice_fired_on_time(self):
        s, u = self.srv, self.uid
        tok = self.tok["lead1"]
        r = s.post("/api/v1/drills", {"title": "唤醒演练", "fields": {
            "scheduled_at": utc(int(time.time() * 1000) + 3600 * 1000)}}, token=tok)
        self.assertStatus(r, 201)
        did = r.json["id"]
        # within the lead: the soon notice at once
        deadline = time.time() + 30
        while time.time() < deadline and len(self.notices(did)) < 1:
            time.sleep(0.2)
        self.assertEqual(self.notices(did), [("due:drill:soon", [u["lead1"]])])
        time.sleep(1)  # the scheduler sleeps now until the hour-ahead notice, at most 60 s
        at = int(time.time() * 1000) + 2000
        r = s.request("PATCH", "/api/v1/drills/%d" % did, {"version": self.rec(did)["version"],
                                                           "fields": {"scheduled_at": utc(at)}}, token=tok)
        self.assertStatus(r, 200)
        # the 30 s bound only ends a failing wait: without the wake it comes after up to 60 s
        deadline = time.time() + 30
        while time.time() < deadline and ("due:drill:due", [u["lead1"]]) not in self.notices(did):
            time.sleep(0.2)
        # the new date's soon notice at once (within the lead), then its due one
        self.assertEqual(self.notices(did), [("due:drill:due", [u["lead1"]]), ("due:drill:soon", [u["lead1"]]),
                                             ("due:drill:soon", [u["lead1"]])])
        tl = s.get("/api/v1/records/%d/timeline?limit=500" % did, token=tok).json["items"]
        fired = [parse(t["at"]) for t in tl if t["kind"] == "notify" and t["data"]["template"] == "due:drill:due"]
        self.assertEqual(len(fired), 1)
        self.assertGreaterEqual(fired[0], at)  # not before its instant


if __name__ == "__main__":
    harness.main()
