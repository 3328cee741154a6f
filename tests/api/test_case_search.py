"""test_case_search.py — the case library's text search served by the
full-text index (R-PIR-2; docs/internals/lists.md "The case library's
search").

Four reviewed incidents, filed a minute apart, become four cases.  The
search answers exactly the cases that hold every term (a substring, any
ASCII case, in any order): an English word of three titles, a Chinese phrase
only in one review's measures (the report body), two terms together, a
term with a double quote in it, a query of two characters (by a scan, not
the index), none; newest first with the incident id breaking ties; the
level and category filters and limit/offset apply to the matches and the
total counts them all; a reader scoped to another department sees none of
them (R-SEC-SYS-2).  Runs on SQLite and PostgreSQL (api/test_case_search-pg).
"""
import os
import sys
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
import test_incidents as ti  # noqa: E402


class CaseSearchTest(ti.IncidentWorld):

    @classmethod
    def build_world(cls):
        super().build_world()
        cls.ci["srv"] = cls.make_ci("srv-L3", "L3", category="server")

    def reviewed(self, ci, title, **review):
        inc = self.create(ci_ids=[self.ci[ci]], title=title)
        iid = inc["id"]
        self.first(iid)
        self.second(iid, "R3")
        self.assertStatus(self.action(iid, "activate", "opsdept"), 200)
        self.final(iid)
        self.assertStatus(self.action(iid, "close", "opsdept"), 200)
        body = dict(ti.LifecycleTest.REVIEW)
        body.update(review)
        r = self.srv.post("/api/v1/incidents/%d/review" % iid, body, token=self.tok["eng"])
        self.assertStatus(r, 200)
        self.advance(60)
        return iid

    def search(self, query, **extra):
        params = dict(extra)
        params["q"] = query
        r = self.srv.get("/api/v1/cases?" + urllib.parse.urlencode(params), token=self.tok["eng"])
        self.assertStatus(r, 200)
        return [c["incident_id"] for c in r.json["items"]], r.json["total"]

    def test_search_by_the_index_r_pir_2(self):
        a = self.reviewed("L3", "Zephyrcore 网关超时")
        b = self.reviewed("srv", "数据库 zephyrcore 锁等待", measures="回切至同城灾备中心并核对账务")
        c = self.reviewed("L3", "ZEPHYRCORE 证书过期", lessons='配置项 say"hi"x 未纳入巡检')
        d = self.reviewed("srv", "存储延迟抖动")
        newest = [d, c, b, a]
        # every case without a query, newest first
        self.assertEqual(self.search(""), (newest, 4))
        # an English word of three titles, any case; newest first; total = matches
        for q in ("zephyrcore", "ZephyrCore", "ephyrcor"):
            self.assertEqual(self.search(q), ([c, b, a], 3), q)
        # a Chinese phrase only in one review's measures (the report body)
        self.assertEqual(self.search("同城灾备中心"), ([b], 1))
        # two terms, both needed, any order
        self.assertEqual(self.search("核对账务 ZEPHYRCORE"), ([b], 1))
        self.assertEqual(self.search("zephyrcore 存储延迟"), ([], 0))
        # a term with a double quote in it
        self.assertEqual(self.search('say"hi"x'), ([c], 1))
        self.assertEqual(self.search('"hi"'), ([c], 1))
        # two characters: the whole query one substring, by a scan
        self.assertEqual(self.search("灾备"), ([b], 1))
        self.assertEqual(self.search("抖动"), ([d], 1))
        # nothing
        self.assertEqual(self.search("nosuchwordanywhere"), ([], 0))
        # the filters apply to the matches
        self.assertEqual(self.search("zephyrcore", category="server"), ([b], 1))
        self.assertEqual(self.search("zephyrcore", category="application"), ([c, a], 2))
        self.assertEqual(self.search("zephyrcore", level="L3"), ([c, b, a], 3))
        self.assertEqual(self.search("zephyrcore", level="L1"), ([], 0))
        # pages of the matches; the total counts them all
        self.assertEqual(self.search("zephyrcore", limit=1), ([c], 3))
        self.assertEqual(self.search("zephyrcore", limit=1, offset=1), ([b], 3))
        self.assertEqual(self.search("zephyrcore", limit=2, offset=2), ([a], 3))
        self.assertEqual(self.search("zephyrcore", limit=2, offset=3), ([], 3))
        # scoped readers (R-SEC-SYS-2): their page and total count only what they may see
        _, inside = self.srv.make_user("cs_in", ["ops_engineer"], department=ti.CI_DEPT, scopes=[ti.CI_DEPT])
        _, outside = self.srv.make_user("cs_out", ["ops_engineer"], department=ti.OTHER_DEPT,
                                        scopes=[ti.OTHER_DEPT])
        for tok, want in ((inside, ([b, a], 3)), (outside, ([], 0))):
            r = self.srv.get("/api/v1/cases?q=zephyrcore&limit=2&offset=1", token=tok)
            self.assertStatus(r, 200)
            self.assertEqual(([x["incident_id"] for x in r.json["items"]], r.json["total"]), want)
        # bad input: a clear error naming q
        r = self.srv.get("/api/v1/cases?q=" + "x" * 300, token=self.tok["eng"])
        self.assertError(r, 400, field="q")


if __name__ == "__main__":
    harness.main()
