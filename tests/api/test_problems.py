"""test_problems.py — the workflow kernel applied to problem records
(research/modules-spec.md §1.3–§1.5, §M2; R-PRB-1…3; docs/problems.md):
every state with the right and the wrong actor (403 naming the authority,
409 naming the missing step), the priority matrix (all 9 cells), the resolve
clock paused only while suspended, its thresholds and breach on the test
clock, workaround required (high urgency, ≥ 3 incidents in 30 days), the
major review gate, the closure checklist, the action bar, stale versions,
and a restart mid-clock firing due thresholds exactly once."""
import json
import os
import sqlite3
import subprocess
import tempfile
import time
import urllib.parse

import harness

SEC = 1000


def utc(ms):
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(ms // 1000)) + ".%03dZ" % (ms % 1000)



MIN = 60 * SEC
HOUR = 60 * MIN


class Problems(harness.ServerTest):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        s = cls.srv
        try:
            cls.pm_id, cls.pm = s.make_user("pm", ["problem_manager"])
            cls.solver_id, cls.solver = s.make_user("solver", ["problem_solver"], phone="13900000001")
            cls.other_id, cls.other = s.make_user("other", ["problem_solver"])
            cls.eng_id, cls.eng = s.make_user("eng", ["ops_engineer"])
            r = s.post("/api/v1/cis", {"name": "db-1", "category": "application", "grade": "L3",
                                       "department": "运行部", "attributes": {}}, token=cls.eng)
            assert r.status == 201, r
            cls.ci = r.json["id"]
        except Exception:
            cls.tearDownClass()
            raise

    # ---- helpers ----
    def relogin(self):
        for name in ("pm", "solver", "other", "eng"):
            setattr(Problems, name, self.srv.login(name, harness.USER_PW))

    def create(self, token=None, **fields):
        body = {"title": "数据库连接池耗尽", "fields": fields}
        r = self.srv.post("/api/v1/problems", body, token=token or self.pm)
        self.assertStatus(r, 201)
        return r.json

    def get(self, pid):
        r = self.srv.get("/api/v1/problems/%d" % pid, token=self.pm)
        self.assertStatus(r, 200)
        return r.json

    def act(self, p, action, token, reason=None, fields=None, version=None):
        body = {"version": version if version is not None else self.get(p["id"])["version"]}
        if reason is not None:
            body["reason"] = reason
        if fields is not None:
            body["fields"] = fields
        return self.srv.post("/api/v1/records/%d/actions/%s" % (p["id"], action), body, token=token)

    def ok(self, p, action, token, **kw):
        r = self.act(p, action, token, **kw)
        self.assertStatus(r, 200)
        return r.json

    def clocks(self, pid):
        r = self.srv.get("/api/v1/records/%d/clocks" % pid, token=self.pm)
        self.assertStatus(r, 200)
        return r.json["items"]

    def timeline(self, pid, kind):
        r = self.srv.get("/api/v1/records/%d/timeline?limit=500" % pid, token=self.pm)
        self.assertStatus(r, 200)
        return [t for t in r.json["items"] if t["kind"] == kind]

    def to_active(self, impact="low", urgency="low", **extra):
        p = self.create(impact=impact, urgency=urgency, category="database", **extra)
        self.ok(p, "accept", self.pm)
        self.ok(p, "assign", self.pm, fields={"assignee_id": self.solver_id})
        self.ok(p, "start", self.solver)
        return self.get(p["id"])

    # ---- create ----
    def test_create_by_role_and_refused_otherwise(self):
        p = self.create(impact="medium", urgency="high", description="连接池满")
        self.assertEqual(p["kind"], "problem")
        self.assertRegex(p["number"], r"^PRB-\d{4}-\d{6}$")
        self.assertEqual(p["state"], "new")
        self.assertEqual(p["priority"], "P2")
        self.assertEqual(p["problem"]["description"], "连接池满")
        self.assertIsNotNone(p["problem"]["recorded_at"])
        self.assertEqual(p["problem"]["recorded_by"], self.pm_id)
        # create's who: problem_solver, service_desk, problem_manager, system
        r = self.srv.post("/api/v1/problems", {"title": "x"}, token=self.eng)
        self.assertStatus(r, 403)
        self.assertIn("problem_manager", r.json["error"]["message"])
        # the resolve clock started at recording (R-PRB-2)
        ck = self.clocks(p["id"])
        self.assertEqual(len(ck), 1)
        self.assertEqual(ck[0]["name"], "resolve")
        self.assertEqual(ck[0]["state"], "running")
        self.assertEqual(ck[0]["target_ms"], 8 * HOUR)

    def test_unknown_and_bad_fields(self):
        r = self.srv.post("/api/v1/problems", {"title": "x", "fields": {"nope": 1}}, token=self.pm)
        self.assertStatus(r, 422)
        r = self.srv.post("/api/v1/problems", {"title": "x", "fields": {"domain": "kitchen"}}, token=self.pm)
        self.assertStatus(r, 422)
        r = self.srv.post("/api/v1/problems", {"title": "x", "fields": {"impact": "huge"}}, token=self.pm)
        self.assertStatus(r, 422)
        r = self.srv.post("/api/v1/problems", {"title": "x", "fields": {"resolved_at": 5}}, token=self.pm)
        self.assertStatus(r, 422)

    # ---- the matrix: all 9 cells (seed 004 table 6.4.3) ----
    def test_priority_matrix_all_cells(self):
        want = {("high", "high"): ("P1", 1 * HOUR), ("high", "medium"): ("P2", 8 * HOUR),
                ("high", "low"): ("P3", 24 * HOUR), ("medium", "high"): ("P2", 8 * HOUR),
                ("medium", "medium"): ("P3", 24 * HOUR), ("medium", "low"): ("P4", 48 * HOUR),
                ("low", "high"): ("P3", 24 * HOUR), ("low", "medium"): ("P4", 48 * HOUR),
                ("low", "low"): ("P5", 0)}
        for (imp, urg), (prio, target) in want.items():
            p = self.create(impact=imp, urgency=urg)
            self.assertEqual(p["priority"], prio, (imp, urg))
            self.assertEqual(self.clocks(p["id"])[0]["target_ms"], target, (imp, urg))

    def test_regrade_retargets_the_running_clock(self):
        p = self.create(impact="low", urgency="low", category="db")
        self.assertEqual(self.clocks(p["id"])[0]["target_ms"], 0)
        r = self.srv.request("PATCH", "/api/v1/problems/%d" % p["id"],
                             {"version": p["version"], "fields": {"impact": "high", "urgency": "high"}}, token=self.pm)
        self.assertStatus(r, 200)
        self.assertEqual(r.json["priority"], "P1")
        self.assertEqual(self.clocks(p["id"])[0]["target_ms"], 1 * HOUR)

    def test_generic_patch_retargets_like_the_problem_route(self):
        # PATCH /api/v1/records/{id}: impact and urgency drive the priority and the clock too
        p = self.create(impact="low", urgency="low", category="db")
        r = self.srv.request("PATCH", "/api/v1/records/%d" % p["id"],
                             {"version": p["version"], "impact": "high", "urgency": "high"}, token=self.pm)
        self.assertStatus(r, 200)
        self.assertEqual(r.json["priority"], "P1")
        self.assertEqual(self.clocks(p["id"])[0]["target_ms"], 1 * HOUR)
        g = self.get(p["id"])
        # back down: P4's 48 h; a bad level and a priority set directly are 422, nothing changed
        r = self.srv.request("PATCH", "/api/v1/records/%d" % p["id"],
                             {"version": g["version"], "impact": "medium"}, token=self.pm)
        self.assertStatus(r, 200)
        self.assertEqual(r.json["priority"], "P2")
        self.assertEqual(self.clocks(p["id"])[0]["target_ms"], 8 * HOUR)
        g = self.get(p["id"])
        for body in ({"impact": "huge"}, {"priority": "P5"}):
            body["version"] = g["version"]
            r = self.srv.request("PATCH", "/api/v1/records/%d" % p["id"], body, token=self.pm)
            self.assertStatus(r, 422)
        g2 = self.get(p["id"])
        self.assertEqual((g2["version"], g2["priority"], g2["impact"]), (g["version"], "P2", "medium"))
        self.assertEqual(self.clocks(p["id"])[0]["target_ms"], 8 * HOUR)

    def test_generic_create_goes_through_the_create_action(self):
        # POST /api/v1/records {kind: problem}: the same path as POST /api/v1/problems
        r = self.srv.post("/api/v1/records", {"kind": "problem", "title": "x"}, token=self.eng)
        self.assertStatus(r, 403)
        self.assertIn("problem_manager", r.json["error"]["message"])
        r = self.srv.post("/api/v1/records", {"kind": "problem", "title": "x", "impact": "huge"}, token=self.pm)
        self.assertStatus(r, 422)
        r = self.srv.post("/api/v1/records", {"kind": "problem", "title": "x", "priority": "P1"}, token=self.pm)
        self.assertStatus(r, 422)
        r = self.srv.post("/api/v1/records", {"kind": "problem", "title": "缓存击穿", "impact": "medium",
                                              "urgency": "high"}, token=self.pm)
        self.assertStatus(r, 201)
        self.assertEqual((r.json["state"], r.json["priority"]), ("new", "P2"))
        p = self.get(r.json["id"])
        self.assertEqual(p["problem"]["recorded_by"], self.pm_id)
        ck = self.clocks(p["id"])
        self.assertEqual([(c["name"], c["state"], c["target_ms"]) for c in ck], [("resolve", "running", 8 * HOUR)])

    def test_notification_texts_from_the_workflow_templates(self):
        # workflows.problem.templates: what each notify effect tells, zh first
        p = self.create(impact="low", urgency="low", category="db")
        sent = [t for t in self.timeline(p["id"], "notify") if t["data"]["template"] == "problem.created"]
        self.assertEqual(len(sent), 1)
        self.assertEqual(sent[0]["text"], "通知：新问题已登记，请问题经理接受 (notification: New problem recorded; "
                                          "awaiting the problem manager)")
        # a workflow with templates must declare every key it notifies with
        with open(os.path.join(harness.ROOT, "policy", "default.yaml"), encoding="utf-8") as f:
            text = f.read()
        bad = "\n".join(l for l in text.split("\n") if not l.strip().startswith("problem.closed:"))
        fd, path = tempfile.mkstemp(suffix=".yaml", prefix="opsdesk-policy-")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                f.write(bad)
            out = subprocess.run([harness.BIN, "policy", "check", path], capture_output=True, text=True, timeout=60)
        finally:
            os.unlink(path)
        self.assertNotEqual(out.returncode, 0)
        self.assertIn("problem.closed", out.stdout + out.stderr)

    def test_search_by_number_or_title(self):
        # GET /api/v1/problems?q=: the known-error form's problem picker
        made = []
        for title in ("磁带库机械臂卡死_搜索", "磁带库电源故障_搜索"):
            r = self.srv.post("/api/v1/problems", {"title": title}, token=self.pm)
            self.assertStatus(r, 201)
            made.append(r.json)
        a, b = made
        r = self.srv.get("/api/v1/problems?q=%s&limit=10" % urllib.parse.quote("磁带库"), token=self.pm)
        self.assertStatus(r, 200)
        self.assertEqual([x["id"] for x in r.json["items"]], [b["id"], a["id"]])
        self.assertEqual(r.json["total"], 2)
        r = self.srv.get("/api/v1/problems?q=%s" % urllib.parse.quote(a["number"]), token=self.pm)
        self.assertEqual([x["id"] for x in r.json["items"]], [a["id"]])
        # LIKE's wildcards are text: "_" finds only titles that hold it
        r = self.srv.get("/api/v1/problems?q=%s" % urllib.parse.quote("卡死_搜"), token=self.pm)
        self.assertEqual([x["id"] for x in r.json["items"]], [a["id"]])
        r = self.srv.get("/api/v1/problems?q=%25%25%25", token=self.pm)
        self.assertEqual(r.json["items"], [])
        # a search pages like the list (the full-text index, migration 0036)
        r = self.srv.get("/api/v1/problems?q=%s&limit=1&offset=1" % urllib.parse.quote("磁带库"), token=self.pm)
        self.assertStatus(r, 200)
        self.assertEqual(([x["id"] for x in r.json["items"]], r.json["total"]), ([a["id"]], 2))
        self.assertStatus(self.srv.get("/api/v1/problems?q=" + "x" * 201, token=self.pm), 400)

    # ---- every state with right and wrong actors ----
    def test_lifecycle_right_and_wrong_actors(self):
        p = self.create(impact="medium", urgency="medium")
        # accept: the problem manager, with category set
        r = self.act(p, "accept", self.solver)
        self.assertStatus(r, 403)
        self.assertIn("problem_manager", r.json["error"]["message"])
        r = self.act(p, "accept", self.pm)
        self.assertStatus(r, 409)
        self.assertEqual(r.json["error"]["field"], "category")
        self.ok(p, "accept", self.pm, fields={"category": "database/pool"})
        self.ok(p, "plan", self.pm, fields={"investigation_plan": "抓取连接池指标"})
        r = self.act(p, "assign", self.pm)
        self.assertStatus(r, 409)
        self.assertEqual(r.json["error"]["field"], "assignee")
        self.ok(p, "assign", self.pm, fields={"assignee_id": self.solver_id})
        self.assertEqual(self.get(p["id"])["state"], "assigned")
        # notify problem.assigned: queued to the assignee (and the problem manager role), never to the actor
        note = self.timeline(p["id"], "notify")[-1]["data"]
        self.assertEqual(note["template"], "problem.assigned")
        self.assertIn(self.solver_id, note["recipients"])
        self.assertNotIn(self.pm_id, note["recipients"])
        self.assertGreaterEqual(note["queued"], 1)
        # start: only the assignee
        r = self.act(p, "start", self.other)
        self.assertStatus(r, 403)
        self.ok(p, "start", self.solver)
        # suspend: reason and suspend_reason
        r = self.act(p, "suspend", self.solver, fields={"suspend_reason": "vendor"})
        self.assertStatus(r, 409)
        self.assertEqual(r.json["error"]["field"], "reason")
        self.ok(p, "suspend", self.solver, reason="等厂商补丁", fields={"suspend_reason": "vendor"})
        self.assertEqual(self.get(p["id"])["state"], "suspended")
        self.ok(p, "resume", self.pm)
        # resolve: the assignee, root cause and one proof
        r = self.act(p, "resolve", self.pm)
        self.assertStatus(r, 403)
        r = self.act(p, "resolve", self.solver)
        self.assertStatus(r, 409)
        self.assertEqual(r.json["error"]["field"], "root_cause")
        r = self.act(p, "resolve", self.solver, fields={"root_cause": "连接泄漏"})
        self.assertStatus(r, 409)  # none of the three proofs
        self.assertEqual(self.get(p["id"])["problem"]["root_cause"], "")  # a refusal changes nothing
        self.ok(p, "resolve", self.solver, fields={"root_cause": "连接泄漏", "solution": "修复连接释放",
                                                   "solution_evidence": "压测报告"})
        g = self.get(p["id"])
        self.assertEqual(g["state"], "resolved")
        self.assertIsNotNone(g["problem"]["resolved_at"])
        self.assertEqual(self.clocks(p["id"])[0]["state"], "stopped")
        # close: only the problem manager, after the closure checklist
        r = self.act(p, "close", self.solver)
        self.assertStatus(r, 403)
        self.assertIn("problem_manager", r.json["error"]["message"])
        r = self.act(p, "close", self.pm)
        self.assertStatus(r, 409)
        self.assertEqual(r.json["error"]["field"], "close")
        cl = self.srv.get("/api/v1/records/%d/checklists" % p["id"], token=self.pm).json["items"]
        self.assertEqual(len(cl), 1)
        cid = cl[0]["id"]
        for item in ("ke_updated", "kb_updated", "incidents_informed"):
            r = self.srv.request("PUT", "/api/v1/records/%d/checklists/%d/items/%s" % (p["id"], cid, item),
                                 {"value": True}, token=self.pm)
            self.assertStatus(r, 200)
        r = self.srv.request("PUT", "/api/v1/records/%d/checklists/%d/items/nope" % (p["id"], cid),
                             {"value": True}, token=self.pm)
        self.assertStatus(r, 404)
        self.ok(p, "close", self.pm)
        g = self.get(p["id"])
        self.assertEqual(g["state"], "closed")
        self.assertIsNotNone(g["closed_at"])
        self.assertEqual(g["problem"]["closed_by"], self.pm_id)
        # reopen: problem manager with a reason
        r = self.act(p, "reopen", self.pm)
        self.assertStatus(r, 409)
        self.ok(p, "reopen", self.pm, reason="复发")
        self.assertEqual(self.get(p["id"])["state"], "active")

    def test_cancel(self):
        p = self.create()
        r = self.act(p, "cancel", self.pm, reason="重复")
        self.assertStatus(r, 409)
        self.assertEqual(r.json["error"]["field"], "cancel_reason")
        r = self.act(p, "cancel", self.solver, reason="重复", fields={"cancel_reason": "duplicate"})
        self.assertStatus(r, 403)
        self.ok(p, "cancel", self.pm, reason="重复", fields={"cancel_reason": "duplicate"})
        self.assertEqual(self.get(p["id"])["state"], "cancelled")
        self.assertEqual(self.clocks(p["id"])[0]["state"], "cancelled")
        r = self.act(p, "start", self.pm)
        self.assertStatus(r, 409)

    def test_suspension_reminder_scheduled(self):
        # suspend's `schedule: [suspension_reminder, 30d]`: a deadline of the record, fired once
        p = self.to_active(impact="high", urgency="high")
        self.ok(p, "suspend", self.solver, reason="等厂商", fields={"suspend_reason": "vendor", "workaround": "w"})
        t = self.srv.now_ms()
        try:
            self.srv.clock(set_to=utc(t + 30 * 24 * HOUR - 1))
            self.relogin()  # sessions do not last 30 days
            self.assertEqual(self.timeline(p["id"], "reminder"), [])
            self.srv.clock(set_to=utc(t + 30 * 24 * HOUR))
            rem = self.timeline(p["id"], "reminder")
            self.assertEqual([r["data"]["deadline"] for r in rem], ["suspension_reminder"])
            self.srv.clock(3600)
            self.assertEqual(len(self.timeline(p["id"], "reminder")), 1)
            # paused all along: no threshold of the P1 hour fired, no breach
            self.assertEqual(self.timeline(p["id"], "threshold"), [])
            self.assertIsNone(self.clocks(p["id"])[0]["breached_at"])
        finally:
            self.relogin()

    def test_stale_version_and_unknown_action(self):
        p = self.create(category="db", impact="low", urgency="low")
        r = self.act(p, "accept", self.pm, version=p["version"] + 5)
        self.assertStatus(r, 409)
        self.assertEqual(r.json["error"]["field"], "version")
        self.assertEqual(self.get(p["id"])["state"], "new")
        r = self.act(p, "fly", self.pm)
        self.assertStatus(r, 404)

    def test_action_bar(self):
        p = self.create(impact="low", urgency="low")
        r = self.srv.get("/api/v1/records/%d/actions" % p["id"], token=self.solver)
        self.assertStatus(r, 200)
        by = {a["key"]: a for a in r.json["items"]}
        self.assertEqual(set(by), {"accept", "cancel"})
        self.assertFalse(by["accept"]["allowed"])
        self.assertEqual(by["accept"]["refusal"]["status"], 403)
        self.assertEqual(by["accept"]["to"], "accepted")
        self.assertTrue(by["cancel"]["needs_reason"])
        self.assertEqual(by["accept"]["name_zh"], "接受")
        r = self.srv.get("/api/v1/records/%d/actions" % p["id"], token=self.pm)
        by = {a["key"]: a for a in r.json["items"]}
        self.assertFalse(by["accept"]["allowed"])  # category missing
        self.assertEqual(by["accept"]["refusal"]["status"], 409)

    # ---- clock: pause only while suspended, thresholds and breach ----
    def test_pause_and_breach(self):
        p = self.to_active(impact="high", urgency="high")  # P1: 1 h
        t0 = self.srv.now_ms()
        ck = self.clocks(p["id"])[0]
        self.assertEqual(ck["target_ms"], HOUR)
        self.srv.clock(20 * 60)  # 20 min
        self.ok(p, "suspend", self.solver, reason="观察", fields={"suspend_reason": "observation", "workaround": "重启"})
        self.assertEqual(self.clocks(p["id"])[0]["state"], "paused")
        self.srv.clock(5 * 3600)  # paused: no breach however long
        self.assertIsNone(self.clocks(p["id"])[0]["breached_at"])
        self.assertEqual(len(self.timeline(p["id"], "threshold")), 0)
        self.ok(p, "resume", self.solver)
        ck = self.clocks(p["id"])[0]
        self.assertEqual(ck["state"], "running")
        # 40 min left: 50 % (30 min) is 10 min ahead
        self.srv.clock(10 * 60 - 1)
        self.assertEqual(len(self.timeline(p["id"], "threshold")), 0)
        self.srv.clock(1)
        th = self.timeline(p["id"], "threshold")
        self.assertEqual([t["data"]["percent"] for t in th], [50])
        self.srv.clock(30 * 60)
        th = self.timeline(p["id"], "threshold")
        self.assertEqual([t["data"]["percent"] for t in th], [50, 75, 100])
        self.assertIsNotNone(self.clocks(p["id"])[0]["breached_at"])
        self.assertGreater(self.srv.now_ms(), t0)

    # ---- workaround required ----
    def test_workaround_required_at_high_urgency(self):
        p = self.to_active(impact="low", urgency="high")
        self.assertTrue(self.get(p["id"])["problem"]["workaround_required"])
        r = self.act(p, "resolve", self.solver, fields={"root_cause": "x", "solution": "y", "solution_evidence": "z"})
        self.assertStatus(r, 409)
        self.assertEqual(r.json["error"]["field"], "workaround")
        self.ok(p, "resolve", self.solver, fields={"root_cause": "x", "solution": "y", "solution_evidence": "z",
                                                   "workaround": "切换备库"})

    def test_workaround_required_after_three_incidents(self):
        p = self.to_active(impact="low", urgency="low")
        self.assertFalse(self.get(p["id"])["problem"]["workaround_required"])
        for i in range(3):
            r = self.srv.post("/api/v1/incidents", {"title": "故障%d" % i, "ci_ids": [self.ci], "severity": "minor"},
                              token=self.eng)
            self.assertStatus(r, 201)
            recs = self.srv.get("/api/v1/records?kind=incident&limit=500", token=self.pm).json["items"]
            rec = [x for x in recs if x["incident_id"] == r.json["id"]][0]
            lr = self.srv.post("/api/v1/records/%d/links" % rec["id"], {"kind": "caused_by", "to_id": p["id"]},
                               token=self.pm)
            self.assertStatus(lr, 201)
            self.assertEqual(self.get(p["id"])["problem"]["workaround_required"], i == 2)
        r = self.act(p, "resolve", self.solver, fields={"root_cause": "x", "solution": "y", "solution_evidence": "z"})
        self.assertStatus(r, 409)
        self.assertEqual(r.json["error"]["field"], "workaround")
        # the 30-day window: the incidents registered exactly 30 days ago still count, 1 ms later they do not
        t = self.srv.now_ms()  # the incidents were registered at t (the test clock stands still)
        self.srv.clock(set_to=utc(t + 30 * 24 * HOUR))
        self.relogin()  # sessions do not last 30 days
        self.assertTrue(self.get(p["id"])["problem"]["workaround_required"])
        self.srv.clock(set_to=utc(t + 30 * 24 * HOUR + 1))
        self.assertFalse(self.get(p["id"])["problem"]["workaround_required"])

    def test_list_by_priority(self):
        # R-PRB-1: the list filtered by priority; a priority that does not exist is 400
        p1 = self.create(impact="high", urgency="high")
        p4 = self.create(impact="low", urgency="medium")
        r = self.srv.get("/api/v1/problems?priority=P1&limit=500", token=self.pm)
        self.assertStatus(r, 200)
        self.assertTrue(r.json["items"] and all(x["priority"] == "P1" for x in r.json["items"]))
        self.assertIn(p1["id"], [x["id"] for x in r.json["items"]])
        self.assertNotIn(p4["id"], [x["id"] for x in r.json["items"]])
        self.assertEqual(r.json["total"], len(r.json["items"]))
        self.assertError(self.srv.get("/api/v1/problems?priority=P9", token=self.pm), 400, field="priority")

    def test_problem_from_incident(self):
        r = self.srv.post("/api/v1/incidents", {"title": "交易超时", "ci_ids": [self.ci], "severity": "minor"},
                          token=self.eng)
        self.assertStatus(r, 201)
        r = self.srv.post("/api/v1/incidents/%d/problem" % r.json["id"], {"fields": {"impact": "medium"}},
                          token=self.pm)
        self.assertStatus(r, 201)
        p = r.json
        self.assertEqual(p["title"], "交易超时")
        self.assertEqual(p["problem"]["source"], "incident")
        links = self.srv.get("/api/v1/records/%d/links" % p["id"], token=self.pm).json["items"]
        self.assertEqual([(l["kind"], l["direction"]) for l in links], [("caused_by", "in")])
        # the incident's CIs are the problem's (role affected)
        cis = self.srv.get("/api/v1/records/%d/cis" % p["id"], token=self.pm).json["items"]
        self.assertEqual([(c["id"], c["role"]) for c in cis], [(self.ci, "affected")])
        r = self.srv.post("/api/v1/incidents/999999/problem", {}, token=self.pm)
        self.assertStatus(r, 404)

    # ---- major review gate and approvals ----
    def test_major_review_gate(self):
        p = self.to_active(impact="low", urgency="low")
        self.ok(p, "resolve", self.solver, fields={"root_cause": "x", "solution": "y", "solution_evidence": "z",
                                                   "major": True})
        inst = self.srv.get("/api/v1/records/%d/checklists" % p["id"], token=self.pm).json["items"][0]
        cid = inst["id"]
        # the instance carries its template's items (what a screen asks for)
        self.assertEqual([(i["key"], i["type"], i["required"]) for i in inst["items"]],
                         [("ke_updated", "check", True), ("kb_updated", "check", True),
                          ("incidents_informed", "check", True)])
        self.assertEqual(inst["items"][0]["text_zh"], "已知错误已更新或退役")
        for item in ("ke_updated", "kb_updated", "incidents_informed"):
            self.srv.request("PUT", "/api/v1/records/%d/checklists/%d/items/%s" % (p["id"], cid, item),
                             {"value": True}, token=self.pm)
        r = self.act(p, "close", self.pm)
        self.assertStatus(r, 409)
        self.assertEqual(r.json["error"]["field"], "review_entry")
        # the structured review entry first (test_problem_entries.py), then the approval
        r = self.srv.post("/api/v1/problems/%d/entries" % p["id"],
                          {"kind": "review", "text": "复盘", "review": {"what": "a", "why": "b", "prevent": "c",
                                                                      "actions": ["d"]}}, token=self.solver)
        self.assertStatus(r, 201)
        r = self.act(p, "close", self.pm)
        self.assertStatus(r, 409)
        self.assertEqual(r.json["error"]["field"], "major_review")
        # the review is filed by the assignee; the problem manager approves
        g = self.get(p["id"])
        r = self.srv.post("/api/v1/problems/%d/review" % p["id"], {"version": g["version"], "review": "复盘纪要"},
                          token=self.solver)
        self.assertStatus(r, 200)
        rounds = self.srv.get("/api/v1/records/%d/approvals" % p["id"], token=self.pm).json["items"]
        self.assertEqual(len(rounds), 1)
        rid = rounds[0]["id"]
        # reject needs a comment; the solver is no approver
        r = self.srv.post("/api/v1/records/%d/approvals/%d/votes" % (p["id"], rid),
                          {"step": "major_review", "decision": "approve"}, token=self.solver)
        self.assertStatus(r, 403)
        r = self.srv.post("/api/v1/records/%d/approvals/%d/votes" % (p["id"], rid),
                          {"step": "major_review", "decision": "reject"}, token=self.pm)
        self.assertStatus(r, 422)
        r = self.srv.post("/api/v1/records/%d/approvals/%d/votes" % (p["id"], rid),
                          {"step": "major_review", "decision": "approve", "comment": "同意"}, token=self.pm)
        self.assertStatus(r, 200)
        self.ok(p, "close", self.pm)
        self.assertEqual(self.get(p["id"])["state"], "closed")

    def test_workaround_only_approval_new_round_after_rejection(self):
        p = self.to_active(impact="low", urgency="low")
        self.ok(p, "decide_workaround_only", self.solver, reason="成本过高",
                fields={"workaround": "定期重启", "decision": "workaround_only", "root_cause": "x"})
        rounds = self.srv.get("/api/v1/records/%d/approvals" % p["id"], token=self.pm).json["items"]
        self.assertEqual(len(rounds), 1)
        r = self.srv.post("/api/v1/records/%d/approvals/%d/votes" % (p["id"], rounds[0]["id"]),
                          {"step": "workaround_only", "decision": "reject", "comment": "需根治"}, token=self.pm)
        self.assertStatus(r, 200)
        r = self.act(p, "resolve", self.solver)
        self.assertStatus(r, 409)
        self.ok(p, "decide_workaround_only", self.solver, reason="再次申请")
        rounds = self.srv.get("/api/v1/records/%d/approvals" % p["id"], token=self.pm).json["items"]
        self.assertEqual([x["round"] for x in rounds], [1, 2])
        r = self.srv.post("/api/v1/records/%d/approvals/%d/votes" % (p["id"], rounds[0]["id"]),
                          {"step": "workaround_only", "decision": "approve"}, token=self.pm)
        self.assertStatus(r, 409)  # the old round is over
        r = self.srv.post("/api/v1/records/%d/approvals/%d/votes" % (p["id"], rounds[1]["id"]),
                          {"step": "workaround_only", "decision": "approve"}, token=self.pm)
        self.assertStatus(r, 200)
        self.ok(p, "resolve", self.solver)


    def test_vote_through_a_delegation(self):
        p = self.to_active(impact="low", urgency="low")
        self.ok(p, "decide_workaround_only", self.solver, reason="成本过高", fields={"workaround": "定期重启"})
        rid = self.srv.get("/api/v1/records/%d/approvals" % p["id"], token=self.pm).json["items"][-1]["id"]
        vote = {"step": "workaround_only", "decision": "approve", "on_behalf_of": self.pm_id}
        url = "/api/v1/records/%d/approvals/%d/votes" % (p["id"], rid)
        r = self.srv.post(url, vote, token=self.other)
        self.assertStatus(r, 403)  # no delegation
        now = self.srv.now_ms()
        # [from, until): a delegation that ended at this instant does not count, one that began at it does
        r = self.srv.post("/api/v1/approval-delegations", {"delegate_id": self.other_id, "from": utc(now - HOUR),
                                                           "until": utc(now)}, token=self.pm)
        self.assertStatus(r, 201)
        self.assertStatus(self.srv.post(url, vote, token=self.other), 403)
        r = self.srv.post("/api/v1/approval-delegations", {"delegate_id": self.other_id, "from": utc(now),
                                                           "until": utc(now + HOUR)}, token=self.pm)
        self.assertStatus(r, 201)
        r = self.srv.post("/api/v1/approval-delegations", {"delegate_id": self.pm_id, "from": utc(now),
                                                           "until": utc(now + HOUR)}, token=self.pm)
        self.assertStatus(r, 422)  # not to oneself
        r = self.srv.post(url, vote, token=self.other)
        self.assertStatus(r, 200)
        step = r.json["items"][-1]["steps"][0]
        self.assertEqual(step["state"], "accepted")
        mine = self.srv.get("/api/v1/approval-delegations", token=self.other).json
        self.assertEqual(mine["total"], 2)


class ProblemRestart(harness.ServerTest):
    """A restart mid-clock fires the thresholds that fell due while the
    server was down, at start, exactly once (also after kill -9)."""

    def thresholds(self, pid, tok):
        tl = self.srv.get("/api/v1/records/%d/timeline?limit=500" % pid, token=tok).json["items"]
        return [t["data"]["percent"] for t in tl if t["kind"] == "threshold"]

    def set_stored_clock(self, ms):
        """Moves the stopped server's saved test clock (meta.test_clock_ms) forward."""
        db = harness.db_connect(self.srv.db)
        try:
            db.execute("UPDATE meta SET value = ? WHERE key = 'test_clock_ms'", (str(ms),))
            if hasattr(db, "commit"):
                db.commit()
        finally:
            db.close()

    def test_restart_mid_clock(self):
        s = self.srv
        pm_id, pm = s.make_user("pm", ["problem_manager"])
        r = s.post("/api/v1/problems", {"title": "p", "fields": {"impact": "high", "urgency": "high"}}, token=pm)
        self.assertStatus(r, 201)
        pid = r.json["id"]
        t0 = s.now_ms()
        s.clock(60)  # stores the test clock
        self.assertEqual(self.thresholds(pid, pm), [])
        self.assertEqual(s.stop(), 0)
        # down while the clock passes 50 % and 75 % of the P1 hour
        self.set_stored_clock(t0 + 50 * MIN)
        s.start()
        s.tokens = {}
        pm = s.login("pm", harness.USER_PW)
        self.assertGreaterEqual(s.now_ms(), t0 + 50 * MIN)
        s.clock(0)  # the walk at the restored time: nothing more is due
        self.assertEqual(self.thresholds(pid, pm), [50, 75])
        s.kill9()
        s.start()
        s.tokens = {}
        pm = s.login("pm", harness.USER_PW)
        s.clock(0)
        self.assertEqual(self.thresholds(pid, pm), [50, 75])
        s.clock(10 * 60 - 1)
        self.assertEqual(self.thresholds(pid, pm), [50, 75])
        s.clock(1)
        self.assertEqual(self.thresholds(pid, pm), [50, 75, 100])
        self.assertIsNotNone(s.get("/api/v1/records/%d/clocks" % pid, token=pm).json["items"][0]["breached_at"])


class ProblemCli(harness.ServerTest):
    """`opsdesk problem list|show|create|act` against a real server."""

    def cli(self, *args, stdin="", code=0):
        env = {k: v for k, v in os.environ.items() if not k.startswith("OPSDESK_")}
        env.update(XDG_CONFIG_HOME=self.cfg.name, HOME=self.cfg.name, OPSDESK_SERVER=self.srv.base)
        p = subprocess.run([harness.BIN, *args], input=stdin.encode(), stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, env=env, timeout=60)
        out, err = p.stdout.decode(), p.stderr.decode()
        self.assertEqual(p.returncode, code, (args, out, err))
        return out, err

    def test_cli(self):
        self.cfg = tempfile.TemporaryDirectory()
        try:
            self.srv.make_user("pm", ["problem_manager"])
            self.cli("login", "--user", "pm", "--password-stdin", stdin=harness.USER_PW + "\n")
            out, _ = self.cli("problem", "create", "--title", "连接池耗尽", "--impact", "high", "--urgency", "medium",
                              "--category", "db", "--description", "高峰期超时")
            self.assertIn("PRB-", out)
            self.assertIn("P2", out)
            pid = self.srv.get("/api/v1/problems", token=self.srv.login("pm", harness.USER_PW)).json["items"][0]["id"]
            out, _ = self.cli("problem", "act", str(pid), "accept")
            self.assertIn("accepted", out)
            out, err = self.cli("problem", "act", str(pid), "cancel", code=1)
            self.assertIn("reason", err)
            out, _ = self.cli("problem", "show", str(pid))
            self.assertIn("高峰期超时", out)
            out, _ = self.cli("problem", "list")
            self.assertIn("连接池耗尽", out)
            out, _ = self.cli("--json", "problem", "show", str(pid))
            self.assertEqual(json.loads(out)["problem"]["category"], "db")
            self.cli("problem", "act", str(pid), code=2)  # ACTION missing
        finally:
            self.cfg.cleanup()


class Downgrade(harness.ServerTest):
    """Migration 0013 on a database from before it: deadlines keep their ids
    and rows (incident_id loses NOT NULL by a rebuild on SQLite), and the
    problems table appears."""

    @staticmethod
    def downgrade(path):
        """Takes the SQLite database back to before migration 0013: its tables
        and columns gone, deadlines as 0012 left them, its row in
        schema_migrations deleted (tests/cli/test_admin_commands.py's
        previous release)."""
        with harness.tokenizer_stand_in(path):
            Downgrade.downgrade_tables(path)

    @staticmethod
    def downgrade_tables(path):
        db = sqlite3.connect(path)
        db.execute("PRAGMA foreign_keys = OFF")
        for t in ("problems", "approval_delegations"):
            db.execute("DROP TABLE %s" % t)
        db.execute("ALTER TABLE checklist_results DROP COLUMN note")
        db.execute("ALTER TABLE checklist_results DROP COLUMN finding")
        db.execute("DROP INDEX deadlines_clock")
        db.execute("CREATE TABLE deadlines_old (id INTEGER PRIMARY KEY, incident_id BIGINT NOT NULL REFERENCES "
                   "incidents(id), kind TEXT NOT NULL, recipient_id BIGINT, due_at BIGINT NOT NULL, met_at BIGINT, "
                   "status TEXT NOT NULL DEFAULT 'pending', fire_at BIGINT, fired_by TEXT, record_id BIGINT "
                   "REFERENCES records(id))")
        cols = "id, incident_id, kind, recipient_id, due_at, met_at, status, fire_at, fired_by, record_id"
        db.execute("INSERT INTO deadlines_old(%s) SELECT %s FROM deadlines WHERE incident_id IS NOT NULL" %
                   (cols, cols))
        db.execute("DROP TABLE deadlines")
        db.execute("ALTER TABLE deadlines_old RENAME TO deadlines")
        db.execute("CREATE INDEX deadlines_fire ON deadlines(fire_at) WHERE fire_at IS NOT NULL")
        db.execute("CREATE INDEX deadlines_inc ON deadlines(incident_id)")
        db.execute("CREATE INDEX deadlines_record ON deadlines(record_id) WHERE record_id IS NOT NULL")
        db.execute("DELETE FROM schema_migrations WHERE version = 13")
        db.commit()
        db.close()

    def test_deadlines_kept_across_0013(self):
        s = self.srv
        if harness.PG:
            self.skipTest("takes the SQLite file's schema back; the PostgreSQL twin runs at every init")
        eng = s.make_user("eng", ["ops_engineer"])[1]
        r = s.post("/api/v1/cis", {"name": "c", "category": "application", "grade": "L3", "department": "运行部",
                                   "attributes": {}}, token=eng)
        r = s.post("/api/v1/incidents", {"title": "t", "ci_ids": [r.json["id"]], "severity": "minor"}, token=eng)
        self.assertStatus(r, 201)
        iid = r.json["id"]
        self.assertEqual(s.stop(), 0)
        self.downgrade(s.db)
        db = sqlite3.connect(s.db)
        before = db.execute("SELECT id, incident_id, kind, due_at, status, fire_at FROM deadlines ORDER BY id").fetchall()
        db.close()
        self.assertGreater(len(before), 0)
        s.start()
        s.tokens = {}
        db = sqlite3.connect(s.db)
        after = db.execute("SELECT id, incident_id, kind, due_at, status, fire_at FROM deadlines ORDER BY id").fetchall()
        notnull = [r for r in db.execute("PRAGMA table_info(deadlines)") if r[1] == "incident_id"][0][3]
        self.assertEqual(db.execute("SELECT COUNT(*) FROM schema_migrations WHERE version = 13").fetchone()[0], 1)
        db.close()
        self.assertEqual(after, before)
        self.assertEqual(notnull, 0)
        eng = s.login("eng", harness.USER_PW)
        self.assertStatus(s.get("/api/v1/incidents/%d" % iid, token=eng), 200)


if __name__ == "__main__":
    harness.main()
