"""test_problem_entries.py — a problem's entries and the structured review
(research/modules-spec.md §M2; R-PRB-3; docs/problems.md): entries of kind
investigation | workaround | root_cause | review with author and time, listed
newest first in the list envelope, audited and on the timeline; bad input 422
naming the field with nothing written; only callers who may write records in
the problem's scope; a major problem closes only after a review entry (409
naming review_entry), then after the major_review approval."""
import harness

REVIEW = {"what": "连接池耗尽导致交易失败", "why": "连接泄漏未回收",
          "prevent": "上线前压测连接池", "actions": ["修复泄漏", "增加连接池监控"]}


class ProblemEntries(harness.ServerTest):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        s = cls.srv
        try:
            cls.pm_id, cls.pm = s.make_user("pm", ["problem_manager"])
            cls.solver_id, cls.solver = s.make_user("solver", ["problem_solver"])
            cls.eng_id, cls.eng = s.make_user("eng", ["ops_engineer"])
            cls.aud = s.admin("auditor")
        except Exception:
            cls.tearDownClass()
            raise

    def create(self, **fields):
        r = self.srv.post("/api/v1/problems", {"title": "数据库连接池耗尽", "fields": fields}, token=self.pm)
        self.assertStatus(r, 201)
        return r.json

    def get(self, pid):
        r = self.srv.get("/api/v1/problems/%d" % pid, token=self.pm)
        self.assertStatus(r, 200)
        return r.json

    def act(self, pid, action, token, fields=None):
        body = {"version": self.get(pid)["version"]}
        if fields is not None:
            body["fields"] = fields
        return self.srv.post("/api/v1/records/%d/actions/%s" % (pid, action), body, token=token)

    def entries(self, pid, q=""):
        r = self.srv.get("/api/v1/problems/%d/entries%s" % (pid, q), token=self.pm)
        self.assertStatus(r, 200)
        return r.json

    def add(self, pid, body, token=None):
        return self.srv.post("/api/v1/problems/%d/entries" % pid, body, token=token or self.solver)

    # R-PRB-3: entries with author and time, newest first, audited, on the timeline
    def test_entries_listed_newest_first(self):
        p = self.create()
        self.assertEqual(self.entries(p["id"])["items"], [])
        version = self.get(p["id"])["version"]
        texts = [("investigation", "查看连接池日志"), ("workaround", "定期重启应用"),
                 ("root_cause", "连接泄漏"), ("review", "复盘")]
        made = []
        for kind, text in texts:
            body = {"kind": kind, "text": text}
            if kind == "review":
                body["review"] = REVIEW
            r = self.add(p["id"], body)
            self.assertStatus(r, 201)
            self.assertEqual((r.json["kind"], r.json["text"], r.json["author_id"], r.json["author"]),
                             (kind, text, self.solver_id, "solver"))
            self.assertIsNotNone(r.json["created_at"])
            made.append(r.json["id"])
        self.assertGreater(made[3], made[0])
        self.assertEqual(self.get(p["id"])["version"], version)  # an entry is no edit of the record
        env = self.entries(p["id"])
        self.assertEqual(env["total"], 4)
        self.assertEqual([e["id"] for e in env["items"]], list(reversed(made)))
        self.assertEqual([e["kind"] for e in env["items"]], ["review", "root_cause", "workaround", "investigation"])
        self.assertEqual(env["items"][0]["review"], REVIEW)
        self.assertEqual((env["items"][0]["kind_zh"], env["items"][0]["kind_en"]), ("复盘评估", "Review"))
        self.assertIsNone(env["items"][1]["review"])
        page = self.entries(p["id"], "?limit=2&offset=1")
        self.assertEqual(([e["id"] for e in page["items"]], page["total"]), ([made[2], made[1]], 4))
        tl = self.srv.get("/api/v1/records/%d/timeline?limit=500" % p["id"], token=self.pm).json["items"]
        tl = [t for t in tl if t["kind"] == "entry"]
        self.assertEqual(len(tl), 4)
        self.assertEqual(tl[0]["text"], "调查记录 · Investigation：查看连接池日志")
        self.assertEqual(tl[0]["actor"], "solver")
        aud = self.srv.get("/api/v1/audit?entity=record&entity_id=%d&limit=500" % p["id"], token=self.aud)
        self.assertStatus(aud, 200)
        self.assertEqual(len([a for a in aud.json["items"] if a["action"] == "problem.entry"]), 4)

    # bad input: 422 naming the field, nothing written
    def test_bad_input_writes_nothing(self):
        p = self.create()
        cases = [
            ({"kind": "gossip", "text": "x"}, "kind"),
            ({"text": "x"}, "kind"),
            ({"kind": "investigation", "text": ""}, "text"),
            ({"kind": "investigation", "text": "   "}, "text"),
            ({"kind": "investigation"}, "text"),
            ({"kind": "investigation", "text": "x", "review": REVIEW}, "review"),
            ({"kind": "review", "text": "x"}, "review"),
            ({"kind": "review", "text": "x", "review": dict(REVIEW, what="")}, "review.what"),
            ({"kind": "review", "text": "x", "review": {k: v for k, v in REVIEW.items() if k != "why"}},
             "review.why"),
            ({"kind": "review", "text": "x", "review": dict(REVIEW, prevent=" ")}, "review.prevent"),
            ({"kind": "review", "text": "x", "review": dict(REVIEW, actions=[])}, "review.actions"),
            ({"kind": "review", "text": "x", "review": dict(REVIEW, actions=["ok", ""])}, "review.actions"),
            ({"kind": "review", "text": "x", "review": dict(REVIEW, actions="修复")}, "review.actions"),
            ({"kind": "review", "text": "x", "review": dict(REVIEW, extra="y")}, "review"),
        ]
        for body, field in cases:
            r = self.add(p["id"], body)
            self.assertStatus(r, 422)
            self.assertEqual(r.json["error"]["field"], field, body)
        # over 8000 characters: the request layer's 413 naming text
        r = self.add(p["id"], {"kind": "investigation", "text": "x" * 8001})
        self.assertEqual((r.status, r.json["error"]["field"]), (413, "text"))
        self.assertEqual(self.entries(p["id"])["total"], 0)
        tl = self.srv.get("/api/v1/records/%d/timeline?limit=500" % p["id"], token=self.pm).json["items"]
        self.assertEqual([t for t in tl if t["kind"] == "entry"], [])
        # exactly 8000 characters is accepted
        self.assertStatus(self.add(p["id"], {"kind": "investigation", "text": "问" * 8000}), 201)

    # who: record.write in scope; a missing problem or another kind is 404
    def test_who_may_write_and_read(self):
        p = self.create()
        r = self.add(p["id"], {"kind": "investigation", "text": "x"}, token=self.aud)
        self.assertStatus(r, 403)
        self.assertStatus(self.srv.post("/api/v1/problems/%d/entries" % p["id"],
                                        {"kind": "investigation", "text": "x"}), 401)
        self.assertStatus(self.add(999999, {"kind": "investigation", "text": "x"}), 404)
        self.assertStatus(self.srv.get("/api/v1/problems/999999/entries", token=self.pm), 404)
        self.assertEqual(self.entries(p["id"])["total"], 0)
        # the auditor reads
        self.assertStatus(self.srv.get("/api/v1/problems/%d/entries" % p["id"], token=self.aud), 200)

    # a major problem closes only after a review entry, then the approval
    def test_major_close_needs_review_entry(self):
        p = self.create(impact="low", urgency="low", category="database")
        pid = p["id"]
        self.assertStatus(self.act(pid, "accept", self.pm), 200)
        self.assertStatus(self.act(pid, "assign", self.pm, {"assignee_id": self.solver_id}), 200)
        self.assertStatus(self.act(pid, "start", self.solver), 200)
        self.assertStatus(self.act(pid, "resolve", self.solver, {"root_cause": "x", "solution": "y",
                                                                 "solution_evidence": "z", "major": True}), 200)
        inst = self.srv.get("/api/v1/records/%d/checklists" % pid, token=self.pm).json["items"][0]
        for item in inst["items"]:
            self.srv.request("PUT", "/api/v1/records/%d/checklists/%d/items/%s" % (pid, inst["id"], item["key"]),
                             {"value": True}, token=self.pm)
        r = self.act(pid, "close", self.pm)
        self.assertStatus(r, 409)
        self.assertEqual(r.json["error"]["field"], "review_entry")
        # an entry of another kind does not count
        self.assertStatus(self.add(pid, {"kind": "root_cause", "text": "连接泄漏"}), 201)
        r = self.act(pid, "close", self.pm)
        self.assertEqual((r.status, r.json["error"]["field"]), (409, "review_entry"))
        self.assertStatus(self.add(pid, {"kind": "review", "text": "复盘", "review": REVIEW}), 201)
        r = self.act(pid, "close", self.pm)
        self.assertEqual((r.status, r.json["error"]["field"]), (409, "major_review"))
        g = self.get(pid)
        r = self.srv.post("/api/v1/problems/%d/review" % pid, {"version": g["version"], "review": "复盘纪要"},
                          token=self.solver)
        self.assertStatus(r, 200)
        rid = self.srv.get("/api/v1/records/%d/approvals" % pid, token=self.pm).json["items"][0]["id"]
        r = self.srv.post("/api/v1/records/%d/approvals/%d/votes" % (pid, rid),
                          {"step": "major_review", "decision": "approve"}, token=self.pm)
        self.assertStatus(r, 200)
        self.assertStatus(self.act(pid, "close", self.pm), 200)
        self.assertEqual(self.get(pid)["state"], "closed")

    # a problem that is not major closes without a review entry
    def test_not_major_closes_without_review_entry(self):
        p = self.create(impact="low", urgency="low", category="database")
        pid = p["id"]
        self.assertStatus(self.act(pid, "accept", self.pm), 200)
        self.assertStatus(self.act(pid, "assign", self.pm, {"assignee_id": self.solver_id}), 200)
        self.assertStatus(self.act(pid, "start", self.solver), 200)
        self.assertStatus(self.act(pid, "resolve", self.solver, {"root_cause": "x", "solution": "y",
                                                                 "solution_evidence": "z"}), 200)
        inst = self.srv.get("/api/v1/records/%d/checklists" % pid, token=self.pm).json["items"][0]
        for item in inst["items"]:
            self.srv.request("PUT", "/api/v1/records/%d/checklists/%d/items/%s" % (pid, inst["id"], item["key"]),
                             {"value": True}, token=self.pm)
        self.assertStatus(self.act(pid, "close", self.pm), 200)


if __name__ == "__main__":
    harness.main()
