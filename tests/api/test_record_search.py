"""test_record_search.py — the text filter q of the records' list, every
kind (GET /api/v1/records?q=, GET /api/v1/problems?q=; migration 0036:
SQLite FTS5 trigram over number and title, PostgreSQL pg_trgm; R-PRB-1,
modules-spec §M2.8): 3 characters or more by the index (a substring,
Chinese without spaces, ASCII case ignored), 1-2 characters by a LIKE
("_" and "%" are text); a renamed record found by its new title only; the
kind, state and paging filters with q; exact totals; bad q 400."""
import urllib.parse

import harness


class RecordSearch(harness.ServerTest):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        s = cls.srv
        try:
            cls.pm_id, cls.pm = s.make_user("pm", ["problem_manager"])
            cls.eng_id, cls.eng = s.make_user("eng", ["ops_engineer"])
        except Exception:
            cls.tearDownClass()
            raise

    def q(self, text, **extra):
        params = {"q": text, "limit": 50}
        params.update(extra)
        r = self.srv.get("/api/v1/records?" + urllib.parse.urlencode(params), token=self.pm)
        self.assertStatus(r, 200)
        return r.json

    def ids(self, text, **extra):
        return [x["id"] for x in self.q(text, **extra)["items"]]

    def test_every_kind_by_number_and_title(self):
        made = {}
        for title in ("Oracle RAC 节点驱逐_x", "核心交换机端口抖动", "oracle 归档满"):
            r = self.srv.post("/api/v1/problems", {"title": title}, token=self.pm)
            self.assertStatus(r, 201)
            made[title] = r.json
        r = self.srv.post("/api/v1/known-errors", {"title": "交换机端口抖动的已知错误", "symptoms": "丢包"},
                          token=self.pm)
        self.assertStatus(r, 201)
        ke = r.json
        p1, p2, p3 = (made[t] for t in ("Oracle RAC 节点驱逐_x", "核心交换机端口抖动", "oracle 归档满"))
        # 3+ characters: the index, newest first, ASCII case ignored, Chinese substrings, across kinds
        self.assertEqual(self.ids("ORACLE"), [p3["id"], p1["id"]])
        self.assertEqual(self.ids("端口抖动"), [ke["id"], p2["id"]])
        self.assertEqual(self.q("端口抖动")["total"], 2)
        self.assertEqual(self.ids("端口抖动", kind="problem"), [p2["id"]])
        self.assertEqual(self.ids("端口抖动", kind="known_error"), [ke["id"]])
        self.assertEqual(self.ids(p1["number"]), [p1["id"]])
        self.assertEqual(self.ids("不存在的文字"), [])
        # 1-2 characters: a LIKE; its wildcards are text
        self.assertEqual(self.ids("_x"), [p1["id"]])
        self.assertEqual(self.ids("%%"), [])
        self.assertEqual(self.ids("抖动"), [ke["id"], p2["id"]])
        # paging and filters with q
        j = self.q("端口抖动", limit=1, offset=1)
        self.assertEqual(([x["id"] for x in j["items"]], j["total"]), ([p2["id"]], 2))
        self.assertEqual(self.ids("oracle", state="new"), [p3["id"], p1["id"]])
        self.assertEqual(self.ids("oracle", state="closed"), [])
        # the problem list's q is the same search
        r = self.srv.get("/api/v1/problems?q=%s" % urllib.parse.quote("oracle"), token=self.pm)
        self.assertEqual([x["id"] for x in r.json["items"]], [p3["id"], p1["id"]])
        # renamed: found by the new title, not the old one
        r = self.srv.request("PATCH", "/api/v1/records/%d" % p3["id"],
                             {"version": p3["version"], "title": "归档日志目录满"}, token=self.pm)
        self.assertStatus(r, 200)
        self.assertEqual(self.ids("oracle"), [p1["id"]])
        self.assertEqual(self.ids("归档日志"), [p3["id"]])
        # bad q
        r = self.srv.get("/api/v1/records?q=" + "x" * 201, token=self.pm)
        self.assertError(r, 400, field="q")

    def test_record_text_description_cause_workaround(self):
        # the record's text (migration 0045): a problem's description, root cause and workaround, a
        # known error's symptoms, root cause and workaround — found by q like the title, both backends
        r = self.srv.post("/api/v1/problems", {"title": "间歇性故障甲", "fields": {"description": "磁盘阵列缓存电池失效"}},
                          token=self.pm)
        self.assertStatus(r, 201)
        p = r.json
        r = self.srv.post("/api/v1/known-errors", {"title": "间歇性故障乙", "symptoms": "BGP session flapping",
                                                   "root_cause": "光模块老化", "workaround": "切换备用链路 LinkB7"},
                          token=self.pm)
        self.assertStatus(r, 201)
        ke = r.json
        self.assertEqual(self.ids("缓存电池"), [p["id"]])
        self.assertEqual(self.ids("session flap"), [ke["id"]])
        self.assertEqual(self.ids("SESSION FLAP"), [ke["id"]])
        self.assertEqual(self.ids("光模块"), [ke["id"]])
        self.assertEqual(self.ids("linkb7"), [ke["id"]])
        self.assertEqual(self.q("间歇性故障")["total"], 2)
        # a phrase never spans two texts: the end of the symptoms and the start of the root cause
        self.assertEqual(self.ids("flapping光模"), [])
        # edited: found by the new text, no longer by the old one
        r = self.srv.request("PATCH", "/api/v1/problems/%d" % p["id"],
                             {"version": p["version"], "fields": {"description": "控制器固件缺陷",
                                                                  "workaround": "临时关闭写缓存 WCACHE-OFF"}},
                             token=self.pm)
        self.assertStatus(r, 200)
        self.assertEqual(self.ids("缓存电池"), [])
        self.assertEqual(self.ids("固件缺陷"), [p["id"]])
        self.assertEqual(self.ids("wcache-off"), [p["id"]])
        self.assertEqual(self.ids("wcache-off", kind="known_error"), [])
        r = self.srv.request("PATCH", "/api/v1/known-errors/%d" % ke["id"],
                             {"version": ke["version"], "symptoms": "链路丢包"}, token=self.pm)
        self.assertStatus(r, 200)
        self.assertEqual(self.ids("session flap"), [])
        self.assertEqual(self.ids("链路丢包"), [ke["id"]])
        self.assertEqual(self.ids("光模块"), [ke["id"]])  # the root cause it kept
        # the problem list's q reaches the text too
        r = self.srv.get("/api/v1/problems?q=%s" % urllib.parse.quote("固件缺陷"), token=self.pm)
        self.assertEqual([x["id"] for x in r.json["items"]], [p["id"]])


if __name__ == "__main__":
    harness.main()
