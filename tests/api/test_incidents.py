"""test_incidents.py — incident management through the API
(REQUIREMENTS §2–§6): grading, recipients, acknowledgements, the lifecycle,
authorities, regrading, review, the case library and the report export.

Time-driven rules (escalation, deadlines, restart) are in
test_incident_deadlines.py.  Every wait is done by the test clock.
"""
import datetime
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import urllib.parse

import harness  # noqa: E402

CI_DEPT = "应用部"      # the department owning the test CIs
OTHER_DEPT = "网络部"   # a department owning none of them
MIN = 60
HOUR = 3600

# R-INC-3 default matrix
MATRIX = {
    "L1": {"severe": "R1", "moderate": "R1", "minor": "R2"},
    "L2": {"severe": "R1", "moderate": "R2", "minor": "R2"},
    "L3": {"severe": "R2", "moderate": "R3", "minor": "R3"},
    "NG": {"severe": "NG", "moderate": "NG", "minor": "NG"},
}

# (username, role, department)
USERS = [
    ("mon", "monitoring_engineer", "客服部"),
    ("eng", "ops_engineer", "运行部"),
    ("sechead", "ops_section_head", "运行部"),
    ("opsdept", "ops_department_head", "运行部"),
    ("leader", "ops_leader", "数据中心"),
    ("el", "emergency_leadership", "数据中心"),
    ("liaison", "liaison", "运行部"),
    ("dh", "department_head", CI_DEPT),
    ("dh_other", "department_head", OTHER_DEPT),
]

# R-NOT-1 recipients by incident level, as users of USERS; the operations
# department head (运行部部门领导) on L1-L3: seed 000 ch. 7 §2.1 item 6
RECIPIENTS = {
    "L1": {"el", "sechead", "liaison", "opsdept"},
    "L2": {"leader", "sechead", "liaison", "dh", "opsdept"},
    "L3": {"sechead", "liaison", "dh", "opsdept"},
    "NG": {"sechead", "liaison"},
}
# Who of them owes the acknowledgement (join the bridge within 5 min): seed 000
# ch. 7 §2.1 item 6 names the department heads, the 运行部 section heads and the
# liaisons, on L1, L2 and L3 alarms (duties.ack_required: named_roles, audit #32 b);
# the leaders (el, leader) are told and may acknowledge, but owe nothing.
ACKERS = {g: people - {"el", "leader"} for g, people in RECIPIENTS.items()}
ACKERS["NG"] = set()


def parse_time(s):
    return int(datetime.datetime.fromisoformat(s.replace("Z", "+00:00")).timestamp() * 1000 + 0.5)


def fmt_time(ms):
    d = datetime.datetime.fromtimestamp(ms / 1000, tz=datetime.timezone.utc)
    return d.strftime("%Y-%m-%dT%H:%M:%S.") + "%03dZ" % (ms % 1000)


class IncidentWorld(harness.ServerTest):
    """A server with one user per role (each with phone and email, so outbox
    rows appear) and one CI per grade (L1, L2, L3, NG) of CI_DEPT."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        try:
            cls.build_world()
        except BaseException:
            cls.srv.cleanup()
            raise

    @classmethod
    def build_world(cls):
        s = cls.srv
        cls.uid, cls.tok = {}, {}
        for i, (name, role, dept) in enumerate(USERS):
            uid, tok = s.make_user(name, [role], department=dept, phone="1380000%04d" % i,
                                   email="%s@example.cn" % name)
            cls.uid[name], cls.tok[name] = uid, tok
        cls.uname = {v: k for k, v in cls.uid.items()}
        cls.login_ms = s.now_ms()
        cls.ci = {}
        for g in ("L1", "L2", "L3", "NG"):
            cls.ci[g] = cls.make_ci("app-%s" % g, g)

    @classmethod
    def make_ci(cls, name, grade, dept=CI_DEPT, category="application"):
        # CIs without attributes are covered by CmdbLeakTest
        r = cls.srv.post("/api/v1/cis", {"name": name, "category": category, "grade": grade,
                                         "department": dept, "attributes": {}}, token=cls.tok["eng"])
        if r.status != 201:
            raise AssertionError("create CI %s: %r" % (name, r))
        return r.json["id"]

    # ---- helpers ----
    def now(self):
        return self.srv.now_ms()

    def advance(self, seconds):
        return self.relogin(self.srv.clock(seconds))

    def set_clock(self, ms):
        return self.relogin(self.srv.clock(set_to=fmt_time(ms)))

    @classmethod
    def relogin(cls, clock):
        """Sessions expire by the test clock (12 h): sign everyone in again
        when the clock has moved far since the last sign-in."""
        if clock["now_ms"] - getattr(cls, "login_ms", clock["now_ms"]) > 6 * HOUR * 1000:
            cls.srv.tokens = {}
            for name in cls.tok:
                cls.tok[name] = cls.srv.login(name, harness.USER_PW)
        if clock["now_ms"] - getattr(cls, "login_ms", 0) > 6 * HOUR * 1000:
            cls.login_ms = clock["now_ms"]
        return clock

    def create(self, grade=None, severity="moderate", ci_ids=None, who="eng", expect=201, **kw):
        body = {"title": kw.pop("title", "故障 %s %s" % (grade, severity)),
                "ci_ids": ci_ids if ci_ids is not None else [self.ci[grade]],
                "location": "机房A", "symptoms": "交易缓慢", "impact_scope": "柜面业务"}
        if severity is not None:
            body["severity"] = severity
        body.update(kw)
        r = self.srv.post("/api/v1/incidents", body, token=self.tok[who])
        self.assertStatus(r, expect)
        return r.json

    def get(self, iid, who="eng"):
        r = self.srv.get("/api/v1/incidents/%d" % iid, token=self.tok[who])
        self.assertStatus(r, 200)
        return r.json

    def report(self, iid, kind, who="eng", **fields):
        body = {"kind": kind}
        body.update(fields)
        return self.srv.post("/api/v1/incidents/%d/reports" % iid, body, token=self.tok[who])

    def first(self, iid, who="eng"):
        r = self.report(iid, "first", who)
        self.assertStatus(r, 201)
        return r.json

    def second(self, iid, level, who="eng"):
        r = self.report(iid, "second", who, response_level=level, system_impact="核心系统缓慢",
                        estimated_recovery_at=fmt_time(self.now() + HOUR * 1000))
        self.assertStatus(r, 201)
        return r.json

    def progress(self, iid, text="处理中", who="eng"):
        r = self.report(iid, "progress", who, text=text)
        self.assertStatus(r, 201)
        return r.json

    FINAL = {"cause": "存储控制器故障", "process": "切换备用控制器", "current_state": "已恢复",
             "business_impact_minutes": 35, "improvements": "增加巡检"}

    def final(self, iid, who="eng", **over):
        f = dict(self.FINAL)
        f.update(over)
        r = self.report(iid, "final", who, **f)
        self.assertStatus(r, 201)
        return r.json

    def action(self, iid, what, who):
        return self.srv.post("/api/v1/incidents/%d/%s" % (iid, what), None, token=self.tok[who])

    def patch(self, iid, body, who="eng"):
        return self.srv.request("PATCH", "/api/v1/incidents/%d" % iid, body, token=self.tok[who])

    def deadline(self, inc, kind, recipient=None):
        ds = [d for d in inc["deadlines"] if d["kind"] == kind
              and (recipient is None or d.get("recipient_id") == recipient)]
        self.assertTrue(ds, "no %s deadline in %r" % (kind, inc["deadlines"]))
        return ds

    def recipient_names(self, inc):
        return {r["username"] for r in inc["recipients"]}


# ---------------------------------------------------------------------------
class GradingTest(IncidentWorld):
    """R-INC-2…6: the grading at registration and the quick-reference."""

    CONTRACT = ("id", "number", "state", "level", "severity", "severity_provisional", "response_level",
                "handling_deadline", "first_report_due")

    def test_create_contract_fields_r_inc_2_3(self):
        before = self.now()
        inc = self.create("L3", "moderate")
        for k in self.CONTRACT:
            self.assertIn(k, inc)
        self.assertIsInstance(inc["id"], int)
        self.assertTrue(inc["number"].startswith("INC-"), inc["number"])
        self.assertEqual(inc["state"], "detected")
        self.assertEqual(inc["level"], "L3")
        self.assertEqual(inc["severity"], "moderate")
        self.assertIs(inc["severity_provisional"], False)
        self.assertEqual(inc["response_level"], "R3")
        # R-ESC-1: R3 8 h from detection; R-NOT-1: L3 first report within 10 min
        self.assertEqual(parse_time(inc["handling_deadline"]) - before, 8 * HOUR * 1000)
        self.assertEqual(parse_time(inc["first_report_due"]) - before, 10 * MIN * 1000)
        # GET has the same fields plus the detail lists
        g = self.get(inc["id"])
        for k in self.CONTRACT:
            self.assertEqual(g[k], inc[k], k)
        for k in ("escalations", "deadlines", "recipients", "acks", "reports", "timeline"):
            self.assertIsInstance(g[k], list, k)

    def test_level_is_highest_grade_of_several_cis_r_inc_2(self):
        inc = self.create(ci_ids=[self.ci["NG"], self.ci["L3"], self.ci["L2"]], severity="minor")
        self.assertEqual(inc["level"], "L2")
        self.assertEqual(inc["response_level"], "R2")
        inc = self.create(ci_ids=[self.ci["L3"], self.ci["L1"]], severity="minor")
        self.assertEqual(inc["level"], "L1")
        self.assertEqual(inc["response_level"], "R2")

    def test_matrix_through_api_r_inc_3(self):
        for grade, row in MATRIX.items():
            for sev, resp in row.items():
                with self.subTest(grade=grade, severity=sev):
                    inc = self.create(grade, sev)
                    self.assertEqual(inc["level"], grade)
                    self.assertEqual(inc["severity"], sev)
                    self.assertEqual(inc["response_level"], resp)
                    if resp == "NG":
                        self.assertIsNone(inc["handling_deadline"])

    def test_no_severity_is_severe_provisional_r_inc_4(self):
        inc = self.create("L2", severity=None)
        self.assertEqual(inc["severity"], "severe")
        self.assertIs(inc["severity_provisional"], True)
        self.assertEqual(inc["response_level"], "R1")
        # a later regrade with a known severity clears the provisional mark (with a reason: it lowers)
        r = self.patch(inc["id"], {"severity": "minor", "reason": "已查明影响轻微"})
        self.assertStatus(r, 200)
        self.assertIs(r.json["severity_provisional"], False)
        self.assertEqual(r.json["response_level"], "R2")

    def test_grading_endpoint_agrees_with_create_r_inc_6(self):
        limits = {"R1": 120, "R2": 240, "R3": 480, "NG": None}
        first = {"L1": 5, "L2": 5, "L3": 10, "NG": 10}
        roles = {"R1": "emergency_leadership", "R2": "ops_leader", "R3": "ops_department_head",
                 "NG": "ops_section_head"}
        for grade in ("L1", "L2", "L3", "NG"):
            for sev in ("severe", "moderate", "minor"):
                with self.subTest(grade=grade, severity=sev):
                    r = self.srv.get("/api/v1/grading?ci_id=%d&severity=%s" % (self.ci[grade], sev),
                                     token=self.tok["eng"])
                    self.assertStatus(r, 200)
                    g = r.json
                    inc = self.create(grade, sev)
                    self.assertEqual(g["level"], inc["level"])
                    self.assertEqual(g["response_level"], inc["response_level"])
                    self.assertEqual(g["handling_limit_minutes"], limits[g["response_level"]])
                    self.assertEqual(g["first_report_within_minutes"], first[grade])
                    self.assertEqual(g["activation_role"], roles[g["response_level"]])
                    self.assertTrue(g["rules"] and all("req" in x and "text" in x for x in g["rules"]))
        # category + grade form, and the provisional severity
        r = self.srv.get("/api/v1/grading?category=application&grade=L3", token=self.tok["eng"])
        self.assertStatus(r, 200)
        self.assertEqual(r.json["response_level"], "R2")
        self.assertIs(r.json["severity_provisional"], True)

    def test_grading_names_the_people_it_will_reach_r_not_1(self):
        """The prediction names the people of each recipient role (display
        names), the same people a registration then notifies; a role
        nobody holds is listed with nobody."""
        for grade in ("L1", "L2", "L3", "NG"):
            with self.subTest(grade=grade):
                g = self.srv.get("/api/v1/grading?ci_id=%d&severity=moderate" % self.ci[grade],
                                 token=self.tok["eng"]).json
                people = {p for r in g["recipients"] for p in r["people"]}
                self.assertEqual(people, RECIPIENTS[grade], g["recipients"])
                self.assertEqual(sorted(r["role"] for r in g["recipients"]), sorted(g["recipient_roles"]))
        # a category with no CI: owning department heads cannot be named, the other roles can
        g = self.srv.get("/api/v1/grading?category=application&grade=L3", token=self.tok["eng"]).json
        self.assertIn([], [r["people"] for r in g["recipients"] if r["role"] == "department_head"])

    def test_create_refusals(self):
        # unknown CI → 422; no CI → 422; bad severity → 422; liaison may not register → 403
        r = self.srv.post("/api/v1/incidents", {"title": "x", "ci_ids": [999999], "severity": "minor"},
                          token=self.tok["eng"])
        self.assertError(r, 422, field="ci_ids")
        r = self.srv.post("/api/v1/incidents", {"title": "x", "ci_ids": [], "severity": "minor"},
                          token=self.tok["eng"])
        self.assertError(r, 422)
        r = self.srv.post("/api/v1/incidents", {"title": "x", "ci_ids": [self.ci["L3"]], "severity": "huge"},
                          token=self.tok["eng"])
        self.assertError(r, 422, field="severity")
        r = self.srv.post("/api/v1/incidents", {"title": "x", "ci_ids": [self.ci["L3"]]}, token=self.tok["liaison"])
        self.assertStatus(r, 403)
        # the monitoring engineer may register (R-INC-5)
        self.create("L3", "minor", who="mon")


# ---------------------------------------------------------------------------
class NotifyTest(IncidentWorld):
    """R-NOT-1 recipients and outbox rows; R-NOT-4 acknowledgements."""

    def messages(self, inc, cause_part=None, kind=None):
        return [m for m in inc["messages"] if (cause_part is None or cause_part in m["cause"])
                and (kind is None or m["kind"] == kind)]

    def test_l1_recipients_and_outbox_r_not_1(self):
        inc = self.create("L1", "severe")
        self.assertEqual(self.get(inc["id"])["recipients"], [])  # nobody before the first report
        g = self.first(inc["id"])
        self.assertEqual(self.recipient_names(g), RECIPIENTS["L1"])
        first_msgs = self.messages(g, kind="first")
        # one row per recipient and channel (phone → sms, email → email)
        got = sorted((m["recipient_id"], m["channel"]) for m in first_msgs)
        want = sorted((self.uid[u], ch) for u in RECIPIENTS["L1"] for ch in ("email", "sms"))
        self.assertEqual(got, want)
        # a repeated first report is refused and writes no message
        r = self.report(inc["id"], "first")
        self.assertError(r, 409)
        self.assertEqual(len(self.get(inc["id"])["messages"]), len(g["messages"]))

    def test_l2_recipients_include_owning_department_head_r_not_1(self):
        inc = self.create("L2", "moderate")
        g = self.first(inc["id"])
        names = self.recipient_names(g)
        self.assertEqual(names, RECIPIENTS["L2"])
        self.assertNotIn("dh_other", names)
        self.assertNotIn("el", names)
        for u in RECIPIENTS["L2"]:
            chans = {m["channel"] for m in self.messages(g, kind="first") if m["recipient_id"] == self.uid[u]}
            self.assertEqual(chans, {"sms", "email"}, u)

    def test_l3_and_ng_recipients_r_not_1(self):
        for grade, sev in (("L3", "minor"), ("NG", "minor")):
            with self.subTest(grade=grade):
                inc = self.create(grade, sev)
                g = self.first(inc["id"])
                self.assertEqual(self.recipient_names(g), RECIPIENTS[grade])
                # R-NOT-4: L1, L2 and L3 recipients must acknowledge (seed 000 ch. 7
                # §2.1 item 6, second sentence), non-graded ones not
                acks = [d for d in g["deadlines"] if d["kind"] == "ack"]
                if grade == "NG":
                    for rc in g["recipients"]:
                        self.assertIsNone(rc["ack_due"], rc)
                        self.assertIs(rc["ack_overdue"], False)
                    self.assertFalse(acks)
                else:
                    for rc in g["recipients"]:
                        self.assertIsNotNone(rc["ack_due"], rc)
                    self.assertEqual(len(acks), len(RECIPIENTS["L3"]))

    def test_repeat_cause_writes_no_duplicate_r_not_7(self):
        # escalation to R2 notifies with cause inc:<id>:esc:R2; a lowering regrade and
        # a second time escalation to R2 reuse that cause: no duplicate rows.
        inc = self.create("L3", "moderate")
        self.first(inc["id"])
        self.advance(4 * HOUR)
        g = self.get(inc["id"])
        self.assertEqual(g["response_level"], "R2")
        # the escalation notifies the L2 recipients (R-ESC-3), one message per person and
        # channel: the newly added ones the join notice with the ack request (cause
        # …:esc:R2:join), those who were recipients already the notice (cause …:esc:R2)
        esc = [m for m in g["messages"] if m["cause"].endswith(":esc:R2")]
        join = [m for m in g["messages"] if m["cause"].endswith(":esc:R2:join")]
        for u in RECIPIENTS["L2"]:
            new = u not in RECIPIENTS["L3"]  # recipients since the L3 first report get no join notice
            got = sorted(m["channel"] for m in esc if m["recipient_id"] == self.uid[u])
            self.assertEqual(got, [] if new else ["email", "sms"], u)
            got = sorted(m["channel"] for m in join if m["recipient_id"] == self.uid[u])
            self.assertEqual(got, ["email", "sms"] if new else [], u)
        keys = [(m["cause"], m["recipient_id"], m["channel"]) for m in g["messages"]]
        self.assertEqual(len(keys), len(set(keys)))
        # a refused regrade (below the time rule) writes nothing
        r = self.patch(inc["id"], {"response_level": "R3", "reason": "test"})
        self.assertError(r, 422, field="response_level")
        g2 = self.get(inc["id"])
        self.assertEqual(len(g2["messages"]), len(g["messages"]))
        self.assertEqual(g2["response_level"], "R2")

    def test_acks_r_not_4(self):
        inc = self.create("L1", "moderate")
        g = self.first(inc["id"])
        notified = None
        for rc in g["recipients"]:
            notified = parse_time(rc["notified_at"])
            if rc["username"] in ACKERS["L1"]:
                self.assertIs(rc["ack_required"], True, rc)
                self.assertEqual(parse_time(rc["ack_due"]) - notified, 5 * MIN * 1000, rc)
            else:  # the leadership group is told, owes no acknowledgement (item 6)
                self.assertIs(rc["ack_required"], False, rc)
                self.assertIsNone(rc["ack_due"], rc)
            self.assertIsNone(rc["acked_at"])
        self.assertEqual({rc["username"] for rc in g["recipients"] if rc["ack_required"]}, ACKERS["L1"])
        self.assertEqual([d for d in g["deadlines"] if d["kind"] == "ack" and d.get("recipient_id") == self.uid["el"]],
                         [])
        self.assertEqual(len([d for d in g["deadlines"] if d["kind"] == "ack"]), len(ACKERS["L1"]))
        # a recipient who owes it acknowledges
        r = self.action(inc["id"], "ack", "opsdept")
        self.assertStatus(r, 200)
        rc = {x["username"]: x for x in r.json["recipients"]}
        self.assertIsNotNone(rc["opsdept"]["acked_at"])
        self.assertIn("opsdept", {a["username"] for a in r.json["acks"]})
        d = self.deadline(r.json, "ack", self.uid["opsdept"])[0]
        self.assertIsNotNone(d["met_at"])
        self.assertIs(d["missed"], False)
        # acknowledging twice is harmless
        self.assertStatus(self.action(inc["id"], "ack", "opsdept"), 200)
        # a leader who owes nothing may still acknowledge: recorded, no deadline
        r = self.action(inc["id"], "ack", "el")
        self.assertStatus(r, 200)
        self.assertIsNotNone({x["username"]: x for x in r.json["recipients"]}["el"]["acked_at"])
        # a non-recipient may not acknowledge
        r = self.action(inc["id"], "ack", "dh_other")
        self.assertError(r, 403)
        r = self.action(inc["id"], "ack", "leader")  # L1: the ops leader is not a recipient
        self.assertError(r, 403)
        # 5 min + 1 s later: the others are overdue and reminded
        self.set_clock(notified + 5 * MIN * 1000 + 1000)
        g = self.get(inc["id"])
        rc = {x["username"]: x for x in g["recipients"]}
        self.assertIs(rc["el"]["ack_overdue"], False)
        self.assertIs(rc["opsdept"]["ack_overdue"], False)
        for u in ("sechead", "liaison"):
            self.assertIs(rc[u]["ack_overdue"], True, u)
            self.assertIs(self.deadline(g, "ack", self.uid[u])[0]["missed"], True)
            rem = [m for m in g["messages"] if m["kind"] == "reminder" and m["recipient_id"] == self.uid[u]]
            self.assertTrue(rem, "no reminder for %s: %r" % (u, g["messages"]))
        self.assertFalse([m for m in g["messages"] if m["kind"] == "reminder"
                          and m["recipient_id"] == self.uid["el"]])
        # a late acknowledgement is recorded as met late
        r = self.action(inc["id"], "ack", "liaison")
        self.assertStatus(r, 200)
        d = self.deadline(r.json, "ack", self.uid["liaison"])[0]
        self.assertIsNotNone(d["met_at"])
        self.assertIs(d["missed"], True)


# ---------------------------------------------------------------------------
class LifecycleTest(IncidentWorld):
    """R-CLOSE-2 state machine, R-NOT-2 required fields, R-ACT-1 / R-CLOSE-1
    authorities, regrading (R-INC-4, R-ESC-3), review (R-PIR-1…3), drills."""

    def test_timeline_and_reports_name_people_by_display_name(self):
        """Reports and the timeline carry the author's display name beside
        the username (people read 王建国, not wangjg); the system keeps its key."""
        _, tok = self.srv.make_user("wangjg", ["ops_engineer"], display_name="王建国")
        self.tok["wangjg"] = tok
        inc = self.create("L3", "moderate", who="wangjg")
        g = self.first(inc["id"], who="wangjg")
        self.assertEqual([(r["author"], r["author_name"]) for r in g["reports"]], [("wangjg", "王建国")])
        mine = [t for t in g["timeline"] if t["actor"] == "wangjg"]
        self.assertEqual(len(mine), 2, g["timeline"])  # registered, first report
        self.assertEqual({t["actor_name"] for t in mine}, {"王建国"})
        for t in g["timeline"]:
            self.assertTrue(t["actor_name"], t)

    def test_illegal_actions_409_name_missing_step_r_close_2(self):
        inc = self.create("L3", "moderate")
        iid = inc["id"]
        r = self.report(iid, "second", response_level="R3", system_impact="x",
                        estimated_recovery_at=fmt_time(self.now() + HOUR * 1000))
        self.assertError(r, 409, contains="first report")
        r = self.report(iid, "progress", text="x")
        self.assertError(r, 409, contains="first report")
        self.first(iid)
        r = self.action(iid, "activate", "opsdept")
        self.assertError(r, 409, contains="second report")
        r = self.report(iid, "final", **self.FINAL)
        self.assertError(r, 409, contains="second report")
        self.second(iid, "R3")
        self.assertStatus(self.action(iid, "activate", "opsdept"), 200)
        r = self.action(iid, "close", "opsdept")
        self.assertError(r, 409, contains="final report")
        r = self.srv.post("/api/v1/incidents/%d/review" % iid, self.REVIEW, token=self.tok["eng"])
        self.assertError(r, 409, contains="final report")
        self.final(iid)
        r = self.srv.post("/api/v1/incidents/%d/review" % iid, self.REVIEW, token=self.tok["eng"])
        self.assertError(r, 409, contains="closure")
        r = self.report(iid, "progress", text="x")
        self.assertError(r, 409)
        self.assertEqual(self.get(iid)["state"], "resolved")

    def test_missing_report_fields_422_lists_all_r_not_2(self):
        inc = self.create("L3", "minor", location="", symptoms="", impact_scope="")
        iid = inc["id"]
        r = self.report(iid, "first")
        err = self.assertError(r, 422)
        for f in ("location", "symptoms", "impact_scope"):
            self.assertIn(f, err["message"])
        r = self.report(iid, "first", location="机房B", symptoms="宕机", impact_scope="全部")
        self.assertStatus(r, 201)
        r = self.report(iid, "second", system_impact="")
        err = self.assertError(r, 422)
        for f in ("response_level", "system_impact", "estimated_recovery_at"):
            self.assertIn(f, err["message"])
        self.second(iid, "R3")
        self.assertStatus(self.action(iid, "activate", "opsdept"), 200)
        r = self.report(iid, "progress")
        self.assertIn("text", self.assertError(r, 422)["message"])
        r = self.report(iid, "final", cause="电源故障")
        err = self.assertError(r, 422)
        for f in ("process", "current_state", "improvements"):
            self.assertIn(f, err["message"])
        # business_impact_minutes: derived from impact intervals, else optional (R-SLA-5)
        self.assertNotIn("business_impact_minutes", err["message"])
        self.assertNotIn("cause,", err["message"])
        self.assertEqual(self.get(iid)["state"], "activated")

    def test_second_report_lower_level_422_r_close_2(self):
        inc = self.create("L2", "moderate")  # R2
        self.first(inc["id"])
        r = self.report(inc["id"], "second", response_level="R3", system_impact="x",
                        estimated_recovery_at=fmt_time(self.now() + HOUR * 1000))
        self.assertError(r, 422, field="response_level")
        self.assertEqual(self.get(inc["id"])["state"], "reported")
        # confirming a higher level raises it (R-ESC-3: a human may raise at any time)
        g = self.second(inc["id"], "R1")
        self.assertEqual(g["state"], "confirmed")
        self.assertEqual(g["response_level"], "R1")
        self.assertEqual(g["closing_role"], "emergency_leadership")

    def test_authority_activate_and_close_r_act_1_r_close_1(self):
        inc = self.create("L2", "moderate")  # R2
        iid = inc["id"]
        self.first(iid)
        self.second(iid, "R2")
        r = self.action(iid, "activate", "opsdept")
        self.assertError(r, 403, contains="ops_leader")
        r = self.action(iid, "activate", "leader")
        self.assertStatus(r, 200)
        self.assertEqual(r.json["state"], "activated")
        # 2 h after detection: R2 → R1 (R-ESC-2); the closing authority rises
        self.set_clock(parse_time(inc["handling_deadline"]) - 2 * HOUR * 1000)
        g = self.get(iid)
        self.assertEqual(g["response_level"], "R1")
        self.assertEqual(g["closing_role"], "emergency_leadership")
        self.final(iid)
        r = self.action(iid, "close", "leader")
        self.assertError(r, 403, contains="emergency_leadership")
        r = self.action(iid, "close", "el")
        self.assertStatus(r, 200)
        self.assertEqual(r.json["state"], "closed")

    def test_regrade_r_inc_4_r_esc_3(self):
        inc = self.create("L1", "severe")  # R1
        iid = inc["id"]
        r = self.patch(iid, {"severity": "minor"})  # L1 minor → R2: lowering
        self.assertError(r, 422, field="reason")
        self.assertEqual(self.get(iid)["response_level"], "R1")
        r = self.patch(iid, {"response_level": "R2"})
        self.assertError(r, 422, field="reason")
        r = self.patch(iid, {"severity": "minor", "reason": "影响范围小于初判"})
        self.assertStatus(r, 200)
        g = r.json
        self.assertEqual(g["severity"], "minor")
        self.assertEqual(g["response_level"], "R2")
        self.assertEqual(g["closing_role"], "emergency_leadership")  # highest reached stays R1
        self.assertIn({"from": "R1", "to": "R2"}, [{"from": e["from"], "to": e["to"]} for e in g["escalations"]])
        self.assertIn("影响范围小于初判", [e["reason"] for e in g["escalations"] if e["to"] == "R2"])
        self.assertTrue([t for t in g["timeline"] if t["kind"] == "regrade" and "影响范围小于初判" in t["text"]])
        # raising the severity raises the level (no reason needed)
        inc = self.create("L3", "minor")  # R3
        r = self.patch(inc["id"], {"severity": "severe"})
        self.assertStatus(r, 200)
        self.assertEqual(r.json["response_level"], "R2")
        self.assertEqual(r.json["severity"], "severe")
        self.assertEqual([(e["from"], e["to"]) for e in r.json["escalations"]], [("R3", "R2")])
        self.assertTrue([t for t in r.json["timeline"] if t["kind"] == "regrade"])
        # raising the CI set raises the incident level
        r = self.patch(inc["id"], {"ci_ids": [self.ci["L3"], self.ci["L1"]]})
        self.assertStatus(r, 200)
        self.assertEqual(r.json["level"], "L1")
        self.assertEqual(r.json["response_level"], "R1")
        # lowering the CI set without a reason → 422
        r = self.patch(inc["id"], {"ci_ids": [self.ci["L3"]]})
        self.assertError(r, 422, field="reason")

    REVIEW = {"cause_analysis": "固件缺陷 quasarflux 导致控制器重启", "lessons": "演练不足",
              "improvements": "升级固件", "measures": "更换控制器并回切", "result": "业务于两小时内恢复"}

    def test_whole_path_review_cases_export_r_pir_1_2_3(self):
        """detection → first → second → activate → progress → final → close → review → case library."""
        inc = self.create("L3", "moderate", title="核心存储故障")
        iid = inc["id"]
        self.assertEqual(self.first(iid)["state"], "reported")
        self.assertEqual(self.second(iid, "R3")["state"], "confirmed")
        r = self.action(iid, "activate", "opsdept")
        self.assertStatus(r, 200)
        self.assertEqual(r.json["state"], "activated")
        self.progress(iid, "已切换备用链路")
        self.assertEqual(self.final(iid, cause="<script>alert(1)</script> 控制器故障")["state"], "resolved")
        r = self.action(iid, "close", "opsdept")
        self.assertStatus(r, 200)
        self.assertEqual(r.json["state"], "closed")
        r = self.srv.post("/api/v1/incidents/%d/review" % iid, {"cause_analysis": "x"}, token=self.tok["eng"])
        err = self.assertError(r, 422)
        for f in ("lessons", "improvements", "measures", "result"):  # R-NOT-2 style: all of them
            self.assertIn(f, err["message"])
        r = self.srv.post("/api/v1/incidents/%d/review" % iid, self.REVIEW, token=self.tok["eng"])
        self.assertStatus(r, 200)
        self.assertEqual(r.json["state"], "reviewed")
        kinds = [x["kind"] for x in r.json["reports"]]
        self.assertEqual(kinds, ["first", "second", "progress", "final", "review"])
        for rep in r.json["reports"]:
            self.assertIn(rep["desk"], ("monitoring", "ops_security"))  # R-NOT-3
            self.assertEqual(rep["author"], "eng")
        # R-PIR-2 the case library, searchable
        r = self.srv.get("/api/v1/cases?q=quasarflux", token=self.tok["eng"])
        self.assertStatus(r, 200)
        self.assertEqual([c["incident_id"] for c in r.json["items"]], [iid])
        self.assertEqual(r.json["items"][0]["number"], inc["number"])
        self.assertEqual(r.json["total"], 1)  # the list envelope counts the matches
        # the full-text index shared with the known errors: a Chinese substring without spaces, two
        # words in any order and case, a short query (under 3 characters) by a scan
        for q in ("控制器重启", "QUASARFLUX 固件缺陷", "演练"):
            r = self.srv.get("/api/v1/cases?q=" + urllib.parse.quote(q), token=self.tok["eng"])
            self.assertEqual([c["incident_id"] for c in r.json["items"]], [iid], q)
        r = self.srv.get("/api/v1/cases?q=nosuchwordanywhere", token=self.tok["eng"])
        self.assertEqual(r.json["items"], [])
        self.assertEqual(r.json["total"], 0)
        # R-SEC-SYS-2 a scoped reader finds the case only within its departments (the incident's
        # departments are read for scoped readers only)
        _, inside = self.srv.make_user("case_in", ["ops_engineer"], department=CI_DEPT, scopes=[CI_DEPT])
        _, outside = self.srv.make_user("case_out", ["ops_engineer"], department=OTHER_DEPT, scopes=[OTHER_DEPT])
        for tok, want in ((inside, [iid]), (outside, [])):
            r = self.srv.get("/api/v1/cases?q=quasarflux", token=tok)
            self.assertStatus(r, 200)
            self.assertEqual(([c["incident_id"] for c in r.json["items"]], r.json["total"]), (want, len(want)))
        # R-PIR-3 export
        r = self.srv.get("/api/v1/incidents/%d/report.md" % iid, token=self.tok["eng"])
        self.assertStatus(r, 200)
        self.assertIn("markdown", r.headers.get("Content-Type", ""))
        for s in (inc["number"], "控制器故障", "更换控制器并回切", "业务于两小时内恢复", "机房A"):
            self.assertIn(s, r.raw)
        r = self.srv.get("/api/v1/incidents/%d/report.html" % iid, token=self.tok["eng"])
        self.assertStatus(r, 200)
        self.assertIn("text/html", r.headers.get("Content-Type", ""))
        for s in (inc["number"], "控制器故障", "更换控制器并回切", "业务于两小时内恢复"):
            self.assertIn(s, r.raw)
        self.assertNotIn("<script>", r.raw)
        self.assertIn("&lt;script&gt;", r.raw)
        # after review nothing moves any more
        r = self.action(iid, "close", "opsdept")
        self.assertError(r, 409)

    def test_first_report_fields_update_the_incident_r_not_2(self):
        inc = self.create("L3", "minor", location="", symptoms="", impact_scope="")
        r = self.report(inc["id"], "first", location="机房C-12", symptoms="链路丢包", impact_scope="网银")
        self.assertStatus(r, 201)
        g = r.json
        self.assertEqual((g["location"], g["symptoms"], g["impact_scope"]), ("机房C-12", "链路丢包", "网银"))
        md = self.srv.get("/api/v1/incidents/%d/report.md" % inc["id"], token=self.tok["eng"]).raw
        self.assertIn("机房C-12", md)

    def test_long_text_kept_whole_utf8_r_pir_3(self):
        # long Chinese text must not be cut in the middle of a character (the timeline
        # entry would vanish from the JSON) nor dropped from the report
        inc = self.create("L1", "severe")
        reason = "因" + "核实后影响范围较小" * 70 + "止"  # ~1900 bytes
        r = self.patch(inc["id"], {"severity": "minor", "reason": reason})
        self.assertStatus(r, 200)
        tl = [t for t in r.json["timeline"] if t["kind"] == "regrade"]
        self.assertEqual(len(tl), 1, r.json["timeline"])
        md = self.srv.get("/api/v1/incidents/%d/report.md" % inc["id"], token=self.tok["eng"])
        md.raw.encode("utf-8")
        self.assertNotIn("\ufffd", md.raw)
        self.assertIn(reason, md.raw)
        # many CIs with long names: every one is listed in the report
        names = ["ci-%02d-%s" % (i, "x" * 150) for i in range(8)]
        ids = [self.make_ci(n, "L3") for n in names]
        inc = self.create(ci_ids=ids, severity="minor")
        for fmt in ("md", "html"):
            doc = self.srv.get("/api/v1/incidents/%d/report.%s" % (inc["id"], fmt), token=self.tok["eng"]).raw
            for n in names:
                self.assertIn(n.replace("_", "\\_") if fmt == "md" else n, doc)

    def test_list_filters(self):
        a = self.create("L3", "minor", title="filterprobe alpha")
        b = self.create("L1", "severe", title="filterprobe beta")
        r = self.srv.get("/api/v1/incidents?q=filterprobe", token=self.tok["eng"])
        self.assertStatus(r, 200)
        self.assertEqual(sorted(i["id"] for i in r.json["items"]), sorted([a["id"], b["id"]]))
        r = self.srv.get("/api/v1/incidents?q=filterprobe&level=L1", token=self.tok["eng"])
        self.assertEqual([i["id"] for i in r.json["items"]], [b["id"]])
        r = self.srv.get("/api/v1/incidents?q=filterprobe&response_level=R3&state=detected", token=self.tok["eng"])
        self.assertEqual([i["id"] for i in r.json["items"]], [a["id"]])
        r = self.srv.get("/api/v1/incidents?drill=maybe", token=self.tok["eng"])
        self.assertStatus(r, 400)


class CmdbLeakTest(harness.ServerTest):
    """A leak these tests found under ASan (fixed in od_ci_create): a CI created
    without "attributes" leaked a JSON object; LeakSanitizer fails the server's exit."""

    @unittest.skipUnless("asan" in os.path.basename(harness.BIN), "a leak shows only on the -asan build")
    def test_ci_without_attributes_no_leak(self):
        _, tok = self.srv.make_user("eng", ["ops_engineer"])
        r = self.srv.post("/api/v1/cis", {"name": "leakprobe", "category": "application", "grade": "L3",
                                          "department": CI_DEPT}, token=tok)
        self.assertStatus(r, 201)
        rc = self.srv.stop()
        self.assertEqual(rc, 0, self.srv.read_log()[-3000:])


if __name__ == "__main__":
    harness.main()
