"""test_seed000.py — seed 000 to the letter: the deviations the clause audit
(research/seed000-audit.md) found, each checked against its clause.

- ch. 7 §2.1 item 6 (audit #33, #41a; R-NOT-1, R-NOT-4): on L1-L3 alarms the
  heads of 运行部, 技术部 and 客服部 and the operations department head are
  told and must acknowledge, whatever department owns the CI.
- ch. 7 §2.2, §2.4 (audit #41b, #42; R-ACT-1, R-CLOSE-1): after an
  escalation the new level's authority activates the plan again; the leader
  who activated the plan for the highest level reached authorises closure.
- ch. 7 §2.1 items 1, 2, 7, 8 (audit #13, #23, #36-#39; R-NOT-2, R-NOT-3,
  R-NOT-5): the operations engineer confirms the response level and files the
  later reports through the operations desk; the desk is not a free field; the
  first report tells the operations engineers; progress reminders go to the
  people who file progress reports.
- ch. 7 §1 item 2 (audit #19; R-NOT-1, R-NOT-6): registering an L1/L2
  incident alerts the desks at once; a missed first report tells the section
  head and up.
- ch. 7 §1 item 6 (audit #22; R-NOT-7): a leadership or engineering-group
  member without a mobile number is flagged where people are managed and at
  incident time.
Every wait is done by the test clock.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
import test_incidents as ti  # noqa: E402

HOUR, MIN = ti.HOUR, ti.MIN

# (username, role, department, phone?) beyond test_incidents.USERS
EXTRA = [
    ("dh_ops", "department_head", "运行部", True),
    ("dh_tech", "department_head", "技术部", True),
    ("dh_cs", "department_head", "客服部", True),
    ("el2", "emergency_leadership", "数据中心", False),
    ("eng2", "ops_engineer", "运行部", True),
    ("egroup", "emergency_engineering", "运行部", False),
]


class SeedWorld(ti.IncidentWorld):

    @classmethod
    def build_world(cls):
        super().build_world()
        s = cls.srv
        for i, (name, role, dept, phone) in enumerate(EXTRA):
            extra = {"email": "%s@example.cn" % name}
            if phone:
                extra["phone"] = "1390000%04d" % i
            uid, tok = s.make_user(name, [role], department=dept, **extra)
            cls.uid[name], cls.tok[name] = uid, tok
        cls.uname = {v: k for k, v in cls.uid.items()}
        cls.ci["L3-tech"] = cls.make_ci("tech-app-L3", "L3", dept="技术部")

    def kinds_to(self, inc, kind):
        return {self.uname[m["recipient_id"]] for m in inc["messages"] if m["kind"] == kind}


class BridgeHeadsTest(SeedWorld):
    """Seed 000 ch. 7 §2.1 item 6, second sentence (audit #33, #41a)."""

    def test_l3_on_a_tech_ci_reaches_the_three_heads_and_the_r3_authority_r_not_1_r_not_4(self):
        inc = self.create(ci_ids=[self.ci["L3-tech"]], severity="moderate")  # L3 moderate → R3
        self.assertEqual(inc["response_level"], "R3")
        g = self.first(inc["id"])
        names = self.recipient_names(g)
        # the heads of 运行部, 技术部, 客服部 and the R3 authority, whoever owns the CI
        self.assertEqual(names, {"sechead", "liaison", "opsdept", "dh_ops", "dh_tech", "dh_cs"})
        self.assertNotIn("dh", names)  # 应用部 owns no affected CI and is not named
        self.assertNotIn("dh_other", names)
        # L3 alarms are acknowledged within 5 min too (R-NOT-4)
        acks = {d["recipient_id"]: d for d in g["deadlines"] if d["kind"] == "ack"}
        self.assertEqual({self.uname[u] for u in acks}, names)
        for d in acks.values():
            self.assertEqual(ti.parse_time(d["due_at"]) - ti.parse_time(g["recipients"][0]["notified_at"]),
                             5 * MIN * 1000)
        # the R3 authority, told now, activates after the second report
        self.second(inc["id"], "R3")
        self.assertStatus(self.action(inc["id"], "activate", "opsdept"), 200)

    def test_ng_stays_with_section_heads_and_liaisons_r_not_1(self):
        inc = self.create("NG", "severe")
        g = self.first(inc["id"])
        self.assertEqual(self.recipient_names(g), {"sechead", "liaison"})
        self.assertFalse([d for d in g["deadlines"] if d["kind"] == "ack"])


class ActivationClosureTest(SeedWorld):
    """Seed 000 ch. 7 §2.2 and §2.4 (audit #41b, #42)."""

    def test_escalated_plan_is_activated_again_and_closed_by_its_activator_r_act_1_r_close_1(self):
        inc = self.create("L2", "moderate")  # R2
        iid = inc["id"]
        self.first(iid)
        self.second(iid, "R2")
        g = self.action(iid, "activate", "leader").json
        self.assertEqual(g["activated_level"], "R2")
        self.assertIs(g["reactivation_due"], False)
        # activating the same level again is refused
        self.assertError(self.action(iid, "activate", "leader"), 409)
        self.advance(2 * HOUR)  # R2 → R1 at 2 h of the R2 clock
        g = self.get(iid)
        self.assertEqual(g["response_level"], "R1")
        self.assertIs(g["reactivation_due"], True)
        # the ops leader may not activate the R1 plan; the leadership group may
        self.assertError(self.action(iid, "activate", "leader"), 403)
        r = self.action(iid, "activate", "el")
        self.assertStatus(r, 200)
        self.assertEqual(r.json["activated_level"], "R1")
        self.assertEqual(r.json["state"], "activated")
        self.assertIs(r.json["reactivation_due"], False)
        self.assertEqual([t["text"] for t in r.json["timeline"] if t["kind"] == "activated"][-1][:9],
                         "响应级别已升至一级")
        self.final(iid)
        # closure: not the ops leader, not another member of the group, the activator
        self.assertError(self.action(iid, "close", "leader"), 403)
        r = self.action(iid, "close", "el2")
        self.assertError(r, 403)
        self.assertIn("决定启动一级响应应急预案的领导", r.json["error"]["message"])
        self.assertStatus(self.action(iid, "close", "el"), 200)

    def test_closure_without_reactivation_needs_the_highest_authority_r_close_1(self):
        inc = self.create("L2", "moderate")
        iid = inc["id"]
        self.first(iid)
        self.second(iid, "R2")
        self.assertStatus(self.action(iid, "activate", "leader"), 200)
        self.advance(2 * HOUR)
        self.final(iid)  # nobody activated the R1 plan
        self.assertError(self.action(iid, "close", "leader"), 403)
        self.assertStatus(self.action(iid, "close", "el2"), 200)

    def test_activator_closes_at_the_same_level_r_close_1(self):
        inc = self.create("L3", "moderate")  # R3
        iid = inc["id"]
        self.first(iid)
        self.second(iid, "R3")
        self.assertStatus(self.action(iid, "activate", "opsdept"), 200)
        self.final(iid)
        self.assertStatus(self.action(iid, "close", "opsdept"), 200)


class ReportingRolesTest(SeedWorld):
    """Seed 000 ch. 7 §2.1 items 1, 2, 7, 8 (audit #13, #23, #36-#39)."""

    def test_only_the_ops_engineer_confirms_and_files_later_reports_r_not_2(self):
        inc = self.create("L3", "moderate", who="mon")
        iid = inc["id"]
        self.first(iid, who="mon")
        # the monitoring engineer may neither confirm the response level nor file the second report
        r = self.report(iid, "second", "mon", response_level="R3", system_impact="x",
                        estimated_recovery_at=ti.fmt_time(self.now() + HOUR * 1000))
        self.assertError(r, 403)
        self.assertError(self.patch(iid, {"response_level": "R2"}, who="mon"), 403)
        self.assertError(self.patch(iid, {"response_level": "R2"}, who="sechead"), 403)
        # the section head neither (the seed names the operations engineer)
        r = self.report(iid, "second", "sechead", response_level="R3", system_impact="x",
                        estimated_recovery_at=ti.fmt_time(self.now() + HOUR * 1000))
        self.assertError(r, 403)
        self.assertEqual(self.get(iid)["state"], "reported")  # nothing changed
        g = self.second(iid, "R3")
        self.assertError(self.report(iid, "progress", "mon", text="x"), 403)
        self.assertError(self.report(iid, "final", "mon", **self.FINAL), 403)
        self.assertEqual([r["desk"] for r in g["reports"]], ["monitoring", "ops_security"])

    def test_the_desk_is_not_a_free_field_r_not_3(self):
        inc = self.create("L3", "moderate")
        iid = inc["id"]
        # an operations engineer reports through the operations desk, not the monitoring one
        self.assertError(self.report(iid, "first", "eng", desk="monitoring"), 422, field="desk")
        self.assertError(self.report(iid, "first", "mon", desk="ops_security"), 422, field="desk")
        self.assertStatus(self.report(iid, "first", "eng", desk="ops_security"), 201)
        r = self.report(iid, "progress", "eng", desk="monitoring", text="x")
        self.assertError(r, 422, field="desk")
        g = self.progress(iid)
        self.assertEqual([r["desk"] for r in g["reports"]], ["ops_security", "ops_security"])

    def test_first_report_tells_the_ops_engineers_r_not_2(self):
        inc = self.create("L3", "moderate", who="mon")
        g = self.first(inc["id"], who="mon")
        firsts = self.kinds_to(g, "first")
        self.assertIn("eng", firsts)
        self.assertIn("eng2", firsts)
        # the reporter is not told of its own report
        inc = self.create("L3", "moderate")
        g = self.first(inc["id"], who="eng")
        self.assertIn("eng2", self.kinds_to(g, "first"))
        self.assertNotIn("eng", self.kinds_to(g, "first"))

    def test_progress_reminder_goes_to_the_ops_engineers_not_the_registrant_r_not_5(self):
        inc = self.create("L3", "moderate", who="mon")  # R3: progress every 120 min, reminder 5 min before
        iid = inc["id"]
        self.first(iid, who="mon")
        self.advance(115 * MIN)
        g = self.get(iid)
        reminded = {self.uname[m["recipient_id"]] for m in g["messages"]
                    if m["kind"] == "reminder" and ":remind:" in m["cause"]}
        self.assertEqual(reminded, {"eng", "eng2"})


class NothingWaitsTest(SeedWorld):
    """Seed 000 ch. 7 §1 item 2 (audit #19)."""

    def test_l1_l2_registration_alerts_the_desks_at_once_r_not_1(self):
        for grade, alerted in (("L1", True), ("L2", True), ("L3", False), ("NG", False)):
            with self.subTest(grade=grade):
                inc = self.create(grade, "moderate", who="mon")
                g = self.get(inc["id"])
                got = self.kinds_to(g, "registered")
                self.assertEqual(got, {"eng", "eng2"} if alerted else set())  # the registrant excepted

    def test_missed_first_report_tells_section_head_and_up_r_not_6(self):
        inc = self.create("L1", "moderate")
        iid = inc["id"]
        self.advance(5 * MIN)  # at the deadline: not yet missed
        self.assertEqual(self.kinds_to(self.get(iid), "first_overdue"), set())
        self.advance(1)
        g = self.get(iid)
        self.assertEqual(self.kinds_to(g, "first_overdue"), {"sechead", "opsdept"})
        # a first report on time tells nobody of an overdue one
        inc = self.create("L1", "moderate")
        self.first(inc["id"])
        self.advance(6 * MIN)
        self.assertEqual(self.kinds_to(self.get(inc["id"]), "first_overdue"), set())


class ActivationDeadlineTest(SeedWorld):
    """Seed 000 ch. 7 §1 item 2 (audit #19): activation has a deadline per level, the level's report
    window from the confirmation (R1/R2 5 min, R3/NG 10 min)."""

    def dl(self, g, kind="activation"):
        return [d for d in g["deadlines"] if d["kind"] == kind]

    def test_activation_due_after_confirmation_and_met_r_act_1(self):
        inc = self.create("L2", "moderate")
        iid = inc["id"]
        self.first(iid)
        g = self.second(iid, "R2")
        d = self.dl(g)
        self.assertEqual(len(d), 1)
        at = [r for r in g["reports"] if r["kind"] == "second"][0]["at"]
        self.assertEqual(ti.parse_time(d[0]["due_at"]) - ti.parse_time(at), 5 * MIN * 1000)
        self.advance(5 * MIN)  # at the due time: still pending
        self.assertEqual(self.dl(self.get(iid))[0]["state"], "pending")
        g = self.action(iid, "activate", "leader").json
        self.assertEqual(self.dl(g)[0]["state"], "met")

    def test_missed_activation_is_recorded_r_not_6(self):
        inc = self.create("L3", "moderate")  # R3: 10 min
        iid = inc["id"]
        self.first(iid)
        self.second(iid, "R3")
        self.advance(10 * MIN + 1)
        g = self.get(iid)
        self.assertEqual(self.dl(g)[0]["state"], "missed")
        self.assertTrue([t for t in g["timeline"] if t["kind"] == "deadline_missed" and "应急预案启动" in t["text"]])
        g = self.action(iid, "activate", "opsdept").json
        self.assertEqual(self.dl(g)[0]["state"], "met_late")

    def test_escalation_past_the_plan_sets_a_new_activation_deadline_r_act_1(self):
        inc = self.create("L2", "moderate")
        iid = inc["id"]
        self.first(iid)
        self.second(iid, "R2")
        self.assertStatus(self.action(iid, "activate", "leader"), 200)
        self.advance(2 * HOUR)  # → R1
        g = self.get(iid)
        pending = [d for d in self.dl(g) if d["state"] == "pending"]
        self.assertEqual(len(pending), 1)
        self.assertEqual(ti.parse_time(pending[0]["due_at"]) - self.now(), 5 * MIN * 1000)
        g = self.action(iid, "activate", "el").json
        self.assertFalse([d for d in self.dl(g) if d["state"] == "pending"])


class ReachabilityTest(SeedWorld):
    """Seed 000 ch. 7 §1 item 6 (audit #22)."""

    def test_flagged_where_people_are_managed(self):
        r = self.srv.get("/api/v1/users?limit=500", token=self.srv.admin("sysadmin"))
        self.assertStatus(r, 200)
        flags = {u["username"]: u["unreachable_24h"] for u in r.json["items"]}
        self.assertIs(flags["el2"], True)
        self.assertIs(flags["egroup"], True)  # the engineering group
        self.assertIs(flags["el"], False)     # has a mobile number
        self.assertIs(flags["dh_ops"], False)
        r = self.srv.get("/api/v1/users/%d" % self.uid["el2"], token=self.srv.admin("sysadmin"))
        self.assertIs(r.json["unreachable_24h"], True)

    def test_flagged_at_incident_time(self):
        inc = self.create("L1", "severe")
        g = self.first(inc["id"])
        rc = {r["username"]: r for r in g["recipients"]}
        self.assertIs(rc["el2"]["unreachable_24h"], True)
        self.assertIs(rc["el"]["unreachable_24h"], False)
        flagged = [t for t in g["timeline"] if t["kind"] == "unreachable"]
        self.assertEqual(len(flagged), 1)
        self.assertIn("el2", flagged[0]["text"])
        self.assertIn("未登记手机号码", flagged[0]["text"])


class ReviewTest(SeedWorld):
    """Seed 000 ch. 8 §2 (audit #45): the handling report goes to the leadership group; where it
    went outside is recorded; the engineering group may submit it."""

    REVIEW = {"cause_analysis": "RAID 控制器故障", "lessons": "巡检未覆盖", "improvements": "纳入月度巡检",
              "measures": "切换备用控制器", "result": "35 分钟恢复"}

    def closed_l1(self):
        inc = self.create("L1", "severe")
        iid = inc["id"]
        self.first(iid)
        self.second(iid, "R1")
        self.assertStatus(self.action(iid, "activate", "el"), 200)
        self.final(iid)
        self.assertStatus(self.action(iid, "close", "el"), 200)
        return iid

    def review(self, iid, who, **over):
        body = dict(self.REVIEW)
        body.update(over)
        return self.srv.post("/api/v1/incidents/%d/review" % iid, body, token=self.tok[who])

    def test_review_goes_to_the_leadership_group_r_pir_1(self):
        iid = self.closed_l1()
        self.assertError(self.review(iid, "egroup", reported_to="海关总署"), 400, field="reported_to")
        self.assertError(self.review(iid, "egroup", reported_to=[""]), 422, field="reported_to")
        r = self.review(iid, "egroup", reported_to=["海关总署", "兄弟海关"])
        self.assertStatus(r, 200)
        g = r.json
        self.assertEqual(g["state"], "reviewed")
        self.assertEqual(self.kinds_to(g, "review"), {"el", "el2"})
        out = [t["text"] for t in g["timeline"] if t["kind"] == "reported_outside"]
        self.assertEqual(out, ["处理报告已报送：海关总署 (handling report sent to: 海关总署)",
                               "处理报告已报送：兄弟海关 (handling report sent to: 兄弟海关)"])
        review = [x for x in g["reports"] if x["kind"] == "review"][0]
        self.assertEqual(review["fields"]["reported_to"], ["海关总署", "兄弟海关"])


if __name__ == "__main__":
    harness.main()
