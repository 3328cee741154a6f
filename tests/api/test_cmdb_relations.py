"""test_cmdb_relations.py — a CMDB a team can correct (R-CI-4, R-CI-1):
dependency loops are refused (a loop would let an alarm suppress itself,
docs/events.md), a wrong relation can be removed with an audit entry, and
the CI search finds what people call a CI: its attributes (description,
model, address) and its category's name ("数据库").  A refused request
changes nothing.
"""
import os
import sys
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402


class CmdbRelationsTest(harness.ServerTest):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        try:
            _, cls.ops = cls.srv.make_user("rel_ops", ["ops_engineer"])
            _, cls.mon = cls.srv.make_user("rel_mon", ["monitoring_engineer"])
            cls.auditor = cls.srv.admin("auditor")
        except BaseException:
            cls.srv.cleanup()
            raise

    def ci(self, name, category="server", grade="L2", **kw):
        body = {"name": name, "category": category, "grade": grade, "department": "运行部"}
        body.update(kw)
        r = self.srv.post("/api/v1/cis", body, self.ops)
        self.assertStatus(r, 201)
        return r.json["id"]

    def relate(self, src, typ, dst, who=None):
        return self.srv.post("/api/v1/cis/%d/relations" % src, {"type": typ, "target_id": dst}, who or self.ops)

    def rels(self, cid):
        return [(x["source_id"], x["type"], x["target_id"]) for x in
                self.srv.get("/api/v1/cis/%d" % cid, self.ops).json["relations"]]

    def test_loops_refused_backup_allowed_r_ci_4(self):
        a, b, c, d = (self.ci("loop-%s" % x) for x in "abcd")
        for src, dst in ((a, b), (b, c), (c, d)):
            self.assertStatus(self.relate(src, "depends_on", dst), 201)
        # d → a would close a → b → c → d → a: refused at every length of the loop
        for src, dst in ((d, a), (c, a), (b, a), (d, b), (d, c)):
            err = self.assertError(self.relate(src, "runs_on", dst), 422, field="target_id")
            self.assertIn("依赖环", err["message"])
            self.assertIn("dependency loop", err["message"])
        self.assertEqual(self.rels(d), [(c, "depends_on", d)])
        # the other way round is no loop; nor is a backup (no dependency)
        self.assertStatus(self.relate(a, "depends_on", c), 201)
        self.assertStatus(self.relate(d, "backs_up", a), 201)
        # impact over the acyclic graph: a, b, c depend on d
        r = self.srv.get("/api/v1/cis/%d/impact" % d, self.ops)
        self.assertEqual({x["id"] for x in r.json["impacted"]}, {a, b, c})

    def test_remove_relation_audited_r_ci_4(self):
        a, b = self.ci("del-a"), self.ci("del-b")
        rid = self.relate(a, "depends_on", b).json["id"]
        # only ci_write, only out of this CI, only an existing one
        self.assertStatus(self.srv.request("DELETE", "/api/v1/cis/%d/relations/%d" % (a, rid), token=self.mon), 403)
        self.assertError(self.srv.request("DELETE", "/api/v1/cis/%d/relations/%d" % (b, rid), token=self.ops), 404)
        self.assertError(self.srv.request("DELETE", "/api/v1/cis/%d/relations/987654" % a, token=self.ops), 404)
        self.assertEqual(self.rels(a), [(a, "depends_on", b)])
        r = self.srv.request("DELETE", "/api/v1/cis/%d/relations/%d" % (a, rid), token=self.ops)
        self.assertStatus(r, 200)
        self.assertEqual(r.json, {"id": rid, "deleted": True})
        self.assertEqual(self.rels(a), [])
        self.assertEqual(self.srv.get("/api/v1/cis/%d/impact" % b, self.ops).json["count"], 0)
        self.assertError(self.srv.request("DELETE", "/api/v1/cis/%d/relations/%d" % (a, rid), token=self.ops), 404)
        # the audit trail keeps the relation as it was
        items = self.srv.get("/api/v1/audit?entity=ci&entity_id=%d&limit=50" % a, self.auditor).json["items"]
        gone = [x for x in items if x["action"] == "ci.unrelate"]
        self.assertEqual(len(gone), 1, items)
        self.assertEqual((gone[0]["before"]["type"], gone[0]["before"]["target_id"]), ("depends_on", b))
        # the relation can be made again
        self.assertStatus(self.relate(a, "depends_on", b), 201)

    def test_search_attributes_and_category_name_r_ci_1(self):
        sw = self.ci("core-sw-01", "network", "L1", attributes={"描述": "核心交换机", "型号": "CE12800"})
        db = self.ci("db-main", "database", "L1", attributes={"描述": "报关主库"})
        self.ci("web-01", "server", "L3", attributes={"描述": "门户"})

        def found(q):
            r = self.srv.get("/api/v1/cis?" + urllib.parse.urlencode({"q": q, "limit": 100}), self.ops)
            self.assertStatus(r, 200)
            self.assertEqual(r.json["total"], len(r.json["items"]))
            return {x["id"] for x in r.json["items"]}
        self.assertEqual(found("核心"), {sw})
        self.assertEqual(found("CE12800"), {sw})
        self.assertEqual(found("报关"), {db})
        self.assertIn(db, found("数据库"))        # the category's name
        self.assertNotIn(sw, found("数据库"))
        self.assertEqual(found("没有这个配置项"), set())


if __name__ == "__main__":
    harness.main()
