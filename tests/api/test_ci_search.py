"""test_ci_search.py — the CI list's text filter q (R-CI-4; "reads
that stay fast"): a q of 3 characters or more is served by the full-text
index (migration 0043: FTS5 trigram on SQLite, pg_trgm on PostgreSQL), 1–2
characters by LIKE, and both find exactly what the LIKE search found: a
case-insensitive (ASCII) substring of the name, location, department or
attributes, or the CIs of a category whose name holds q.  Runs on SQLite and
PostgreSQL (OD_PG_API_SUBSET)."""
import unittest
import urllib.parse

import harness

CIS = [
    # name, category, grade, location, department, attributes
    ("cqs-Alpha-数据库主机", "server", "L2", "机房东区", "运维部", {"vendor": "华为", "model": "Taishan-200"}),
    ("cqs-beta", "network", "L1", "机房西区-A", "网络部", {"owner": "zhangSan", "ip": "10.9.8.7"}),
    ("cqs-gamma", "database", "L1", "楼3", "运维部", {"note": "ALPHA backup"}),
    ("cqs-delta", "application", "L3", "机房东区", "应用部", {}),
    ("cqs-ALPHABET", "server", "L1", "楼5", "网络部", {"vendor": "Cisco"}),
]


class CiSearch(harness.ServerTest):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        _, cls.ops = cls.srv.make_user("cqs_ops", ["ops_engineer"])
        cls.ids = {}
        for name, cat, grade, loc, dept, attrs in CIS:
            r = cls.srv.post("/api/v1/cis", {"name": name, "category": cat, "grade": grade, "location": loc,
                                             "department": dept, "attributes": attrs}, cls.ops)
            assert r.status == 201, r.json
            cls.ids[name] = r.json["id"]

    def names(self, q, extra=""):
        """every name the list answers for q, page by page, and the total"""
        names, total, off = [], None, 0
        while True:
            r = self.srv.get("/api/v1/cis?limit=2&offset=%d&q=%s%s" % (off, urllib.parse.quote(q), extra), self.ops)
            self.assertStatus(r, 200, q)
            if total is None:
                total = r.json["total"]
            names += [x["name"] for x in r.json["items"]]
            if len(r.json["items"]) < 2:
                return names, total
            off += 2

    def check(self, q, expected, extra=""):
        names, total = self.names(q, extra)
        want = sorted(expected, key=lambda n: self.ids[n])  # id order, as every CI list
        self.assertEqual(names, want, q)
        self.assertEqual(total, len(want), q)

    def test_same_matches_as_like(self):
        a, b, g, d, ab = (c[0] for c in CIS)
        cases = [
            ("alpha", [a, g, ab]),  # name and an attribute value, ASCII case ignored
            ("ALPHA", [a, g, ab]),
            ("AlPhAbEt", [ab]),
            ("机房东区", [a, d]),  # Chinese in the location, 4 characters
            ("东区", [a, d]),  # 2 characters: LIKE
            ("西区-a", [b]),  # Chinese and ASCII mixed, case ignored
            ("Taishan-200", [a]),  # an attribute value
            ("10.9.8", [b]),
            ("zhangsan", [b]),
            ("运维部", [a, g]),  # the department
            ("数据库", [a, g]),  # the name of one, the category (数据库) of the other
            ("cqs", [a, b, g, d, ab]),
            ("cq", [a, b, g, d, ab]),  # 2 characters: LIKE
            ("Al", [a, g, ab]),  # 2 characters: LIKE, case ignored
            ("cqs-%", []),  # % and _ are literal
            ("cqs_b", []),
            ("qs-b", [b]),
            ("nothing-like-it", []),
        ]
        for q, want in cases:
            with self.subTest(q=q):
                self.check(q, want)

    def test_residual_filters(self):
        a, b, g, d, ab = (c[0] for c in CIS)
        self.check("cqs", [a, ab], "&category=server")
        self.check("cqs", [b, g, ab], "&grade=L1")
        self.check("cqs", [ab], "&category=server&grade=L1")
        self.check("alpha", [g], "&category=database")
        r = self.srv.get("/api/v1/cis?limit=50&q=cqs&after_id=%d" % self.ids[g], self.ops)
        self.assertStatus(r, 200)
        self.assertEqual([x["name"] for x in r.json["items"]], [d, ab])

    def test_index_follows_writes(self):
        cid = self.ids["cqs-delta"]
        r = self.srv.request("PATCH", "/api/v1/cis/%d" % cid, {"location": "楼9", "attributes": {"tag": "omega"}},
                             token=self.ops)
        self.assertStatus(r, 200)
        try:
            self.check("机房东区", ["cqs-Alpha-数据库主机"])
            self.check("omega", ["cqs-delta"])
            self.check("OMEGA", ["cqs-delta"])
        finally:
            r = self.srv.request("PATCH", "/api/v1/cis/%d" % cid, {"location": "机房东区", "attributes": {}},
                                 token=self.ops)
            self.assertStatus(r, 200)
        self.check("omega", [])
        self.check("机房东区", ["cqs-Alpha-数据库主机", "cqs-delta"])


if __name__ == "__main__":
    unittest.main()
