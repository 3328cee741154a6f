"""test_known_errors.py — the known-error database over HTTP
(research/modules-spec.md §M2.6, §M2.8, §M2.12; docs/known-errors.md):
known errors as records KE-<year>-NNNNNN with their typed fields, 422 on a
match rule that does not parse (its position named, nothing saved), 409 on
a stale version, the shared full-text search with Chinese substrings and
English words (R-PIR-2's case library searches the same index), matching
against a live Alertmanager alert posted to the ingestion endpoint and
against incidents, applying a workaround once per pair (timeline, audit,
caused_by link to the problem), and the proactive problem candidates
proposed once per CI (R-EVT-2 for events; §M2.12)."""
import copy
import os
import tempfile
import time
import urllib.parse

import harness

AM = {
    "version": "4",
    "groupKey": "{}:{alertname=\"DiskFull\"}",
    "status": "firing",
    "receiver": "oncall-webhook",
    "groupLabels": {"alertname": "DiskFull"},
    "commonLabels": {},
    "commonAnnotations": {},
    "externalURL": "http://alertmanager.example:9093",
    "alerts": [{
        "status": "firing",
        "labels": {"alertname": "DiskFull", "instance": "ke-db-1", "severity": "warning", "mount": "/data"},
        "annotations": {"summary": "磁盘 /data 使用率 95%"},
        "startsAt": "2026-05-01T10:00:00Z",
        "endsAt": "0001-01-01T00:00:00Z",
        "generatorURL": "http://prometheus.example:9090/graph",
        "fingerprint": "aa6e49118c0ea32b",
    }],
}


class KnownErrors(harness.ServerTest):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        s = cls.srv
        try:
            cls.eng_id, cls.eng = s.make_user("ke_eng", ["ops_engineer", "monitoring_engineer"])
            cls.pm_id, cls.pm = s.make_user("ke_pm", ["problem_manager"])
            cls.net_id, cls.net = s.make_user("ke_net", ["ops_engineer"], department="网络部", scopes=["网络部"])
            r = s.post("/api/v1/api-keys", {"name": "k-am", "integration": "alertmanager"}, s.admin("sysadmin"))
            assert r.status == 201, r
            cls.am_key = r.json["key"]
            cls.ci_db = cls.make_ci("ke-db-1")
            cls.ci_web = cls.make_ci("ke-web-1")
            cls.ci_rec = cls.make_ci("ke-recurring")
        except Exception:
            cls.tearDownClass()
            raise

    @classmethod
    def make_ci(cls, name):
        r = cls.srv.post("/api/v1/cis", {"name": name, "category": "server", "grade": "L2", "department": "运行部",
                                         "attributes": {}}, token=cls.eng)
        assert r.status == 201, r
        return r.json["id"]

    # ---- helpers ----
    def ke(self, title="已知错误", token=None, status=201, **extra):
        body = {"title": title}
        body.update(extra)
        r = self.srv.post("/api/v1/known-errors", body, token=token or self.pm)
        self.assertStatus(r, status)
        return r.json

    def problem(self, title="问题"):
        r = self.srv.post("/api/v1/records", {"kind": "problem", "title": title}, token=self.pm)
        self.assertStatus(r, 201)
        return r.json

    def incident(self, title="故障", ci=None, token=None):
        r = self.srv.post("/api/v1/incidents", {"title": title, "ci_ids": [ci or self.ci_db], "severity": "minor"},
                          token=token or self.eng)
        self.assertStatus(r, 201)
        return r.json

    def search(self, query, token=None):
        query = urllib.parse.quote(query, safe="=&%")
        r = self.srv.get("/api/v1/known-errors/search?" + query, token=token or self.eng)
        self.assertStatus(r, 200)
        return r.json

    def numbers(self, page):
        return sorted(x["number"] for x in page["items"])

    def count_ke(self):
        return self.srv.get("/api/v1/known-errors?limit=1", token=self.pm).json["total"]

    # ---- CRUD ----
    def test_create_get_patch_with_version(self):
        p = self.problem("数据库连接池耗尽")
        k = self.ke("连接池耗尽导致 502", symptoms="网关返回 502，数据库连接数满", root_cause="连接泄漏",
                    workaround="重启应用实例 app-7", solution="升级驱动到 4.2", problem_id=p["id"],
                    ci_ids=[self.ci_db], match_rules=['alertname="DBConnFull"', 'instance=~"ke-db-.*"'])
        year = time.gmtime(self.srv.now_ms() // 1000).tm_year
        self.assertRegex(k["number"], r"^KE-%d-\d{6}$" % year)
        self.assertEqual(k["kind"], "known_error")
        self.assertEqual(k["state"], "draft")
        self.assertFalse(k["published"])
        self.assertEqual(k["uses"], 0)
        self.assertEqual(k["problem_id"], p["id"])
        self.assertEqual(k["problem_number"], p["number"])
        self.assertEqual(k["ci_ids"], [self.ci_db])
        self.assertEqual(k["match_rules"], ['alertname="DBConnFull"', 'instance=~"ke-db-.*"'])
        self.assertEqual(k["version"], 1)
        got = self.srv.get("/api/v1/known-errors/%d" % k["id"], token=self.eng).json
        self.assertEqual(got, k)
        # the registry sees the record and its known_error_of link
        rec = self.srv.get("/api/v1/records/%d" % k["id"], token=self.pm).json
        self.assertEqual(rec["number"], k["number"])
        links = self.srv.get("/api/v1/records/%d/links" % k["id"], token=self.pm).json["items"]
        self.assertEqual([(l["kind"], l["direction"], l["to"]["id"]) for l in links],
                         [("known_error_of", "out", p["id"])])
        # publish with the right version; the stale one is 409 naming both
        r = self.srv.request("PATCH", "/api/v1/known-errors/%d" % k["id"], {"version": 1, "published": True,
                                                                               "workaround": "重启 app-7 并清理连接"},
                             token=self.pm)
        self.assertStatus(r, 200)
        self.assertTrue(r.json["published"])
        self.assertEqual(r.json["state"], "published")
        self.assertEqual(r.json["version"], 2)
        self.assertEqual(r.json["workaround"], "重启 app-7 并清理连接")
        self.assertIsNotNone(r.json["published_at"])
        err = self.assertError(self.srv.request("PATCH", "/api/v1/known-errors/%d" % k["id"],
                                                {"version": 1, "title": "x"}, token=self.pm), 409, field="version")
        self.assertIn("您的版本为 1，当前版本为 2", err["message"])
        self.assertEqual(self.srv.get("/api/v1/known-errors/%d" % k["id"], token=self.pm).json["title"],
                         "连接池耗尽导致 502")
        # audit of create and update
        audit = self.srv.get("/api/v1/audit?entity=record&entity_id=%d&limit=50" % k["id"],
                             token=self.srv.admin("auditor") if False else self.srv.admin("sysadmin"))
        if audit.status == 200:
            actions = [a["action"] for a in audit.json["items"]]
            self.assertIn("known_error.create", actions)
            self.assertIn("known_error.update", actions)

    def test_bad_rule_is_422_with_its_position_and_nothing_saved(self):
        before = self.count_ke()
        for rules, pos in ((['alertname="A"', 'instance=~"(unclosed"'], 1),
                           (['no operator here'], 0),
                           (['a="b"', 'c="d"', 'x=~"a\\1"'], 2)):
            r = self.srv.post("/api/v1/known-errors", {"title": "坏规则", "match_rules": rules}, token=self.pm)
            err = self.assertError(r, 422, field="match_rules[%d]" % pos)
            self.assertIn("第 %d 条匹配规则" % (pos + 1), err["message"])
            self.assertIn("match rule %d" % (pos + 1), err["message"])
        self.assertError(self.srv.post("/api/v1/known-errors", {"title": "x", "match_rules": [1]}, token=self.pm),
                         400, field="match_rules")
        self.assertError(self.srv.post("/api/v1/known-errors", {"title": "x", "ci_ids": [999999]}, token=self.pm),
                         422, field="ci_ids")
        self.assertError(self.srv.post("/api/v1/known-errors", {"title": "x", "problem_id": 999999},
                                       token=self.pm), 422, field="problem_id")
        self.assertEqual(self.count_ke(), before)
        # a bad rule in a PATCH changes nothing either
        k = self.ke("规则修改", match_rules=['a="1"'])
        r = self.srv.request("PATCH", "/api/v1/known-errors/%d" % k["id"],
                             {"version": 1, "title": "改了", "match_rules": ['a="1"', 'b=~"["']}, token=self.pm)
        self.assertError(r, 422, field="match_rules[1]")
        got = self.srv.get("/api/v1/known-errors/%d" % k["id"], token=self.pm).json
        self.assertEqual((got["title"], got["match_rules"], got["version"]), ("规则修改", ['a="1"'], 1))

    def test_permissions_and_scope(self):
        # a reader without record.write cannot create; out of scope is 404
        _, desk = self.srv.make_user("ke_auditor", ["auditor"])
        self.assertError(self.srv.post("/api/v1/known-errors", {"title": "x"}, token=desk), 403)
        k = self.ke("运行部的已知错误")
        self.assertError(self.srv.get("/api/v1/known-errors/%d" % k["id"], token=self.net), 404)
        self.assertNotIn(k["number"], self.numbers(self.search("q=", token=self.net)))

    # ---- full-text search ----
    def test_search_chinese_substrings_and_english_words(self):
        a = self.ke("存储阵列控制器故障导致数据库只读", symptoms="数据库进入只读模式，写入超时",
                    workaround="切换到备用控制器 controller-B", published=True)
        b = self.ke("Nginx upstream timeout on payment gateway", symptoms="HTTP 504 from payment-gw",
                    workaround="Raise proxy_read_timeout to 60s", published=True)
        c = self.ke("机房空调告警误报", symptoms="温度传感器读数跳变", published=False)
        # a Chinese substring without spaces (3+ characters: the trigram index)
        self.assertEqual(self.numbers(self.search("q=控制器故障")), [a["number"]])
        self.assertEqual(self.numbers(self.search("q=只读模式")), [a["number"]])
        self.assertEqual(self.numbers(self.search("q=传感器")), [c["number"]])
        # English words in any case, every word required, order free
        self.assertEqual(self.numbers(self.search("q=UPSTREAM%20timeout")), [b["number"]])
        self.assertEqual(self.numbers(self.search("q=timeout%20nginx")), [b["number"]])
        self.assertEqual(self.search("q=timeout%20zzzqqq")["total"], 0)
        # a short query (under 3 characters) is one substring by a scan
        self.assertEqual(self.numbers(self.search("q=空调")), [c["number"]])
        self.assertEqual(self.numbers(self.search("q=%E5%8F%AA%E8%AF%BB")), [a["number"]])  # 只读
        # the item shape and the snippet around the hit
        hit = self.search("q=controller-B")["items"][0]
        for key in ("id", "number", "title", "state", "symptoms", "workaround", "problem_id", "problem_number",
                    "uses", "snippet"):
            self.assertIn(key, hit)
        self.assertIn("controller-B", hit["snippet"])
        # an edit re-indexes
        r = self.srv.request("PATCH", "/api/v1/known-errors/%d" % c["id"], {"version": 1, "symptoms": "风机停转"},
                             token=self.pm)
        self.assertStatus(r, 200)
        self.assertEqual(self.search("q=传感器")["total"], 0)
        self.assertEqual(self.numbers(self.search("q=风机停转")), [c["number"]])
        # a query too long is 400
        self.assertError(self.srv.get("/api/v1/known-errors/search?q=" + "x" * 300, token=self.eng), 400, field="q")

    def test_case_library_shares_the_index(self):
        # the case library's search runs on the same index: a closed, reviewed incident's case
        r = self.srv.get("/api/v1/cases?q=%E4%B8%8D%E5%AD%98%E5%9C%A8%E7%9A%84%E8%AF%8D", token=self.eng)  # 不存在的词
        self.assertStatus(r, 200)
        self.assertEqual(r.json["total"], 0)

    # ---- matching ----
    def am(self, body):
        return self.srv.request("POST", "/api/v1/integrations/alertmanager", body, token=self.am_key)

    def test_matching_a_live_alertmanager_alert(self):
        p = self.problem("磁盘容量规划不足")
        by_rule = self.ke("数据盘写满", workaround="清理 /data/tmp 下的归档日志", problem_id=p["id"], published=True,
                          match_rules=['alertname="DiskFull"', 'mount=~"/data.*"'])
        by_ci = self.ke("ke-db-1 老化磁盘", workaround="切到从库", ci_ids=[self.ci_db], published=True)
        both_wrong_ci = self.ke("规则对但配置项不对", published=True, ci_ids=[self.ci_web],
                                match_rules=['alertname="DiskFull"'])
        self.ke("未发布的不匹配", published=False, match_rules=['alertname="DiskFull"'])
        self.ke("规则不符", published=True, match_rules=['alertname="HighCPU"'])
        self.ke("无规则无配置项", published=True)
        r = self.am(copy.deepcopy(AM))
        self.assertStatus(r, 202)
        eid = r.json["events"][0]["id"]
        ev = self.srv.get("/api/v1/events/%d" % eid, token=self.eng).json
        self.assertEqual(ev["ci"]["id"], self.ci_db)
        m = self.srv.get("/api/v1/events/%d/known-errors" % eid, token=self.eng)
        self.assertStatus(m, 200)
        self.assertEqual(self.numbers(m.json), sorted([by_rule["number"], by_ci["number"]]))
        self.assertEqual(m.json["total"], 2)
        first = [x for x in m.json["items"] if x["id"] == by_rule["id"]][0]
        self.assertEqual(first["workaround"], "清理 /data/tmp 下的归档日志")
        self.assertEqual(first["problem_number"], p["number"])
        self.assertNotIn(both_wrong_ci["number"], self.numbers(m.json))
        # the search's event filter gives the same set
        self.assertEqual(self.numbers(self.search("event=%d" % eid)), self.numbers(m.json))
        self.assertEqual(self.numbers(self.search("event=%d&q=%%E5%%86%%99%%E6%%BB%%A1" % eid)),  # 写满
                         [by_rule["number"]])
        self.assertError(self.srv.get("/api/v1/events/999999/known-errors", token=self.eng), 404)

    def test_incident_matches_apply_once_links_problem(self):
        p = self.problem("负载均衡会话粘滞失效")
        k = self.ke("LB 会话丢失", workaround="临时关闭会话保持并重启 lb-2", problem_id=p["id"], published=True,
                    ci_ids=[self.ci_web])
        t = self.ke("标题匹配", workaround="按手册处理", published=True, match_rules=['title=~".*会话丢失.*"'])
        inc = self.incident("用户反馈会话丢失", ci=self.ci_web)
        m = self.srv.get("/api/v1/incidents/%d/known-errors" % inc["id"], token=self.eng)
        self.assertStatus(m, 200)
        self.assertEqual(self.numbers(m.json), sorted([k["number"], t["number"]]))
        self.assertTrue(all(x["applied"] is False for x in m.json["items"]))
        path = "/api/v1/incidents/%d/apply-known-error" % inc["id"]
        r = self.srv.post(path, {"ke_id": k["id"]}, token=self.eng)
        self.assertStatus(r, 200)
        self.assertEqual((r.json["applied"], r.json["already"], r.json["problem_linked"]), (True, False, True))
        self.assertEqual(r.json["workaround"], "临时关闭会话保持并重启 lb-2")
        # a second time writes nothing
        r = self.srv.post(path, {"ke_id": k["id"]}, token=self.eng)
        self.assertStatus(r, 200)
        self.assertEqual((r.json["applied"], r.json["already"]), (False, True))
        got = self.srv.get("/api/v1/known-errors/%d" % k["id"], token=self.pm).json
        self.assertEqual(got["uses"], 1)
        m = self.srv.get("/api/v1/incidents/%d/known-errors" % inc["id"], token=self.eng).json
        self.assertEqual({x["number"]: x["applied"] for x in m["items"]}, {k["number"]: True, t["number"]: False})
        # the incident's record is caused_by the problem, once; timelines on both
        recs = self.srv.get("/api/v1/records?kind=incident&limit=500", token=self.pm).json["items"]
        rec = [x for x in recs if x["incident_id"] == inc["id"]][0]
        links = self.srv.get("/api/v1/records/%d/links" % rec["id"], token=self.pm).json["items"]
        self.assertEqual([(l["kind"], l["to"]["id"]) for l in links if l["direction"] == "out"],
                         [("caused_by", p["id"])])
        tl = self.srv.get("/api/v1/records/%d/timeline?limit=500" % rec["id"], token=self.pm).json["items"]
        self.assertEqual(len([x for x in tl if x["kind"] == "known_error"]), 1)
        tl = self.srv.get("/api/v1/records/%d/timeline" % k["id"], token=self.pm).json["items"]
        self.assertEqual(len([x for x in tl if x["kind"] == "known_error_use"]), 1)
        # applying another known error of the same problem does not link twice
        k2 = self.ke("同一问题的另一个已知错误", published=True, problem_id=p["id"], ci_ids=[self.ci_web])
        r = self.srv.post(path, {"ke_id": k2["id"]}, token=self.eng)
        self.assertStatus(r, 200)
        self.assertEqual((r.json["applied"], r.json["problem_linked"]), (True, False))
        # unpublished, missing, bad body
        draft = self.ke("草稿", published=False)
        self.assertError(self.srv.post(path, {"ke_id": draft["id"]}, token=self.eng), 422, field="ke_id")
        self.assertError(self.srv.post(path, {"ke_id": 999999}, token=self.eng), 422, field="ke_id")
        self.assertError(self.srv.post(path, {}, token=self.eng), 422)
        self.assertError(self.srv.post("/api/v1/incidents/999999/apply-known-error", {"ke_id": k["id"]},
                                       token=self.eng), 404)

    # ---- proactive candidates ----
    def test_z_candidates_once_per_ci_and_accept(self):
        for i in range(3):
            self.incident("反复出现的故障 %d" % i, ci=self.ci_rec)
        r = self.srv.post("/api/v1/problems/candidates/scan", token=self.pm)
        self.assertStatus(r, 200)
        self.assertGreaterEqual(r.json["created"], 1)
        page = self.srv.get("/api/v1/problems/candidates?state=open&limit=500", token=self.pm).json
        mine = [c for c in page["items"] if c["ci_ids"] == [self.ci_rec]]
        self.assertEqual(len(mine), 1)
        cand = mine[0]
        self.assertEqual((cand["rule"], cand["incident_count"], cand["state"]), ("ci_recurrence", 3, "open"))
        # never twice for the same CI: a fourth incident and another scan add nothing for it
        self.incident("反复出现的故障 3", ci=self.ci_rec)
        r = self.srv.post("/api/v1/problems/candidates/scan", token=self.pm)
        self.assertStatus(r, 200)
        self.assertEqual(r.json["created"], 0)
        all_ = self.srv.get("/api/v1/problems/candidates?limit=500", token=self.pm).json["items"]
        self.assertEqual(len([c for c in all_ if c["ci_ids"] == [self.ci_rec]]), 1)
        # accept: a problem record caused_by from each of the three incidents
        r = self.srv.post("/api/v1/problems/candidates/%d/accept" % cand["id"], {"title": "ke-recurring 反复故障"},
                          token=self.pm)
        self.assertStatus(r, 200)
        self.assertEqual(r.json["state"], "accepted")
        pid = r.json["problem_id"]
        prob = self.srv.get("/api/v1/records/%d" % pid, token=self.pm).json
        self.assertEqual((prob["kind"], prob["title"]), ("problem", "ke-recurring 反复故障"))
        links = self.srv.get("/api/v1/records/%d/links?limit=500" % pid, token=self.pm).json["items"]
        self.assertEqual(len([l for l in links if l["kind"] == "caused_by" and l["direction"] == "in"]), 3)
        cis = self.srv.get("/api/v1/records/%d/cis" % pid, token=self.pm).json["items"]
        self.assertEqual([c["id"] for c in cis], [self.ci_rec])
        # made by the problem workflow's create action (R-PRB-1): its typed row with the source,
        # recorded at and by the one who accepted, the resolve clock running, the create entry
        full = self.srv.get("/api/v1/problems/%d" % pid, token=self.pm).json
        self.assertEqual(full["state"], "new")
        self.assertEqual(full["problem"]["source"], "proactive")
        self.assertEqual(full["problem"]["recorded_by"], self.pm_id)
        self.assertIsNotNone(full["problem"]["recorded_at"])
        clocks = self.srv.get("/api/v1/records/%d/clocks" % pid, token=self.pm).json["items"]
        self.assertEqual([(c["name"], c["state"]) for c in clocks], [("resolve", "running")])
        self.assertError(self.srv.post("/api/v1/problems/candidates/%d/accept" % cand["id"], token=self.pm), 409)
        self.assertError(self.srv.post("/api/v1/problems/candidates/%d/dismiss" % cand["id"], token=self.pm), 409)
        self.assertError(self.srv.post("/api/v1/problems/candidates/999999/accept", token=self.pm), 404)
        self.assertError(self.srv.get("/api/v1/problems/candidates?state=bogus", token=self.pm), 400)

    def test_zz_candidates_r1_rule_and_open_problem(self):
        # two incidents that reached R1 on one CI in 90 days: rule r1_recurrence
        r = self.srv.post("/api/v1/cis", {"name": "ke-core-l1", "category": "database", "grade": "L1",
                                          "department": "运行部"}, token=self.eng)
        self.assertStatus(r, 201)
        l1 = r.json["id"]
        for i in range(2):
            r = self.srv.post("/api/v1/incidents", {"title": "主库宕机 %d" % i, "ci_ids": [l1], "severity": "severe"},
                              token=self.eng)
            self.assertStatus(r, 201)
            self.assertEqual(r.json["highest_response_level"], "R1")
        # three incidents on a CI that has an open problem: nothing proposed
        busy = self.make_ci("ke-busy")
        p = self.problem("已在处理的问题")
        self.assertStatus(self.srv.post("/api/v1/records/%d/cis" % p["id"], {"ci_id": busy}, token=self.pm), 201)
        for i in range(3):
            self.incident("已有问题的配置项 %d" % i, ci=busy)
        r = self.srv.post("/api/v1/problems/candidates/scan", token=self.pm)
        self.assertStatus(r, 200)
        self.assertEqual(r.json["created"], 1)
        cands = self.srv.get("/api/v1/problems/candidates?limit=500", token=self.pm).json["items"]
        mine = [(c["rule"], c["incident_count"]) for c in cands if c["ci_ids"] == [l1]]
        self.assertEqual(mine, [("r1_recurrence", 2)])
        self.assertEqual([c for c in cands if c["ci_ids"] == [busy]], [])
        # accepting is creating a problem: someone the create action does not name is refused (403
        # naming who may), nothing is made and the candidate stays open
        cid = [c["id"] for c in cands if c["ci_ids"] == [l1]][0]
        before = self.srv.get("/api/v1/records?kind=problem&limit=1", token=self.pm).json["total"]
        self.assertError(self.srv.post("/api/v1/problems/candidates/%d/accept" % cid, token=self.eng), 403,
                         contains="problem_manager")
        self.assertEqual(self.srv.get("/api/v1/records?kind=problem&limit=1", token=self.pm).json["total"], before)
        still = [c for c in self.srv.get("/api/v1/problems/candidates?limit=500", token=self.pm).json["items"]
                 if c["id"] == cid]
        self.assertEqual(still[0]["state"], "open")

    def test_known_error_not_created_through_generic_records(self):
        # a known error is made through its own route (its typed row and match rules): 422 names it
        n = self.count_ke()
        err = self.assertError(self.srv.post("/api/v1/records", {"kind": "known_error", "title": "绕过"},
                                             token=self.pm), 422, field="kind")
        self.assertIn("/api/v1/known-errors", err["message"])
        self.assertEqual(self.count_ke(), n)


def policy_with_problem_rule():
    """policy/default.yaml whose critical-severe incident rule also opens a problem (R-EVT-2)."""
    text = open(os.path.join(harness.ROOT, "policy", "default.yaml"), encoding="utf-8").read()
    old = "    - name: critical-severe\n      match: ['severity=~\"critical|disaster\"']\n      severity: severe\n"
    assert text.count(old) == 1
    path = os.path.join(tempfile.mkdtemp(prefix="opsdesk-pol-"), "policy.yaml")
    with open(path, "w", encoding="utf-8") as f:
        f.write(text.replace(old, old + "      problem: true\n"))
    return path


class EventProblems(harness.ServerTest):
    """R-EVT-2: an exception whose incident rule says `problem: true` opens a problem for its CI,
    and a later one on the same CI attaches to that open problem instead of opening another."""
    policy = policy_with_problem_rule()

    def test_problem_opened_then_attached(self):
        s = self.srv
        _, eng = s.make_user("ep_eng", ["ops_engineer", "monitoring_engineer"])
        r = s.post("/api/v1/api-keys", {"name": "k-ep", "integration": "api"}, s.admin("sysadmin"))
        self.assertStatus(r, 201)
        key = r.json["key"]
        r = s.post("/api/v1/cis", {"name": "ep-core-db", "category": "database", "grade": "L1",
                                   "department": "运行部"}, token=eng)
        self.assertStatus(r, 201)
        cid = r.json["id"]

        def problems():
            return s.get("/api/v1/records?kind=problem&limit=500", token=eng).json["items"]

        def send(dedup, severity="critical", summary="主库不可用"):
            r = s.request("POST", "/api/v1/events", {"dedup_key": dedup, "status": "firing", "severity": severity,
                                                      "summary": summary, "ci": "ep-core-db",
                                                      "labels": {"alertname": "DbDown"}}, token=key)
            self.assertStatus(r, 202)
            return s.get("/api/v1/events/%d" % r.json["events"][0]["id"], token=eng).json

        ev = send("ep-1")
        self.assertIsNotNone(ev["incident"])
        ps = problems()
        self.assertEqual(len(ps), 1)
        pid = ps[0]["id"]
        # opened through the problem workflow's create action as the system actor: the typed row
        # with source event_rule, recorded at (by nobody), the resolve clock running
        full = s.get("/api/v1/problems/%d" % pid, token=eng).json
        self.assertEqual(full["state"], "new")
        self.assertEqual(full["problem"]["source"], "event_rule")
        self.assertIsNotNone(full["problem"]["recorded_at"])
        self.assertIsNone(full["problem"]["recorded_by"])
        clocks = s.get("/api/v1/records/%d/clocks" % pid, token=eng).json["items"]
        self.assertEqual([(c["name"], c["state"]) for c in clocks], [("resolve", "running")])
        cis = s.get("/api/v1/records/%d/cis" % pid, token=eng).json["items"]
        self.assertEqual([c["id"] for c in cis], [cid])
        links = s.get("/api/v1/records/%d/links" % pid, token=eng).json["items"]
        self.assertEqual([(l["kind"], l["direction"]) for l in links], [("caused_by", "in")])
        # the same CI and rule: the event attaches to the incident, the problem is not opened twice
        ev2 = send("ep-2", summary="复制中断")
        self.assertEqual(ev2["incident"]["id"], ev["incident"]["id"])
        self.assertEqual(len(problems()), 1)
        links = s.get("/api/v1/records/%d/links" % pid, token=eng).json["items"]
        self.assertEqual(len(links), 1)
        # another rule without `problem: true` (high → moderate) opens an incident but no problem
        ev3 = send("ep-3", severity="high")
        self.assertNotEqual(ev3["incident"]["id"], ev["incident"]["id"])
        self.assertEqual(len(problems()), 1)
        tl = s.get("/api/v1/records/%d/timeline" % pid, token=eng).json["items"]
        self.assertEqual(len([x for x in tl if x["kind"] == "event_rule"]), 1)


if __name__ == "__main__":
    harness.main()
