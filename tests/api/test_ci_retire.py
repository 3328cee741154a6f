"""test_ci_retire.py — retiring a CI (R-CI-1, R-CI-4, R-EVT-4; probe-ui #16:
"nothing can be undone"): POST /api/v1/cis/{id}/retire {"reason"}.

* A reason is required (400 missing, 422 blank or over 500 characters),
  nothing changed; retiring twice is 409; another department's writer
  with a scope is refused; the retirement is audited (ci.retire, reason).
* Kept in history: GET /cis/{id} still answers (retired_at set), the
  incidents that named it still name it, its relations stay.
* Not pickable: left out of GET /cis (total exact) unless retired=include,
  out of the unverified list; a new incident or relation naming it is 422
  naming the CI, nothing written.
* Its suppression stops: a warning on a CI that depends on it while it is
  in trouble was suppressed; once it is retired the next one goes through.
* Back in service: POST /api/v1/cis/{id}/unretire {"reason"} (same rules for
  the reason and the scope; 409 when not retired) clears retired_at and
  retired_reason, audited ci.unretire with the reason; the CI is listed and
  pickable for a new incident again.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402


class CiRetire(harness.ServerTest):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        s = cls.srv
        cls.uid, cls.eng = s.make_user("ret_eng", ["ops_engineer", "monitoring_engineer"])
        _, cls.other = s.make_user("ret_other", ["ops_engineer"], department="客服部", scopes=["客服部"])
        r = s.post("/api/v1/api-keys", {"name": "ret-api", "integration": "api"}, s.admin("sysadmin"))
        assert r.status == 201, r
        cls.key = r.json["key"]

    def ci(self, name, grade="L3", category="server"):
        r = self.srv.post("/api/v1/cis", {"name": name, "category": category, "grade": grade,
                                          "department": "运行部"}, token=self.eng)
        self.assertStatus(r, 201)
        return r.json["id"]

    def retire(self, cid, reason="设备下线 decommissioned", token=None, raw=None):
        body = None if raw == "none" else ({"reason": reason} if raw is None else raw)
        return self.srv.post("/api/v1/cis/%d/retire" % cid, body, token=token or self.eng)

    def names(self, query=""):
        r = self.srv.get("/api/v1/cis?limit=500" + query, token=self.eng)
        self.assertStatus(r, 200)
        self.assertEqual(r.json["total"], len(r.json["items"]))
        return [c["name"] for c in r.json["items"]]

    def own(self, body):
        return self.srv.request("POST", "/api/v1/events", body, token=self.key)

    def test_retire_keeps_history_and_leaves_pickers(self):
        old = self.ci("ret-old-srv")
        keep = self.ci("ret-keep-srv")
        r = self.srv.post("/api/v1/cis/%d/relations" % keep, {"type": "depends_on", "target_id": old}, self.eng)
        self.assertStatus(r, 201)
        inc = self.srv.post("/api/v1/incidents", {"title": "旧服务器故障", "ci_ids": [old], "severity": "minor",
                                                   "location": "机房", "symptoms": "宕机", "impact_scope": "无"},
                            token=self.eng)
        self.assertStatus(inc, 201)
        before_all = self.names()
        self.assertIn("ret-old-srv", before_all)
        # bad reasons change nothing
        self.assertError(self.retire(old, raw="none"), 400)
        self.assertError(self.retire(old, "   "), 422, field="reason")
        self.assertError(self.retire(old, "原" * 501), 422, field="reason")
        self.assertError(self.retire(old, token=self.other), 404)  # outside the writer's scope: unknown
        self.assertIsNone(self.srv.get("/api/v1/cis/%d" % old, token=self.eng).json["retired_at"])
        # retired (500 characters is the limit)
        r = self.retire(old, "原" * 500)
        self.assertStatus(r, 200)
        self.assertIsNotNone(r.json["retired_at"])
        self.assertError(self.retire(old), 409)
        audit = self.srv.get("/api/v1/audit?entity=ci&entity_id=%d" % old, token=self.srv.admin("auditor"))
        ret = [a for a in audit.json["items"] if a["action"] == "ci.retire"]
        self.assertEqual(len(ret), 1)
        self.assertEqual(ret[0]["after"]["retired_reason"], "原" * 500)
        self.assertEqual(r.json["retired_reason"], "原" * 500)
        self.assertIsNone(ret[0]["before"]["retired_at"])
        # history: the CI, its relations, the incident that named it
        g = self.srv.get("/api/v1/cis/%d" % old, token=self.eng)
        self.assertStatus(g, 200)
        self.assertEqual(g.json["retired_at"], r.json["retired_at"])
        self.assertIn("ret-old-srv", str(self.srv.get("/api/v1/cis/%d" % keep, token=self.eng).json))
        i = self.srv.get("/api/v1/incidents/%d" % inc.json["id"], token=self.eng).json
        self.assertEqual([c["id"] for c in i["cis"]], [old])
        # pickers: gone from the list and the unverified list; back with retired=include
        self.assertEqual(self.names(), [n for n in before_all if n != "ret-old-srv"])
        self.assertEqual(self.names("&q=ret-old"), [])
        self.assertEqual(self.names("&retired=include&q=ret-old"), ["ret-old-srv"])
        self.assertEqual(len(self.names("&retired=include")), len(before_all))
        self.assertEqual(self.names("&grade=L3&category=server&retired=include").count("ret-old-srv"), 1)
        self.assertNotIn("ret-old-srv", self.names("&grade=L3"))
        self.assertNotIn("ret-old-srv", self.names("&category=server"))
        self.assertError(self.srv.get("/api/v1/cis?retired=yes", token=self.eng), 400, field="retired")
        unv = self.srv.get("/api/v1/cis/unverified?limit=500", token=self.eng).json
        self.assertNotIn(old, [c["id"] for c in unv["items"]])
        self.assertIn(keep, [c["id"] for c in unv["items"]])
        # not for new incidents or relations: 422 naming it, nothing written
        n_inc = self.srv.get("/api/v1/incidents", token=self.eng).json["total"]
        bad = self.srv.post("/api/v1/incidents", {"title": "x", "ci_ids": [keep, old], "severity": "minor",
                                                   "location": "机房", "symptoms": "宕机", "impact_scope": "无"},
                            token=self.eng)
        self.assertError(bad, 422, field="ci_ids", contains="ret-old-srv")
        self.assertEqual(self.srv.get("/api/v1/incidents", token=self.eng).json["total"], n_inc)
        other = self.ci("ret-new-srv")
        self.assertError(self.srv.post("/api/v1/cis/%d/relations" % other, {"type": "depends_on", "target_id": old},
                                       self.eng), 422, field="target_id", contains="ret-old-srv")
        self.assertError(self.srv.post("/api/v1/cis/%d/relations" % old, {"type": "depends_on", "target_id": other},
                                       self.eng), 422, field="id", contains="已退役")
        self.assertEqual(len(self.srv.get("/api/v1/cis/%d" % other, token=self.eng).json.get("relations", [])), 0)
        # nor a new maintenance window on it
        win = {"name": "旧服务器维护", "starts_at": "2030-01-01T00:00:00Z", "ends_at": "2030-01-01T02:00:00Z",
               "ci_id": old}
        self.assertError(self.srv.post("/api/v1/maintenance-windows", win, self.eng), 422, field="ci_id",
                         contains="ret-old-srv")
        self.assertEqual(self.srv.get("/api/v1/maintenance-windows", token=self.eng).json["total"], 0)
        self.assertStatus(self.srv.post("/api/v1/maintenance-windows", dict(win, ci_id=keep), self.eng), 201)
        # nor added to a workflow record (a problem): 422 naming it, the record's CIs unchanged
        _, pm = self.srv.make_user("ret_pm", ["problem_manager"])
        prb = self.srv.post("/api/v1/problems", {"title": "旧服务器反复宕机"}, token=pm)
        self.assertStatus(prb, 201)
        self.assertError(self.srv.post("/api/v1/records/%d/cis" % prb.json["id"], {"ci_id": old}, token=pm), 422,
                         field="ci_id", contains="ret-old-srv")
        self.assertEqual(self.srv.get("/api/v1/records/%d/cis" % prb.json["id"], token=pm).json["items"], [])
        self.assertStatus(self.srv.post("/api/v1/records/%d/cis" % prb.json["id"], {"ci_id": keep}, token=pm), 201)

    def test_retired_dependency_no_longer_suppresses(self):
        up = self.ci("ret-up-db")
        app = self.ci("ret-app")
        self.assertStatus(self.srv.post("/api/v1/cis/%d/relations" % app, {"type": "depends_on", "target_id": up},
                                        self.eng), 201)
        d = self.own({"status": "firing", "dedup_key": "ret-up", "severity": "warning", "ci": "ret-up-db",
                      "labels": {"alertname": "DbSlow"}})
        self.assertEqual(d.json["events"][0]["state"], "open")
        a = self.own({"status": "firing", "dedup_key": "ret-app-1", "severity": "warning", "ci": "ret-app",
                      "labels": {"alertname": "AppErrors"}})
        self.assertEqual(a.json["events"][0]["state"], "suppressed")
        # the database is retired while its alert still fires: it suppresses nothing any more
        self.assertStatus(self.retire(up), 200)
        a2 = self.own({"status": "firing", "dedup_key": "ret-app-2", "severity": "warning", "ci": "ret-app",
                       "labels": {"alertname": "AppErrors2"}})
        self.assertEqual(a2.json["events"][0]["state"], "open")

    def unretire(self, cid, reason="误操作，设备仍在使用 retired by mistake", token=None, raw=None):
        body = None if raw == "none" else ({"reason": reason} if raw is None else raw)
        return self.srv.post("/api/v1/cis/%d/unretire" % cid, body, token=token or self.eng)

    def test_unretire_brings_the_ci_back(self):
        cid = self.ci("ret-back-srv")
        # not retired: 409, nothing changed
        self.assertError(self.unretire(cid), 409)
        self.assertStatus(self.retire(cid, "计划下线"), 200)
        self.assertNotIn("ret-back-srv", self.names())
        # bad reasons, another department's writer: nothing changed
        self.assertError(self.unretire(cid, raw="none"), 400)
        self.assertError(self.unretire(cid, " \t "), 422, field="reason")
        self.assertError(self.unretire(cid, "复" * 501), 422, field="reason")
        self.assertError(self.unretire(cid, token=self.other), 404)
        self.assertError(self.unretire(999999), 404)
        g = self.srv.get("/api/v1/cis/%d" % cid, token=self.eng).json
        self.assertIsNotNone(g["retired_at"])
        self.assertEqual(g["retired_reason"], "计划下线")
        # back in service (500 characters is the limit)
        r = self.unretire(cid, "复" * 500)
        self.assertStatus(r, 200)
        self.assertIsNone(r.json["retired_at"])
        self.assertIsNone(r.json["retired_reason"])
        self.assertError(self.unretire(cid), 409)
        audit = self.srv.get("/api/v1/audit?entity=ci&entity_id=%d" % cid, token=self.srv.admin("auditor"))
        acts = [a["action"] for a in audit.json["items"]]
        self.assertEqual(acts.count("ci.retire"), 1)
        self.assertEqual(acts.count("ci.unretire"), 1)
        un = [a for a in audit.json["items"] if a["action"] == "ci.unretire"][0]
        self.assertEqual(un["after"]["reason"], "复" * 500)
        self.assertIsNone(un["after"]["retired_at"])
        self.assertEqual(un["before"]["retired_reason"], "计划下线")
        # listed and pickable again
        self.assertEqual(self.names("&q=ret-back"), ["ret-back-srv"])
        inc = self.srv.post("/api/v1/incidents", {"title": "恢复后的服务器故障", "ci_ids": [cid], "severity": "minor",
                                                   "location": "机房", "symptoms": "宕机", "impact_scope": "无"},
                            token=self.eng)
        self.assertStatus(inc, 201)
        self.assertEqual([c["id"] for c in inc.json["cis"]], [cid])
        # and it can be retired again
        self.assertStatus(self.retire(cid, "再次下线"), 200)


if __name__ == "__main__":
    harness.main()
