"""test_report_review.py — O&M report review and distribution, and the missed-period catch-up
(R-SLA-2, R-SLA-6; modules-spec §1.10, docs/service-levels.md "审核与分发"):

- a run goes draft → under_review → filed → distributed (modules-spec §M4.5 "Workflow"); its author
  submits it once its manual sections are filled (422 before); the policy's reviewer role
  (ops_department_head), never whoever generated or submitted it (403, actor_not), files it or
  returns it to draft with a note; out of order: 409;
- submission sets the review deadline (2 days): 1 ms before it nothing; at it the reviewers are told
  once (outbox cause report:<id>:review_overdue, audit report.review_overdue), however often the
  clock moves on; a run filed in time is never reported overdue;
- distribution queues the message with the report's link to the recipient roles (ops_leader,
  ops_department_head); the frozen document and its hash do not change;
- `--report-schedule` after the server was down over period boundaries generates each missed
  weekly and monthly period once when it starts again (and nothing twice after another restart);
  on PostgreSQL two nodes on one database catch up together and each period exists once.

Every wait is done by the test clock."""
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

MIN = 60 * 1000
HOUR = 60 * MIN


def bj(day, hm, month=6, year=2027):
    """A Beijing time as RFC 3339."""
    return "%04d-%02d-%02dT%s+08:00" % (year, month, day, hm if hm.count(":") == 2 else hm + ":00")


def outbox(srv, cause_like):
    """(recipient_id, cause) rows of the outbox behind the server; None when it cannot be read
    (PostgreSQL without psycopg2 in this python)."""
    try:
        db = harness.db_connect(srv.db)
    except ImportError:
        return None
    try:
        return sorted(set((r[0], r[1]) for r in db.execute(
            "SELECT recipient_id, cause FROM outbox WHERE cause LIKE ?", (cause_like,))))
    finally:
        db.close()


class ReviewTest(harness.ServerTest):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        s = cls.srv
        s.clock(set_to=bj(7, "10:00"))
        s.tokens.clear()
        cls.uid, cls.tok = {}, {}
        for i, (name, role) in enumerate([("eng", "ops_engineer"), ("lead", "ops_section_head"),
                                          ("head", "ops_department_head"), ("head2", "ops_department_head"),
                                          ("boss", "ops_leader")]):
            cls.uid[name], cls.tok[name] = s.make_user("rv_" + name, [role], phone="1380000%04d" % i,
                                                       email="rv_%s@example.cn" % name)
        # a department head who is also an engineer: a reviewer who can be a report's author (actor_not)
        cls.uid["headeng"], cls.tok["headeng"] = s.make_user("rv_headeng", ["ops_department_head", "ops_engineer"],
                                                             phone="13800009999", email="rv_headeng@example.cn")

    def post(self, path, body, who, status=None):
        r = self.srv.post(path, body, token=self.tok[who])
        if status is not None:
            self.assertStatus(r, status, r.raw)
        return r

    def relogin(self):
        self.srv.tokens.clear()
        for name in self.tok:
            self.tok[name] = self.srv.login("rv_" + name, harness.USER_PW)

    def submitted_weekly(self, at, author="eng"):
        run = self.post("/api/v1/reports/runs", {"kind": "weekly", "at": at}, author, 201).json
        base = "/api/v1/reports/runs/%d" % run["id"]
        self.post(base + "/manual", {"sections": {"next_week_plan": "巡检"}}, "eng", 200)
        return self.post(base + "/submit", None, "eng", 200).json

    def audit(self, rid, action):
        r = self.srv.get("/api/v1/audit?entity=report_run&entity_id=%d" % rid, token=self.srv.admin("auditor"))
        self.assertStatus(r, 200)
        return [x for x in r.json["items"] if x["action"] == action]

    def test_1_review_and_distribute(self):
        s = self.srv
        t0 = s.now_ms()
        run = self.post("/api/v1/reports/runs", {"kind": "weekly", "at": bj(7, "08:00")}, "eng", 201).json
        rid = run["id"]
        base = "/api/v1/reports/runs/%d" % rid
        self.assertEqual(run["state"], "draft")
        self.assertEqual(run["review"]["due_at"], None)
        self.assertEqual(harness_ms(run["review"]["file_due_at"]), t0 + 48 * HOUR)
        # a draft is neither filed, returned nor distributed; it is submitted once its section is filled
        self.assertError(self.post(base + "/file", {}, "head2"), 409, field="id")
        self.assertError(self.post(base + "/return", {"note": "x"}, "head2"), 409, field="id")
        self.assertError(self.post(base + "/distribute", None, "lead"), 409, field="id")
        self.assertError(self.post(base + "/submit", None, "eng"), 422, field="sections")
        self.post(base + "/manual", {"sections": {"next_week_plan": "下周巡检"}}, "eng", 200)
        # submitted by a department head who is also an engineer (a reviewer, but now its author)
        sub = self.post(base + "/submit", None, "headeng", 200).json
        self.assertEqual(sub["state"], "under_review")
        self.assertEqual(sub["review"]["submitted_by"], self.uid["headeng"])
        self.assertEqual(harness_ms(sub["review"]["due_at"]), s.now_ms() + 48 * HOUR)
        self.assertIsNone(sub["sha256"])
        self.assertError(self.post(base + "/submit", None, "eng"), 409, field="id")
        self.assertError(self.post(base + "/manual", {"sections": {"next_week_plan": "改"}}, "eng"), 409, field="id")
        self.assertError(self.post(base + "/distribute", None, "lead"), 409, field="id")
        # not the reviewer role: 403; the one who submitted it: 403 (actor_not)
        self.assertError(self.post(base + "/file", {}, "eng"), 403)
        self.assertError(self.post(base + "/file", {}, "lead"), 403)
        self.assertError(self.post(base + "/file", {}, "headeng"), 403, field="id")
        self.assertError(self.post(base + "/return", {"note": "x"}, "lead"), 403)
        self.assertError(self.post(base + "/return", {"note": ""}, "head2"), 422, field="note")
        self.assertError(self.post(base + "/file", {"note": "x" * 2001}, "head2"), 413, field="note")
        got = s.get(base, token=self.tok["eng"]).json
        self.assertEqual(got["state"], "under_review")
        self.assertFalse(got["review_overdue"])
        # returned to draft with a note, corrected, submitted again (by the engineer)
        back = self.post(base + "/return", {"note": "请补充巡检范围"}, "head2", 200).json
        self.assertEqual(back["state"], "draft")
        self.assertEqual(back["review"]["note"], "请补充巡检范围")
        self.assertIsNone(back["review"]["due_at"])
        self.post(base + "/manual", {"sections": {"next_week_plan": "下周巡检：机房与网络"}}, "eng", 200)
        self.post(base + "/submit", None, "eng", 200)
        # the submission now is the engineer's, so the head-engineer (no longer its author) may file it
        filed = self.post(base + "/file", {"note": "同意分发"}, "headeng", 200).json
        self.assertEqual(filed["state"], "filed")
        self.assertRegex(filed["sha256"], "^[0-9a-f]{64}$")
        self.assertEqual(filed["review"]["reviewed_by"], self.uid["headeng"])
        self.assertEqual(filed["review"]["note"], "同意分发")
        self.assertEqual(filed["manual"]["next_week_plan"], "下周巡检：机房与网络")
        doc = s.get(base + "/report.json", token=self.tok["eng"]).raw
        # frozen: nothing moves it back
        self.assertError(self.post(base + "/file", {}, "head2"), 409, field="id")
        self.assertError(self.post(base + "/return", {"note": "x"}, "head2"), 409, field="id")
        self.assertError(self.post(base + "/submit", None, "eng"), 409, field="id")
        self.assertError(self.post(base + "/manual", {"sections": {"next_week_plan": "改"}}, "eng"), 409, field="id")
        # distribution: incident_lead (an engineer may not), then the recipients are told
        self.assertError(self.post(base + "/distribute", None, "eng"), 403)
        d = self.post(base + "/distribute", None, "lead", 200).json
        self.assertEqual(d["state"], "distributed")
        self.assertEqual(d["review"]["distributed_by"], self.uid["lead"])
        self.assertGreaterEqual(d["messages_queued"], 3)
        self.assertError(self.post(base + "/distribute", None, "lead"), 409, field="id")
        self.assertError(self.post(base + "/file", {}, "head2"), 409, field="id")
        rows = outbox(s, "report:%d:%%" % rid)
        if rows is not None:
            cause = "report:%d:distributed" % rid
            self.assertEqual(rows, sorted([(self.uid["boss"], cause), (self.uid["head"], cause),
                                           (self.uid["head2"], cause), (self.uid["headeng"], cause)]))
            db = harness.db_connect(s.db)
            try:
                bodies = [r[0] for r in db.execute("SELECT body FROM outbox WHERE cause = ?", (cause,))]
            finally:
                db.close()
            self.assertTrue(bodies)
            for b in bodies:
                self.assertIn("/#/reports/%d" % rid, b)
                self.assertIn(filed["number"], b)
                self.assertNotIn("://", b)   # no --public-url: the links stay relative (docs/configuration.md)
        # the frozen document is unchanged; each step is audited
        self.assertEqual(s.get(base + "/report.json", token=self.tok["eng"]).raw, doc)
        self.assertEqual(len(self.audit(rid, "report.submit")), 2)
        self.assertEqual([a["after"]["note"] for a in self.audit(rid, "report.return")], ["请补充巡检范围"])
        self.assertEqual([a["after"]["note"] for a in self.audit(rid, "report.file")], ["同意分发"])
        self.assertEqual(self.audit(rid, "report.file")[0]["after"]["sha256"], filed["sha256"])
        self.assertEqual(len(self.audit(rid, "report.distribute")), 1)
        lst = s.get("/api/v1/reports/runs?kind=weekly", token=self.tok["eng"]).json
        self.assertEqual([x["state"] for x in lst["items"] if x["id"] == rid], ["distributed"])
        # the deadline was met by the filing: two days on, nobody is told it is overdue
        s.clock(set_to=bj(9, "10:00:01"))
        self.relogin()
        self.assertEqual(self.audit(rid, "report.review_overdue"), [])

    def test_2_review_overdue_once(self):
        s = self.srv
        s.clock(set_to=bj(14, "10:00"))
        self.relogin()
        sub = self.submitted_weekly(bj(14, "08:00"), author="headeng")   # generated by the head-engineer
        rid = sub["id"]
        due = harness_ms(sub["review"]["due_at"])
        self.assertEqual(due, s.now_ms() + 48 * HOUR)
        # 1 ms before the deadline: nothing
        s.clock(set_to=fmt_ms(due - 1))
        self.relogin()
        self.assertEqual(self.audit(rid, "report.review_overdue"), [])
        got = s.get("/api/v1/reports/runs/%d" % rid, token=self.tok["eng"]).json
        self.assertFalse(got["review_overdue"])
        # at it: the reviewers who may file it (both department heads, not the head-engineer who
        # generated it) are told, once
        s.clock(set_to=fmt_ms(due))
        self.relogin()
        fired = self.audit(rid, "report.review_overdue")
        self.assertEqual(len(fired), 1)
        self.assertGreaterEqual(fired[0]["after"]["messages"], 2)
        got = s.get("/api/v1/reports/runs/%d" % rid, token=self.tok["eng"]).json
        self.assertTrue(got["review_overdue"])
        s.clock(advance_seconds=3 * 86400)
        self.relogin()
        self.assertEqual(len(self.audit(rid, "report.review_overdue")), 1)
        rows = outbox(s, "report:%d:review_overdue" % rid)   # its filing is overdue too (file_overdue)
        if rows is not None:
            cause = "report:%d:review_overdue" % rid
            self.assertEqual(rows, sorted([(self.uid["head"], cause), (self.uid["head2"], cause)]))
        # late, but still to be filed: not by boss (not the reviewer role), not by its generator
        self.assertError(self.post("/api/v1/reports/runs/%d/file" % rid, {}, "boss"), 403)
        self.assertError(self.post("/api/v1/reports/runs/%d/file" % rid, {}, "headeng"), 403, field="id")
        self.post("/api/v1/reports/runs/%d/file" % rid, {}, "head", 200)
        got = s.get("/api/v1/reports/runs/%d" % rid, token=self.tok["eng"]).json
        self.assertFalse(got["review_overdue"])

    def test_3_charts(self):
        """The HTML's inline SVG charts (server-side): availability per service, and in the monthly
        report the platform's availability and MTTR for 12 months, each bar with its value."""
        import re
        import xml.etree.ElementTree as ET
        s = self.srv
        self.post("/api/v1/services", {"key": "svc-c", "name": "图表服务"}, "eng", 201)
        iv = self.post("/api/v1/outage-intervals", {"service": "svc-c", "kind": "unplanned",
                                                    "starts_at": bj(10, "01:00", month=5),
                                                    "ends_at": bj(10, "04:36", month=5)}, "eng", 201).json
        self.post("/api/v1/outage-intervals/%d/approve" % iv["id"], None, "lead", 200)
        run = self.post("/api/v1/reports/runs", {"kind": "monthly", "at": bj(1, "08:00", month=6)}, "eng", 201).json
        html = s.get("/api/v1/reports/runs/%d/report.html" % run["id"], token=self.tok["eng"]).raw
        svgs = {}
        for m in re.finditer(r"<svg .*?</svg>", html, re.S):
            el = ET.fromstring(m.group(0))
            svgs[el.get("id")] = el
        self.assertEqual(sorted(svgs), ["chart-availability", "chart-mttr", "chart-services"])
        ns = "{http://www.w3.org/2000/svg}"

        def bars(el):
            return [(r.get("data-label"), r.get("data-value"), float(r.get("height")))
                    for r in el.iter(ns + "rect") if r.get("class") == "bar"]
        # May 2027: 744 h, 3.6 h down: floor(1e6 × 740.4 / 744) = 995161 ppm
        av = bars(svgs["chart-availability"])
        self.assertEqual([b[0] for b in av], ["2026-%02d" % m for m in range(6, 13)] +
                         ["2027-%02d" % m for m in range(1, 6)])
        self.assertEqual([b[1] for b in av], ["100.000"] * 11 + ["99.516"])
        # the axis runs from 99.4 % (target 99.5 % less 0.1) to 100 % over 176 px
        self.assertAlmostEqual(av[0][2], 176.0, places=1)
        self.assertAlmostEqual(av[11][2], 176.0 * (99.5161 - 99.4) / 0.6, delta=0.1)
        target = [ln for ln in svgs["chart-availability"].iter(ns + "line") if ln.get("class") == "target"]
        self.assertEqual([ln.get("data-value") for ln in target], ["99.500"])
        # no incident restored in these months: no MTTR bar, 12 "no data" marks
        self.assertEqual(bars(svgs["chart-mttr"]), [])
        self.assertEqual(len([t for t in svgs["chart-mttr"].iter(ns + "text") if t.get("class") == "nodata"]), 12)
        self.assertEqual([(b[0], b[1]) for b in bars(svgs["chart-services"])],
                         [("平台 platform", "99.516"), ("svc-c", "99.516")])
        # the weekly report: the services chart only
        w = self.post("/api/v1/reports/runs", {"kind": "weekly", "at": bj(17, "08:00", month=5)}, "eng", 201).json
        html = s.get("/api/v1/reports/runs/%d/report.html" % w["id"], token=self.tok["eng"]).raw
        self.assertEqual(re.findall(r'<svg [^>]*id="([^"]+)"', html), ["chart-services"])
        # Markdown has no charts
        md = s.get("/api/v1/reports/runs/%d/report.md" % run["id"], token=self.tok["eng"]).raw
        self.assertNotIn("<svg", md)
        if os.environ.get("OPSDESK_SAVE_HTML"):
            with open(os.environ["OPSDESK_SAVE_HTML"], "w", encoding="utf-8") as f:
                f.write(s.get("/api/v1/reports/runs/%d/report.html" % run["id"], token=self.tok["eng"]).raw)

    def test_4_module_sections(self):
        """modules-spec §M4.5: the sections of later modules, counted from their tables for the
        period — problems opened / closed / cancelled / open at the end, known errors added; plans
        with their review overdue, plans reviewed, drill incidents."""
        s = self.srv
        s.clock(set_to=bj(25, "10:00"))
        self.relogin()
        _, pm = s.make_user("rv_pm", ["problem_manager"])
        ids = []
        for title in ("连接池耗尽", "磁盘写满"):
            r = s.post("/api/v1/problems", {"title": title, "fields": {}}, token=pm)
            self.assertStatus(r, 201, r.raw)
            ids.append(r.json)
        p = ids[1]
        r = s.post("/api/v1/records/%d/actions/cancel" % p["id"],
                   {"version": p["version"], "reason": "重复", "fields": {"cancel_reason": "duplicate"}}, token=pm)
        self.assertStatus(r, 200, r.raw)
        self.assertStatus(s.post("/api/v1/known-errors", {"title": "归档日志未轮转"}, token=pm), 201)
        ci = self.post("/api/v1/cis", {"name": "drill-web", "category": "server", "grade": "L3",
                                       "department": "运行部"}, "eng", 201).json["id"]
        self.post("/api/v1/incidents", {"title": "演练", "ci_ids": [ci], "severity": "moderate", "drill": True,
                                        "location": "机房", "symptoms": "s", "impact_scope": "门户"}, "eng", 201)
        s.clock(set_to=bj(1, "09:00", month=7))
        self.relogin()
        run = self.post("/api/v1/reports/runs", {"kind": "monthly"}, "eng", 201).json
        self.assertEqual(run["number"], "OMR-M-20270601-v1")
        # the readiness section (om_reports_readiness.c): no plan, drill or training here, so
        # every enabled person is short of the annual hours
        users = s.get("/api/v1/users?limit=500", token=s.admin("sysadmin")).json["items"]
        self.assertEqual(run["snapshot"]["modules"], {
            "problems": {"opened": 2, "closed": 0, "cancelled": 1, "open_at_end": 1, "known_errors_added": 1},
            "plans": {"reviews_overdue": 0, "reviewed": 0, "drill_incidents": 1},
            "readiness": {"plans_published": 0, "plans_current": 0, "reviews_due_soon": 0, "reviews_overdue": 0,
                          "drills_closed": 0, "drill_score_x100": 0, "yearly_drill_due": 0,
                          "training_short": len([u for u in users if not u["disabled"]]),
                          # the default policy declares no key position; no plan published
                          "positions_below_two": 0, "plans": []}})
        # May, before any of it: all zero
        may = self.post("/api/v1/reports/runs", {"kind": "monthly", "at": bj(1, "08:00", month=6)}, "eng", 201).json
        self.assertEqual(may["snapshot"]["modules"]["problems"]["opened"], 0)
        self.assertEqual(may["snapshot"]["modules"]["plans"]["drill_incidents"], 0)
        html = s.get("/api/v1/reports/runs/%d/report.html" % run["id"], token=self.tok["eng"]).raw
        # the sections are the ones declared in om_reports_sections.c, each under its own title
        self.assertIn("6 各模块章节 (sections of the modules)", html)
        self.assertIn("<h3>问题与已知错误 (problems and known errors)</h3>", html)
        self.assertIn("<h3>预案与演练 (plans and drills)</h3>", html)
        self.assertLess(html.index("问题与已知错误 (problems"), html.index("预案与演练 (plans"))
        self.assertLess(html.index("预案与演练 (plans"), html.index("<h3>应急准备 (readiness)</h3>"))
        self.assertIn("<td>演练事件 (drill incidents)</td><td>1</td>", html)
        self.assertIn("<td>合格人员不足两人的关键岗位 (key positions below two qualified people)</td><td>0</td>", html)
        self.assertIn("<h4>各预案上次演练 (last drill per plan)</h4>", html)
        # the XLSX workbook has the same counts on its own sheet
        from test_service_levels import get_bytes, read_xlsx
        status, _, data = get_bytes(s, "/api/v1/reports/runs/%d/report.xlsx" % run["id"], self.tok["eng"])
        self.assertEqual(status, 200)
        sheet = read_xlsx(data)["问题与预案 modules"]
        self.assertEqual(sheet[0], ["module", "item", "count"])
        got = {(r[0], r[1]): r[2] for r in sheet[1:]}
        self.assertEqual(got[("problems", "opened")], 2)
        self.assertEqual(got[("problems", "cancelled")], 1)
        self.assertEqual(got[("plans", "drill_incidents")], 1)
        self.assertEqual(got[("readiness", "plans_published")], 0)
        self.assertEqual(got[("readiness", "positions_below_two")], 0)
        self.assertEqual(len(got), 17)  # the per-plan table is not a count: not on this sheet

    def _incident(self, ci):
        iid = self.post("/api/v1/incidents", {"title": "t", "ci_ids": [ci], "severity": "moderate",
                                              "location": "机房", "symptoms": "s", "impact_scope": "门户"},
                        "eng", 201).json["id"]
        self.post("/api/v1/incidents/%d/reports" % iid, {"kind": "first"}, "eng", 201)
        self.post("/api/v1/incidents/%d/reports" % iid, {"kind": "second", "response_level": "R3",
                                                          "system_impact": "x",
                                                          "estimated_recovery_at": "2030-01-01T00:00:00Z"},
                  "eng", 201)
        self.post("/api/v1/incidents/%d/activate" % iid, None, "head", 200)
        return iid

    def _final(self, iid, **extra):
        body = {"kind": "final", "cause": "c", "process": "p", "current_state": "s", "improvements": "i"}
        body.update(extra)
        return self.srv.post("/api/v1/incidents/%d/reports" % iid, body, token=self.tok["eng"])

    def test_5_business_impact_minutes(self):
        """R-SLA-5, R-NOT-2: the final report's business_impact_minutes is the union of the incident's
        impact intervals in whole minutes, rounded up; without intervals it stays an optional typed
        number."""
        s = self.srv
        s.clock(set_to=bj(2, "09:00", month=7))
        self.relogin()
        ci = self.post("/api/v1/cis", {"name": "impact-app", "category": "server", "grade": "L3",
                                       "department": "运行部"}, "eng", 201).json["id"]
        self.post("/api/v1/services", {"key": "svc-i", "name": "影响", "ci_id": ci}, "eng", 201)
        a = self._incident(ci)
        s.clock(set_to=bj(2, "11:00", month=7))
        self.relogin()
        # two overlapping intervals: 09:00:00–10:00:00 and 09:30:00–10:30:20 → 90 min 20 s → 91 min
        for st, en in ((bj(2, "09:00", 7), bj(2, "10:00", 7)), (bj(2, "09:30", 7), bj(2, "10:30:20", 7))):
            self.post("/api/v1/incidents/%d/impact-intervals" % a, {"service": "svc-i", "kind": "unplanned",
                                                                     "starts_at": st, "ends_at": en}, "eng", 201)
        self.assertError(self._final(a, business_impact_minutes=90), 422, field="business_impact_minutes")
        self.assertError(self._final(a, business_impact_minutes=-1), 422, field="business_impact_minutes")
        r = self._final(a)
        self.assertStatus(r, 201, r.raw)
        fin = [x for x in r.json["reports"] if x["kind"] == "final"][0]["fields"]
        self.assertEqual((fin["business_impact_minutes"], fin["business_impact_source"]), (91, "impact_intervals"))
        # no service affected, no interval: optional and typed
        other = self.post("/api/v1/cis", {"name": "impact-none", "category": "server", "grade": "L3",
                                          "department": "运行部"}, "eng", 201).json["id"]
        b, c = self._incident(other), self._incident(other)
        r = self._final(b)
        self.assertStatus(r, 201, r.raw)
        self.assertNotIn("business_impact_minutes", [x for x in r.json["reports"] if x["kind"] == "final"][0]["fields"])
        r = self._final(c, business_impact_minutes=12)
        self.assertStatus(r, 201, r.raw)
        fin = [x for x in r.json["reports"] if x["kind"] == "final"][0]["fields"]
        self.assertEqual(fin["business_impact_minutes"], 12)
        self.assertNotIn("business_impact_source", fin)

    def test_6_service_calendar(self):
        """modules-spec §M4.2: a service on the policy's business calendar (Mon–Fri 09:00–17:30, UTC+8)
        counts only its working minutes, for the period and for its outages (R-SLA-1, R-SLA-5)."""
        s = self.srv
        self.assertError(self.post("/api/v1/services", {"key": "svc-bad", "name": "x", "calendar": "lunar"}, "eng"),
                         400, field="calendar")
        svc = self.post("/api/v1/services", {"key": "svc-biz", "name": "办公", "calendar": "business"}, "eng",
                        201).json
        self.assertEqual(svc["calendar"], "business")
        s.clock(set_to=bj(5, "12:00", month=7))
        self.relogin()
        for st, en in ((bj(28, "08:00"), bj(28, "10:00")),       # Mon: 09:00–10:00 counts
                       (bj(4, "10:00", 7), bj(4, "11:00", 7))):  # Sun: nothing, no outage
            iv = self.post("/api/v1/outage-intervals", {"service": "svc-biz", "kind": "unplanned", "starts_at": st,
                                                        "ends_at": en}, "eng", 201).json
            self.post("/api/v1/outage-intervals/%d/approve" % iv["id"], None, "lead", 200)
        q = "/api/v1/service-levels?from=%s&to=%s&service=svc-biz" % (
            bj(28, "00:00").replace("+", "%2B"), bj(5, "00:00", 7).replace("+", "%2B"))
        f = s.get(q, token=self.tok["eng"]).json
        sv = [x for x in f["services"] if x["key"] == "svc-biz"][0]
        self.assertEqual(sv["calendar"], "business")
        av = sv["availability"]
        week = 5 * 510 * 60 * 1000                                 # 5 working days of 8.5 h
        self.assertEqual(av["period_ms"], week)
        self.assertEqual(av["unplanned_ms"], 60 * 60 * 1000)
        self.assertEqual(av["outages"], 1)
        self.assertEqual(av["availability_ppm"], 976470)           # floor(1e6 × 149.4 / 153)
        self.assertEqual(av["period_budget_ms"], week * 5000 // 1000000)
        self.assertEqual(av["budget"]["year_ms"], 261 * 510 * 60 * 1000)   # 2027: 261 weekdays
        self.assertEqual(av["budget"]["used_ms"], 60 * 60 * 1000)

    def test_7_filing_overdue(self):
        """modules-spec §1.10, issue "filing overdue → the ops department head": a generated draft not
        filed within 2 days is reported once to the ops department heads; 1 ms before, nothing; a
        draft superseded by a newer version, or filed in time, is not chased."""
        s = self.srv
        s.clock(set_to=bj(6, "10:00", month=7))
        self.relogin()
        late = self.post("/api/v1/reports/runs", {"kind": "weekly"}, "eng", 201).json   # the week of 06-28
        due = s.now_ms() + 48 * HOUR
        old = self.post("/api/v1/reports/runs", {"kind": "monthly"}, "eng", 201).json   # June: version 2 …
        newer = self.post("/api/v1/reports/runs", {"kind": "monthly"}, "eng", 201).json  # … and 3
        self.assertEqual(newer["version"], old["version"] + 1)
        s.clock(set_to=fmt_ms(due - 1))
        self.relogin()
        self.assertEqual(self.audit(late["id"], "report.file_overdue"), [])
        s.clock(set_to=fmt_ms(due))
        self.relogin()
        fired = self.audit(late["id"], "report.file_overdue")
        self.assertEqual(len(fired), 1)
        self.assertGreaterEqual(fired[0]["after"]["messages"], 2)
        s.clock(advance_seconds=86400)
        self.relogin()
        self.assertEqual(len(self.audit(late["id"], "report.file_overdue")), 1)
        self.assertEqual(self.audit(old["id"], "report.file_overdue"), [])       # superseded
        self.assertEqual(len(self.audit(newer["id"], "report.file_overdue")), 1)  # the newest draft is chased
        rows = outbox(s, "report:%d:%%" % late["id"])
        if rows is not None:
            cause = "report:%d:file_overdue" % late["id"]
            self.assertEqual(rows, sorted([(self.uid["head"], cause), (self.uid["head2"], cause),
                                           (self.uid["headeng"], cause)]))
            db = harness.db_connect(s.db)
            try:
                bodies = [r[0] for r in db.execute("SELECT body FROM outbox WHERE cause = ?", (cause,))]
            finally:
                db.close()
            self.assertTrue(bodies)
            for b in bodies:
                self.assertIn("/#/reports/%d" % late["id"], b)
                self.assertIn("2027-07-08 10:00 (UTC+08:00)", b)   # the deadline, Beijing time

    def test_8_calendar_clocks(self):
        """modules-spec §M4.2: an incident whose impact is on a business-hours service has its restore
        time counted in working time (Fri 17:00 → Mon 10:30 = 30 + 90 min: met); the seed-000 handling
        limit stays wall time."""
        s = self.srv
        s.clock(set_to=bj(9, "17:00", month=7))       # Friday
        self.relogin()
        ci = self.post("/api/v1/cis", {"name": "office-app", "category": "server", "grade": "L3",
                                       "department": "运行部"}, "eng", 201).json["id"]
        self.post("/api/v1/services", {"key": "svc-office", "name": "办公系统", "ci_id": ci, "calendar": "business",
                                       "platform_member": False}, "eng", 201)
        iid = self._incident(ci)
        s.clock(set_to=bj(12, "11:00", month=7))      # Monday
        self.relogin()
        self.post("/api/v1/incidents/%d/impact-intervals" % iid, {"service": "svc-office", "kind": "unplanned",
                                                                   "starts_at": bj(9, "17:00", 7),
                                                                   "ends_at": bj(12, "10:30", 7)}, "eng", 201)
        self.assertStatus(self._final(iid), 201)
        q = "/api/v1/service-levels?from=%s&to=%s" % (bj(9, "00:00", 7).replace("+", "%2B"),
                                                      bj(12, "12:00", 7).replace("+", "%2B"))
        f = s.get(q, token=self.tok["eng"]).json
        it = [x for x in f["incidents"]["items"] if x["id"] == iid][0]
        self.assertEqual((it["restore"]["ms"], it["restore"]["verdict"]), (2 * HOUR, "met"))
        self.assertEqual(it["handling"]["verdict"], "breached")   # 66 h of wall time against R3's 8 h
        self.assertEqual(f["incidents"]["mttr"]["max_ms"], 2 * HOUR)


def harness_ms(rfc3339):
    import datetime
    t = datetime.datetime.strptime(rfc3339.replace("Z", "+0000"), "%Y-%m-%dT%H:%M:%S.%f%z")
    return int(t.timestamp() * 1000)


def fmt_ms(ms):
    import datetime
    t = datetime.datetime.fromtimestamp(ms / 1000, tz=datetime.timezone.utc)
    return t.strftime("%Y-%m-%dT%H:%M:%S.") + "%03dZ" % (ms % 1000)


class CatchUpTest(unittest.TestCase):
    """A server down over period boundaries generates the missed periods once when it starts."""

    def numbers(self, srv):
        srv.tokens.clear()
        r = srv.get("/api/v1/reports/runs?limit=500", token=self.tok(srv))
        self.assertEqual(r.status, 200, r.raw)
        # the weekly and monthly runs (quarterly and annual: tests/api/test_report_defs.py)
        return sorted(x["number"] for x in r.json["items"] if x["kind"] in ("weekly", "monthly"))

    def tok(self, srv):
        if not getattr(self, "_made", None):
            srv.make_user("cu_eng", ["ops_engineer"])
            self._made = True
        return srv.login("cu_eng", harness.USER_PW)

    def test_catch_up_after_downtime(self):
        srv = harness.Server(extra_args=["--report-schedule"])
        try:
            srv.init()
            srv.start()
            srv.clock(set_to=bj(7, "08:00"))        # Monday 06-07 08:00: the periods in force only
            self.assertEqual(self.numbers(srv), ["OMR-M-20270501-v1", "OMR-W-20270531-v1"])
            self.assertEqual(srv.stop(), 0)
            # down from 06-07 to 07-01: three Mondays and a 1st of the month missed
            srv.start()
            srv.clock(set_to=bj(1, "09:30", month=7))
            want = ["OMR-M-20270501-v1", "OMR-M-20270601-v1", "OMR-W-20270531-v1", "OMR-W-20270607-v1",
                    "OMR-W-20270614-v1", "OMR-W-20270621-v1"]
            self.assertEqual(self.numbers(srv), want)
            r = srv.get("/api/v1/reports/runs?limit=500", token=self.tok(srv))
            self.assertEqual(sorted(x["number"] for x in r.json["items"] if x["kind"] in ("quarterly", "annual")),
                             ["OMR-Q-20270101-v1", "OMR-Q-20270401-v1", "OMR-Y-20260101-v1"])
            self.assertEqual(srv.stop(), 0)
            srv.start()                             # started again: nothing twice
            srv.clock(set_to=bj(1, "10:00", month=7))
            self.assertEqual(self.numbers(srv), want)
            # the catch-up's runs are drafts like any scheduled run, each generated by the system
            r = srv.get("/api/v1/reports/runs?kind=weekly&limit=500", token=self.tok(srv)).json
            self.assertEqual(sorted(set(x["state"] for x in r["items"])), ["draft"])
            self.assertEqual(len(r["items"]), 4)
        finally:
            srv.cleanup()

    @unittest.skipUnless(harness.PG, "two nodes need PostgreSQL (SQLite's file is held by one process)")
    def test_two_nodes_catch_up_once(self):
        a = harness.Server(extra_args=["--report-schedule", "--node-id", "rep-a"])
        b = None
        try:
            a.init()
            a.start()
            a.clock(set_to=bj(7, "08:00"))
            self.assertEqual(self.numbers(a), ["OMR-M-20270501-v1", "OMR-W-20270531-v1"])
            a.stop()
            b = harness.Server(extra_args=["--report-schedule", "--node-id", "rep-b"])
            b.db = a.db
            a.start()
            b.start()
            # both nodes move the shared test clock at once: each runs the catch-up
            import threading
            errs = []

            def move(srv):
                try:
                    srv.clock(set_to=bj(1, "09:30", month=7))
                except Exception as x:  # noqa: BLE001 - reported below
                    errs.append(x)
            ts = [threading.Thread(target=move, args=(n,)) for n in (a, b)]
            for t in ts:
                t.start()
            for t in ts:
                t.join()
            self.assertEqual(errs, [])
            want = ["OMR-M-20270501-v1", "OMR-M-20270601-v1", "OMR-W-20270531-v1", "OMR-W-20270607-v1",
                    "OMR-W-20270614-v1", "OMR-W-20270621-v1"]
            self.assertEqual(self.numbers(a), want)
            self.assertEqual(self.numbers(b), want)
            # the quarterly and annual definitions too: each period once across the two nodes
            a.tokens.clear()
            r = a.get("/api/v1/reports/runs?limit=500", token=self.tok(a))
            self.assertEqual(sorted(x["number"] for x in r.json["items"] if x["kind"] in ("quarterly", "annual")),
                             ["OMR-Q-20270101-v1", "OMR-Q-20270401-v1", "OMR-Y-20260101-v1"])
        finally:
            if b:
                b.stop()
            a.cleanup()


class DashboardTileTest(harness.ServerTest):
    """GET /api/v1/dashboard `reports` (R-SLA-6; docs/service-levels.md "仪表盘"): drafts not filed
    within file_within (2 days; a draft superseded by a newer version of its period is not counted),
    filed runs not reviewed by review_due_at (2 days after filing), reviewed runs not distributed.
    Exact counts 1 ms before and at each deadline, with the test clock."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        s = cls.srv
        s.clock(set_to=bj(7, "10:00"))
        s.tokens.clear()
        cls.tok = {}
        for i, (name, role) in enumerate([("eng", "ops_engineer"), ("lead", "ops_section_head"),
                                          ("head", "ops_department_head"), ("head2", "ops_department_head")]):
            cls.tok[name] = s.make_user("dt_" + name, [role], phone="1390000%04d" % i)[1]

    def relogin(self):
        self.srv.tokens.clear()
        for name in self.tok:
            self.tok[name] = self.srv.login("dt_" + name, harness.USER_PW)

    def at(self, ms):
        self.srv.clock(set_to=fmt_ms(ms))
        self.relogin()

    def post(self, path, body, who, status):
        r = self.srv.post(path, body, token=self.tok[who])
        self.assertStatus(r, status, r.raw)
        return r.json

    def tile(self):
        r = self.srv.get("/api/v1/dashboard", token=self.tok["eng"])
        self.assertStatus(r, 200, r.raw)
        x = r.json["reports"]
        return (x["unfiled_overdue"], x["unreviewed_overdue"], x["undistributed"])

    def generate(self, kind, at=None):
        body = {"kind": kind}
        if at:
            body["at"] = at
        return self.post("/api/v1/reports/runs", body, "eng", 201)

    def submit(self, run):
        base = "/api/v1/reports/runs/%d" % run["id"]
        sections = ({"next_week_plan": "巡检"} if run["kind"] == "weekly"
                    else {"improvements": "优化", "next_month_plan": "计划"})
        self.post(base + "/manual", {"sections": sections}, "eng", 200)
        return self.post(base + "/submit", None, "eng", 200)

    def file(self, run):
        if run["state"] == "draft":
            run = self.submit(run)
        return self.post("/api/v1/reports/runs/%d/file" % run["id"], None, "head", 200)

    def test_tile_counts(self):
        s = self.srv
        self.assertEqual(self.tile(), (0, 0, 0))
        t0 = s.now_ms()
        draft = self.generate("weekly", bj(7, "08:00"))          # the week of 05-31: left a draft
        old = self.generate("monthly")                           # May, version 1 …
        newer = self.generate("monthly")                         # … superseded by version 2
        self.assertEqual(newer["version"], old["version"] + 1)
        self.assertEqual(self.tile(), (0, 0, 0))
        self.at(t0 + HOUR)
        t1 = s.now_ms()
        pending = self.submit(self.generate("weekly", bj(1, "09:00")))     # the week of 05-24: under review
        self.assertEqual(harness_ms(pending["review"]["due_at"]), t1 + 48 * HOUR)
        # each run carries the filing deadline set when it was generated (migration 0037)
        self.assertEqual(harness_ms(pending["review"]["file_due_at"]), t1 + 48 * HOUR)
        self.assertEqual(harness_ms(draft["review"]["file_due_at"]), t0 + 48 * HOUR)
        done = self.file(self.generate("weekly", bj(31, "08:00", month=5)))  # 05-24 again (version 2): filed
        self.assertEqual(self.tile(), (0, 0, 1))
        # filing deadline of the drafts: t0 + 2 days (the superseded version 1 is not counted)
        self.at(t0 + 48 * HOUR - 1)
        self.assertEqual(self.tile(), (0, 0, 1))
        self.at(t0 + 48 * HOUR)
        self.assertEqual(self.tile(), (2, 0, 1))
        # the run under review: its review deadline t1 + 2 days (its filing is not chased: a newer
        # version of its period exists)
        self.at(t1 + 48 * HOUR - 1)
        self.assertEqual(self.tile(), (2, 0, 1))
        self.at(t1 + 48 * HOUR)
        self.assertEqual(self.tile(), (2, 1, 1))
        # late work clears them: filing, distribution
        self.file(draft)
        self.assertEqual(self.tile(), (1, 1, 2))
        self.file(pending)
        self.assertEqual(self.tile(), (1, 0, 3))
        for run in (done, pending, draft):
            self.post("/api/v1/reports/runs/%d/distribute" % run["id"], None, "lead", 200)
        self.assertEqual(self.tile(), (1, 0, 0))
        # the newest monthly draft, submitted late: still unfiled; its review due 2 days on, 1 ms before, at
        self.submit(newer)
        sub_ms = self.srv.now_ms()
        self.assertEqual(self.tile(), (1, 0, 0))
        self.at(sub_ms + 48 * HOUR - 1)
        self.assertEqual(self.tile(), (1, 0, 0))
        self.at(sub_ms + 48 * HOUR)
        self.assertEqual(self.tile(), (1, 1, 0))


if __name__ == "__main__":
    harness.main()
