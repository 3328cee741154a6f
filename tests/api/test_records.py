"""test_records.py — the workflow kernel's record registry over HTTP
(research/modules-spec.md §1.1, §1.7; docs/internals/records.md):
numbers per kind and year (with the year's rollover on the test clock),
links of every kind (self-links, duplicates, pending links to a kind no
module serves yet), optimistic concurrency, department scope (R-SEC-SYS-2),
timeline order, CIs with roles, the read views of clocks, approvals and
checklists, committees with their permissions, and the incident backfill of
migration 0012 (an incident registered before and after has exactly one
record)."""
import re
import sqlite3
import time
import urllib.parse

import harness


def utc(ms):
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(ms // 1000)) + ".%03dZ" % (ms % 1000)


class Records(harness.ServerTest):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        s = cls.srv
        try:
            cls.sys = s.admin("sysadmin")
            cls.eng_id, cls.eng = s.make_user("eng", ["ops_engineer"])
            cls.pm_id, cls.pm = s.make_user("pm", ["problem_manager"])
            cls.cab_id, cls.cab = s.make_user("cab1", ["cab_member"])
            # problem solvers too: problems are created by their workflow's create action
            cls.net_id, cls.net = s.make_user("net", ["ops_engineer", "problem_solver"], department="网络部",
                                              scopes=["网络部"])
            cls.ops_scoped_id, cls.ops_scoped = s.make_user("opsonly", ["ops_engineer", "problem_solver"],
                                                            scopes=["运行部"])
            r = s.post("/api/v1/cis", {"name": "core-db", "category": "application", "grade": "L3",
                                       "department": "运行部", "attributes": {}}, token=cls.eng)
            assert r.status == 201, r
            cls.ci = r.json["id"]
            r = s.post("/api/v1/cis", {"name": "core-switch", "category": "application", "grade": "L3",
                                       "department": "网络部", "attributes": {}}, token=cls.net)
            assert r.status == 201, r
            cls.ci_net = r.json["id"]
        except Exception:
            cls.tearDownClass()
            raise

    # ---- helpers ----
    def create(self, kind, title="记录", token=None, **extra):
        body = {"kind": kind, "title": title}
        body.update(extra)
        path = "/api/v1/records"
        if kind == "known_error":  # made through its own route only
            del body["kind"]
            path = "/api/v1/known-errors"
        r = self.srv.post(path, body, token=token or self.pm)
        self.assertStatus(r, 201)
        return r.json

    def incident_record(self, title="故障", token=None, ci=None):
        r = self.srv.post("/api/v1/incidents", {"title": title, "ci_ids": [ci or self.ci], "severity": "minor"},
                          token=token or self.eng)
        self.assertStatus(r, 201)
        inc = r.json
        recs = self.srv.get("/api/v1/records?kind=incident&limit=500", token=self.eng).json["items"]
        mine = [x for x in recs if x["incident_id"] == inc["id"]]
        self.assertEqual(len(mine), 1, recs)
        self.assertEqual(mine[0]["number"], inc["number"])
        return inc, mine[0]

    def link(self, rec, body, token=None):
        return self.srv.post("/api/v1/records/%d/links" % rec["id"], body, token=token or self.pm)

    def relogin(self):
        Records.pm = self.srv.login("pm", harness.USER_PW)
        Records.eng = self.srv.login("eng", harness.USER_PW)

    def year(self):
        return int(utc(self.srv.now_ms())[:4])

    def count(self, kind):
        return self.srv.get("/api/v1/records?kind=%s&limit=1" % kind, token=self.pm).json["total"]

    # ---- numbering ----
    def test_numbering_per_kind(self):
        y = self.year()
        n_prb, n_ke = self.count("problem"), self.count("known_error")
        a = self.create("problem", "数据库连接池耗尽")
        b = self.create("problem", "交换机丢包")
        k = self.create("known_error", "连接池参数过小")
        self.assertEqual(a["number"], "PRB-%d-%06d" % (y, n_prb + 1))
        self.assertEqual(b["number"], "PRB-%d-%06d" % (y, n_prb + 2))
        self.assertEqual(k["number"], "KE-%d-%06d" % (y, n_ke + 1))
        self.assertEqual((a["kind"], a["kind_zh"], a["state"], a["version"]), ("problem", "问题", "new", 1))
        self.assertEqual(a["department"], "运行部")  # the creator's
        self.assertEqual(a["created_by"], self.pm_id)
        # the generic API creates neither incidents nor kinds no module serves yet
        r = self.srv.post("/api/v1/records", {"kind": "incident", "title": "x"}, token=self.pm)
        self.assertError(r, 422, field="kind", contains="/api/v1/incidents")
        r = self.srv.post("/api/v1/records", {"kind": "known_error", "title": "x"}, token=self.pm)
        self.assertError(r, 422, field="kind", contains="/api/v1/known-errors")
        self.assertEqual(self.count("known_error"), n_ke + 1)
        r = self.srv.post("/api/v1/records", {"kind": "change", "title": "x"}, token=self.pm)
        self.assertError(r, 422, field="kind")
        r = self.srv.post("/api/v1/records", {"kind": "nonsense", "title": "x"}, token=self.pm)
        self.assertError(r, 422, field="kind", contains="known_error")
        r = self.srv.post("/api/v1/records", {"kind": "problem", "title": "x", "tier": "line9"}, token=self.pm)
        self.assertError(r, 422, field="tier")
        r = self.srv.post("/api/v1/records", {"kind": "problem", "title": "x", "assignee_id": 99999},
                          token=self.pm)
        self.assertError(r, 422, field="assignee_id")
        self.assertEqual(self.count("problem"), n_prb + 2)  # refusals wrote nothing
        # an auditor reads, but does not write
        aud = self.srv.admin("auditor")
        self.assertStatus(self.srv.get("/api/v1/records/%d" % a["id"], token=aud), 200)
        self.assertError(self.srv.post("/api/v1/records", {"kind": "problem", "title": "x"}, token=aud), 403)

    # ---- links ----
    def test_links_every_kind(self):
        inc, irec = self.incident_record("订单系统超时")
        prb = self.create("problem", "订单超时的根因")
        prb2 = self.create("problem", "重复登记的问题")
        ke = self.create("known_error", "线程池耗尽")
        y = self.year()
        chg = "CHG-%d-000007" % y
        ok = [
            (irec, {"kind": "caused_by", "to_id": prb["id"]}, "active"),
            (irec, {"kind": "caused_by", "to_ref": chg}, "pending"),  # kind from the prefix
            (ke, {"kind": "known_error_of", "to_ref": prb["number"]}, "active"),  # by number
            (prb, {"kind": "fixed_by", "to_ref": chg, "to_kind": "change"}, "pending"),
            (prb2, {"kind": "duplicate_of", "to_id": prb["id"]}, "active"),
            (prb, {"kind": "parent_of", "to_id": prb2["id"]}, "active"),
            (ke, {"kind": "evidence_of", "to_id": irec["id"]}, "active"),
        ]
        for rec, body, state in ok:
            r = self.link(rec, body)
            self.assertStatus(r, 201, body)
            self.assertEqual(r.json["state"], state, r.raw)
            if state == "pending":
                self.assertIsNone(r.json["to_id"])
                self.assertEqual((r.json["to_kind"], r.json["to_ref"]), ("change", chg))
        # kinds whose source is a kind no module serves yet, and wrong pairs: 422 naming what is allowed
        bad = [
            (prb, {"kind": "originated_from", "to_id": irec["id"]}, "to", "drill"),  # a problem's: a drill finding's
            (prb, {"kind": "mitigates", "to_ref": "RSK-%d-000001" % y}, "kind", "change/vuln"),
            (prb, {"kind": "exercises", "to_id": prb2["id"]}, "kind", "drill"),
            (prb, {"kind": "parent_of", "to_ref": "PLN-%d-999999" % y}, "to_ref", "PLN-"),  # plans are served
            (prb, {"kind": "simulates", "to_id": irec["id"]}, "kind", "drill"),
            (prb, {"kind": "fixed_by", "to_id": prb2["id"]}, "to", "change"),
            (irec, {"kind": "caused_by", "to_id": ke["id"]}, "to", "problem/change"),
            (prb, {"kind": "duplicate_of", "to_id": ke["id"]}, "to", "problem"),
            (ke, {"kind": "known_error_of", "to_id": irec["id"]}, "to", "problem"),
            (prb, {"kind": "parent_of", "to_id": prb["id"]}, "to", "itself"),  # self-link
            (prb, {"kind": "blocks", "to_id": prb2["id"]}, "kind", "caused_by"),  # unknown kind
            (prb, {"kind": "parent_of", "to_ref": "PRB-%d-999999" % y}, "to_ref", "PRB-"),  # served kind: must exist
            (prb, {"kind": "fixed_by", "to_ref": "XYZ-1"}, "to_ref", "XYZ-1"),
            (prb, {"kind": "fixed_by", "to_ref": "REQ-1", "to_kind": "change"}, "to_ref", "CHG-"),
            (prb, {"kind": "parent_of"}, "to_id", "to_ref"),
            (prb, {"kind": "parent_of", "to_id": 999999}, "to_id", "999999"),
        ]
        for rec, body, field, text in bad:
            self.assertError(self.link(rec, body), 422, field=field, contains=text)
        # the same link twice: 409, also for a pending one
        self.assertError(self.link(irec, {"kind": "caused_by", "to_id": prb["id"]}), 409, contains="exists")
        self.assertError(self.link(prb, {"kind": "fixed_by", "to_ref": chg}), 409)
        # both directions are listed on each side
        items = self.srv.get("/api/v1/records/%d/links" % prb["id"], token=self.eng).json["items"]
        got = sorted((x["direction"], x["kind"], x["state"]) for x in items)
        self.assertEqual(got, [("in", "caused_by", "active"), ("in", "duplicate_of", "active"),
                               ("in", "known_error_of", "active"), ("out", "fixed_by", "pending"),
                               ("out", "parent_of", "active")])
        inbound = [x for x in items if x["kind"] == "caused_by"][0]
        self.assertEqual(inbound["from"]["number"], inc["number"])
        items = self.srv.get("/api/v1/records/%d/links" % irec["id"], token=self.eng).json["items"]
        self.assertEqual(len(items), 3)
        # removal: only from the source record; the second time 404
        link_id = [x for x in items if x["kind"] == "caused_by" and x["state"] == "active"][0]["id"]
        r = self.srv.request("DELETE", "/api/v1/records/%d/links/%d" % (prb["id"], link_id), token=self.pm)
        self.assertError(r, 404)
        r = self.srv.request("DELETE", "/api/v1/records/%d/links/%d" % (irec["id"], link_id), token=self.pm)
        self.assertStatus(r, 200)
        r = self.srv.request("DELETE", "/api/v1/records/%d/links/%d" % (irec["id"], link_id), token=self.pm)
        self.assertError(r, 404)
        self.assertEqual(len(self.srv.get("/api/v1/records/%d/links" % irec["id"], token=self.eng).json["items"]), 2)
        # the timeline tells both sides; an incident's record shows its incident's timeline too
        tl = self.srv.get("/api/v1/records/%d/timeline" % prb["id"], token=self.eng).json["items"]
        # (a problem is created by its workflow's create action: its action, clock and notify entries aside)
        self.assertEqual([t["kind"] for t in tl if t["kind"] in ("created", "link", "unlink")],
                         ["created", "link", "link", "link", "link", "link", "unlink"])
        tl = self.srv.get("/api/v1/records/%d/timeline" % irec["id"], token=self.eng).json["items"]
        self.assertEqual([t["source"] for t in tl if t["kind"] == "registered"], ["incident"])
        # links write no version: fields and links do not contend
        self.assertEqual(self.srv.get("/api/v1/records/%d" % prb["id"], token=self.pm).json["version"], 1)
        # audited
        aud = self.srv.get("/api/v1/audit?entity=record&entity_id=%d" % irec["id"], token=self.srv.admin("auditor"))
        self.assertEqual(sorted(a["action"] for a in aud.json["items"]),
                         ["record.link", "record.link", "record.unlink"])

    # ---- optimistic concurrency ----
    def test_stale_version_conflicts(self):
        rec = self.create("problem", "第一版")
        url = "/api/v1/records/%d" % rec["id"]
        r = self.srv.request("PATCH", url, {"version": 1, "title": "第二版", "urgency": "high",
                                            "assignee_id": self.pm_id}, token=self.pm)
        self.assertStatus(r, 200)
        self.assertEqual((r.json["version"], r.json["title"], r.json["urgency"], r.json["assignee_id"]),
                         (2, "第二版", "high", self.pm_id))
        # a second editor still holding version 1
        r = self.srv.request("PATCH", url, {"version": 1, "title": "别人的版本"}, token=self.eng)
        err = self.assertError(r, 409, field="version")
        self.assertIn("当前版本为 2", err["message"])
        self.assertIn("current version is 2", err["message"])
        now = self.srv.get(url, token=self.pm).json
        self.assertEqual((now["version"], now["title"]), (2, "第二版"))
        tl = self.srv.get(url + "/timeline", token=self.pm).json["items"]
        self.assertEqual([t["kind"] for t in tl if t["kind"] in ("created", "updated")], ["created", "updated"])
        # null clears; an unknown field or a missing version is 400/422 and changes nothing
        r = self.srv.request("PATCH", url, {"version": 2, "assignee_id": None}, token=self.pm)
        self.assertStatus(r, 200)
        self.assertEqual((r.json["version"], r.json["assignee_id"]), (3, None))
        self.assertError(self.srv.request("PATCH", url, {"title": "x"}, token=self.pm), 422, field="version")
        self.assertError(self.srv.request("PATCH", url, {"version": 3, "state": "closed"}, token=self.pm), 400,
                         field="state")
        self.assertEqual(self.srv.get(url, token=self.pm).json["version"], 3)
        # an incident's record is edited through the incident
        inc, irec = self.incident_record("只读记录")
        r = self.srv.request("PATCH", "/api/v1/records/%d" % irec["id"], {"version": 1, "title": "x"}, token=self.pm)
        self.assertError(r, 422, contains="/api/v1/incidents/%d" % inc["id"])

    # ---- scope ----
    def test_department_scope(self):
        mine = self.create("problem", "运行部的问题", token=self.ops_scoped)
        theirs = self.create("problem", "网络部的问题", token=self.net)
        self.assertEqual(theirs["department"], "网络部")
        url = "/api/v1/records/%d" % theirs["id"]
        for suffix in ("", "/timeline", "/links", "/cis", "/clocks", "/approvals", "/checklists"):
            self.assertError(self.srv.get(url + suffix, token=self.ops_scoped), 404)
            self.assertStatus(self.srv.get(url + suffix, token=self.net), 200)
            self.assertStatus(self.srv.get(url + suffix, token=self.eng), 200)  # no scopes: everything
        self.assertError(self.srv.request("PATCH", url, {"version": 1, "title": "x"}, token=self.ops_scoped), 404)
        self.assertError(self.srv.post(url + "/timeline", {"text": "x"}, token=self.ops_scoped), 404)
        # nor as the far side of a link
        self.assertError(self.link(mine, {"kind": "parent_of", "to_id": theirs["id"]}, token=self.ops_scoped), 422,
                         field="to_id")
        self.assertError(self.link(mine, {"kind": "parent_of", "to_ref": theirs["number"]}, token=self.ops_scoped),
                         422, field="to_ref")
        # creating in another department is 403
        r = self.srv.post("/api/v1/records", {"kind": "problem", "title": "x", "department": "网络部"},
                          token=self.ops_scoped)
        self.assertError(r, 403, field="department")
        # lists: neither the page nor the total shows it
        page = self.srv.get("/api/v1/records?kind=problem&limit=500", token=self.ops_scoped).json
        ids = [x["id"] for x in page["items"]]
        self.assertIn(mine["id"], ids)
        self.assertNotIn(theirs["id"], ids)
        self.assertEqual(page["total"], len(ids))
        self.assertTrue(all(x["department"] == "运行部" for x in page["items"]))
        full = self.srv.get("/api/v1/records?kind=problem&limit=500", token=self.eng).json
        self.assertEqual(full["total"], len(full["items"]))
        self.assertGreater(full["total"], page["total"])
        # an incident's record follows its incident's departments
        _, irec = self.incident_record("网络故障", token=self.net, ci=self.ci_net)
        self.assertError(self.srv.get("/api/v1/records/%d" % irec["id"], token=self.ops_scoped), 404)
        self.assertEqual(self.srv.get("/api/v1/records/%d" % irec["id"], token=self.net).json["departments"],
                         ["网络部"])
        # a link seen from a record in scope hides a far side out of scope
        self.assertStatus(self.link(theirs, {"kind": "parent_of", "to_id": mine["id"]}, token=self.eng), 201)
        items = self.srv.get("/api/v1/records/%d/links" % mine["id"], token=self.ops_scoped).json["items"]
        self.assertEqual(items[0]["from"], {"id": theirs["id"], "kind": "problem", "visible": False})
        # filters
        r = self.srv.get("/api/v1/records?department=%s&limit=500" % urllib.parse.quote("网络部"), token=self.eng).json
        self.assertTrue(r["items"] and all(x["department"] == "网络部" for x in r["items"]))
        self.assertError(self.srv.get("/api/v1/records?kind=bogus", token=self.eng), 400, field="kind")

    def test_people_text_counts_characters(self):
        # a title of 300 Chinese characters (900 bytes) is what the form allows; 301 is refused
        r = self.srv.post("/api/v1/records", {"kind": "problem", "title": "问" * 300}, token=self.pm)
        self.assertStatus(r, 201)
        self.assertEqual(r.json["title"], "问" * 300)
        n = self.count("problem")
        r = self.srv.post("/api/v1/records", {"kind": "problem", "title": "问" * 301}, token=self.pm)
        self.assertError(r, 413, field="title")
        self.assertEqual(self.count("problem"), n)
        rec = self.srv.post("/api/v1/records", {"kind": "problem", "title": "短"}, token=self.pm).json
        r = self.srv.request("PATCH", "/api/v1/records/%d" % rec["id"], {"version": rec["version"], "title": "题" * 300},
                           token=self.pm)
        self.assertStatus(r, 200)
        # a note of 8000 characters is kept whole
        r = self.srv.post("/api/v1/records/%d/timeline" % rec["id"], {"text": "记" * 8000}, token=self.pm)
        self.assertStatus(r, 201)
        r = self.srv.post("/api/v1/records/%d/timeline" % rec["id"], {"text": "记" * 8001}, token=self.pm)
        self.assertError(r, 413, field="text")

    # ---- timeline ----
    def test_timeline_order(self):
        rec = self.create("known_error", "时间线")
        url = "/api/v1/records/%d/timeline" % rec["id"]
        for i in range(3):
            self.srv.clock(advance_seconds=1)
            r = self.srv.post(url, {"text": "第%d条 (note %d)" % (i + 1, i + 1)}, token=self.eng)
            self.assertStatus(r, 201)
            self.assertEqual(r.json["actor"], "eng")
        # two in the same millisecond keep their order
        self.assertStatus(self.srv.post(url, {"text": "同一时刻A"}, token=self.eng), 201)
        self.assertStatus(self.srv.post(url, {"text": "同一时刻B"}, token=self.pm), 201)
        tl = self.srv.get(url, token=self.pm).json["items"]
        self.assertEqual([t["text"] for t in tl[1:]],
                         ["第1条 (note 1)", "第2条 (note 2)", "第3条 (note 3)", "同一时刻A", "同一时刻B"])
        self.assertEqual(tl[0]["kind"], "created")
        page = self.srv.get(url + "?limit=2&offset=3", token=self.pm).json
        self.assertEqual((page["total"], [t["text"] for t in page["items"]]), (6, ["第3条 (note 3)", "同一时刻A"]))
        self.assertEqual([t["at"] for t in tl], sorted(t["at"] for t in tl))
        self.assertError(self.srv.post(url, {"text": ""}, token=self.eng), 422, field="text")
        self.assertError(self.srv.post(url, {"text": "x"}, token=self.srv.admin("auditor")), 403)

    # ---- CIs ----
    def test_cis_with_roles(self):
        rec = self.create("problem", "配置项")
        url = "/api/v1/records/%d/cis" % rec["id"]
        self.assertStatus(self.srv.post(url, {"ci_id": self.ci}, token=self.pm), 201)
        r = self.srv.post(url, {"ci_id": self.ci, "role": "inspected"}, token=self.pm)
        self.assertStatus(r, 201)
        self.assertError(self.srv.post(url, {"ci_id": self.ci, "role": "affected"}, token=self.pm), 409)
        self.assertError(self.srv.post(url, {"ci_id": self.ci, "role": "owner"}, token=self.pm), 422, field="role")
        self.assertError(self.srv.post(url, {"ci_id": 999999}, token=self.pm), 422, field="ci_id")
        self.assertError(self.srv.post(url, {"ci_id": self.ci_net}, token=self.ops_scoped), 403, field="ci_id")
        items = self.srv.get(url, token=self.pm).json["items"]
        self.assertEqual([(x["id"], x["role"]) for x in items], [(self.ci, "affected"), (self.ci, "inspected")])
        r = self.srv.request("DELETE", "%s/%d?role=inspected" % (url, self.ci), token=self.pm)
        self.assertStatus(r, 200)
        self.assertError(self.srv.request("DELETE", "%s/%d?role=inspected" % (url, self.ci), token=self.pm), 404)
        self.assertEqual([x["role"] for x in self.srv.get(url, token=self.pm).json["items"]], ["affected"])
        # an incident's record lists its incident's CIs
        _, irec = self.incident_record("带配置项")
        items = self.srv.get("/api/v1/records/%d/cis" % irec["id"], token=self.pm).json["items"]
        self.assertEqual([(x["id"], x["role"], x["source"]) for x in items], [(self.ci, "affected", "incident")])

    # ---- read views of what the kernel writes ----
    def test_clock_approval_checklist_views(self):
        rec = self.create("problem", "视图")
        url = "/api/v1/records/%d" % rec["id"]
        for v in ("approvals", "checklists"):
            self.assertEqual(self.srv.get("%s/%s" % (url, v), token=self.pm).json,
                             {"items": [], "total": 0, "limit": 50, "offset": 0})
        # the create action started the workflow's resolve clock (no priority yet: no target)
        started = self.srv.get(url + "/clocks", token=self.pm).json["items"]
        self.assertEqual([(c["name"], c["state"], c["target_ms"]) for c in started], [("resolve", "running", 0)])
        now = self.srv.now_ms()
        db = harness.db_connect(self.srv.db, timeout=30)
        with db:
            db.execute("INSERT INTO record_clocks(record_id, name, target_ms, calendar, state, started_at, "
                       "paused_total_ms, due_at, breached_at) VALUES(?, 'resolve', 3600000, '24x7', 'running', ?, "
                       "5000, ?, NULL)", (rec["id"], now, now + 3605000))
            for rnd, state in ((1, "refused"), (2, "waiting")):
                cur = db.execute("INSERT INTO approval_rounds(record_id, round, state, opened_by, opened_at) "
                                 "VALUES(?,?,?,?,?)", (rec["id"], rnd, state, self.pm_id, now))
                step = db.execute("INSERT INTO approval_steps(round_id, step_key, ord, approvers, mode, state) "
                                  "VALUES(?, 'cab', 1, '[\"committee:cab\"]', 'all', ?)", (cur.lastrowid, state))
                if rnd == 1:
                    db.execute("INSERT INTO approval_votes(step_id, user_id, on_behalf_of, decision, comment, at) "
                               "VALUES(?,?,?, 'reject', '回退方案不完整', ?)", (step.lastrowid, self.cab_id,
                                                                           self.pm_id, now))
            inst = db.execute("INSERT INTO checklist_instances(record_id, phase, template_key, opened_at) "
                              "VALUES(?, 'review', 'major_review', ?)", (rec["id"], now))
            db.execute("INSERT INTO checklist_results(instance_id, item_key, value, passed, by_id, at) "
                       "VALUES(?, 'root_cause_confirmed', 'yes', 1, ?, ?)", (inst.lastrowid, self.pm_id, now))
        db.close()
        clocks = [c for c in self.srv.get(url + "/clocks", token=self.pm).json["items"] if c["id"] != started[0]["id"]]
        self.assertEqual(len(clocks), 1)
        c = clocks[0]
        self.assertEqual((c["name"], c["state"], c["target_ms"], c["paused_total_ms"], c["breached"]),
                         ("resolve", "running", 3600000, 5000, False))
        self.assertEqual(c["due_at"], utc(now + 3605000))
        rounds = self.srv.get(url + "/approvals", token=self.pm).json["items"]
        self.assertEqual([(x["round"], x["state"]) for x in rounds], [(1, "refused"), (2, "waiting")])
        self.assertEqual(rounds[0]["steps"][0]["approvers"], ["committee:cab"])
        self.assertEqual(rounds[0]["steps"][0]["votes"][0]["decision"], "reject")
        self.assertEqual(rounds[0]["steps"][0]["votes"][0]["on_behalf_of"], self.pm_id)
        self.assertEqual(rounds[1]["steps"][0]["votes"], [])
        ck = self.srv.get(url + "/checklists", token=self.pm).json["items"]
        self.assertEqual([(x["phase"], x["template"], len(x["results"])) for x in ck], [("review", "major_review", 1)])
        self.assertIs(ck[0]["results"][0]["passed"], True)

    # ---- committees ----
    def test_committees(self):
        body = {"key": "cab", "name_zh": "变更咨询委员会", "name_en": "Change Advisory Board", "chair_id": self.pm_id,
                "deputies": [self.cab_id], "members": [self.eng_id], "quorum": 2}
        for tok in (self.eng, self.pm, self.srv.admin("secadmin"), self.srv.admin("auditor")):
            self.assertError(self.srv.post("/api/v1/committees", body, token=tok), 403)
        r = self.srv.post("/api/v1/committees", body, token=self.sys)
        self.assertStatus(r, 201)
        c = r.json
        self.assertEqual([(m["user_id"], m["role"]) for m in c["members"]],
                         [(self.pm_id, "chair"), (self.cab_id, "deputy"), (self.eng_id, "member")])
        self.assertEqual((c["chair_id"], c["deputies"], c["quorum"]), (self.pm_id, [self.cab_id], 2))
        self.assertError(self.srv.post("/api/v1/committees", body, token=self.sys), 409, field="key")
        bad = [({"key": "ecab", "quorum": 4}, "quorum"), ({"key": "ecab", "quorum": 0}, "quorum"),
               ({"key": "ecab", "members": [self.pm_id]}, "members"), ({"key": "Bad Key"}, "key"),
               ({"key": "ecab", "members": [999999]}, "members")]
        for extra, field in bad:
            b = dict(body)
            b.update(extra)
            self.assertError(self.srv.post("/api/v1/committees", b, token=self.sys), 422, field=field)
        url = "/api/v1/committees/%d" % c["id"]
        for tok in (self.eng, self.srv.admin("auditor"), self.sys):
            self.assertEqual(self.srv.get(url, token=tok).json["key"], "cab")
        lst = self.srv.get("/api/v1/committees", token=self.eng).json
        self.assertEqual((lst["total"], [x["key"] for x in lst["items"]]), (1, ["cab"]))
        self.assertError(self.srv.request("PATCH", url, {"quorum": 3}, token=self.eng), 403)
        r = self.srv.request("PATCH", url, {"quorum": 3, "members": [self.eng_id, self.net_id]}, token=self.sys)
        self.assertStatus(r, 200)
        self.assertEqual((r.json["quorum"], len(r.json["members"]), r.json["deputies"]), (3, 4, [self.cab_id]))
        self.assertError(self.srv.request("PATCH", url, {"key": "x"}, token=self.sys), 400, field="key")
        self.assertError(self.srv.request("PATCH", url, {"members": []}, token=self.sys), 422, field="quorum")
        self.assertEqual(len(self.srv.get(url, token=self.sys).json["members"]), 4)  # unchanged
        self.assertError(self.srv.request("DELETE", url, token=self.eng), 403)
        self.assertStatus(self.srv.request("DELETE", url, token=self.sys), 200)
        self.assertError(self.srv.get(url, token=self.sys), 404)
        self.assertError(self.srv.request("DELETE", url, token=self.sys), 404)
        acts = [a["action"] for a in self.srv.get("/api/v1/audit?entity=committee&entity_id=%d" % c["id"],
                                                  token=self.srv.admin("auditor")).json["items"]]
        self.assertEqual(acts, ["committee.delete", "committee.update", "committee.create"])

    # ---- the workflow modules' roles (§1.7): assigned, stored, allowed ----
    def test_module_roles(self):
        s = self.srv
        uid, tok = s.make_user("solver", ["problem_solver", "trainer", "sec_verifier"])
        me = s.get("/api/v1/users/%d" % uid, token=self.sys).json
        self.assertEqual(me["roles"], ["problem_solver", "sec_verifier", "trainer"])  # in role order
        rec = self.create("problem", "解决小组的问题", token=tok)
        self.assertStatus(s.get("/api/v1/records/%d" % rec["id"], token=tok), 200)
        self.assertStatus(s.get("/api/v1/committees", token=tok), 200)
        self.assertError(s.get("/api/v1/incidents", token=tok), 403)  # not an operations role
        self.assertError(s.post("/api/v1/committees", {"key": "x", "name_zh": "x", "name_en": "x", "quorum": 1},
                                token=tok), 403)
        # the bits in users.roles: the first fifteen roles keep theirs, the new ones follow
        db = harness.db_connect(s.db, timeout=30)
        stored = dict(db.execute("SELECT username, roles FROM users WHERE username IN ('solver', 'auditor', 'eng')"))
        db.close()
        self.assertEqual(stored, {"auditor": 1 << 14, "eng": 1 << 1, "solver": (1 << 20) | (1 << 28) | (1 << 30)})
        r = s.request("PUT", "/api/v1/users/%d/roles" % uid, {"roles": ["risk_owner", "auditor"]},
                      token=s.admin("secadmin"))
        self.assertError(r, 403)  # administrators hold no operational role, new ones included

    # ---- year rollover (last: the test clock only goes forward) ----
    def test_z_year_rollover(self):
        y = self.year()
        n_prb, n_ke = self.count("problem"), self.count("known_error")
        end = int(time.mktime(time.strptime("%d-01-01" % (y + 1), "%Y-%m-%d")) - time.timezone) * 1000
        self.srv.clock(set_to=utc(end - 1))
        self.relogin()  # sessions expire over the jump
        self.assertEqual(self.create("problem", "年末")["number"], "PRB-%d-%06d" % (y, n_prb + 1))
        self.srv.clock(set_to=utc(end))
        self.relogin()
        self.assertEqual(self.create("problem", "新年")["number"], "PRB-%d-000001" % (y + 1))
        self.assertEqual(self.create("problem", "新年2")["number"], "PRB-%d-000002" % (y + 1))
        self.assertEqual(self.create("known_error", "新年KE")["number"], "KE-%d-000001" % (y + 1))
        inc, _ = self.incident_record("新年事件")
        self.assertTrue(inc["number"].startswith("INC-%d-" % (y + 1)), inc["number"])
        self.assertEqual(self.count("known_error"), n_ke + 1)


class Backfill(harness.ServerTest):
    """Migration 0012 on a database from before it: the incidents there get
    one record each; one registered afterwards gets its own, once."""

    def test_incidents_before_and_after(self):
        s = self.srv
        _, eng = s.make_user("eng", ["ops_engineer"])
        r = s.post("/api/v1/cis", {"name": "db", "category": "application", "grade": "L3", "department": "运行部",
                                   "attributes": {}}, token=eng)
        ci = r.json["id"]
        before = [s.post("/api/v1/incidents", {"title": "旧事件%d" % i, "ci_ids": [ci], "drill": i == 1},
                         token=eng).json for i in range(2)]
        self.assertEqual(s.stop(), 0)
        self.downgrade(s.db)
        s.start()
        eng = s.login("eng", harness.USER_PW)
        after = s.post("/api/v1/incidents", {"title": "新事件", "ci_ids": [ci]}, token=eng).json
        recs = s.get("/api/v1/records?kind=incident&limit=500", token=eng).json
        self.assertEqual(recs["total"], 3)
        by_inc = {}
        for x in recs["items"]:
            by_inc.setdefault(x["incident_id"], []).append(x)
        for inc in before + [after]:
            self.assertEqual(len(by_inc[inc["id"]]), 1, inc)
            rec = by_inc[inc["id"]][0]
            self.assertEqual((rec["number"], rec["title"], rec["state"], rec["drill"]),
                             (inc["number"], inc["title"], inc["state"], inc["drill"]))
        # record ids follow the incidents' order, and the new one comes after them
        ids = [by_inc[i["id"]][0]["id"] for i in before + [after]]
        self.assertEqual(ids, sorted(ids))
        db = sqlite3.connect(s.db)
        self.assertEqual(db.execute("SELECT COUNT(*) FROM schema_migrations WHERE version = 12").fetchone()[0], 1)
        db.close()

    @staticmethod
    def downgrade(path):
        """Takes the database back to before migration 0012: its tables and
        columns gone, its row in schema_migrations deleted."""
        with harness.tokenizer_stand_in(path):
            Backfill.downgrade_tables(path)

    @staticmethod
    def downgrade_tables(path):
        db = sqlite3.connect(path)
        db.execute("PRAGMA foreign_keys = OFF")
        tables = ["committee_members", "committees", "checklist_results", "checklist_instances", "approval_votes",
                  "approval_steps", "approval_rounds", "record_clocks", "record_timeline", "record_links",
                  "record_cis"]
        for t in ("deadlines", "outbox"):
            sql = db.execute("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?", (t,)).fetchone()[0]
            old = re.sub(r",\s*record_id BIGINT REFERENCES records\(id\)", "", sql)
            assert old != sql, sql
            idx = [r[0] for r in db.execute("SELECT sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? "
                                            "AND sql IS NOT NULL AND sql NOT LIKE '%record_id%'", (t,))]
            cols = [r[1] for r in db.execute("PRAGMA table_info(%s)" % t) if r[1] != "record_id"]
            db.execute(re.sub(r"^CREATE TABLE \"?%s\"?" % t, "CREATE TABLE %s_old" % t, old))
            db.execute("INSERT INTO %s_old(%s) SELECT %s FROM %s" % (t, ",".join(cols), ",".join(cols), t))
            db.execute("DROP TABLE %s" % t)
            db.execute("ALTER TABLE %s_old RENAME TO %s" % (t, t))
            for i in idx:
                db.execute(i)
        for t in tables + ["records"]:
            db.execute("DROP TABLE %s" % t)
        db.execute("DELETE FROM schema_migrations WHERE version = 12")
        db.commit()
        db.close()


if __name__ == "__main__":
    harness.main()
