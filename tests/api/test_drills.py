"""test_drills.py — emergency drills and plan reviews (应急演练、预案复审;
research/modules-spec.md §M7, seed 000 ch. 9 §1 and §3; R-PLAN-1 reviews,
R-PLAN-2 drills; docs/drills.md): a drill record through its
policy-declared workflow planned → prepared → running → evaluated → closed
(steps cannot be skipped, the guards name what is missing), a simulated L1
incident injected into a running drill that goes through the real
registration, report, acknowledgement, activation and closure path in
sandbox mode (only the participants are recipients or get a message; the
incident is flagged drill), the scorecard computed from that incident's real
deadlines (which were met, which missed), the activation recording the plan
version, closing the drill making the plan's review due 30 days later
(1 ms before: not listed; at: listed), an R1 response and a change to a CI
in scope doing the same, and the plans whose yearly drill is due (1 ms
before / at 12 months), in the drills' list and in the readiness view.  Runs on SQLite and PostgreSQL (OD_PG_API_SUBSET)."""
import calendar
import time

import harness

SEC = 1000
MIN = 60 * SEC
DAY = 86400 * SEC


def utc(ms):
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(ms // 1000)) + ".%03dZ" % (ms % 1000)


def parse(s):
    t = time.strptime(s[:19], "%Y-%m-%dT%H:%M:%S")
    ms = int(s[20:23]) if len(s) > 20 and s[19] == "." else 0
    return calendar.timegm(t) * 1000 + ms


def add_months(ms, n):
    days, tod = divmod(ms, DAY)
    t = time.gmtime(days * 86400)
    mi = t.tm_year * 12 + t.tm_mon - 1 + n
    y, m = divmod(mi, 12)
    d = min(t.tm_mday, calendar.monthrange(y, m + 1)[1])
    return calendar.timegm((y, m + 1, d, 0, 0, 0)) * 1000 + tod


USERS = (("eng", ["emergency_engineering"]), ("lead1", ["emergency_leadership"]),
         ("lead2", ["emergency_leadership"]), ("lead3", ["emergency_leadership"]),
         ("sec1", ["ops_section_head"]), ("sec2", ["ops_section_head"]),
         ("head", ["ops_department_head"]), ("ops", ["ops_engineer", "monitoring_engineer"]),
         ("pm", ["problem_manager"]))


def s_get(srv, path, tok):
    r = srv.get(path, token=tok)
    assert r.status == 200, r
    return r.json


class Drills(harness.ServerTest):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
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

    def setUp(self):
        self.relogin()

    def relogin(self):
        """The test clock jumps months ahead: sessions expire, sign in again."""
        self.tok = {name: self.srv.login(name, harness.USER_PW) for name, _ in USERS}

    # ---- helpers ----
    def ci(self, name, grade="L1", category="database"):
        r = self.srv.post("/api/v1/cis", {"name": name, "category": category, "grade": grade,
                                          "department": "运行部"}, token=self.tok["ops"])
        self.assertStatus(r, 201)
        return r.json["id"]

    def rec(self, rid):
        r = self.srv.get("/api/v1/records/%d" % rid, token=self.tok["eng"])
        self.assertStatus(r, 200)
        return r.json

    def act(self, rid, action, who, reason=None, fields=None):
        body = {"version": self.rec(rid)["version"]}
        if reason is not None:
            body["reason"] = reason
        if fields is not None:
            body["fields"] = fields
        return self.srv.post("/api/v1/records/%d/actions/%s" % (rid, action), body, token=self.tok[who])

    def ok(self, rid, action, who, **kw):
        r = self.act(rid, action, who, **kw)
        self.assertStatus(r, 200)
        return r.json

    def plan(self, ci_ids):
        """A published plan with ci_ids in its scope."""
        s = self.srv
        r = s.post("/api/v1/plans", {"title": "数据库故障专项预案", "fields": {
            "owner_id": self.uid["eng"], "scope_ci_ids": ci_ids}}, token=self.tok["eng"])
        self.assertStatus(r, 201)
        pid = r.json["id"]
        self.assertEqual(r.json["plan"]["review_months"], 6)  # the policy's readiness.plan_review_months
        self.assertStatus(s.post("/api/v1/plans/%d/versions" % pid, {"body": "# 预案\n"}, token=self.tok["eng"]), 201)
        self.ok(pid, "evaluate", "eng", fields={"evaluation": "可行"})
        self.ok(pid, "submit", "eng")
        rid = s.get("/api/v1/records/%d/approvals" % pid, token=self.tok["eng"]).json["items"][-1]["id"]
        for who in ("lead1", "lead2"):
            self.assertStatus(s.post("/api/v1/records/%d/approvals/%d/votes" % (pid, rid),
                                     {"step": "plan_approval", "decision": "approve"}, token=self.tok[who]), 200)
        self.ok(pid, "approve", "eng")
        self.ok(pid, "publish", "lead1")
        return pid

    def plan_get(self, pid):
        r = self.srv.get("/api/v1/plans/%d" % pid, token=self.tok["eng"])
        self.assertStatus(r, 200)
        return r.json["plan"]

    def overdue(self):
        return [x["id"] for x in self.srv.get("/api/v1/plans/overdue?limit=100", token=self.tok["ops"]).json["items"]]

    def incident(self, iid, who="ops"):
        r = self.srv.get("/api/v1/incidents/%d" % iid, token=self.tok[who])
        self.assertStatus(r, 200)
        return r.json

    def report(self, iid, kind, **fields):
        body = {"kind": kind}
        body.update(fields)
        r = self.srv.post("/api/v1/incidents/%d/reports" % iid, body, token=self.tok["ops"])
        self.assertStatus(r, 201 if r.status == 201 else 200)
        return r.json

    def second(self, iid, level="R1"):
        self.report(iid, "second", response_level=level, system_impact="核心业务中断",
                    estimated_recovery_at=utc(self.srv.now_ms() + 3600 * SEC))

    def final_and_close(self, iid, closer):
        self.report(iid, "final", cause="演练脚本", process="切换备库", current_state="已恢复",
                    business_impact_minutes=0, improvements="无")
        r = self.srv.post("/api/v1/incidents/%d/close" % iid, None, token=self.tok[closer])
        self.assertStatus(r, 200)

    def findings(self, did):
        s, u = self.srv, self.uid
        path = "/api/v1/drills/%d/findings" % did

        def problems():
            return s.get("/api/v1/records?kind=problem&limit=1", token=self.tok["pm"]).json["total"]
        n0 = problems()
        # bad input: a clear error naming the field, nothing made
        self.assertError(s.post(path, {"kind": "incident", "title": "x"}, token=self.tok["lead1"]), 422, field="kind")
        self.assertError(s.post(path, {"kind": "problem"}, token=self.tok["lead1"]), 422, field="title")
        self.assertError(s.post("/api/v1/drills/%d/findings" % self.plan_id_of(did), {"title": "x"},
                                token=self.tok["lead1"]), 404)
        self.assertEqual(problems(), n0)
        drill = s.get("/api/v1/drills/%d" % did, token=self.tok["ops"]).json
        r = s.post(path, {"title": "部门负责人未确认告警", "description": "演练中部门负责人未在期限内确认"},
                   token=self.tok["lead1"])
        self.assertStatus(r, 201)
        prb = r.json
        self.assertEqual((prb["kind"], prb["state"], prb["department"], prb["requester_id"]),
                         ("problem", "new", drill["department"], u["lead1"]))
        self.assertTrue(prb["number"].startswith("PRB-"))
        self.assertEqual(problems(), n0 + 1)
        got = s.get("/api/v1/problems/%d" % prb["id"], token=self.tok["pm"]).json
        self.assertEqual(got["problem"]["description"], "演练中部门负责人未在期限内确认")
        links = s.get("/api/v1/records/%d/links" % prb["id"], token=self.tok["pm"]).json["items"]
        self.assertEqual([(l["kind"], l["to"]["id"]) for l in links if l["direction"] == "out"],
                         [("originated_from", did)])
        # an action item kind (routine task, change) is not served by any module yet: 422, nothing made
        self.assertError(s.post(path, {"kind": "routine_task", "title": "补充备用联系方式"}, token=self.tok["lead1"]),
                         422, field="kind")
        r = s.post(path, {"title": "备用联系方式未登记"}, token=self.tok["lead1"])
        self.assertStatus(r, 201)
        prb2 = r.json
        found = s.get("/api/v1/drills/%d" % did, token=self.tok["ops"]).json["drill"]["findings"]
        self.assertEqual([(f["id"], f["kind"], f["number"]) for f in found],
                         [(prb["id"], "problem", prb["number"]), (prb2["id"], "problem", prb2["number"])])
        self.assertEqual(problems(), n0 + 2)
        tl = s.get("/api/v1/records/%d/timeline" % did, token=self.tok["ops"]).json["items"]
        self.assertEqual([t["kind"] for t in tl].count("drill_finding"), 2)
        return prb

    def plan_id_of(self, did):
        return s_get(self.srv, "/api/v1/drills/%d" % did, self.tok["ops"])["drill"]["plan_id"]

    # ---- tests ----
    def test_drill_in_sandbox_scorecard_and_review(self):
        s = self.srv
        db = self.ci("核心数据库 drill-db")
        pid = self.plan([db])
        u = self.uid
        parts = [u["lead1"], u["sec1"], u["head"], u["ops"]]
        r = s.post("/api/v1/drills", {"title": "数据库故障功能演练", "fields": {
            "plan_id": pid, "goals": "检验一级响应", "participants": parts,
            "planned_steps": ["goal", "plan", "resources", "run", "evaluate", "lessons", "review"]}},
            token=self.tok["lead1"])
        self.assertStatus(r, 201)
        did = r.json["id"]
        self.assertTrue(r.json["number"].startswith("DRL-"))
        self.assertEqual((r.json["state"], r.json["drill"]["mode"], r.json["drill"]["drill_type"]),
                         ("planned", "sandbox", "functional"))
        # an ops engineer does not schedule drills
        self.assertStatus(s.post("/api/v1/drills", {"title": "x"}, token=self.tok["ops"]), 403)
        # the steps cannot be skipped: running before prepared
        self.assertStatus(self.act(did, "start", "lead1"), 409)
        # prepare names what is missing (scenario, scheduled_at)
        self.assertEqual(self.act(did, "prepare", "lead1").json["error"]["field"], "scenario")
        self.ok(did, "prepare", "lead1", fields={"scenario": "主库磁盘故障", "scheduled_at": utc(s.now_ms() + DAY)})
        # no simulated incident before the drill runs
        self.assertError(s.post("/api/v1/drills/%d/inject" % did, {"title": "x"}, token=self.tok["ops"]), 409,
                         field="state")
        self.assertStatus(self.act(did, "start", "eng"), 403)
        self.ok(did, "start", "lead1")
        t0 = s.now_ms()
        sl_q = "/api/v1/service-levels?from=%s&to=%s" % (utc(t0 - DAY), utc(t0 + DAY))
        sl0 = s.get(sl_q, token=self.tok["ops"]).json
        dash0 = s.get("/api/v1/dashboard", token=self.tok["ops"]).json
        # the simulated L1 incident through the real path, counted apart on the dashboard
        r = s.post("/api/v1/drills/%d/inject" % did, {"title": "【演练】核心数据库不可用", "ci_ids": [db],
                                                       "severity": "severe", "symptoms": "连接超时",
                                                       "location": "主机房", "impact_scope": "全部业务"},
                   token=self.tok["ops"])
        self.assertStatus(r, 201)
        inc = r.json
        iid = inc["id"]
        self.assertEqual((inc["drill"], inc["level"], inc["response_level"]), (True, "L1", "R1"))
        self.assertError(s.post("/api/v1/drills/%d/inject" % did, {"title": "again"}, token=self.tok["ops"]), 409,
                         field="incident_id")
        d = s.get("/api/v1/drills/%d" % did, token=self.tok["ops"]).json
        self.assertEqual(d["drill"]["incident"]["id"], iid)
        # the registry's links: the drill simulates its incident and exercises its plan
        links = s.get("/api/v1/records/%d/links" % did, token=self.tok["ops"]).json["items"]
        recs = s.get("/api/v1/records?kind=incident&limit=500", token=self.tok["ops"]).json["items"]
        irec = [x["id"] for x in recs if x["incident_id"] == iid][0]
        self.assertEqual(sorted((l["kind"], l["to"]["id"]) for l in links if l["direction"] == "out"),
                         [("exercises", pid), ("simulates", irec)])
        dash = s.get("/api/v1/dashboard", token=self.tok["ops"]).json
        self.assertEqual(dash["open"]["total"], dash0["open"]["total"])
        self.assertEqual(dash["drills"]["open"]["total"], dash0["drills"]["open"]["total"] + 1)
        # first report at +4 min (due +5 min)
        s.clock(4 * 60)
        self.report(iid, "first")
        got = self.incident(iid)
        rcp = sorted(x["user_id"] if "user_id" in x else x["id"] for x in got["recipients"])
        # L1 recipients are the leadership, the section heads and the department head: only participants
        self.assertEqual(rcp, sorted([u["lead1"], u["sec1"], u["head"]]))
        msg_to = {m["recipient_id"] for m in got["messages"]}
        self.assertTrue(msg_to, got["messages"])
        self.assertLessEqual(msg_to, set(parts))
        for outsider in ("lead2", "lead3", "sec2"):
            self.assertNotIn(u[outsider], msg_to)
        # behind the server: every queued message is tagged as a drill and addressed to a participant
        con = harness.db_connect(s.db)
        try:
            rows = con.execute("SELECT recipient_id, subject, body FROM outbox WHERE incident_id = ?", (iid,)).fetchall()
        finally:
            con.close()
        self.assertTrue(rows)
        for rid, subject, body in rows:
            self.assertIn(rid, parts)
            self.assertTrue(subject.startswith("【演练】") or subject.startswith("[DRILL]"), subject)
        # two of three acknowledge within their deadline, the department head never
        for who in ("lead1", "sec1"):
            self.assertStatus(s.post("/api/v1/incidents/%d/ack" % iid, None, token=self.tok[who]), 200)
        self.second(iid)
        # the response is activated with the plan: its published version is recorded
        self.assertError(s.post("/api/v1/incidents/%d/activate" % iid, {"plan_id": did}, token=self.tok["lead1"]),
                         422, field="plan_id")
        self.assertError(s.post("/api/v1/incidents/%d/activate" % iid, {"plan_id": 0}, token=self.tok["lead1"]),
                         422, field="plan_id")
        r = s.post("/api/v1/incidents/%d/activate" % iid, {"plan_id": pid}, token=self.tok["lead1"])
        self.assertStatus(r, 200)
        acts = s.get("/api/v1/incidents/%d/activations" % iid, token=self.tok["ops"]).json
        self.assertEqual([(a["plan_id"], a["version"], a["level"]) for a in acts["items"]], [(pid, 1, "R1")])
        self.assertEqual(acts["total"], 1)
        # evaluation waits for the simulated incident's closure
        self.assertEqual(self.act(did, "evaluate", "eng", fields={"evaluation": "良好"}).json["error"]["field"],
                         "incident_closed")
        s.clock(20 * 60)
        self.relogin()
        self.final_and_close(iid, "lead1")
        # the scorecard: the first report and the section head's ack met, the head's ack
        # missed; the leadership group owes no ack (seed 000 ch. 7 §2.1 item 6 names the
        # department heads, section heads and liaisons: duties.ack_required named_roles),
        # so lead1's acknowledgement is recorded but not scored
        card = s.get("/api/v1/drills/%d/scorecard" % did, token=self.tok["ops"]).json
        by_kind = {}
        for it in card["items"]:
            by_kind.setdefault(it["kind"], []).append(it["verdict"])
        self.assertEqual(by_kind["first_report"], ["pass"])
        self.assertEqual(sorted(by_kind["ack"]), ["fail", "pass"])
        verdicts = [it["verdict"] for it in card["items"]]
        self.assertEqual(card["passed"], verdicts.count("pass"))
        self.assertEqual(card["failed"], verdicts.count("fail"))
        self.assertEqual(card["score_pct"], card["passed"] * 100 // (card["passed"] + card["failed"]))
        self.assertEqual(card["to_ack_ms"], 4 * MIN)  # both acknowledged right after the first report
        self.assertEqual(card["to_activate_ms"], 4 * MIN)
        self.assertEqual((card["steps_planned"], card["steps_done"]), (7, 0))
        self.assertEqual(len(card["participants"]), 3)
        # no service-level figure changes: the drill incident is only counted as a drill
        sl1 = s.get(sl_q, token=self.tok["ops"]).json
        for k in sl0:
            if k not in ("incidents", "now", "now_ms"):
                self.assertEqual(sl1[k], sl0[k], k)
        self.assertEqual(sl1["incidents"]["total"], sl0["incidents"]["total"])
        self.assertEqual(sl1["incidents"]["drills"], sl0["incidents"]["drills"] + 1)
        # evaluate, then close with the lessons: the plan's review falls due 30 days later
        self.assertEqual(self.act(did, "evaluate", "eng").json["error"]["field"], "evaluation")
        self.ok(did, "evaluate", "eng", fields={"evaluation": "通知链路正常，部门负责人未确认",
                                                "done_steps": ["goal", "plan", "resources", "run", "evaluate"]})
        self.assertEqual(s.get("/api/v1/drills/%d/scorecard" % did, token=self.tok["ops"]).json["steps_done"], 5)
        self.assertEqual(self.act(did, "close", "lead1").json["error"]["field"], "lessons")
        before = self.plan_get(pid)
        self.assertEqual(before["review_trigger"], "")
        # a finding becomes a follow-up record linked to the drill (parent_of)
        r = s.post("/api/v1/problems", {"title": "部门负责人未确认告警", "fields": {"description": "演练发现"}},
                   token=self.tok["pm"])
        self.assertStatus(r, 201)
        prb = r.json["id"]
        self.assertStatus(s.post("/api/v1/records/%d/links" % did, {"kind": "parent_of", "to_id": prb},
                                 token=self.tok["lead1"]), 201)
        # R-PLAN-2: a finding becomes its follow-up record in one step, linked originated_from the drill
        self.findings(did)
        closed = self.ok(did, "close", "lead1", fields={"lessons": "补充部门负责人的备用联系方式"})
        self.assertEqual(closed["state"], "closed")
        p = self.plan_get(pid)
        now = s.now_ms()
        self.assertEqual(p["review_trigger"], "drill")
        self.assertEqual(parse(p["review_triggered_at"]), now)
        due = now + 30 * DAY
        self.assertEqual(parse(p["next_review_at"]), due)
        tl = s.get("/api/v1/records/%d/timeline" % pid, token=self.tok["eng"]).json["items"]
        self.assertIn("plan_review_due", [t["kind"] for t in tl])
        s.clock(set_to=utc(due - 1))
        self.relogin()
        self.assertNotIn(pid, self.overdue())
        s.clock(set_to=utc(due))
        self.relogin()
        self.assertIn(pid, self.overdue())
        self.assertGreaterEqual(s.get("/api/v1/dashboard", token=self.tok["ops"]).json["plans"]["review_due"], 1)
        # the review clears the trigger; the cycle runs from the review
        self.ok(pid, "review", "eng", reason="补充联系人后无其他变化")
        p = self.plan_get(pid)
        self.assertEqual(p["review_trigger"], "")
        self.assertEqual(parse(p["next_review_at"]), add_months(s.now_ms(), 6))
        self.assertNotIn(pid, self.overdue())

    # ---- due notices (R-PLAN-1) ----
    def sent(self, rec, uid):
        con = harness.db_connect(self.srv.db)
        try:
            return con.execute("SELECT COUNT(*) FROM outbox WHERE record_id = ? AND recipient_id = ?",
                               (rec, uid)).fetchone()[0]
        finally:
            con.close()

    def notices(self, rec, what=("review", "drill")):
        tl = self.srv.get("/api/v1/records/%d/timeline?limit=500" % rec, token=self.tok["lead1"]).json["items"]
        return sorted((t["data"]["template"], t["data"]["recipients"]) for t in tl
                      if t["kind"] == "notify" and t["data"]["template"].split(":")[:2] in
                      [["due", w] for w in what])

    def at(self, ms):
        self.srv.clock(set_to=utc(ms))
        self.relogin()

    def test_due_notices(self):
        """The plan owner is told 14 days before the review falls due and at
        the due instant (not 1 ms before), each once per due date, never again
        after a restart; the organizer likewise for a scheduled drill."""
        s, u = self.srv, self.uid
        pid = self.plan([self.ci("核心数据库 notice-db")])
        due = parse(self.plan_get(pid)["next_review_at"])
        soon = due - 14 * DAY
        r = s.post("/api/v1/drills", {"title": "通知演练", "fields": {
            "plan_id": pid, "scheduled_at": utc(s.now_ms() + 40 * DAY)}}, token=self.tok["lead1"])
        self.assertStatus(r, 201)
        did = r.json["id"]
        sched = parse(r.json["drill"]["scheduled_at"])
        self.assertEqual((self.notices(pid), self.notices(did)), ([], []))
        # the drill's organizer: 14 days before its time, then at it
        self.at(sched - 14 * DAY - 1)
        self.assertEqual(self.notices(did), [])
        self.at(sched - 14 * DAY)
        self.assertEqual(self.notices(did), [("due:drill:soon", [u["lead1"]])])
        self.at(sched - 1)
        self.assertEqual(len(self.notices(did)), 1)
        self.at(sched)
        self.assertEqual(self.notices(did), [("due:drill:due", [u["lead1"]]), ("due:drill:soon", [u["lead1"]])])
        self.assertGreaterEqual(self.sent(did, u["lead1"]), 2)
        # the plan's owner
        self.at(soon - 1)
        self.assertEqual(self.notices(pid), [])
        self.at(soon)
        self.assertEqual(self.notices(pid), [("due:review:soon", [u["eng"]])])
        n_soon = self.sent(pid, u["eng"])
        self.assertGreaterEqual(n_soon, 1)
        self.at(due - 1)
        self.assertEqual(len(self.notices(pid)), 1)
        self.at(due)
        self.assertEqual(self.notices(pid), [("due:review:due", [u["eng"]]), ("due:review:soon", [u["eng"]])])
        n_due = self.sent(pid, u["eng"])
        self.assertGreater(n_due, n_soon)
        self.assertIn(pid, self.overdue())
        # a restart sends none of them again
        self.assertEqual(s.stop(), 0)
        s.start()
        s.tokens = {}
        self.relogin()
        s.clock(0)
        s.clock(3600)
        self.relogin()
        self.assertEqual(len(self.notices(pid)), 2)
        self.assertEqual(len(self.notices(did)), 2)
        self.assertEqual((self.sent(pid, u["eng"]), self.sent(did, u["lead1"])) ,
                         (n_due, self.sent(did, u["lead1"])))
        # the review sets the next date: its notices are scheduled afresh, once
        self.ok(pid, "review", "eng", reason="已复审")
        nxt = parse(self.plan_get(pid)["next_review_at"])
        self.assertEqual(nxt, add_months(s.now_ms(), 6))
        self.at(nxt - 14 * DAY)
        self.assertEqual(len(self.notices(pid)), 3)
        self.at(nxt)
        self.assertEqual(len(self.notices(pid)), 4)

    def test_participants_and_manual_scores(self):
        """R-PLAN-2: participants are active users with a role in the drill;
        manual 1–5 scores per scorecard item, for the drill and per
        participant, with the totals of core/drill.c."""
        s, u = self.srv, self.uid
        tok = self.tok["lead1"]
        gone, _ = s.make_user("drl_gone", ["ops_engineer"])
        self.assertStatus(s.post("/api/v1/users/%d/disable" % gone, token=s.admin("sysadmin")), 200)
        total = s.get("/api/v1/drills", token=tok).json["total"]
        for parts, roles, field, text in (([999999], {}, "participants", "999999"),
                                          ([gone], {}, "participants", "disabled"),
                                          ([u["ops"]], {str(u["sec1"]): "observer"}, "participant_roles", "participant"),
                                          ([u["ops"]], {str(u["ops"]): "boss"}, "participant_roles", "commander"),
                                          ([u["ops"]], {"x": "observer"}, "participant_roles", "role")):
            r = s.post("/api/v1/drills", {"title": "参演人员", "fields": {"participants": parts,
                                                                       "participant_roles": roles}}, token=tok)
            self.assertError(r, 422, field=field, contains=text)
        self.assertEqual(s.get("/api/v1/drills", token=tok).json["total"], total)  # nothing written
        db = self.ci("核心数据库 score-db")
        pid = self.plan([db])
        roles = {str(u["lead1"]): "commander", str(u["ops"]): "operator"}
        r = s.post("/api/v1/drills", {"title": "评分演练", "fields": {
            "plan_id": pid, "goals": "评分", "scenario": "主库故障", "participants": [u["lead1"], u["ops"]],
            "participant_roles": roles, "scheduled_at": utc(s.now_ms() + DAY)}}, token=tok)
        self.assertStatus(r, 201)
        did = r.json["id"]
        self.assertEqual(r.json["drill"]["participant_roles"], roles)
        path = "/api/v1/drills/%d/scores" % did
        # not before the drill runs
        self.assertError(s.request("PUT", path, {"item": "command", "score": 4}, token=tok), 409, field="state")
        self.ok(did, "prepare", "lead1")
        self.ok(did, "start", "lead1")
        for body, field in (({"item": "speed", "score": 3}, "item"), ({"item": "command", "score": 0}, "score"),
                            ({"item": "command", "score": 6}, "score"),
                            ({"item": "command", "score": 3, "user_id": u["sec1"]}, "user_id")):
            self.assertError(s.request("PUT", path, body, token=tok), 422, field=field)
        self.assertEqual(s.get("/api/v1/drills/%d/scorecard" % did, token=tok).json["manual"]["scores"], 0)
        for body in ({"item": "communication", "score": 4, "note": "通报及时"}, {"item": "command", "score": 3},
                     {"item": "command", "score": 5},  # the same item again replaces it
                     {"item": "command", "score": 3, "user_id": u["lead1"]},
                     {"item": "handling", "score": 2, "user_id": u["lead1"]},
                     {"item": "handling", "score": 5, "user_id": u["ops"]}):
            r = s.request("PUT", path, body, token=tok)
            self.assertStatus(r, 200)
        m = r.json["manual"]
        self.assertEqual([(i["item"], i["score"]) for i in m["items"]],
                         [("communication", 4), ("coordination", None), ("command", 5), ("handling", None)])
        self.assertEqual(m["items"][0]["note"], "通报及时")
        self.assertEqual((m["overall"], m["scores"]), (4.5, 5))
        self.assertEqual([(p["user_id"], p["role"], p["scores"], p["average"]) for p in m["participants"]],
                         [(u["lead1"], "commander", {"command": 3, "handling": 2}, 2.5),
                          (u["ops"], "operator", {"handling": 5}, 5.0)])
        tl = s.get("/api/v1/records/%d/timeline?limit=500" % did, token=tok).json["items"]
        self.assertEqual([t["kind"] for t in tl].count("drill_score"), 6)
        # a participant disabled later stays on the drill; a new one must be active
        d = s.get("/api/v1/drills/%d" % did, token=tok).json
        r = s.request("PATCH", "/api/v1/drills/%d" % did, {"version": d["version"], "fields": {
            "participants": [u["lead1"], u["ops"], gone]}}, token=tok)
        self.assertError(r, 422, field="participants", contains="disabled")

    def test_scripted_injects(self):
        """R-PLAN-2: a drill script of injects at offsets after the start; the
        scheduler fires each once into the running drill's simulated incident,
        tagged 【演练】 (at its instant, not 1 ms before), never again."""
        s, u = self.srv, self.uid
        tok = self.tok["lead1"]
        for script in ([{"offset_min": 0, "text": "x"}], [{"offset_min": 1441, "text": "x"}],
                       [{"offset_min": 5, "text": ""}], [{"offset_min": 5}], [{"offset_min": 5, "text": "x", "y": 1}],
                       [{"offset_min": 5, "text": "x"}] * 21, {"offset_min": 5}):
            r = s.post("/api/v1/drills", {"title": "脚本", "fields": {"script": script}}, token=tok)
            self.assertError(r, 422, field="script")
        db = self.ci("核心交换机 inject-sw", category="network")
        pid = self.plan([db])
        script = [{"offset_min": 5, "text": "核心交换机宕机"}, {"offset_min": 10, "text": "第二次告警"}]
        r = s.post("/api/v1/drills", {"title": "脚本注入演练", "fields": {
            "plan_id": pid, "goals": "检验", "scenario": "交换机故障", "participants": [u["lead1"], u["ops"]],
            "scheduled_at": utc(s.now_ms() + DAY), "script": script}}, token=tok)
        self.assertStatus(r, 201)
        did = r.json["id"]
        self.assertEqual(r.json["drill"]["script"], script)
        self.ok(did, "prepare", "lead1")
        self.ok(did, "start", "lead1")
        t0 = parse(s.get("/api/v1/drills/%d" % did, token=tok).json["drill"]["started_at"])
        r = s.post("/api/v1/drills/%d/inject" % did, {"title": "【演练】核心交换机故障", "ci_ids": [db],
                                                       "severity": "moderate"}, token=self.tok["ops"])
        self.assertStatus(r, 201)
        iid = r.json["id"]

        def injected():
            tl = self.incident(iid, "lead1")["timeline"]
            return [t["text"] for t in tl if t["kind"] == "drill_inject"]
        self.at(t0 + 5 * MIN - 1)
        self.assertEqual(injected(), [])
        self.at(t0 + 5 * MIN)
        got = injected()
        self.assertEqual(len(got), 1)
        self.assertTrue(got[0].startswith("【演练】"), got)
        self.assertIn("核心交换机宕机", got[0])
        self.at(t0 + 10 * MIN - 1)
        self.assertEqual(len(injected()), 1)
        self.at(t0 + 10 * MIN)
        self.assertEqual(len(injected()), 2)
        self.assertIn("第二次告警", injected()[-1] + injected()[0])
        self.at(t0 + 3 * 3600 * SEC)
        self.assertEqual(len(injected()), 2)
        tl = s.get("/api/v1/records/%d/timeline?limit=500" % did, token=tok).json["items"]
        self.assertEqual(sorted(t["data"]["index"] for t in tl if t["kind"] == "drill_script"), [0, 1])
        self.assertTrue(all(t["data"]["delivered"] for t in tl if t["kind"] == "drill_script"))
        # each inject came through the event ingestion: one event of source
        # "drill" per inject, its key the drill's and the inject's, classified
        # by the event rules, on the drill's CI, attached to its incident
        evs = self.drill_events(did)
        self.assertEqual(sorted(e["dedup_key"] for e in evs),
                         ["drill:%d:inject:0" % did, "drill:%d:inject:1" % did])
        for ev in evs:
            ev = s.get("/api/v1/events/%d" % ev["id"], token=self.tok["ops"]).json
            self.assertEqual((ev["incident"]["id"], ev["state"], ev["class"], ev["count"], ev["ci"]["id"]),
                             (iid, "handled", "exception", 1, db))
            self.assertEqual((ev["labels"]["drill_id"], ev["source"]), (str(did), "drill"))
            self.assertTrue(ev["summary"].startswith("【演练】[DRILL] DRL-"), ev)
        # a restart fires and ingests nothing again
        self.assertEqual(s.stop(), 0)
        s.start()
        self.relogin()
        self.at(t0 + 4 * 3600 * SEC)
        self.assertEqual(len(injected()), 2)
        self.assertEqual([e["count"] for e in self.drill_events(did)], [1, 1])

    def drill_events(self, did):
        r = self.srv.get("/api/v1/events?source=drill&limit=100", token=self.tok["ops"])
        self.assertStatus(r, 200)
        return [e for e in r.json["items"] if e["dedup_key"].startswith("drill:%d:" % did)]

    def test_r1_response_and_ci_change_make_the_review_due(self):
        s = self.srv
        db = self.ci("核心数据库 r1-db")
        other = self.ci("报表服务器 r1-srv", grade="L3", category="server")
        pid = self.plan([db])
        cycle = parse(self.plan_get(pid)["next_review_at"])
        # a drill incident reaching R1 does not count; a real one does, when it closes
        r = s.post("/api/v1/incidents", {"title": "核心数据库不可用", "ci_ids": [db], "severity": "severe",
                                         "location": "主机房", "symptoms": "连接超时", "impact_scope": "全部"},
                   token=self.tok["ops"])
        self.assertStatus(r, 201)
        iid = r.json["id"]
        self.report(iid, "first")
        self.second(iid)
        self.assertStatus(s.post("/api/v1/incidents/%d/activate" % iid, None, token=self.tok["lead1"]), 200)
        self.assertEqual(s.get("/api/v1/incidents/%d/activations" % iid, token=self.tok["ops"]).json["total"], 0)
        self.assertEqual(parse(self.plan_get(pid)["next_review_at"]), cycle)  # not before the closure
        s.clock(60)
        self.relogin()
        self.final_and_close(iid, "lead1")
        p = self.plan_get(pid)
        self.assertEqual(p["review_trigger"], "major_response")
        self.assertEqual(parse(p["next_review_at"]), s.now_ms() + 30 * DAY)
        # an incident on a CI outside the scope changes nothing
        self.ok(pid, "review", "eng", reason="已复审")
        cycle = parse(self.plan_get(pid)["next_review_at"])
        r = s.post("/api/v1/incidents", {"title": "报表服务器告警", "ci_ids": [other], "severity": "severe"},
                   token=self.tok["ops"])
        self.assertStatus(r, 201)
        self.assertEqual(parse(self.plan_get(pid)["next_review_at"]), cycle)
        # a change to a CI in scope
        s.clock(60)
        r = s.request("PATCH", "/api/v1/cis/%d" % other, {"location": "二号机房"}, token=self.tok["ops"])
        self.assertStatus(r, 200)
        self.assertEqual(self.plan_get(pid)["review_trigger"], "")
        r = s.request("PATCH", "/api/v1/cis/%d" % db, {"location": "二号机房"}, token=self.tok["ops"])
        self.assertStatus(r, 200)
        p = self.plan_get(pid)
        self.assertEqual(p["review_trigger"], "ci_change")
        self.assertEqual(parse(p["next_review_at"]), s.now_ms() + 30 * DAY)
        # trigger fields are the workflow's, never set directly
        g = s.get("/api/v1/plans/%d" % pid, token=self.tok["eng"]).json
        self.assertError(s.request("PATCH", "/api/v1/plans/%d" % pid,
                                   {"version": g["version"], "fields": {"review_trigger": ""}},
                                   token=self.tok["eng"]), 422, field="review_trigger")

    def test_yearly_drill_due(self):
        s = self.srv
        db = self.ci("核心数据库 year-db")
        pid = self.plan([db])
        pub = parse(self.plan_get(pid)["published_at"])
        due = add_months(pub, 12)
        listed = lambda: [x["plan_id"] for x in s.get("/api/v1/drills/overdue?limit=100",
                                                       token=self.tok["ops"]).json["items"]]
        def ready():
            r = s.get("/api/v1/readiness", token=self.tok["ops"])
            self.assertStatus(r, 200)
            return [x for x in r.json["plans"] if x["id"] == pid][0]
        p = ready()
        self.assertEqual((p["current_version"], p["last_drill_at"], parse(p["drill_due_at"]), p["drill_due"]),
                         (1, None, due, False))
        s.clock(set_to=utc(due - 1))
        self.relogin()
        self.assertNotIn(pid, listed())
        self.assertFalse(ready()["drill_due"])
        s.clock(set_to=utc(due))
        self.relogin()
        self.assertIn(pid, listed())
        self.assertTrue(ready()["drill_due"])  # the readiness view shows it too (R-PLAN-2)
        item = [x for x in s.get("/api/v1/drills/overdue?limit=100", token=self.tok["ops"]).json["items"]
                if x["plan_id"] == pid][0]
        self.assertEqual((parse(item["drill_due_at"]), item["last_drill_at"]), (due, None))
        self.assertGreaterEqual(s.get("/api/v1/dashboard", token=self.tok["ops"]).json["plans"]["drill_due"], 1)

    def test_bad_input(self):
        s = self.srv
        tok = self.tok["lead1"]
        for fields, field in (({"mode": "loud"}, "mode"), ({"drill_type": "x"}, "drill_type"),
                              ({"participants": ["a"]}, "participants"), ({"plan_id": -1}, "plan_id"),
                              ({"scheduled_at": "tomorrow"}, "scheduled_at"), ({"started_at": 1}, "started_at"),
                              ({"incident_id": 1}, "incident_id"), ({"colour": "red"}, "colour")):
            r = s.post("/api/v1/drills", {"title": "坏输入", "fields": fields}, token=tok)
            self.assertError(r, 422, field=field)
        total = s.get("/api/v1/drills", token=tok).json["total"]
        self.assertError(s.post("/api/v1/drills", {"fields": {}}, token=tok), 422, field="title")
        self.assertEqual(s.get("/api/v1/drills", token=tok).json["total"], total)  # nothing written
        self.assertError(s.get("/api/v1/drills/999999", token=tok), 404)
        self.assertError(s.get("/api/v1/drills/999999/scorecard", token=tok), 404)
        self.assertError(s.get("/api/v1/incidents/999999/activations", token=tok), 404)
        # a planned drill has no findings yet: 409 naming state, nothing made
        did = s.post("/api/v1/drills", {"title": "未准备的演练"}, token=tok).json["id"]
        self.assertError(s.post("/api/v1/drills/%d/findings" % did, {"title": "x"}, token=tok), 409, field="state")
        self.assertEqual(s.get("/api/v1/drills/%d" % did, token=tok).json["drill"]["findings"], [])
        self.assertError(s.post("/api/v1/drills/999999/findings", {"title": "x"}, token=tok), 404)


if __name__ == "__main__":
    harness.main()
