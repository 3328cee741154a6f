"""test_seed000_desk_contacts.py — what was left of seed 000 to the letter:

- the handling department changed after registration (seed 000 ch. 8 §1
  with ch. 7 §2.2; R-PIR-1, R-ACT-1): by the authority of the highest level
  reached, with a reason, audited, on the timeline, both departments' heads
  told, the new one's then owed the progress and final reports, never after
  the review; the review keeps the summary of the grading and the process
  (grading_review, ch. 8 §1, audit #43);
- the reporting desks' owners (audit #24, ch. 7 §2.1 item 3 接口负责人;
  R-NOT-3): listed with the desks, set by the system administrator, told of a
  registration by someone else, a desk without one said so on the timeline;
- vendor and key-customer contacts (audit #57, ch. 9 §4 技术资料保障): kept
  per CI or service, told with the first report on the policy's levels
  (duties.contact_levels, L1 and L2) or their own, by SMS and e-mail from
  the desk, flagged without a phone (the reachability rule), never on a
  drill.
"""
import datetime
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
import test_incidents as ti  # noqa: E402


class World(ti.IncidentWorld):

    def messages(self, inc, kind):
        return [m for m in inc["messages"] if m["kind"] == kind]


class HandlingChangeTest(World):

    @classmethod
    def build_world(cls):
        super().build_world()
        for name, role, dept, phone in (("eng_tech", "ops_engineer", "技术部", "13900001111"),
                                        ("dh_tech", "department_head", "技术部", "13900002222"),
                                        ("dh_ops", "department_head", "运行部", "13900003333")):
            uid, tok = cls.srv.make_user(name, [role], department=dept, phone=phone)
            cls.uid[name], cls.tok[name] = uid, tok
        cls.uname = {v: k for k, v in cls.uid.items()}

    def put(self, iid, body, who):
        return self.srv.request("PUT", "/api/v1/incidents/%d/handling-department" % iid, body, token=self.tok[who])

    def test_authority_reason_and_audit_r_pir_1(self):
        inc = self.create("L3", "moderate")  # R3: the operations department head decides
        iid = inc["id"]
        body = {"department": "技术部", "reason": "故障定位在应用层"}
        for who in ("eng", "mon", "sechead", "leader", "el", "dh_tech"):
            err = self.assertError(self.put(iid, body, who), 403)
            self.assertIn("运行部部门负责人", err["message"])
        self.assertError(self.put(iid, {"department": "技术部", "reason": ""}, "opsdept"), 422)
        self.assertError(self.put(iid, {"department": "技术部"}, "opsdept"), 422)
        err = self.assertError(self.put(iid, {"department": "运行部", "reason": "x"}, "opsdept"), 422)
        self.assertEqual(err["field"], "department")
        self.assertEqual(self.get(iid)["handling_department"], "运行部")  # nothing changed
        self.assertEqual([t for t in self.get(iid)["timeline"] if t["kind"] == "handling_changed"], [])
        r = self.put(iid, body, "opsdept")
        self.assertStatus(r, 200)
        self.assertEqual(r.json["handling_department"], "技术部")
        tl = [t for t in r.json["timeline"] if t["kind"] == "handling_changed"]
        self.assertEqual(len(tl), 1)
        self.assertIn("运行部改为技术部", tl[0]["text"])
        self.assertIn("故障定位在应用层", tl[0]["text"])
        a = self.srv.get("/api/v1/audit?entity=incident&entity_id=%d&limit=100" % iid, self.srv.admin("auditor"))
        rows = [x for x in a.json["items"] if x["action"] == "incident.handling"]
        self.assertEqual(len(rows), 1)
        self.assertEqual(rows[0]["before"], {"handling_department": "运行部"})
        self.assertEqual(rows[0]["after"], {"handling_department": "技术部", "reason": "故障定位在应用层"})
        # the heads of both departments are told, nobody else
        told = {self.uname[m["recipient_id"]] for m in self.messages(r.json, kind="handling_changed")}
        self.assertEqual(told, {"dh_ops", "dh_tech"})

    def test_new_heads_get_later_reports_and_lead_the_review_r_pir_1(self):
        inc = self.create("L3", "moderate")
        iid = inc["id"]
        self.first(iid)
        self.second(iid, "R3")
        self.assertStatus(self.put(iid, {"department": "技术部", "reason": "转交技术部"}, "opsdept"), 200)
        g = self.progress(iid)
        told = {self.uname[m["recipient_id"]] for m in self.messages(g, kind="progress")}
        self.assertIn("dh_tech", told)  # re-targeted: the new handling department's head
        self.assertStatus(self.action(iid, "activate", "opsdept"), 200)
        g = self.final(iid)
        self.assertIn("dh_tech", {self.uname[m["recipient_id"]] for m in self.messages(g, kind="final")})
        self.assertStatus(self.action(iid, "close", "opsdept"), 200)
        review = {"cause_analysis": "a", "lessons": "b", "improvements": "c", "measures": "d", "result": "e"}
        err = self.assertError(self.srv.post("/api/v1/incidents/%d/review" % iid, review, token=self.tok["eng"]), 403)
        self.assertIn("技术部", err["message"])
        # seed 000 ch. 8 §1 (audit #43): the grading and the process summed up, kept and printed
        review["grading_review"] = "三级定级正确；转交技术部晚了 20 分钟"
        r = self.srv.post("/api/v1/incidents/%d/review" % iid, review, token=self.tok["eng_tech"])
        self.assertStatus(r, 200)
        rev = [x for x in r.json["reports"] if x["kind"] == "review"][0]
        self.assertEqual(rev["fields"]["grading_review"], "三级定级正确；转交技术部晚了 20 分钟")
        md = self.srv.get("/api/v1/incidents/%d/report.md" % iid, self.tok["eng"])
        self.assertIn("定级与处理流程总结 Grading and process summary", md.raw)
        self.assertIn("三级定级正确；转交技术部晚了 20 分钟", md.raw)
        # after the review: no more change
        self.assertError(self.put(iid, {"department": "运行部", "reason": "x"}, "opsdept"), 409)
        self.assertEqual(self.get(iid)["handling_department"], "技术部")

    def test_authority_follows_the_highest_level_r_act_1(self):
        inc = self.create("L1", "severe")  # R1: the leadership group
        iid = inc["id"]
        self.assertError(self.put(iid, {"department": "技术部", "reason": "x"}, "opsdept"), 403)
        self.assertStatus(self.put(iid, {"department": "技术部", "reason": "x"}, "el"), 200)


class DeskOwnerTest(World):

    def desks(self):
        r = self.srv.get("/api/v1/desks", self.tok["eng"])
        self.assertStatus(r, 200)
        return {d["key"]: d for d in r.json["items"]}

    def set_owner(self, desk, uid, token=None):
        return self.srv.request("PUT", "/api/v1/desk-owners", {"desk": desk, "user_id": uid},
                                token=token or self.srv.admin("sysadmin"))

    def test_desk_owner_r_not_3(self):
        d = self.desks()
        self.assertEqual(sorted(d), ["monitoring", "ops_security"])
        self.assertTrue(d["monitoring"]["owner_missing"])
        self.assertEqual(d["monitoring"]["name_zh"], "客服部监控服务科")
        # no owner: the registration says so on the timeline
        inc = self.create("L3", "minor", who="mon")
        tl = [t for t in self.get(inc["id"])["timeline"] if t["kind"] == "desk_owner_missing"]
        self.assertEqual(len(tl), 1)
        self.assertIn("客服部监控服务科", tl[0]["text"])
        # only the system administrator sets it; only someone who reports
        self.assertError(self.set_owner("monitoring", self.uid["mon"], self.tok["eng"]), 403)
        self.assertError(self.set_owner("monitoring", self.uid["el"]), 422)
        self.assertError(self.set_owner("nosuch", self.uid["mon"]), 404)
        self.assertTrue(self.desks()["monitoring"]["owner_missing"])
        uid2, tok2 = self.srv.make_user("mon2", ["monitoring_engineer"], department="客服部")  # no phone
        r = self.set_owner("monitoring", uid2)
        self.assertStatus(r, 200)
        self.assertEqual(r.json["owner"]["username"], "mon2")
        self.assertTrue(r.json["owner_unreachable"])  # no mobile for the desk owner
        self.assertFalse(self.desks()["monitoring"]["owner_missing"])
        a = self.srv.get("/api/v1/audit?entity=desk&limit=10", self.srv.admin("auditor")).json["items"]
        self.assertEqual([x["action"] for x in a], ["desk.owner"])
        # a monitoring engineer registers: the monitoring desk's owner is told at once (L3 included)
        inc = self.create("L3", "minor", who="mon")
        g = self.get(inc["id"])
        self.assertEqual({m["recipient_id"] for m in self.messages(g, kind="registered")}, {uid2})
        self.assertEqual(len([t for t in g["timeline"] if t["kind"] == "desk_owner_told"]), 1)
        # the owner registers: nobody else is told by this rule
        r = self.srv.post("/api/v1/incidents", {"title": "owner", "ci_ids": [self.ci["L3"]], "severity": "minor"},
                          token=tok2)
        self.assertStatus(r, 201)
        self.assertEqual(self.messages(r.json, kind="registered"), [])
        # an operations engineer registers: the ops desk has no owner
        inc = self.create("L3", "minor", who="eng")
        self.assertEqual(len([t for t in self.get(inc["id"])["timeline"] if t["kind"] == "desk_owner_missing"]), 1)
        # cleared
        self.assertStatus(self.set_owner("monitoring", 0), 200)
        self.assertTrue(self.desks()["monitoring"]["owner_missing"])


class ContactsTest(World):

    def add(self, body, expect=201, who="eng"):
        r = self.srv.post("/api/v1/contacts", body, token=self.tok[who])
        self.assertStatus(r, expect)
        return r.json

    def test_contacts_crud_and_checks(self):
        c = self.add({"kind": "vendor", "name": "王工", "organisation": "某存储厂商", "phone": "13911112222",
                      "email": "wang@vendor.example", "ci_id": self.ci["L2"]})
        self.assertEqual(c["kind_zh"], "厂商")
        self.assertIsNone(c["levels"])
        self.assertEqual(c["told_levels"], ["L1", "L2"])  # the policy's duties.contact_levels
        self.assertFalse(c["unreachable"])
        s = self.add({"kind": "customer", "name": "李经理", "service": "报关数据交换", "levels": ["L1"]})
        self.assertIsNone(s["ci_id"])
        self.assertTrue(s["unreachable"])  # no phone
        for body, field in (({"name": "x", "ci_id": self.ci["L2"]}, "kind"),
                            ({"kind": "partner", "name": "x", "ci_id": self.ci["L2"]}, "kind"),
                            ({"kind": "vendor", "ci_id": self.ci["L2"]}, "name"),
                            ({"kind": "vendor", "name": "x"}, "ci_id"),
                            ({"kind": "vendor", "name": "x", "ci_id": 99999}, "ci_id"),
                            ({"kind": "vendor", "name": "x", "service": "s", "email": "no-at"}, "email"),
                            ({"kind": "vendor", "name": "x", "service": "s", "levels": ["L1", "L1"]}, "levels"),
                            ({"kind": "vendor", "name": "x", "service": "s", "levels": ["L9"]}, "levels")):
            err = self.assertError(self.srv.post("/api/v1/contacts", body, token=self.tok["eng"]), 422)
            self.assertEqual(err["field"], field, body)
        self.assertError(self.srv.post("/api/v1/contacts", {"kind": "vendor", "name": "x", "service": "s"},
                                       token=self.tok["mon"]), 403)
        lst = self.srv.get("/api/v1/contacts?ci_id=%d" % self.ci["L2"], self.tok["mon"]).json
        self.assertEqual([x["id"] for x in lst["items"]], [c["id"]])
        self.assertEqual(lst["total"], 1)
        for bad in ("0", "-1", "abc", "", "2.5"):
            err = self.assertError(self.srv.get("/api/v1/contacts?ci_id=" + bad, self.tok["mon"]), 400, field="ci_id")
            self.assertEqual(err["message"], "ci_id 须为正整数 (ci_id must be a positive integer)", bad)
        lst = self.srv.get("/api/v1/contacts?kind=customer", self.tok["mon"]).json
        self.assertEqual([x["id"] for x in lst["items"]], [s["id"]])
        r = self.srv.request("PATCH", "/api/v1/contacts/%d" % s["id"], {"phone": "13933334444", "levels": None},
                             token=self.tok["eng"])
        self.assertStatus(r, 200)
        self.assertFalse(r.json["unreachable"])
        self.assertIsNone(r.json["levels"])
        self.assertEqual(r.json["name"], "李经理")  # unchanged fields kept
        self.assertStatus(self.srv.request("DELETE", "/api/v1/contacts/%d" % s["id"], None, token=self.tok["eng"]),
                          200)
        self.assertError(self.srv.request("PATCH", "/api/v1/contacts/%d" % s["id"], {"name": "y"},
                                          token=self.tok["eng"]), 404)
        a = self.srv.get("/api/v1/audit?entity=contact&limit=20", self.srv.admin("auditor")).json["items"]
        self.assertEqual(sorted(x["action"] for x in a),
                         ["contact.create", "contact.create", "contact.delete", "contact.update"])

    def test_contacts_told_with_the_first_report(self):
        ci = self.make_ci("contact-db", "L1")
        ci3 = self.make_ci("contact-l3", "L3")
        v = self.add({"kind": "vendor", "name": "赵工", "organisation": "数据库厂商", "phone": "13955556666",
                      "email": "zhao@db.example", "ci_id": ci})
        nophone = self.add({"kind": "customer", "name": "钱经理", "organisation": "重点客户",
                            "email": "qian@cust.example", "ci_id": ci})
        l3_default = self.add({"kind": "vendor", "name": "孙工", "phone": "13977778888", "ci_id": ci3})
        l3_own = self.add({"kind": "vendor", "name": "周工", "phone": "13977779999", "ci_id": ci3,
                           "levels": ["L3"]})
        inc = self.create(ci_ids=[ci], severity="severe")
        self.assertEqual(self.messages(self.get(inc["id"]), kind="contact"), [])  # not before the first report
        g = self.first(inc["id"])
        msgs = self.messages(g, kind="contact")
        by = {}
        for m in msgs:
            by.setdefault(m["cause"], set()).add(m["channel"])
        self.assertEqual(by, {"inc:%d:contact:%d" % (inc["id"], v["id"]): {"sms", "email"},
                              "inc:%d:contact:%d" % (inc["id"], nophone["id"]): {"email"}})
        self.assertEqual({m["desk"] for m in msgs}, {"ops_security"})
        tl = {t["kind"]: t["text"] for t in g["timeline"] if t["kind"].startswith("contact_")}
        self.assertIn("钱经理", tl["contact_unreachable"])
        self.assertIn("赵工", tl["contact_told"])
        # L3: only the contact whose own levels name L3
        inc3 = self.create(ci_ids=[ci3], severity="minor")
        g3 = self.first(inc3["id"])
        causes = {m["cause"] for m in self.messages(g3, kind="contact")}
        self.assertEqual(causes, {"inc:%d:contact:%d" % (inc3["id"], l3_own["id"])})
        self.assertNotIn("inc:%d:contact:%d" % (inc3["id"], l3_default["id"]), causes)
        # a drill tells nobody outside
        d = self.create(ci_ids=[ci], severity="severe", drill=True)
        gd = self.first(d["id"])
        self.assertEqual(self.messages(gd, kind="contact"), [])
        self.assertEqual(len([t for t in gd["timeline"] if t["kind"] == "contact_drill"]), 2)


    def test_regrade_tells_the_new_contacts_once(self):
        ci1 = self.make_ci("regrade-db", "L1")
        ci3 = self.make_ci("regrade-l3", "L3")
        v = self.add({"kind": "vendor", "name": "吴工", "phone": "13966667777", "ci_id": ci1})
        inc = self.create(ci_ids=[ci3], severity="minor")
        g = self.first(inc["id"])
        self.assertEqual(self.messages(g, kind="contact"), [])
        # the CIs regraded: now on the L1 CI, its vendor is told (by the system desk)
        r = self.patch(inc["id"], {"ci_ids": [ci1], "reason": "实为核心库故障"})
        self.assertStatus(r, 200)
        msgs = self.messages(r.json, kind="contact")
        self.assertEqual({(m["cause"], m["channel"]) for m in msgs}, {("inc:%d:contact:%d" % (inc["id"], v["id"]), "sms")})
        # another regrade: nobody told twice
        r = self.patch(inc["id"], {"severity": "severe", "reason": "影响扩大"})
        self.assertStatus(r, 200)
        self.assertEqual(len(self.messages(r.json, kind="contact")), 1)
        self.assertEqual(len([t for t in r.json["timeline"] if t["kind"] == "contact_told"]), 1)

    def service(self, key, name, ci):
        r = self.srv.post("/api/v1/services", {"key": key, "name": name, "ci_id": ci, "availability_target": "99.5%",
                                               "calendar": "24x7", "platform_member": False}, token=self.tok["eng"])
        self.assertStatus(r, 201)
        return r.json

    def interval(self, iid, service):
        t = datetime.datetime.fromtimestamp((self.srv.now_ms() - 60000) / 1000, datetime.timezone.utc)
        r = self.srv.post("/api/v1/incidents/%d/impact-intervals" % iid,
                          {"service": service, "kind": "unplanned", "starts_at": t.strftime("%Y-%m-%dT%H:%M:%SZ"),
                           "note": "影响"}, token=self.tok["eng"])
        self.assertStatus(r, 201)

    def test_service_contacts_told_through_the_incident_services(self):
        """Seed 000 ch. 9 §4 (audit #57; R-NOT-2): a vendor or key-customer contact kept
        only per service (no CI) is told with the first report when the incident touches
        the service: the service's CI is affected, or one of the incident's impact
        intervals is the service's.  The contact's `service` names the service by key or
        by name; the levels are duties.contact_levels (L1, L2) as for CI contacts; each is
        told once; an interval added after the first report tells its service's contacts
        then (system desk); a service the incident does not touch tells nobody."""
        ci_a = self.make_ci("svc-contact-a", "L1")
        ci_b = self.make_ci("svc-contact-b", "L2")
        ci_c = self.make_ci("svc-contact-c", "L2")
        self.service("svc-cust-a", "报关数据交换A", ci_a)
        self.service("svc-cust-b", "舱单申报B", ci_b)
        by_key = self.add({"kind": "customer", "name": "郑经理", "phone": "13911110001", "service": "svc-cust-a"})
        by_name = self.add({"kind": "vendor", "name": "冯工", "phone": "13911110002", "email": "feng@v.example",
                            "service": "舱单申报B"})
        other = self.add({"kind": "customer", "name": "陈经理", "phone": "13911110003", "service": "无关服务"})
        inc = self.create(ci_ids=[ci_a], severity="severe")
        self.assertEqual(self.messages(self.get(inc["id"]), kind="contact"), [])
        g = self.first(inc["id"])
        msgs = self.messages(g, kind="contact")
        self.assertEqual({(m["cause"], m["channel"]) for m in msgs},
                         {("inc:%d:contact:%d" % (inc["id"], by_key["id"]), "sms")})
        tl = [t["text"] for t in g["timeline"] if t["kind"] == "contact_told"]
        self.assertEqual(len(tl), 1)
        self.assertIn("郑经理", tl[0])
        # an impact interval on service B after the first report: its contact is told now
        self.interval(inc["id"], "svc-cust-b")
        g = self.get(inc["id"])
        msgs = self.messages(g, kind="contact")
        want = {("inc:%d:contact:%d" % (inc["id"], by_key["id"]), "sms"),
                ("inc:%d:contact:%d" % (inc["id"], by_name["id"]), "sms"),
                ("inc:%d:contact:%d" % (inc["id"], by_name["id"]), "email")}
        self.assertEqual({(m["cause"], m["channel"]) for m in msgs}, want)
        self.assertEqual(len(msgs), 3)
        self.assertEqual({m["desk"] for m in msgs}, {"ops_security"})
        # a second interval on service A tells nobody twice; the unrelated contact is never told
        self.interval(inc["id"], "svc-cust-a")
        g = self.get(inc["id"])
        self.assertEqual(len(self.messages(g, kind="contact")), 3)
        self.assertNotIn(other["id"], [int(m["cause"].rsplit(":", 1)[1]) for m in self.messages(g, kind="contact")])
        self.assertEqual(len([t for t in g["timeline"] if t["kind"] == "contact_told"]), 2)
        # an interval before the first report: told with the first report, not before
        inc2 = self.create(ci_ids=[ci_c], severity="severe")
        self.interval(inc2["id"], "svc-cust-b")
        self.assertEqual(self.messages(self.get(inc2["id"]), kind="contact"), [])
        g2 = self.first(inc2["id"])
        self.assertEqual({m["cause"] for m in self.messages(g2, kind="contact")},
                         {"inc:%d:contact:%d" % (inc2["id"], by_name["id"])})


if __name__ == "__main__":
    harness.main()
