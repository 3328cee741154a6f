"""test_incident_sort.py — the incident list sorted by a column (R-CLOSE-2
the incident states as a filter, R-INC-1 the levels; docs/internals/lists.md
"Sorting by a column"): sort=id, -id, detected_at, -detected_at, level,
-level.  Each order is exact (ties broken by the id the same way), walking a
sorted list by its `after` cursor (next_after) sees every row exactly once
in the order of the whole list, under filters, for a principal with a
department scope too; offset counts after the cursor; every page carries the
same exact total; a bad sort or cursor is refused (400 with its field) and
nothing is read."""
import datetime

import harness

SORTS = ("id", "-id", "detected_at", "-detected_at", "level", "-level")
GRADE_RANK = {"L1": 0, "L2": 1, "L3": 2, "NG": 3}


def iso(ms):
    return datetime.datetime.fromtimestamp(ms / 1000, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def ms(text):
    return int(datetime.datetime.strptime(text.replace("Z", "+0000"), "%Y-%m-%dT%H:%M:%S.%f%z").timestamp() * 1000)


class IncidentSort(harness.ServerTest):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        s = cls.srv
        try:
            _, cls.eng = s.make_user("sort_eng", ["ops_engineer", "monitoring_engineer"])
            _, cls.scoped = s.make_user("sort_scoped", ["ops_engineer"], scopes=["运行部"])
            cis = []
            for name, grade, dept in (("sort-a", "L1", "运行部"), ("sort-b", "L2", "技术部"),
                                      ("sort-c", "L3", "运行部"), ("sort-d", "NG", "运行部")):
                r = s.post("/api/v1/cis", {"name": name, "category": "server", "grade": grade,
                                           "department": dept}, cls.eng)
                assert r.status == 201, r
                cis.append(r.json["id"])
            now = s.now_ms()
            # 13 incidents; detection times out of the registration order, with
            # ties (k % 5), so each sort differs from the id order
            for k in range(13):
                r = s.post("/api/v1/incidents", {
                    "title": "排序 %d" % k, "ci_ids": [cis[k % 4]], "severity": "moderate",
                    "detected_at": iso(now - ((k * 7) % 5) * 60000 - 3600000),
                    "location": "机房A", "symptoms": "慢", "impact_scope": "柜面"}, cls.eng)
                assert r.status == 201, r
        except BaseException:
            s.cleanup()
            raise

    def get(self, path, token=None):
        r = self.srv.get(path, token or self.eng)
        self.assertStatus(r, 200)
        return r.json

    @staticmethod
    def key(sort, x):
        desc = sort.startswith("-")
        col = sort.lstrip("-")
        k = (x["id"],) if col == "id" else (ms(x["detected_at"]), x["id"]) if col == "detected_at" \
            else (GRADE_RANK[x["level"]], x["id"])
        return k, desc

    def expected(self, sort, items):
        desc = sort.startswith("-")
        return [x["id"] for x in sorted(items, key=lambda x: self.key(sort, x)[0], reverse=desc)]

    def walk(self, base, limit, token=None):
        """every page of base by next_after: the ids in order, and the pages"""
        sep = "&" if "?" in base else "?"
        full = self.get(base + sep + "limit=500", token)
        want = [x["id"] for x in full["items"]]
        self.assertEqual((full["total"], full["total_estimated"]), (len(want), False), base)
        self.assertIsNone(full["next_after"], base)
        got, cur, pages = [], None, 0
        while True:
            q = base + sep + "limit=%d" % limit + ("&after=%s" % cur if cur is not None else "")
            page = self.get(q, token)
            pages += 1
            # a scoped principal's total counts from the cursor on (docs/internals/lists.md)
            total = len(want) if token is None or cur is None else len(want) - len(got)
            self.assertEqual((page["total"], page["total_estimated"], page["offset"]), (total, False, 0), q)
            self.assertNotIn("next_before_id", page, q)
            got += [x["id"] for x in page["items"]]
            cur = page["next_after"]
            if cur is None:
                break
            self.assertEqual(len(page["items"]), limit, q)
            self.assertLess(pages, 50, q)
        self.assertEqual(got, want, base)
        self.assertEqual(len(set(got)), len(got), base)  # once each
        return full["items"], pages

    def test_each_order_is_exact(self):
        everything = self.get("/api/v1/incidents?limit=500")["items"]
        self.assertEqual(len(everything), 13)
        self.assertEqual(len({x["detected_at"] for x in everything}), 5)  # ties
        for sort in SORTS:
            items = self.get("/api/v1/incidents?limit=500&sort=" + sort)["items"]
            self.assertEqual([x["id"] for x in items], self.expected(sort, everything), sort)
        # the default is -id, paged by before_id as before
        self.assertEqual([x["id"] for x in everything],
                         [x["id"] for x in self.get("/api/v1/incidents?limit=500&sort=-id")["items"]])
        lv = [x["level"] for x in self.get("/api/v1/incidents?limit=500&sort=level")["items"]]
        self.assertEqual(lv, ["L1"] * 4 + ["L2"] * 3 + ["L3"] * 3 + ["NG"] * 3)

    def test_walk_every_order_by_cursor(self):
        for sort in SORTS[:1] + SORTS[2:]:
            for base, n in (("/api/v1/incidents?sort=%s" % sort, 13),
                            ("/api/v1/incidents?sort=%s&level=L1" % sort, 4),
                            ("/api/v1/incidents?sort=%s&state=detected" % sort, 13),
                            ("/api/v1/incidents?sort=%s&q=%%E6%%8E%%92%%E5%%BA%%8F" % sort, 13),  # 排序
                            ("/api/v1/incidents?sort=%s&q=sort-c" % sort, 3),
                            ("/api/v1/incidents?sort=%s&state=closed" % sort, 0)):
                for limit in (2, 3, 13):
                    items, pages = self.walk(base, limit)
                    self.assertEqual(len(items), n, base)
                    self.assertEqual(pages, n // limit + 1, base)
        # a principal scoped to 运行部 walks only its 10 (sort-b is 技术部's)
        for sort in ("detected_at", "-level"):
            items, pages = self.walk("/api/v1/incidents?sort=" + sort, 3, self.scoped)
            self.assertEqual(len(items), 10, sort)
            self.assertEqual(pages, 4, sort)

    def test_cursor_with_offset(self):
        ids = [x["id"] for x in self.get("/api/v1/incidents?limit=500&sort=detected_at")["items"]]
        p1 = self.get("/api/v1/incidents?limit=3&sort=detected_at")
        self.assertEqual([x["id"] for x in p1["items"]], ids[:3])
        p2 = self.get("/api/v1/incidents?limit=2&offset=1&sort=detected_at&after=" + p1["next_after"])
        self.assertEqual([x["id"] for x in p2["items"]], ids[4:6])
        self.assertEqual((p2["total"], p2["offset"]), (13, 1))
        last = self.get("/api/v1/incidents?limit=13&sort=-level")
        self.assertIsNotNone(last["next_after"])  # a full last page still carries a cursor
        self.assertEqual(self.get("/api/v1/incidents?sort=-level&after=" + last["next_after"])["items"], [])
        self.assertIsNone(self.get("/api/v1/incidents?sort=-level&after=" + last["next_after"])["next_after"])

    def test_bad_sort_or_cursor_refused(self):
        for q, field in (("sort=title", "sort"), ("sort=", None), ("sort=level&after=L9.1", "after"),
                         ("sort=level&after=L1", "after"), ("sort=level&after=.5", "after"),
                         ("sort=detected_at&after=x.1", "after"), ("sort=detected_at&after=1.-1", "after"),
                         ("sort=detected_at&after=1.2.3", "after"), ("sort=id&after=4.5", "after"),
                         ("after=L1.2", "after"), ("sort=-id&after=3.3", "after"),
                         ("sort=id&before_id=3", "before_id"), ("sort=level&after=L1.%2B5", "after"),
                         ("sort=level&after=L1.%205", "after"), ("sort=detected_at&after=%201.5", "after"),
                         ("sort=detected_at&after=%2B1.5", "after"), ("sort=detected_at&after=.5", "after")):
            r = self.srv.get("/api/v1/incidents?" + q, self.eng)
            if field is None:
                self.assertStatus(r, 200, q)  # an empty sort is the default
                continue
            self.assertEqual(r.status, 400, q)
            self.assertError(r, 400, field=field)
            self.assertIn("(", r.json["error"]["message"], q)  # 中文 (English)


if __name__ == "__main__":
    harness.main()
