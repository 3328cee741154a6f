"""test_problem_entries.py — a problem's entries and the structured review
(research/modules-spec.md §M2; R-PRB-3; docs/problems.md): entries of kind
investigation | workaround | root_cause | review with author and time, listed
newest first in the list envelope, audited and on the timeline; bad input 422
naming the field with nothing written; only callers who may write records in
the problem's scope; a major problem closes only after a review entry (409
naming review_entry), then after the major_review approval.  A workaround or
root-cause entry sets the typed field of that name (the resolve guards pass
after it, 409 before); entries are edited by their author or the problem
manager (PATCH …/entries/{entry_id}), the replaced text kept as the entry's
history, the newest entry of a kind setting the field again."""
import os
import subprocess
import tempfile

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
            cls.solver2_id, cls.solver2 = s.make_user("solver2", ["problem_solver"])
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
        # the workaround and root-cause entries set the typed fields: one version each
        g = self.get(p["id"])
        self.assertEqual(g["version"], version + 2)
        self.assertEqual((g["problem"]["workaround"], g["problem"]["root_cause"]), ("定期重启应用", "连接泄漏"))
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
        upd = [a for a in aud.json["items"] if a["action"] == "record.update"]
        self.assertEqual(len(upd), 2)

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
        eid = self.add(pid, {"kind": "investigation", "text": "关闭前的调查"}).json["id"]
        self.assertStatus(self.act(pid, "close", self.pm), 200)
        # closed: the entries are the record now; nothing added or edited, nothing written
        before = self.srv.get("/api/v1/problems/%d/entries" % pid, token=self.pm).json
        version = self.get(pid)["version"]
        r = self.add(pid, {"kind": "root_cause", "text": "关闭后补写"})
        self.assertEqual((r.status, r.json["error"]["field"]), (409, "state"))
        r = self.edit(pid, eid, {"text": "关闭后改写"}, token=self.pm)
        self.assertEqual((r.status, r.json["error"]["field"]), (409, "state"))
        self.assertEqual(self.srv.get("/api/v1/problems/%d/entries" % pid, token=self.pm).json, before)
        self.assertEqual(self.get(pid)["version"], version)

    def edit(self, pid, eid, body, token=None):
        return self.srv.request("PATCH", "/api/v1/problems/%d/entries/%d" % (pid, eid), body,
                                token=token or self.solver)

    def started(self, **fields):
        p = self.create(**fields)
        pid = p["id"]
        self.assertStatus(self.act(pid, "accept", self.pm), 200)
        self.assertStatus(self.act(pid, "assign", self.pm, {"assignee_id": self.solver_id}), 200)
        self.assertStatus(self.act(pid, "start", self.solver), 200)
        return pid

    # entries feed the typed fields the resolve guards read: 409 before, 200 after
    def test_entries_feed_the_resolve_guards(self):
        pid = self.started(impact="low", urgency="high", category="database")  # high urgency: workaround required
        self.assertTrue(self.get(pid)["problem"]["workaround_required"])
        fix = {"solution": "补丁", "solution_evidence": "压测通过"}
        r = self.act(pid, "resolve", self.solver, fix)
        self.assertEqual((r.status, r.json["error"]["field"]), (409, "root_cause"))
        v0 = self.get(pid)["version"]
        self.assertStatus(self.add(pid, {"kind": "root_cause", "text": "连接未归还"}), 201)
        g = self.get(pid)
        self.assertEqual((g["problem"]["root_cause"], g["version"]), ("连接未归还", v0 + 1))
        r = self.act(pid, "resolve", self.solver, fix)
        self.assertEqual((r.status, r.json["error"]["field"]), (409, "workaround"))
        self.assertEqual(self.get(pid)["state"], "active")
        # an investigation entry sets nothing
        self.assertStatus(self.add(pid, {"kind": "investigation", "text": "查日志"}), 201)
        self.assertEqual(self.get(pid)["version"], v0 + 1)
        self.assertStatus(self.add(pid, {"kind": "workaround", "text": "每小时重启连接池"}), 201)
        g = self.get(pid)
        self.assertEqual((g["problem"]["workaround"], g["version"]), ("每小时重启连接池", v0 + 2))
        # the same text again changes nothing on the record
        self.assertStatus(self.add(pid, {"kind": "workaround", "text": "每小时重启连接池"}), 201)
        self.assertEqual(self.get(pid)["version"], v0 + 2)
        # audited with the field before and after, on the timeline
        aud = self.srv.get("/api/v1/audit?entity=record&entity_id=%d&limit=500" % pid, token=self.aud).json["items"]
        upd = [a for a in aud if a["action"] == "record.update"]
        self.assertEqual(len(upd), 2)
        self.assertEqual({(json_of(a["before"]).get("workaround"), json_of(a["after"])["fields"].get("workaround"))
                          for a in upd}, {(None, None), ("", "每小时重启连接池")})
        tl = self.srv.get("/api/v1/records/%d/timeline?limit=500" % pid, token=self.pm).json["items"]
        self.assertEqual(len([t for t in tl if t["kind"] == "update"]), 2)
        self.assertStatus(self.act(pid, "resolve", self.solver, fix), 200)
        self.assertEqual(self.get(pid)["state"], "resolved")

    # the author edits; the old text is kept as history; the newest of its kind sets the field
    def test_edit_keeps_history_and_feeds_the_field(self):
        pid = self.started(impact="low", urgency="low", category="database")
        first = self.add(pid, {"kind": "workaround", "text": "旧方案"}).json
        newest = self.add(pid, {"kind": "workaround", "text": "新方案"}).json
        self.assertEqual((first["version"], first["history"], first["edited_at"]), (1, [], None))
        v = self.get(pid)["version"]
        # editing the older workaround entry leaves the field alone
        r = self.edit(pid, first["id"], {"version": 1, "text": "旧方案（补充）"})
        self.assertStatus(r, 200)
        self.assertEqual((r.json["text"], r.json["version"], r.json["edited_by"]), ("旧方案（补充）", 2, "solver"))
        self.assertIsNotNone(r.json["edited_at"])
        self.assertEqual([(h["version"], h["text"], h["replaced_by"], h["reason"]) for h in r.json["history"]],
                         [(1, "旧方案", "solver", "")])
        g = self.get(pid)
        self.assertEqual((g["problem"]["workaround"], g["version"]), ("新方案", v))
        # editing the newest sets the field again, with a reason
        r = self.edit(pid, newest["id"], {"text": "新方案 v2", "reason": "步骤写错"})
        self.assertStatus(r, 200)
        g = self.get(pid)
        self.assertEqual((g["problem"]["workaround"], g["version"]), ("新方案 v2", v + 1))
        # the problem manager edits too; history oldest first
        r = self.edit(pid, newest["id"], {"version": 2, "text": "新方案 v3"}, token=self.pm)
        self.assertStatus(r, 200)
        self.assertEqual([(h["version"], h["text"], h["replaced_by"], h["reason"]) for h in r.json["history"]],
                         [(1, "新方案", "solver", "步骤写错"), (2, "新方案 v2", "pm", "")])
        env = self.entries(pid)
        self.assertEqual([(e["id"], e["version"], len(e["history"])) for e in env["items"]],
                         [(newest["id"], 3, 2), (first["id"], 2, 1)])
        # audited before / after, on the timeline
        aud = self.srv.get("/api/v1/audit?entity=record&entity_id=%d&limit=500" % pid, token=self.aud).json["items"]
        edits = [a for a in aud if a["action"] == "problem.entry_edit"]
        self.assertEqual(len(edits), 3)
        tl = self.srv.get("/api/v1/records/%d/timeline?limit=500" % pid, token=self.pm).json["items"]
        tl = [t for t in tl if t["kind"] == "entry_edit"]
        self.assertEqual(len(tl), 3)
        self.assertIn("步骤写错", [t["text"] for t in tl][1])
        # a root-cause entry edited sets root_cause
        rc = self.add(pid, {"kind": "root_cause", "text": "未知"}).json
        self.assertStatus(self.edit(pid, rc["id"], {"text": "连接泄漏"}), 200)
        self.assertEqual(self.get(pid)["problem"]["root_cause"], "连接泄漏")

    # a review entry keeps its review unless a new one is sent
    def test_edit_review_entry(self):
        pid = self.create()["id"]
        e = self.add(pid, {"kind": "review", "text": "复盘", "review": REVIEW}).json
        r = self.edit(pid, e["id"], {"text": "复盘（定稿）"})
        self.assertStatus(r, 200)
        self.assertEqual((r.json["text"], r.json["review"]), ("复盘（定稿）", REVIEW))
        new = dict(REVIEW, actions=["修复泄漏"])
        r = self.edit(pid, e["id"], {"text": "复盘（定稿）", "review": new})
        self.assertStatus(r, 200)
        self.assertEqual(r.json["review"], new)
        self.assertEqual([h["review"] for h in r.json["history"]], [REVIEW, REVIEW])
        # nothing changed: no new version
        r = self.edit(pid, e["id"], {"text": "复盘（定稿）", "review": new})
        self.assertEqual((r.status, r.json["version"]), (200, 3))

    # refusals: 403 for others, 404 unknown, 409 stale, 422 naming the field; nothing changed
    def test_edit_refusals_change_nothing(self):
        pid = self.started(impact="low", urgency="low", category="database")
        other = self.create()["id"]
        e = self.add(pid, {"kind": "workaround", "text": "原文"}).json
        inv = self.add(pid, {"kind": "investigation", "text": "调查"}).json
        before = (self.entries(pid), self.get(pid))
        r = self.edit(pid, e["id"], {"text": "别人改"}, token=self.solver2)
        self.assertEqual((r.status, r.json["error"]["field"]), (403, "entry_id"))
        self.assertStatus(self.edit(pid, e["id"], {"text": "x"}, token=self.aud), 403)
        self.assertStatus(self.srv.request("PATCH", "/api/v1/problems/%d/entries/%d" % (pid, e["id"]),
                                           {"text": "x"}), 401)
        self.assertStatus(self.edit(pid, 999999, {"text": "x"}), 404)
        self.assertStatus(self.edit(other, e["id"], {"text": "x"}), 404)  # not that problem's entry
        self.assertStatus(self.edit(999999, e["id"], {"text": "x"}), 404)
        r = self.edit(pid, e["id"], {"version": 7, "text": "x"})
        self.assertEqual((r.status, r.json["error"]["field"]), (409, "version"))
        cases = [
            ({}, "text"),
            ({"text": ""}, "text"),
            ({"text": "  "}, "text"),
            ({"text": "x", "review": REVIEW}, "review"),
            ({"text": "x", "reason": " "}, "reason"),
            ({"text": "x", "extra": 1}, "extra"),
            ({"text": 5}, "text"),
            ({"text": "x", "version": "1"}, "version"),
        ]
        for body, field in cases:
            r = self.edit(pid, e["id"], body)
            self.assertIn(r.status, (400, 422), body)
            self.assertEqual(r.json["error"]["field"], field, body)
        r = self.edit(pid, inv["id"], {"text": "x", "review": REVIEW})
        self.assertEqual((r.status, r.json["error"]["field"]), (422, "review"))
        r = self.edit(pid, e["id"], {"text": "x" * 8001})
        self.assertEqual((r.status, r.json["error"]["field"]), (413, "text"))
        rv = self.add(pid, {"kind": "review", "text": "复盘", "review": REVIEW}).json
        before = (self.entries(pid), self.get(pid))
        for review, field in [(dict(REVIEW, what=""), "review.what"), (dict(REVIEW, actions=[]), "review.actions"),
                              (dict(REVIEW, extra="y"), "review")]:
            r = self.edit(pid, rv["id"], {"text": "x", "review": review})
            self.assertEqual((r.status, r.json["error"]["field"]), (422, field))
        self.assertEqual((self.entries(pid), self.get(pid)), before)
        aud = self.srv.get("/api/v1/audit?entity=record&entity_id=%d&limit=500" % pid, token=self.aud).json["items"]
        self.assertEqual([a for a in aud if a["action"] == "problem.entry_edit"], [])

    # the CLI (docs/cli.md): problem entries | entry (with the review's fields) | entry-edit
    def cli(self, *args, stdin="", code=0):
        env = {k: v for k, v in os.environ.items() if not k.startswith("OPSDESK_")}
        env.update(XDG_CONFIG_HOME=self.cfg.name, HOME=self.cfg.name, OPSDESK_SERVER=self.srv.base)
        p = subprocess.run([harness.BIN, *args], input=stdin.encode(), stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, env=env, timeout=60)
        out, err = p.stdout.decode(), p.stderr.decode()
        self.assertEqual(p.returncode, code, (args, out, err))
        return out, err

    def test_cli(self):
        pid = self.create()["id"]
        self.cfg = tempfile.TemporaryDirectory()
        try:
            self.cli("login", "--user", "solver", "--password-stdin", stdin=harness.USER_PW + "\n")
            out, _ = self.cli("problem", "entry", str(pid), "--kind", "workaround", "--text", "切换备库")
            self.assertIn("切换备库", out)
            self.assertEqual(self.get(pid)["problem"]["workaround"], "切换备库")
            self.cli("problem", "entry", str(pid), "--kind", "review", "--text", "复盘", "--what", "w", "--why", "y",
                     "--prevent", "p", "--actions", "a1,a2")
            env = self.entries(pid)
            self.assertEqual(env["items"][0]["review"], {"what": "w", "why": "y", "prevent": "p",
                                                         "actions": ["a1", "a2"]})
            eid = env["items"][1]["id"]
            out, _ = self.cli("problem", "entry-edit", str(pid), str(eid), "--text", "切换到备用库", "--reason", "更准确")
            self.assertIn("切换到备用库", out)
            self.assertEqual(self.get(pid)["problem"]["workaround"], "切换到备用库")
            out, _ = self.cli("problem", "entries", str(pid))
            for label in ("类型 Kind", "作者 Author", "内容 Text", "切换到备用库", "复盘评估", "共 2 条"):
                self.assertIn(label, out)
            out, err = self.cli("problem", "entry", str(pid), "--kind", "gossip", "--text", "x", code=2)
            self.assertIn("kind", err)
            out, err = self.cli("problem", "entry", str(pid), "--kind", "investigation", code=2)  # --text missing
            out, err = self.cli("problem", "entry-edit", str(pid), "abc", "--text", "x", code=2)
            self.assertEqual(self.entries(pid)["total"], 2)
        finally:
            self.cfg.cleanup()

def json_of(v):
    import json
    if v is None:
        return {}
    return json.loads(v) if isinstance(v, str) else v


if __name__ == "__main__":
    harness.main()
