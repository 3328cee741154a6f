"""test_incident_desk.py — what the desk handling an incident needs beside
the formal reports: internal work notes that notify nobody (unlike a
progress report, R-NOT-5), the incident's owner (负责人) and "my
incidents", the "awaiting my acknowledgement" list (R-NOT-4) and an
incident search that finds an incident by its CI's name.
"""
import os
import sys
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
import test_incidents as ti  # noqa: E402


class IncidentDeskTest(ti.IncidentWorld):

    def note(self, iid, text, who="eng"):
        return self.srv.post("/api/v1/incidents/%d/notes" % iid, {"text": text}, token=self.tok[who])

    def listing(self, who, **params):
        r = self.srv.get("/api/v1/incidents?" + urllib.parse.urlencode(dict(params, limit=100)), token=self.tok[who])
        self.assertStatus(r, 200)
        self.assertEqual(r.json["total"], len(r.json["items"]))
        return [i["id"] for i in r.json["items"]]

    def test_work_note_notifies_nobody_r_not_5(self):
        inc = self.create("L2", "moderate")
        iid = inc["id"]
        self.first(iid)
        before = self.get(iid)
        # each half of a report's entry in its own language: no English inside the Chinese
        first = [t["text"] for t in before["timeline"] if t["kind"] == "first"]
        self.assertEqual(first, ["提交首报（运行部安全保障科）(first report via operations security desk)"])
        r = self.note(iid, "  已联系厂商，工程师 30 分钟到场\n")
        self.assertStatus(r, 201)
        g = r.json
        notes = [t for t in g["timeline"] if t["kind"] == "note"]
        self.assertEqual([(t["actor"], t["text"]) for t in notes], [("eng", "已联系厂商，工程师 30 分钟到场")])
        self.assertEqual(len(g["messages"]), len(before["messages"]))      # nobody is told
        self.assertEqual(g["deadlines"], before["deadlines"])              # no deadline is met or moved
        # a leader may write one too; the auditor reads but may not
        self.assertStatus(self.note(iid, "领导：请优先恢复柜面业务", "leader"), 201)
        auditor = self.srv.admin("auditor")
        r = self.srv.post("/api/v1/incidents/%d/notes" % iid, {"text": "x"}, token=auditor)
        self.assertError(r, 403)
        # bad input changes nothing
        self.assertError(self.note(iid, "   "), 422, field="text")
        self.assertError(self.note(iid, "字" * 2001), 413, field="text")
        self.assertStatus(self.note(iid, "字" * 2000), 201)
        self.assertError(self.srv.post("/api/v1/incidents/987654/notes", {"text": "x"}, token=self.tok["eng"]), 404)
        g = self.get(iid)
        self.assertEqual(len([t for t in g["timeline"] if t["kind"] == "note"]), 3)
        self.assertEqual(len(g["messages"]), len(before["messages"]))
        # audited
        items = self.srv.get("/api/v1/audit?entity=incident&entity_id=%d&limit=100" % iid, auditor).json["items"]
        self.assertEqual(len([a for a in items if a["action"] == "incident.note"]), 3)

    def test_awaiting_my_ack_r_not_4(self):
        inc = self.create("L1", "moderate")
        iid = inc["id"]
        self.assertNotIn(iid, self.listing("el", awaiting_my_ack="true"))   # not told yet
        self.first(iid)
        # the acknowledgements I owe (seed 000 ch. 7 §2.1 item 6, duties.ack_required: named_roles):
        # the section head, liaison and department head owe one; the leadership group is told only
        for u in ti.ACKERS["L1"]:
            self.assertIn(iid, self.listing(u, awaiting_my_ack="true"), u)
        self.assertNotIn(iid, self.listing("el", awaiting_my_ack="true"))
        self.assertNotIn(iid, self.listing("eng", awaiting_my_ack="true"))  # no recipient
        self.assertStatus(self.action(iid, "ack", "sechead"), 200)
        self.assertNotIn(iid, self.listing("sechead", awaiting_my_ack="true"))
        self.assertIn(iid, self.listing("liaison", awaiting_my_ack="true"))
        self.assertIn(iid, self.listing("sechead", awaiting_my_ack="false"))
        r = self.srv.get("/api/v1/incidents?awaiting_my_ack=yes", token=self.tok["el"])
        self.assertError(r, 400, field="awaiting_my_ack")

    def owner(self, iid, uid, who="eng"):
        return self.srv.request("PUT", "/api/v1/incidents/%d/owner" % iid, {"user_id": uid}, token=self.tok[who])

    def test_owner_and_my_incidents(self):
        iid = self.create("L3", "minor", title="待认领")["id"]
        self.assertIsNone(self.get(iid)["owner"])
        self.assertNotIn(iid, self.listing("eng", owner="me"))
        r = self.owner(iid, self.uid["eng"])
        self.assertStatus(r, 200)
        self.assertEqual((r.json["owner"]["id"], r.json["owner"]["username"]), (self.uid["eng"], "eng"))
        self.assertEqual([t["text"] for t in r.json["timeline"] if t["kind"] == "owner"],
                         ["负责人：eng (owner: eng)"])
        self.assertIn(iid, self.listing("eng", owner="me"))
        self.assertNotIn(iid, self.listing("sechead", owner="me"))
        # the list shows the owner too
        items = self.srv.get("/api/v1/incidents?limit=100", token=self.tok["eng"]).json["items"]
        self.assertEqual([i["owner"]["username"] for i in items if i["id"] == iid], ["eng"])
        # a leader hands it over to the section head; the auditor may not; nobody who cannot handle incidents
        self.assertStatus(self.owner(iid, self.uid["sechead"], "leader"), 200)
        self.assertError(self.srv.request("PUT", "/api/v1/incidents/%d/owner" % iid, {"user_id": self.uid["eng"]},
                                          token=self.srv.admin("auditor")), 403)
        self.assertError(self.owner(iid, self.uid["liaison"]), 422, field="user_id")
        self.assertError(self.owner(iid, 987654), 422, field="user_id")
        self.assertError(self.srv.get("/api/v1/incidents?owner=someone", token=self.tok["eng"]), 400, field="owner")
        self.assertEqual(self.get(iid)["owner"]["username"], "sechead")
        # cleared
        r = self.owner(iid, 0)
        self.assertStatus(r, 200)
        self.assertIsNone(r.json["owner"])
        self.assertEqual(len([t for t in r.json["timeline"] if t["kind"] == "owner"]), 3)
        items = self.srv.get("/api/v1/audit?entity=incident&entity_id=%d&limit=100" % iid,
                             self.srv.admin("auditor")).json["items"]
        self.assertEqual(len([a for a in items if a["action"] == "incident.owner"]), 3)

    def page(self, who, **params):
        r = self.srv.get("/api/v1/incidents?" + urllib.parse.urlencode(params), token=self.tok[who])
        self.assertStatus(r, 200)
        return [i["id"] for i in r.json["items"]], r.json["total"]

    def test_my_lists_with_filters_and_pages(self):
        # owner=me and awaiting_my_ack lead their own statements (the owner's index, the
        # acknowledgements owed): the other filters, pages, the cursor and the total still hold
        a = self.create("L3", "minor", title="mine a")["id"]
        b = self.create("L1", "moderate", title="mine b")["id"]
        c = self.create("L3", "minor", title="mine c")["id"]
        self.create("L3", "minor", title="nobody's")
        for i in (a, b, c):
            self.assertStatus(self.owner(i, self.uid["eng"]), 200)
        self.assertEqual(self.page("eng", owner="me", limit=100), ([c, b, a], 3))
        self.assertEqual(self.page("eng", owner="me", level="L1", limit=100), ([b], 1))
        self.assertEqual(self.page("eng", owner="me", level="L3", state="detected", limit=100), ([c, a], 2))
        self.assertEqual(self.page("eng", owner="me", limit=1, offset=1), ([b], 3))
        self.assertEqual(self.page("eng", owner="me", limit=100, before_id=c), ([b, a], 3))
        self.assertEqual(self.page("eng", owner="me", q="mine b", limit=100), ([b], 1))
        self.assertEqual(self.page("sechead", owner="me", limit=100), ([], 0))
        # the acknowledgements the section head owes: two L1 incidents reported, one L3 not
        d = self.create("L1", "moderate", title="ack d")["id"]
        self.first(b)
        self.first(d)
        self.assertEqual(self.page("sechead", awaiting_my_ack="true", limit=100), ([d, b], 2))
        self.assertEqual(self.page("sechead", awaiting_my_ack="true", limit=1), ([d], 2))
        self.assertEqual(self.page("sechead", awaiting_my_ack="true", limit=100, before_id=d), ([b], 2))
        self.assertEqual(self.page("sechead", awaiting_my_ack="true", owner="me", limit=100), ([], 0))
        self.assertEqual(self.page("eng", awaiting_my_ack="true", owner="me", limit=100), ([], 0))
        self.assertEqual(self.page("sechead", awaiting_my_ack="true", q="ack d", limit=100), ([d], 1))
        self.assertStatus(self.action(d, "ack", "sechead"), 200)
        self.assertEqual(self.page("sechead", awaiting_my_ack="true", limit=100), ([b], 1))

    def test_search_text_refused_when_too_long_or_not_utf8(self):
        # q: at most 200 bytes of valid UTF-8 (od_req_query_text, as the records and problems)
        a = self.create("L3", "minor", title="查询长度 a")["id"]
        self.assertEqual(self.page("eng", q="查询长度 a", limit=100), ([a], 1))
        self.assertEqual(self.page("eng", q="x" * 200, limit=100), ([], 0))
        for raw in ("x" * 201, "%FF%FE", "%E6%9F"):
            r = self.srv.get("/api/v1/incidents?q=" + (raw if "%" in raw else urllib.parse.quote(raw)),
                             token=self.tok["eng"])
            self.assertError(r, 400, field="q")
        r = self.srv.get("/api/v1/problems?q=" + "y" * 201, token=self.tok["eng"])
        self.assertError(r, 400, field="q")

    def test_search_by_ci_name(self):
        other = self.make_ci("库存系统-db", "L3")
        a = self.create("L3", "minor", title="甲故障")["id"]
        b = self.create(None, "minor", ci_ids=[other], title="乙故障")["id"]
        self.assertIn(b, self.listing("eng", q="库存系统"))
        self.assertNotIn(a, self.listing("eng", q="库存系统"))
        self.assertIn(a, self.listing("eng", q="app-L3"))
        self.assertNotIn(b, self.listing("eng", q="app-L3"))


if __name__ == "__main__":
    harness.main()
