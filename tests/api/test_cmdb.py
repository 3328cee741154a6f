"""test_cmdb.py — the graded CMDB (R-CI-1…5): category × grade table, list
filters and pagination, PATCH, relations, transitive impact, inventory
review, policy categories with guidance, and the grading lookup."""
import unittest

import harness

# REQUIREMENTS R-CI-2 (the seed table)
ALLOWED = {
    "physical_env": {"L1", "L2"},
    "application": {"L1", "L2", "L3", "NG"},
    "security_device": {"L1", "L2"},
    "server": {"L1", "L2", "L3", "NG"},
    "network": {"L1", "L2", "L3", "NG"},
    "database": {"L1", "L2", "NG"},
    "data_transfer": {"L1", "L2", "NG"},
}
GRADES = ["L1", "L2", "L3", "NG"]


class Cmdb(harness.ServerTest):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        _, cls.ops = cls.srv.make_user("cmdb_ops", ["ops_engineer"])
        _, cls.mon = cls.srv.make_user("cmdb_mon", ["monitoring_engineer"])

    def create(self, name, category="server", grade="L2", **kw):
        body = {"name": name, "category": category, "grade": grade}
        body.update(kw)
        return self.srv.post("/api/v1/cis", body, self.ops)

    def total(self):
        return self.srv.get("/api/v1/cis?limit=1", self.ops).json["total"]

    def test_category_grade_table(self):
        for cat, allowed in ALLOWED.items():
            for g in GRADES:
                before = self.total()
                r = self.create("t-%s-%s" % (cat, g), cat, g, department="运行部", environment="production")
                if g in allowed:
                    self.assertStatus(r, 201, (cat, g))
                    self.assertEqual((r.json["category"], r.json["grade"]), (cat, g))
                    self.assertIsInstance(r.json["id"], int)
                    self.assertEqual(self.total(), before + 1)
                else:
                    err = self.assertError(r, 422, code="unprocessable", field="grade")
                    names = ", ".join(x for x in GRADES if x in allowed)
                    self.assertIn("allows grades %s" % names, err["message"], (cat, g))
                    self.assertEqual(self.total(), before)

    def test_unknown_category_and_grade(self):
        err = self.assertError(self.create("t-bad-cat", "toaster", "L1"), 422, field="category")
        self.assertIn("toaster", err["message"])
        for cat in ALLOWED:
            self.assertIn(cat, err["message"])
        self.assertError(self.create("t-bad-grade", "server", "L9"), 422, field="grade")
        self.assertError(self.create("t-bad-env", "server", "L1", environment="moon"), 422, field="environment")

    def test_create_needs_ci_write(self):
        r = self.srv.post("/api/v1/cis", {"name": "t-mon", "category": "server", "grade": "L1"}, self.mon)
        self.assertError(r, 403)
        self.assertStatus(self.srv.get("/api/v1/cis", self.mon), 200)

    def test_duplicate_name(self):
        self.assertStatus(self.create("t-dup"), 201)
        before = self.total()
        self.assertError(self.create("t-dup"), 409, code="conflict", field="name")
        self.assertEqual(self.total(), before)
        other = self.create("t-dup-2").json["id"]
        r = self.srv.request("PATCH", "/api/v1/cis/%d" % other, {"name": "t-dup"}, token=self.ops)
        self.assertError(r, 409)

    def test_get(self):
        r = self.create("t-get", "network", "L1", location="机房B", attributes={"vendor": "华为", "ports": 48})
        cid = r.json["id"]
        r = self.srv.get("/api/v1/cis/%d" % cid, self.ops)
        self.assertStatus(r, 200)
        self.assertEqual(r.json["attributes"], {"vendor": "华为", "ports": 48})
        self.assertEqual(r.json["location"], "机房B")
        self.assertEqual(r.json["relations"], [])
        self.assertEqual(r.json["environment"], "production")
        self.assertError(self.srv.get("/api/v1/cis/987654", self.ops), 404)

    def test_list_filters_and_pagination(self):
        for i in range(7):
            self.assertStatus(self.create("flt-%d" % i, "database" if i % 2 else "application",
                                          "L1" if i < 4 else "L2", location="楼%d" % i), 201)
        r = self.srv.get("/api/v1/cis?q=flt-", self.ops)
        self.assertEqual(r.json["total"], 7)
        r = self.srv.get("/api/v1/cis?q=flt-&category=database", self.ops)
        self.assertEqual(sorted(c["name"] for c in r.json["items"]), ["flt-1", "flt-3", "flt-5"])
        self.assertEqual(r.json["total"], 3)
        r = self.srv.get("/api/v1/cis?q=flt-&category=database&grade=L2", self.ops)
        self.assertEqual([c["name"] for c in r.json["items"]], ["flt-5"])
        r = self.srv.get("/api/v1/cis?q=%E6%A5%BC3", self.ops)  # 楼3 in location
        self.assertEqual([c["name"] for c in r.json["items"]], ["flt-3"])
        pages = []
        for off in (0, 3, 6):
            r = self.srv.get("/api/v1/cis?q=flt-&limit=3&offset=%d" % off, self.ops)
            self.assertEqual(r.json["total"], 7)
            self.assertEqual((r.json["limit"], r.json["offset"]), (3, off))
            pages += [c["name"] for c in r.json["items"]]
        self.assertEqual(pages, ["flt-%d" % i for i in range(7)])
        r = self.srv.get("/api/v1/cis?q=flt%25", self.ops)  # a literal % matches nothing
        self.assertEqual(r.json["total"], 0)
        self.assertError(self.srv.get("/api/v1/cis?limit=0", self.ops), 400, field="limit")
        self.assertError(self.srv.get("/api/v1/cis?limit=501", self.ops), 400, field="limit")
        self.assertError(self.srv.get("/api/v1/cis?offset=-1", self.ops), 400, field="offset")

    def test_patch(self):
        cid = self.create("t-patch", "server", "L3", location="A").json["id"]
        r = self.srv.request("PATCH", "/api/v1/cis/%d" % cid, {"grade": "L1", "location": "B"}, token=self.ops)
        self.assertStatus(r, 200)
        self.assertEqual((r.json["grade"], r.json["location"], r.json["name"]), ("L1", "B", "t-patch"))
        # a category change must respect the new category's grades
        r = self.srv.request("PATCH", "/api/v1/cis/%d" % cid, {"category": "physical_env", "grade": "NG"},
                             token=self.ops)
        self.assertError(r, 422, field="grade", contains="L1, L2")
        r = self.srv.request("PATCH", "/api/v1/cis/%d" % cid, {"category": "security_device"}, token=self.ops)
        self.assertStatus(r, 200)
        self.assertEqual((r.json["category"], r.json["grade"]), ("security_device", "L1"))
        self.assertError(self.srv.request("PATCH", "/api/v1/cis/%d" % cid, {"grade": "L3"}, token=self.ops), 422)
        self.assertError(self.srv.request("PATCH", "/api/v1/cis/%d" % cid, {"foo": 1}, token=self.ops), 400,
                         field="foo")
        self.assertError(self.srv.request("PATCH", "/api/v1/cis/987654", {"grade": "L1"}, token=self.ops), 404)
        self.assertEqual(self.srv.get("/api/v1/cis/%d" % cid, self.ops).json["grade"], "L1")

    def test_relations(self):
        a = self.create("rel-a").json["id"]
        b = self.create("rel-b").json["id"]
        r = self.srv.post("/api/v1/cis/%d/relations" % a, {"type": "runs_on", "target_id": b}, self.ops)
        self.assertStatus(r, 201)
        self.assertEqual((r.json["source_id"], r.json["type"], r.json["target_id"]), (a, "runs_on", b))
        self.assertError(self.srv.post("/api/v1/cis/%d/relations" % a, {"type": "runs_on", "target_id": b},
                                       self.ops), 409)
        self.assertError(self.srv.post("/api/v1/cis/%d/relations" % a, {"type": "likes", "target_id": b},
                                       self.ops), 422, field="type")
        self.assertError(self.srv.post("/api/v1/cis/%d/relations" % a, {"type": "runs_on", "target_id": a},
                                       self.ops), 422, field="target_id")
        self.assertError(self.srv.post("/api/v1/cis/%d/relations" % a, {"type": "runs_on", "target_id": 987654},
                                       self.ops), 422, field="target_id")
        self.assertError(self.srv.post("/api/v1/cis/987654/relations", {"type": "runs_on", "target_id": a},
                                       self.ops), 404)
        rels = self.srv.get("/api/v1/cis/%d" % b, self.ops).json["relations"]
        self.assertEqual([(x["source_name"], x["type"], x["target_name"]) for x in rels], [("rel-a", "runs_on", "rel-b")])

    def test_impact_transitive(self):
        a, b, c = (self.create("imp-%s" % x).json["id"] for x in "abc")
        for src, dst in ((a, b), (b, c)):
            self.assertStatus(self.srv.post("/api/v1/cis/%d/relations" % src,
                                            {"type": "depends_on", "target_id": dst}, self.ops), 201)
        r = self.srv.get("/api/v1/cis/%d/impact" % c, self.ops)
        self.assertStatus(r, 200)
        self.assertEqual(r.json["ci"]["id"], c)
        self.assertEqual({(x["id"], x["depth"]) for x in r.json["impacted"]}, {(b, 1), (a, 2)})
        self.assertEqual(r.json["count"], 2)
        r = self.srv.get("/api/v1/cis/%d/impact" % a, self.ops)
        self.assertEqual(r.json["impacted"], [])
        # a cycle (c depends on a, which depends on c through b) is refused, whatever
        # dependency type closes it; nothing changes (test_cmdb_relations.py has more)
        for typ in ("depends_on", "runs_on", "connects_to"):
            err = self.assertError(self.srv.post("/api/v1/cis/%d/relations" % c, {"type": typ, "target_id": a},
                                                 self.ops), 422, field="target_id")
            self.assertIn("imp-a 已经（直接或间接）依赖 imp-c", err["message"])
        r = self.srv.get("/api/v1/cis/%d/impact" % c, self.ops)
        self.assertStatus(r, 200)
        self.assertEqual({(x["id"], x["depth"]) for x in r.json["impacted"]}, {(b, 1), (a, 2)})
        self.assertError(self.srv.get("/api/v1/cis/987654/impact", self.ops), 404)

    def test_zz_verify_and_unverified(self):
        """Runs last: moves the clock 8 days."""
        s = self.srv
        v = self.create("ver-1").json["id"]
        n = self.create("ver-2").json["id"]
        r = s.post("/api/v1/cis/%d/verify" % v, token=self.ops)
        self.assertStatus(r, 200)
        self.assertIsNotNone(r.json["last_verified_at"])
        self.assertIsInstance(r.json["verified_by"], int)
        ids = lambda p: {c["id"] for c in s.get("/api/v1/cis/unverified?period=%s&limit=500" % p, self.ops).json["items"]}
        self.assertNotIn(v, ids("week"))
        self.assertIn(n, ids("week"))
        s.clock(8 * 86400)
        s.tokens.clear()
        ops = s.login("cmdb_ops", harness.USER_PW)
        self.ops = ops
        self.assertIn(v, ids("week"))
        self.assertNotIn(v, ids("month"))
        self.assertIn(n, ids("month"))
        self.assertError(s.get("/api/v1/cis/unverified?period=year", ops), 400, field="period")
        self.assertError(s.post("/api/v1/cis/987654/verify", token=ops), 404)


class PolicyViews(harness.ServerTest):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        _, cls.ops = cls.srv.make_user("pol_ops", ["ops_engineer"])

    def test_categories_with_guidance(self):
        # R-CI-2, R-CI-3, R-INC-1
        r = self.srv.get("/api/v1/policy/categories", self.ops)
        self.assertStatus(r, 200)
        cats = {c["key"]: c for c in r.json["categories"]}
        self.assertEqual({k: set(c["grades"]) for k, c in cats.items() if k in ALLOWED}, ALLOWED)
        for key, allowed in ALLOWED.items():
            for g in allowed:
                self.assertTrue(cats[key]["guidance"].get(g), (key, g))
        self.assertEqual(set(r.json["severities"]), {"severe", "moderate", "minor"})

    def test_policy_table(self):
        # R-INC-6
        r = self.srv.get("/api/v1/policy/table", self.ops)
        self.assertStatus(r, 200)
        self.assertEqual(r.json["response_matrix"]["L1"]["minor"], "R2")
        # the light path (docs/policy.md activation_required, seed 000 ch. 7 §1 item 6): the plan must be
        # activated before the final report at R1-R3, not at 非等级
        self.assertEqual({k: v["activation_required"] for k, v in r.json["responses"].items()},
                         {"R1": True, "R2": True, "R3": True, "NG": False})

    def test_ci_shows_grade_guidance(self):
        r = self.srv.post("/api/v1/cis", {"name": "pol-ids", "category": "security_device", "grade": "L1"}, self.ops)
        self.assertStatus(r, 201)
        r = self.srv.get("/api/v1/cis/%d" % r.json["id"], self.ops)
        self.assertTrue(r.json.get("grade_guidance"), r)

    def test_grading(self):
        r = self.srv.get("/api/v1/grading?category=server&grade=L1&severity=minor", self.ops)
        self.assertStatus(r, 200)
        self.assertEqual(r.json["level"], "L1")
        self.assertEqual(r.json["response_level"], "R2")
        self.assertTrue(r.json["rules"])
        for rule in r.json["rules"]:
            self.assertTrue(rule["text"] and rule["req"] and rule["field"], rule)
        r = self.srv.get("/api/v1/grading?category=physical_env&grade=L3&severity=minor", self.ops)
        self.assertError(r, 422, field="grade")
        r = self.srv.get("/api/v1/grading?category=toaster&grade=L1", self.ops)
        self.assertError(r, 400, field="category")
        r = self.srv.get("/api/v1/grading?category=server&grade=L1&severity=awful", self.ops)
        self.assertError(r, 400, field="severity")
        cid = self.srv.post("/api/v1/cis", {"name": "pol-srv", "category": "server", "grade": "L2"}, self.ops).json["id"]
        r = self.srv.get("/api/v1/grading?ci_id=%d&severity=severe" % cid, self.ops)
        self.assertStatus(r, 200)
        self.assertEqual((r.json["level"], r.json["ci"]["id"]), ("L2", cid))
        for bad in ("0", "-2", "ci", ""):
            err = self.assertError(self.srv.get("/api/v1/grading?severity=severe&ci_id=" + bad, self.ops), 400,
                                   field="ci_id")
            self.assertEqual(err["message"], "ci_id 须为正整数 (ci_id must be a positive integer)", bad)


if __name__ == "__main__":
    harness.main()
