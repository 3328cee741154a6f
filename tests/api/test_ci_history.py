"""test_ci_history.py — GET /api/v1/cis/{id}/retirements (R-CI-1; the CI
page's 退役与恢复记录, docs/ui.md): who retired a CI or brought it back
into service, when and why, newest first (a page of the list envelope),
read from the audit trail
(ci.retire / ci.unretire; no other audit entry of the CI); the person's
display name comes along.  A CI out of the reader's department scope, or
none, is 404; a refused retirement writes no entry."""
import harness


class CiHistory(harness.ServerTest):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        s = cls.srv
        try:
            cls.uid, cls.eng = s.make_user("hist_eng", ["ops_engineer"], display_name="历史工程师")
            _, cls.tech = s.make_user("hist_tech", ["ops_engineer"], department="技术部", scopes=["技术部"])
            r = s.post("/api/v1/cis", {"name": "hist-db", "category": "server", "grade": "L2",
                                       "department": "运行部"}, cls.eng)
            assert r.status == 201, r
            cls.ci = r.json["id"]
        except BaseException:
            s.cleanup()
            raise

    def history(self, token=None):
        r = self.srv.get("/api/v1/cis/%d/retirements?limit=500" % self.ci, token or self.eng)
        self.assertStatus(r, 200)
        self.assertEqual((r.json["total"], r.json["offset"]), (len(r.json["items"]), 0))
        return r.json["items"]

    def test_history_of_retire_and_unretire(self):
        s, ci = self.srv, self.ci
        self.assertEqual(self.history(), [])
        self.assertStatus(s.post("/api/v1/cis/%d/verify" % ci, {}, self.eng), 200)  # not a retirement
        self.assertStatus(s.post("/api/v1/cis/%d/retire" % ci, {"reason": "设备到期下线"}, self.eng), 200)
        s.clock(60)
        self.assertError(s.post("/api/v1/cis/%d/retire" % ci, {"reason": "再次"}, self.eng), 409)
        self.assertStatus(s.post("/api/v1/cis/%d/unretire" % ci, {"reason": "延期使用一年"}, self.eng), 200)
        s.clock(60)
        self.assertStatus(s.post("/api/v1/cis/%d/retire" % ci, {"reason": "最终下线"}, self.eng), 200)
        h = self.history()
        self.assertEqual([x["action"] for x in h], ["retire", "unretire", "retire"])
        self.assertEqual([x["reason"] for x in h], ["最终下线", "延期使用一年", "设备到期下线"])
        self.assertEqual({(x["actor"], x["actor_name"], x["actor_id"]) for x in h},
                         {("hist_eng", "历史工程师", self.uid)})
        ids = [x["audit_id"] for x in h]
        self.assertEqual(ids, sorted(ids, reverse=True))
        self.assertGreater(h[0]["at"], h[1]["at"])
        self.assertGreater(h[1]["at"], h[2]["at"])
        # a page of it (the list envelope): total counts every entry
        page = s.get("/api/v1/cis/%d/retirements?limit=2&offset=1" % ci, self.eng).json
        self.assertEqual([x["audit_id"] for x in page["items"]], ids[1:3])
        self.assertEqual((page["total"], page["limit"], page["offset"]), (3, 2, 1))
        self.assertError(s.get("/api/v1/cis/%d/retirements?limit=0" % ci, self.eng), 400)
        # the same entries as the audit trail's
        aud = s.get("/api/v1/audit?entity=ci&entity_id=%d&limit=500" % ci, s.admin("auditor")).json["items"]
        self.assertEqual([a["id"] for a in aud if a["action"] in ("ci.retire", "ci.unretire")], ids)
        # out of scope and missing: 404; back in service for the other tests
        self.assertError(s.get("/api/v1/cis/%d/retirements" % ci, self.tech), 404)
        self.assertError(s.get("/api/v1/cis/999999/retirements", self.eng), 404)
        self.assertStatus(s.post("/api/v1/cis/%d/unretire" % ci, {"reason": "恢复"}, self.eng), 200)
        self.assertEqual(len(self.history()), 4)


if __name__ == "__main__":
    harness.main()
