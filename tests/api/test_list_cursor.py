"""test_list_cursor.py — keyset pages of the incident and event lists (issue
20; R-EVT-1 event list, R-CLOSE-2 incident states as a filter): walking a
list by its cursor (next_before_id, next_after; the audit log, the records and
the CMDB too: next_before_id, next_after_id) yields exactly the rows of
the whole list, in the same order, once each, under every filter that picks
its own statement (src/store/queries_lists.h); every page carries the same
exact total with total_estimated false; offset still works and counts after
the cursor; a bad cursor is refused with a clear error and changes nothing."""
import harness


class ListCursor(harness.ServerTest):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        s = cls.srv
        try:
            _, cls.eng = s.make_user("cur_eng", ["ops_engineer", "monitoring_engineer"])
            cis = {}
            for name, grade in (("cur-a", "L2"), ("cur-b", "L3")):
                r = s.post("/api/v1/cis", {"name": name, "category": "server", "grade": grade,
                                           "department": "运行部"}, cls.eng)
                assert r.status == 201, r
                cis[name] = r.json["id"]
            cls.cis = cis
            # 7 incidents: 4 on cur-a (level L2), 3 on cur-b (level L3)
            for k in range(7):
                ci = cis["cur-a"] if k % 2 == 0 else cis["cur-b"]
                r = s.post("/api/v1/incidents", {"title": "游标 %d" % k, "ci_ids": [ci], "severity": "moderate",
                                                 "location": "机房A", "symptoms": "慢", "impact_scope": "柜面"},
                           cls.eng)
                assert r.status == 201, r
            r = s.post("/api/v1/api-keys", {"name": "cur", "integration": "api"}, s.admin("sysadmin"))
            assert r.status == 201, r
            key = r.json["key"]
            # 9 events (info: closed at once) in two batches a minute apart: the
            # received time is last_seen, so the id orders each batch
            for ks in (range(0, 5), range(5, 9)):
                batch = [{"dedup_key": "cur-%d" % k, "status": "resolved" if k % 3 == 0 else "firing",
                          "severity": "info", "summary": "游标事件 %d" % k, "ci": "cur-a" if k % 2 else "cur-b"}
                         for k in ks]
                r = s.request("POST", "/api/v1/events", batch, token=key)
                assert r.status == 202, r
                s.clock(60)
        except BaseException:
            s.cleanup()
            raise

    def get(self, path):
        r = self.srv.get(path, self.eng)
        self.assertStatus(r, 200)
        return r.json

    def walk(self, base, cursor_param, cursor_key, limit):
        """every page of base by the cursor: (ids in order, pages)"""
        sep = "&" if "?" in base else "?"
        full = self.get(base + sep + "limit=500")
        want = [x["id"] for x in full["items"]]
        self.assertEqual(full["total"], len(want), base)
        self.assertIs(full["total_estimated"], False, base)
        self.assertIsNone(full[cursor_key], base)  # one page holds all
        got, cur, pages = [], None, 0
        while True:
            q = base + sep + "limit=%d" % limit + ("&%s=%s" % (cursor_param, cur) if cur is not None else "")
            page = self.get(q)
            pages += 1
            self.assertEqual((page["total"], page["total_estimated"]), (len(want), False), q)
            self.assertEqual((page["limit"], page["offset"]), (limit, 0), q)
            got += [x["id"] for x in page["items"]]
            cur = page[cursor_key]
            if cur is None:
                break
            self.assertEqual(len(page["items"]), limit, q)
            self.assertLess(pages, 50, q)
        self.assertEqual(got, want, base)
        return want, pages

    def test_incidents_by_before_id(self):
        for base, n in (("/api/v1/incidents", 7), ("/api/v1/incidents?state=detected", 7),
                        ("/api/v1/incidents?level=L2", 4), ("/api/v1/incidents?level=L3", 3),
                        ("/api/v1/incidents?state=detected&level=L3", 3), ("/api/v1/incidents?state=closed", 0)):
            want, pages = self.walk(base, "before_id", "next_before_id", 2)
            self.assertEqual(len(want), n, base)
            self.assertEqual(want, sorted(want, reverse=True), base)
            # a page of 2 is full when rows remain or it ends exactly on the last one
            self.assertEqual(pages, n // 2 + 1, base)

    def test_incident_cursor_and_offset(self):
        ids = [x["id"] for x in self.get("/api/v1/incidents?limit=500")["items"]]
        page = self.get("/api/v1/incidents?limit=2&offset=1&before_id=%d" % ids[2])
        self.assertEqual([x["id"] for x in page["items"]], ids[4:6])
        self.assertEqual((page["total"], page["offset"], page["next_before_id"]), (7, 1, ids[5]))
        self.assertEqual(self.get("/api/v1/incidents?before_id=%d" % ids[-1])["items"], [])

    def test_events_by_after(self):
        ci_a = self.cis["cur-a"]
        for base, n in (("/api/v1/events", 9), ("/api/v1/events?status=firing", 6),
                        ("/api/v1/events?status=resolved", 3), ("/api/v1/events?status=closed", 9),
                        ("/api/v1/events?status=open", 0),
                        ("/api/v1/events?ci=cur-a", 4), ("/api/v1/events?ci=%d&status=firing" % ci_a, 3),
                        ("/api/v1/events?ci=nosuch", 0)):
            want, pages = self.walk(base, "after", "next_after", 2)
            self.assertEqual(len(want), n, base)
            self.assertEqual(pages, n // 2 + 1, base)
        # newest last_seen first, the larger id first among equals
        full = self.get("/api/v1/events?limit=500")["items"]
        keys = [(x["last_seen"], x["id"]) for x in full]
        self.assertEqual(keys, sorted(keys, reverse=True))
        self.assertEqual(len({x["last_seen"] for x in full}), 2)

    def test_audit_by_before_id(self):
        aud = self.srv.admin("auditor")
        full = self.srv.get("/api/v1/audit?limit=500", aud).json
        n = full["total"]
        self.assertGreater(n, 10)
        self.eng_token, self.eng = self.eng, aud
        try:
            for base in ("/api/v1/audit", "/api/v1/audit?entity=incident", "/api/v1/audit?actor=cur_eng",
                         "/api/v1/audit?entity=incident&entity_id=1", "/api/v1/audit?entity=nosuch"):
                want, pages = self.walk(base, "before_id", "next_before_id", 3)
                self.assertEqual(want, sorted(want, reverse=True), base)
                self.assertEqual(pages, len(want) // 3 + 1, base)
            self.assertEqual(len(self.walk("/api/v1/audit?entity=incident", "before_id", "next_before_id", 3)[0]), 7)
            r = self.srv.get("/api/v1/audit?before_id=x", aud)
            self.assertStatus(r, 400)
            self.assertEqual(r.json["error"]["field"], "before_id")
        finally:
            self.eng = self.eng_token

    def test_cis_by_after_id(self):
        for k in range(5):
            r = self.srv.post("/api/v1/cis", {"name": "cur-x%d" % k, "category": "network" if k % 2 else "server",
                                              "grade": "L1" if k < 2 else "L3", "department": "运行部"}, self.eng)
            self.assertStatus(r, 201)
        for base in ("/api/v1/cis", "/api/v1/cis?category=server", "/api/v1/cis?grade=L3",
                     "/api/v1/cis?category=server&grade=L3", "/api/v1/cis?q=cur-x", "/api/v1/cis?grade=NG"):
            want, pages = self.walk(base, "after_id", "next_after_id", 2)
            self.assertEqual(want, sorted(want), base)  # oldest first
            self.assertEqual(pages, len(want) // 2 + 1, base)
        self.assertEqual(len(self.walk("/api/v1/cis?q=cur-x", "after_id", "next_after_id", 2)[0]), 5)
        r = self.srv.get("/api/v1/cis?after_id=-3", self.eng)
        self.assertStatus(r, 400)
        self.assertEqual(r.json["error"]["field"], "after_id")

    def test_records_by_before_id(self):
        pm_id, pm = self.srv.make_user("cur_pm", ["problem_manager"])
        for k in range(5):
            body = {"kind": "problem", "title": "游标问题 %d" % k}
            if k % 2:
                body["assignee_id"] = pm_id
            r = self.srv.post("/api/v1/records", body, pm)
            self.assertStatus(r, 201)
        self.eng_token, self.eng = self.eng, pm
        try:
            # the 7 incidents are records too (kind incident)
            for base, n in (("/api/v1/records", 12), ("/api/v1/records?kind=problem", 5),
                            ("/api/v1/records?kind=incident&state=detected", 7),
                            ("/api/v1/records?assignee_id=%d" % pm_id, 2), ("/api/v1/records?kind=change", 0),
                            ("/api/v1/records?kind=problem&assignee_id=%d" % pm_id, 2)):
                want, pages = self.walk(base, "before_id", "next_before_id", 2)
                self.assertEqual(len(want), n, base)
                self.assertEqual(want, sorted(want, reverse=True), base)
                self.assertEqual(pages, n // 2 + 1, base)
            r = self.srv.get("/api/v1/records?before_id=0", pm)
            self.assertStatus(r, 400)
            self.assertEqual(r.json["error"]["field"], "before_id")
        finally:
            self.eng = self.eng_token

    def test_bad_cursors_are_refused(self):
        before = self.get("/api/v1/incidents?limit=500")
        for v in ("0", "-1", "x", "1.5", ""):
            if v == "":
                continue
            r = self.srv.get("/api/v1/incidents?before_id=" + v, self.eng)
            self.assertStatus(r, 400)
            self.assertEqual(r.json["error"]["field"], "before_id", v)
        for v in ("x", "1", "1.", ".5", "1.0", "1.-2", "-1.2", "1.2x"):
            r = self.srv.get("/api/v1/events?after=" + v, self.eng)
            self.assertStatus(r, 400)
            self.assertEqual(r.json["error"]["field"], "after", v)
            self.assertIn("next_after", r.json["error"]["message"], v)
        self.assertEqual(self.get("/api/v1/incidents?limit=500"), before)


if __name__ == "__main__":
    harness.main()
