"""test_plans.py — emergency plans (应急预案; research/modules-spec.md §M7,
seed 000 ch. 9; R-PLAN-1 versions, R-PLAN-2 approval by the emergency
leadership group with a quorum, R-PLAN-3 review every six months;
docs/plans.md): a plan record of kind plan through its policy-declared
workflow draft → evaluated → submitted → approved → published with the right
and the wrong actors, Markdown versions rendered to safe HTML, a published
version frozen, the approval quorum (one vote: not enough; two: approved;
a rejection: rework), the review due exactly at next_review_at (1 ms before:
not listed; at: listed) and moved by a review, revision into version 2
(version 1 superseded, unchanged), the plans an incident shows (R-PLAN-4:
by CI, by level, by a CI's category; never a plan not yet published), and
bad input refused with nothing changed.  Runs on SQLite and PostgreSQL (OD_PG_API_SUBSET)."""
import calendar
import time

import harness

SEC = 1000
DAY = 86400 * SEC

BODY = "# 数据库故障应急预案\n\n1. 启动 **一级响应**\n2. 通知应急领导小组\n\n<script>alert(1)</script>\n"


def utc(ms):
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(ms // 1000)) + ".%03dZ" % (ms % 1000)


def parse(s):
    t = time.strptime(s[:19], "%Y-%m-%dT%H:%M:%S")
    ms = int(s[20:23]) if len(s) > 20 and s[19] == "." else 0
    return calendar.timegm(t) * 1000 + ms


def add_months(ms, n):
    """Calendar months in UTC, the day clamped (core/plan.h)."""
    days, tod = divmod(ms, DAY)
    t = time.gmtime(days * 86400)
    mi = t.tm_year * 12 + t.tm_mon - 1 + n
    y, m = divmod(mi, 12)
    d = min(t.tm_mday, calendar.monthrange(y, m + 1)[1])
    return calendar.timegm((y, m + 1, d, 0, 0, 0)) * 1000 + tod


class Plans(harness.ServerTest):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        s = cls.srv
        try:
            cls.eng_id, cls.eng = s.make_user("eng", ["emergency_engineering"])
            cls.l1_id, cls.l1 = s.make_user("lead1", ["emergency_leadership"])
            cls.l2_id, cls.l2 = s.make_user("lead2", ["emergency_leadership"])
            cls.l3_id, cls.l3 = s.make_user("lead3", ["emergency_leadership"])
            cls.ops_id, cls.ops = s.make_user("ops", ["ops_engineer"])
            r = s.post("/api/v1/committees", {"key": "emergency_leadership", "name_zh": "应急领导小组",
                                              "name_en": "Emergency leadership group", "chair_id": cls.l1_id,
                                              "members": [cls.l2_id, cls.l3_id], "quorum": 2},
                       token=s.admin("sysadmin"))
            assert r.status == 201, r
        except Exception:
            cls.tearDownClass()
            raise

    # ---- helpers ----
    def setUp(self):
        self.relogin()

    def relogin(self):
        """The test clock jumps months ahead: sessions expire, sign in again."""
        for attr, name in (("eng", "eng"), ("l1", "lead1"), ("l2", "lead2"), ("l3", "lead3"), ("ops", "ops")):
            setattr(Plans, attr, self.srv.login(name, harness.USER_PW))

    def create(self, **fields):
        f = {"owner_id": self.eng_id, "scope_classes": ["数据库故障"], "scope_services": ["网上银行"]}
        f.update(fields)
        r = self.srv.post("/api/v1/plans", {"title": "数据库故障应急预案", "fields": f}, token=self.eng)
        self.assertStatus(r, 201)
        return r.json

    def get(self, pid):
        r = self.srv.get("/api/v1/plans/%d" % pid, token=self.eng)
        self.assertStatus(r, 200)
        return r.json

    def act(self, pid, action, token, reason=None, fields=None):
        body = {"version": self.get(pid)["version"]}
        if reason is not None:
            body["reason"] = reason
        if fields is not None:
            body["fields"] = fields
        return self.srv.post("/api/v1/records/%d/actions/%s" % (pid, action), body, token=token)

    def ok(self, pid, action, token, **kw):
        r = self.act(pid, action, token, **kw)
        self.assertStatus(r, 200)
        return r.json

    def add_version(self, pid, body=BODY, status=201):
        r = self.srv.post("/api/v1/plans/%d/versions" % pid, {"body": body}, token=self.eng)
        self.assertStatus(r, status)
        return r.json

    def vote(self, pid, token, decision="approve", comment=None):
        rid = self.srv.get("/api/v1/records/%d/approvals" % pid, token=self.eng).json["items"][-1]["id"]
        body = {"step": "plan_approval", "decision": decision}
        if comment:
            body["comment"] = comment
        return self.srv.post("/api/v1/records/%d/approvals/%d/votes" % (pid, rid), body, token=token)

    def publish(self, pid):
        """draft with a version → published, the clock moved 1 s between steps."""
        self.ok(pid, "evaluate", self.eng, fields={"evaluation": "演练评估通过"})
        self.srv.clock(1)
        self.ok(pid, "submit", self.eng)
        self.assertStatus(self.vote(pid, self.l1), 200)
        self.assertStatus(self.vote(pid, self.l2), 200)
        self.srv.clock(1)
        self.ok(pid, "approve", self.eng)
        self.srv.clock(1)
        return self.ok(pid, "publish", self.l1)

    # ---- the lifecycle ----
    def test_lifecycle_versions_and_quorum(self):
        p = self.create()
        pid = p["id"]
        self.assertRegex(p["number"], r"^PLN-\d{4}-\d{6}$")
        self.assertEqual((p["kind"], p["state"]), ("plan", "draft"))
        self.assertEqual((p["plan"]["owner_id"], p["plan"]["review_months"], p["plan"]["versions"],
                          p["plan"]["next_review_at"], p["plan"]["review_due"]), (self.eng_id, 6, [], None, False))
        self.assertEqual(p["plan"]["scope_services"], ["网上银行"])
        # an ops engineer may not create a plan (R-PLAN-1: the engineering group drafts)
        r = self.srv.post("/api/v1/plans", {"title": "x"}, token=self.ops)
        self.assertStatus(r, 403)
        # no version yet: evaluation refused, naming it
        self.assertEqual(self.act(pid, "evaluate", self.eng, fields={"evaluation": "ok"}).json["error"]["field"],
                         "has_version")
        v = self.add_version(pid)
        self.assertEqual((v["number"], v["state"], v["body"], v["plan_id"]), (1, "draft", BODY, pid))
        self.assertIn("<h1>数据库故障应急预案</h1>", v["html"])
        self.assertIn("<strong>一级响应</strong>", v["html"])
        self.assertNotIn("<script>", v["html"])  # raw HTML is not passed through
        # the version is on the record's timeline and in the audit trail
        tl = self.srv.get("/api/v1/records/%d/timeline" % pid, token=self.eng).json["items"]
        self.assertEqual([t["data"]["number"] for t in tl if t["kind"] == "plan_version"], [1])
        aud = self.srv.get("/api/v1/audit?limit=5", token=self.srv.admin("auditor")).json["items"]
        self.assertIn(("plan.version", pid), [(x["action"], x["entity_id"]) for x in aud])
        # the evaluation text is required
        self.assertEqual(self.act(pid, "evaluate", self.eng).json["error"]["field"], "evaluation")
        self.ok(pid, "evaluate", self.eng, fields={"evaluation": "评估通过"})
        self.assertEqual(self.get(pid)["state"], "evaluated")
        # frozen while evaluated
        self.assertError(self.srv.post("/api/v1/plans/%d/versions" % pid, {"body": "x"}, token=self.eng), 409,
                         field="state")
        # submit: only the owner or the engineering group
        self.assertStatus(self.act(pid, "submit", self.ops), 403)
        self.ok(pid, "submit", self.eng)
        rounds = self.srv.get("/api/v1/records/%d/approvals" % pid, token=self.eng).json["items"]
        self.assertEqual(len(rounds), 1)
        # quorum 2 of the committee's 3: one vote is not enough
        self.assertStatus(self.vote(pid, self.ops), 403)  # no member
        self.assertStatus(self.vote(pid, self.l1), 200)
        self.assertEqual(self.act(pid, "approve", self.eng).json["error"]["field"], "plan_approval")
        self.assertStatus(self.vote(pid, self.l3), 200)
        self.assertStatus(self.act(pid, "approve", self.ops), 403)
        self.ok(pid, "approve", self.eng)
        self.srv.clock(1)
        self.assertStatus(self.act(pid, "publish", self.ops), 403)
        self.ok(pid, "publish", self.l2)
        g = self.get(pid)
        pub = parse(g["plan"]["published_at"])
        self.assertEqual(pub, self.srv.now_ms())
        self.assertEqual((g["state"], g["plan"]["current_version"]), ("published", 1))
        self.assertEqual(parse(g["plan"]["next_review_at"]), add_months(pub, 6))
        self.assertEqual([(x["number"], x["state"]) for x in g["plan"]["versions"]], [(1, "published")])
        # a published version is frozen
        self.assertError(self.srv.post("/api/v1/plans/%d/versions" % pid, {"body": "改"}, token=self.eng), 409,
                         field="state")
        r = self.srv.get("/api/v1/plans/%d/versions/1" % pid, token=self.ops)
        self.assertStatus(r, 200)
        self.assertEqual((r.json["body"], r.json["state"], parse(r.json["published_at"])), (BODY, "published", pub))
        self.assertError(self.srv.get("/api/v1/plans/%d/versions/2" % pid, token=self.eng), 404)
        # listed with its typed fields
        lst = self.srv.get("/api/v1/plans?state=published", token=self.ops).json
        self.assertIn(pid, [x["id"] for x in lst["items"]])
        self.assertTrue(all("plan" in x for x in lst["items"]))

    def test_rejection_and_rework(self):
        pid = self.create()["id"]
        self.add_version(pid)
        self.ok(pid, "evaluate", self.eng, fields={"evaluation": "评估"})
        self.ok(pid, "submit", self.eng)
        self.assertStatus(self.vote(pid, self.l1, "reject"), 422)  # a rejection needs a comment
        self.assertStatus(self.vote(pid, self.l1, "reject", "联系人不全"), 200)
        self.assertStatus(self.vote(pid, self.l2), 200)
        self.assertStatus(self.vote(pid, self.l3), 200)
        # 2 approvals of 3 with one rejection: accepted by quorum count 2
        self.ok(pid, "approve", self.eng)
        self.assertStatus(self.act(pid, "rework", self.eng), 409)  # a reason is required
        self.ok(pid, "rework", self.eng, reason="补充联系人")
        self.assertEqual(self.get(pid)["state"], "draft")
        v2 = self.add_version(pid, "# v2\n")
        self.assertEqual(v2["number"], 2)
        vs = self.get(pid)["plan"]["versions"]
        self.assertEqual([(x["number"], x["state"]) for x in vs], [(1, "withdrawn"), (2, "draft")])
        # a new approval round is needed after rework: the old accepted one does not count
        self.ok(pid, "evaluate", self.eng)
        self.ok(pid, "submit", self.eng)
        self.assertEqual(self.act(pid, "approve", self.eng).json["error"]["field"], "plan_approval")
        self.assertEqual(len(self.srv.get("/api/v1/records/%d/approvals" % pid, token=self.eng).json["items"]), 2)

    # ---- the review cycle (R-PLAN-3) ----
    def test_review_due_at_six_months_and_review(self):
        pid = self.create(review_months=6)["id"]
        self.add_version(pid)
        self.publish(pid)
        nxt = parse(self.get(pid)["plan"]["next_review_at"])
        overdue = lambda: [x["id"] for x in self.srv.get("/api/v1/plans/overdue", token=self.ops).json["items"]]
        self.srv.clock(set_to=utc(nxt - 1))
        self.relogin()
        self.assertNotIn(pid, overdue())
        self.assertFalse(self.get(pid)["plan"]["review_due"])
        self.srv.clock(set_to=utc(nxt))
        self.relogin()
        self.assertIn(pid, overdue())
        self.assertTrue(self.get(pid)["plan"]["review_due"])
        # the review: by the owner or the leadership, with its conclusion
        self.assertStatus(self.act(pid, "review", self.ops, reason="x"), 403)
        self.assertStatus(self.act(pid, "review", self.eng), 409)
        self.srv.clock(60)
        self.ok(pid, "review", self.eng, reason="复核无变化")
        g = self.get(pid)
        now = self.srv.now_ms()
        self.assertEqual(parse(g["plan"]["reviewed_at"]), now)
        self.assertEqual(parse(g["plan"]["next_review_at"]), add_months(now, 6))
        self.assertFalse(g["plan"]["review_due"])
        self.assertNotIn(pid, overdue())
        # a shorter cycle moves the next review at once
        r = self.srv.request("PATCH", "/api/v1/plans/%d" % pid,
                             {"version": g["version"], "fields": {"review_months": 1}}, token=self.eng)
        self.assertStatus(r, 200)
        self.assertEqual(parse(r.json["plan"]["next_review_at"]), add_months(now, 1))

    def test_revision_supersedes_and_keeps_the_old_version(self):
        pid = self.create()["id"]
        self.add_version(pid)
        self.publish(pid)
        self.assertStatus(self.act(pid, "revise", self.eng), 409)  # reason required
        self.ok(pid, "revise", self.eng, reason="组织机构调整")
        self.srv.clock(1)
        self.add_version(pid, "# 第二版\n")
        self.publish(pid)
        g = self.get(pid)
        self.assertEqual(g["plan"]["current_version"], 2)
        self.assertEqual([(x["number"], x["state"]) for x in g["plan"]["versions"]],
                         [(1, "superseded"), (2, "published")])
        v1 = self.srv.get("/api/v1/plans/%d/versions/1" % pid, token=self.eng).json
        self.assertEqual((v1["body"], v1["state"]), (BODY, "superseded"))

    # ---- the plans that apply to an incident (R-PLAN-4) ----
    def test_incident_shows_the_plans_that_apply(self):
        s = self.srv
        ops = s.make_user("ops2", ["ops_engineer"])[1] if not hasattr(Plans, "ops2") else Plans.ops2
        Plans.ops2 = ops
        cis = []
        for name, cat, grade in (("pl-db-1", "database", "L2"), ("pl-net-1", "network", "L2"),
                                 ("pl-app-1", "application", "L3")):
            r = s.post("/api/v1/cis", {"name": name, "category": cat, "grade": grade, "department": "运行部",
                                       "attributes": {}}, token=ops)
            self.assertStatus(r, 201)
            cis.append(r.json["id"])
        db, net, app = cis
        r = s.post("/api/v1/incidents", {"title": "数据库与网络中断", "ci_ids": [db, net], "severity": "minor",
                                         "location": "主机房", "symptoms": "超时", "impact_scope": "柜面"}, token=ops)
        self.assertStatus(r, 201)
        inc = r.json
        # matching happens when asked: plans made after the incident apply too
        by_ci = self.create(scope_classes=[], scope_ci_ids=[db], scope_services=[])["id"]
        by_cat = self.create(scope_classes=["network"], scope_services=[])["id"]
        by_level = self.create(scope_classes=[inc["level"]], scope_services=[])["id"]
        draft = self.create(scope_classes=[], scope_ci_ids=[db, net, app])["id"]  # never published
        for pid in (by_ci, by_cat, by_level):
            self.add_version(pid)
            self.publish(pid)
        self.add_version(draft)
        r = s.get("/api/v1/incidents/%d/plans" % inc["id"], token=ops)
        self.assertStatus(r, 200)
        got = [(x["id"], x["matched_by"]) for x in r.json["items"]]
        want = [(by_ci, "ci"), (by_cat, "class"), (by_level, "class")]
        self.assertEqual(got, want)
        self.assertEqual((r.json["total"], r.json["limit"], r.json["offset"]), (len(want), 50, 0))
        r = s.get("/api/v1/incidents/%d/plans?limit=1&offset=1" % inc["id"], token=ops)
        self.assertEqual(([x["id"] for x in r.json["items"]], r.json["total"]), ([by_cat], len(want)))
        # an incident on an unrelated CI: only the level plan, when its level is the same
        r = s.post("/api/v1/incidents", {"title": "应用告警", "ci_ids": [app], "severity": "minor",
                                         "location": "主机房", "symptoms": "慢", "impact_scope": "无"}, token=ops)
        self.assertStatus(r, 201)
        other = r.json
        items = s.get("/api/v1/incidents/%d/plans" % other["id"], token=ops).json["items"]
        self.assertEqual([x["id"] for x in items], [by_level] if other["level"] == inc["level"] else [])
        self.assertError(s.get("/api/v1/incidents/999999/plans", token=ops), 404)

    # ---- bad input: a clear error, nothing changed ----
    def test_bad_input(self):
        p = self.create()
        pid, ver = p["id"], p["version"]
        bad = [({"review_months": 0}, "review_months"), ({"review_months": 25}, "review_months"),
               ({"review_months": "6"}, "review_months"), ({"scope_ci_ids": ["db-1"]}, "scope_ci_ids"),
               ({"scope_ci_ids": [0]}, "scope_ci_ids"), ({"scope_classes": [""]}, "scope_classes"),
               ({"scope_services": "网银"}, "scope_services"), ({"owner_id": -1}, "owner_id"),
               ({"published_at": 1}, "published_at"), ({"next_review_at": 1}, "next_review_at"),
               ({"colour": "red"}, "colour")]
        for fields, field in bad:
            r = self.srv.request("PATCH", "/api/v1/plans/%d" % pid, {"version": ver, "fields": fields},
                                 token=self.eng)
            self.assertError(r, 422, field=field)
        self.assertEqual(self.get(pid)["version"], ver)
        self.assertError(self.srv.post("/api/v1/plans/%d/versions" % pid, {"body": ""}, token=self.eng), 422,
                         field="body")
        self.assertError(self.srv.post("/api/v1/plans/%d/versions" % pid, {}, token=self.eng), 422,
                         field="body")
        self.assertEqual(self.get(pid)["plan"]["versions"], [])
        # a record of another kind is no plan
        r = self.srv.post("/api/v1/problems", {"title": "p"}, token=self.srv.admin("sysadmin"))
        other = r.json["id"] if r.status == 201 else 999999
        self.assertError(self.srv.get("/api/v1/plans/%d" % other, token=self.eng), 404)
        self.assertError(self.srv.post("/api/v1/plans/%d/versions" % other, {"body": "x"}, token=self.eng), 404)
        self.assertError(self.srv.get("/api/v1/plans/999999", token=self.eng), 404)
        # plans are not created through the generic records API
        r = self.srv.post("/api/v1/records", {"kind": "plan", "title": "x"}, token=self.eng)
        self.assertError(r, 422, field="kind")


if __name__ == "__main__":
    harness.main()
