"""test_checklist_on_fail.py — a failed checklist item opens a linked
record (research/modules-spec.md §1.6 `on_fail`; docs/internals/kernel.md):
policy `on_fail: {create: problem, link: parent_of}` on an item of the
problem closure checklist.  Judged failed without a finding, the item
creates a problem through its workflow's create action (the system actor,
state new, its resolve clock), linked parent_of from the checked problem,
and the result's finding is that record, so the checklist completes; judged
failed again it keeps that record (exactly one); `opsdesk policy check`
refuses a kind without a workflow or an unknown link kind.  `on_fail:
incident` opens one incident (the item's declared severity, else minor) on
the checked record's first CI through the incident register use case,
linked parent_of, once per item; without a CI nothing is opened.  `on_fail:
finding` is refused by `opsdesk policy check` (it names no record kind).
`on_fail: event` (R-EVT-1, R-INC-1) queues one event in the checklist's
transaction and ingests it right after through the event ingestion: source
checklist, key checklist:<instance>:<item>, labels naming the record and
item, the record's first CI, the item's severity (severe: critical, which
opens an incident under the default rules; undeclared: warning, which opens
none); the incident it opened is the finding, linked parent_of, else the
event is; failing again or a restart ingests nothing new.  An unknown item
`severity:` is refused by `opsdesk policy check`."""
import os
import re
import subprocess
import tempfile

import harness

ITEM = ("      - {key: regression_ok, zh: 回归测试通过, en: Regression test passed, type: check, required: true,\n"
        "         on_fail: {create: %s, link: %s}}\n"
        "      - {key: backup_ok, zh: 备份已验证, en: Backup verified, type: check, required: false,\n"
        "         on_fail: problem}\n"
        "      - {key: power_ok, zh: 电源冗余正常, en: Power redundancy OK, type: check, required: false,\n"
        "         on_fail: incident, severity: moderate}\n"
        "      - {key: fan_ok, zh: 风扇正常, en: Fans OK, type: check, required: false, on_fail: incident}\n"
        "      - {key: alarm_ok, zh: 告警已清除, en: Alarms cleared, type: check, required: false,\n"
        "         on_fail: event, severity: severe}\n"
        "      - {key: log_ok, zh: 日志已归档, en: Logs archived, type: check, required: false, on_fail: event}\n"
        "      - {key: alarm2_ok, zh: 二次告警已清除, en: Second alarms cleared, type: check, on_fail: event,\n"
        "         severity: severe, required: false}\n")


def policy(create="problem", link="parent_of"):
    with open(os.path.join(harness.ROOT, "policy", "default.yaml"), encoding="utf-8") as f:
        text = f.read()
    anchor = "      - {key: incidents_informed,"
    i = text.index(anchor)
    j = text.index("\n", i) + 1
    text = text[:j] + ITEM % (create, link) + text[j:]
    fd, path = tempfile.mkstemp(suffix=".yaml", prefix="opsdesk-policy-")
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(text)
    return path


class ChecklistOnFail(harness.ServerTest):
    policy = policy()

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        s = cls.srv
        try:
            cls.pm_id, cls.pm = s.make_user("pm", ["problem_manager"])
            cls.solver_id, cls.solver = s.make_user("solver", ["problem_solver"])
            cls.eng_id, cls.eng = s.make_user("eng", ["ops_engineer"])
        except Exception:
            cls.tearDownClass()
            raise

    @classmethod
    def tearDownClass(cls):
        super().tearDownClass()
        os.unlink(cls.policy)

    def ok(self, pid, action, token, **body):
        body["version"] = self.srv.get("/api/v1/problems/%d" % pid, token=self.pm).json["version"]
        r = self.srv.post("/api/v1/records/%d/actions/%s" % (pid, action), body, token=token)
        self.assertStatus(r, 200)

    def put(self, pid, cid, item, value):
        return self.srv.request("PUT", "/api/v1/records/%d/checklists/%d/items/%s" % (pid, cid, item),
                                {"value": value}, token=self.pm)

    def test_scalar_on_fail_problem_opens_one_too(self):
        # the plain form `on_fail: problem` creates a problem as well, linked parent_of
        r = self.srv.post("/api/v1/problems", {"title": "备份失败", "fields": {"impact": "low", "urgency": "low",
                                                                         "category": "storage"}},
                          token=self.pm)
        self.assertStatus(r, 201)
        p = r.json
        self.ok(p["id"], "accept", self.pm)
        self.ok(p["id"], "assign", self.pm, fields={"assignee_id": self.solver_id})
        self.ok(p["id"], "start", self.solver)
        self.ok(p["id"], "resolve", self.solver, fields={"root_cause": "x", "solution": "y", "solution_evidence": "z"})
        cid = self.srv.get("/api/v1/records/%d/checklists" % p["id"], token=self.pm).json["items"][0]["id"]
        before = self.srv.get("/api/v1/problems?limit=200", token=self.pm).json["total"]
        self.assertStatus(self.put(p["id"], cid, "backup_ok", False), 200)
        self.assertStatus(self.put(p["id"], cid, "backup_ok", False), 200)
        self.assertEqual(self.srv.get("/api/v1/problems?limit=200", token=self.pm).json["total"], before + 1)
        links = self.srv.get("/api/v1/records/%d/links" % p["id"], token=self.pm).json["items"]
        self.assertEqual([(l["kind"], l["direction"]) for l in links], [("parent_of", "out")])
        child = self.srv.get("/api/v1/problems/%d" % links[0]["to"]["id"], token=self.pm).json
        self.assertEqual(child["state"], "new")
        self.assertIn("备份已验证", child["title"])
        res = [x for x in self.srv.get("/api/v1/records/%d/checklists" % p["id"], token=self.pm).json["items"][0]
               ["results"] if x["item"] == "backup_ok"][0]
        self.assertEqual(res["finding"], child["number"])

    def test_failed_item_opens_a_linked_problem_once(self):
        r = self.srv.post("/api/v1/problems", {"title": "磁盘满", "fields": {"impact": "low", "urgency": "low",
                                                                       "category": "storage"}},
                          token=self.pm)
        self.assertStatus(r, 201)
        p = r.json
        self.ok(p["id"], "accept", self.pm)
        self.ok(p["id"], "assign", self.pm, fields={"assignee_id": self.solver_id})
        self.ok(p["id"], "start", self.solver)
        self.ok(p["id"], "resolve", self.solver, fields={"root_cause": "x", "solution": "y", "solution_evidence": "z"})
        inst = self.srv.get("/api/v1/records/%d/checklists" % p["id"], token=self.pm).json["items"][0]
        cid = inst["id"]
        self.assertIn("regression_ok", [i["key"] for i in inst["items"]])
        before = self.srv.get("/api/v1/problems?limit=200", token=self.pm).json["total"]
        # failed without a finding: a problem is opened and becomes the finding
        self.assertStatus(self.put(p["id"], cid, "regression_ok", False), 200)
        after = self.srv.get("/api/v1/problems?limit=200", token=self.pm).json
        self.assertEqual(after["total"], before + 1)
        links = self.srv.get("/api/v1/records/%d/links" % p["id"], token=self.pm).json["items"]
        self.assertEqual([(l["kind"], l["direction"]) for l in links], [("parent_of", "out")])
        new_id = links[0]["to"]["id"]
        child = self.srv.get("/api/v1/problems/%d" % new_id, token=self.pm).json
        self.assertEqual(child["state"], "new")
        self.assertIn("回归测试通过", child["title"])
        self.assertEqual([c["name"] for c in self.srv.get("/api/v1/records/%d/clocks" % new_id,
                                                           token=self.pm).json["items"]], ["resolve"])
        res = [x for x in self.srv.get("/api/v1/records/%d/checklists" % p["id"], token=self.pm).json["items"][0]
               ["results"] if x["item"] == "regression_ok"][0]
        self.assertIs(res["passed"], False)
        self.assertEqual(res["finding"], child["number"])
        tl = [t for t in self.srv.get("/api/v1/records/%d/timeline?limit=500" % p["id"], token=self.pm).json["items"]
              if t["kind"] == "finding"]
        self.assertEqual([t["data"]["number"] for t in tl], [child["number"]])
        # failed again: the same record, no second one
        self.assertStatus(self.put(p["id"], cid, "regression_ok", False), 200)
        self.assertEqual(self.srv.get("/api/v1/problems?limit=200", token=self.pm).json["total"], before + 1)
        # the rest passes: complete (the failure has its finding)
        for item in ("ke_updated", "kb_updated", "incidents_informed"):
            self.assertStatus(self.put(p["id"], cid, item, True), 200)
        inst = self.srv.get("/api/v1/records/%d/checklists" % p["id"], token=self.pm).json["items"][0]
        self.assertEqual(inst["state"], "complete")

    def resolved(self, title, ci=None):
        r = self.srv.post("/api/v1/problems", {"title": title, "fields": {"impact": "low", "urgency": "low",
                                                                        "category": "power"}}, token=self.pm)
        self.assertStatus(r, 201)
        p = r.json
        if ci:
            self.assertStatus(self.srv.post("/api/v1/records/%d/cis" % p["id"], {"ci_id": ci}, token=self.pm), 201)
        self.ok(p["id"], "accept", self.pm)
        self.ok(p["id"], "assign", self.pm, fields={"assignee_id": self.solver_id})
        self.ok(p["id"], "start", self.solver)
        self.ok(p["id"], "resolve", self.solver, fields={"root_cause": "x", "solution": "y", "solution_evidence": "z"})
        cid = self.srv.get("/api/v1/records/%d/checklists" % p["id"], token=self.pm).json["items"][0]["id"]
        return p, cid

    def incidents(self):
        r = self.srv.get("/api/v1/incidents?limit=500", token=self.pm)
        self.assertStatus(r, 200)
        return r.json

    def result(self, pid, item):
        return [x for x in self.srv.get("/api/v1/records/%d/checklists" % pid, token=self.pm).json["items"][0]
                ["results"] if x["item"] == item][0]

    def test_on_fail_incident_once_on_the_first_ci(self):
        r = self.srv.post("/api/v1/cis", {"name": "ckl-ups-1", "category": "server", "grade": "L2",
                                          "department": "运行部"}, token=self.eng)
        self.assertStatus(r, 201)
        ci = r.json["id"]
        p, cid = self.resolved("UPS 切换失败", ci=ci)
        before = self.incidents()["total"]
        # failed twice: one incident (the item's declared severity), through the incident register use case
        self.assertStatus(self.put(p["id"], cid, "power_ok", False), 200)
        self.assertStatus(self.put(p["id"], cid, "power_ok", False), 200)
        self.assertEqual(self.incidents()["total"], before + 1)
        links = self.srv.get("/api/v1/records/%d/links" % p["id"], token=self.pm).json["items"]
        self.assertEqual([(l["kind"], l["direction"], l["to"]["kind"]) for l in links],
                         [("parent_of", "out", "incident")])
        rec = self.srv.get("/api/v1/records/%d" % links[0]["to"]["id"], token=self.pm).json
        inc = self.srv.get("/api/v1/incidents/%d" % rec["incident_id"], token=self.pm).json
        self.assertEqual(inc["severity"], "moderate")
        self.assertEqual([c["id"] for c in inc["cis"]], [ci])
        self.assertIn("电源冗余正常", inc["title"])
        self.assertTrue(inc["number"].startswith("INC-"))
        self.assertEqual(self.result(p["id"], "power_ok")["finding"], inc["number"])
        tl = [t for t in self.srv.get("/api/v1/records/%d/timeline?limit=500" % p["id"], token=self.pm).json["items"]
              if t["kind"] == "finding"]
        self.assertEqual([(t["data"]["number"], t["data"]["kind"]) for t in tl], [(inc["number"], "incident")])
        # no declared severity: the policy's lowest
        self.assertStatus(self.put(p["id"], cid, "fan_ok", False), 200)
        self.assertEqual(self.incidents()["total"], before + 2)
        fan = self.result(p["id"], "fan_ok")["finding"]
        got = [i for i in self.incidents()["items"] if i["number"] == fan]
        self.assertEqual([i["severity"] for i in got], ["minor"])
        # a record without a CI: nothing is opened, the person records the finding
        q, qcid = self.resolved("无配置项的问题")
        self.assertStatus(self.put(q["id"], qcid, "fan_ok", False), 200)
        self.assertEqual(self.incidents()["total"], before + 2)
        self.assertIn(self.result(q["id"], "fan_ok")["finding"], (None, ""))

    def checklist_events(self):
        r = self.srv.get("/api/v1/events?source=checklist&limit=500", token=self.pm)
        self.assertStatus(r, 200)
        return r.json["items"]

    def test_on_fail_event_through_the_ingestion_once(self):
        s = self.srv
        r = s.post("/api/v1/cis", {"name": "ckl-ev-sw-1", "category": "server", "grade": "L2",
                                   "department": "运行部"}, token=self.eng)
        self.assertStatus(r, 201)
        ci = r.json["id"]
        p, cid = self.resolved("交换机告警未清", ci=ci)
        before = self.incidents()["total"]
        n0 = len(self.checklist_events())
        # failed twice: one event (key, labels, CI), the incident it opened is the finding
        self.assertStatus(self.put(p["id"], cid, "alarm_ok", False), 200)
        self.assertStatus(self.put(p["id"], cid, "alarm_ok", False), 200)
        key = "checklist:%d:alarm_ok" % cid
        evs = [x for x in self.checklist_events() if x["dedup_key"] == key]
        self.assertEqual(len(evs), 1, evs)
        self.assertEqual(len(self.checklist_events()), n0 + 1)
        ev = evs[0]
        self.assertEqual(ev["source"], "checklist")
        self.assertEqual(ev["severity"], "critical")
        self.assertEqual(ev["ci"]["id"] if isinstance(ev.get("ci"), dict) else ev.get("ci_id"), ci)
        got = s.get("/api/v1/events/%d" % ev["id"], token=self.pm)
        self.assertStatus(got, 200)
        labels = got.json["labels"]
        self.assertEqual((labels["record"], labels["record_id"], labels["item"], labels["checklist_id"]),
                         (p["number"], str(p["id"]), "alarm_ok", str(cid)))
        self.assertEqual(self.incidents()["total"], before + 1)
        links = s.get("/api/v1/records/%d/links" % p["id"], token=self.pm).json["items"]
        self.assertEqual([(l["kind"], l["direction"], l["to"]["kind"]) for l in links],
                         [("parent_of", "out", "incident")])
        rec = s.get("/api/v1/records/%d" % links[0]["to"]["id"], token=self.pm).json
        inc = s.get("/api/v1/incidents/%d" % rec["incident_id"], token=self.pm).json
        self.assertEqual(inc["severity"], "severe")
        self.assertEqual(self.result(p["id"], "alarm_ok")["finding"], inc["number"])
        tl = [t for t in s.get("/api/v1/records/%d/timeline?limit=500" % p["id"], token=self.pm).json["items"]
              if t["kind"] == "finding"]
        self.assertEqual([(t["data"]["number"], t["data"]["kind"], t["data"]["event_id"]) for t in tl],
                         [(inc["number"], "incident", ev["id"])])
        # undeclared severity: a warning, no incident; the event is the finding
        self.assertStatus(self.put(p["id"], cid, "log_ok", False), 200)
        self.assertStatus(self.put(p["id"], cid, "log_ok", False), 200)
        logs = [x for x in self.checklist_events() if x["dedup_key"] == "checklist:%d:log_ok" % cid]
        self.assertEqual([x["severity"] for x in logs], ["warning"])
        self.assertEqual(self.incidents()["total"], before + 1)
        self.assertEqual(self.result(p["id"], "log_ok")["finding"], "event:%d" % logs[0]["id"])
        # a restart ingests nothing again (the queue is empty; the keys are stored)
        self.assertEqual(s.stop(), 0)
        s.start()
        s.tokens = {}
        self.__class__.pm_id, self.__class__.pm = s.make_user("pm2", ["problem_manager"])
        self.assertEqual(len(self.checklist_events()), n0 + 2)
        self.assertEqual(self.incidents()["total"], before + 1)

    def test_on_fail_event_left_queued_by_a_stop(self):
        # a stop between the checklist's commit and the ingestion leaves the
        # row queued: the first pass after start ingests it, once; a row whose
        # event is stored already (a stop before its removal) ingests nothing
        s = self.srv
        p, cid = self.resolved("告警队列残留")
        self.assertStatus(self.put(p["id"], cid, "alarm_ok", False), 200)
        alarm = "checklist:%d:alarm_ok" % cid
        logk = "checklist:%d:log_ok" % cid
        first = [x for x in self.checklist_events() if x["dedup_key"] == alarm]
        self.assertEqual([x["count"] for x in first], [1])
        n0 = len(self.checklist_events())
        self.assertEqual(s.stop(), 0)
        con = harness.db_connect(s.db)
        # log_ok judged failed as alarm_ok was (its result row), its event not ingested yet
        val, passed = con.execute("SELECT value, passed FROM checklist_results WHERE instance_id = ? AND "
                                  "item_key = ?", (cid, "alarm_ok")).fetchone()
        con.execute("INSERT INTO checklist_results(instance_id, item_key, value, passed, at) VALUES(?,?,?,?,?)",
                    (cid, "log_ok", val, passed, 1))
        for key, item, sev in ((alarm, "alarm_ok", "critical"), (logk, "log_ok", "warning")):
            con.execute("INSERT INTO internal_event_queue(source, dedup_key, record_id, ref_id, item, severity, "
                        "summary, ci_name, queued_at) VALUES(?,?,?,?,?,?,?,?,?)",
                        ("checklist", key, p["id"], cid, item, sev, "left by a stop", "", 1))
        con.commit()
        con.close()
        s.start()
        s.tokens = {}
        self.__class__.pm_id, self.__class__.pm = s.make_user("pm3", ["problem_manager"])
        s.clock(0)
        evs = self.checklist_events()
        self.assertEqual(len(evs), n0 + 1)
        self.assertEqual([(x["id"], x["count"]) for x in evs if x["dedup_key"] == alarm],
                         [(first[0]["id"], 1)])
        logs = [x for x in evs if x["dedup_key"] == logk]
        self.assertEqual([x["severity"] for x in logs], ["warning"])
        self.assertEqual(self.result(p["id"], "log_ok")["finding"], "event:%d" % logs[0]["id"])
        con = harness.db_connect(s.db)
        self.assertEqual(con.execute("SELECT COUNT(*) FROM internal_event_queue").fetchone()[0], 0)
        con.close()

    def test_on_fail_event_joins_and_completes(self):
        # every required item passed, the failed event items last: the
        # delivered findings complete the checklist; a second item's event
        # joining the incident the first opened links it once
        s = self.srv
        r = s.post("/api/v1/cis", {"name": "ckl-ev-sw-2", "category": "server", "grade": "L2",
                                   "department": "运行部"}, token=self.eng)
        self.assertStatus(r, 201)
        p, cid = self.resolved("交换机二次告警", ci=r.json["id"])
        before = self.incidents()["total"]
        for item in ("regression_ok", "ke_updated", "kb_updated", "incidents_informed"):
            self.assertStatus(self.put(p["id"], cid, item, True), 200)
        r = self.put(p["id"], cid, "alarm_ok", False)
        self.assertStatus(r, 200)
        self.assertEqual(r.json["items"][0]["state"], "complete")
        r = self.put(p["id"], cid, "alarm2_ok", False)
        self.assertStatus(r, 200)
        self.assertEqual(r.json["items"][0]["state"], "complete")
        keys = ["checklist:%d:alarm_ok" % cid, "checklist:%d:alarm2_ok" % cid]
        evs = sorted((x for x in self.checklist_events() if x["dedup_key"] in keys), key=lambda x: x["id"])
        self.assertEqual([x["dedup_key"] for x in evs], keys)
        self.assertEqual(self.incidents()["total"], before + 1)
        links = s.get("/api/v1/records/%d/links" % p["id"], token=self.pm).json["items"]
        self.assertEqual([(l["kind"], l["direction"], l["to"]["kind"]) for l in links],
                         [("parent_of", "out", "incident")])
        number = s.get("/api/v1/records/%d" % links[0]["to"]["id"], token=self.pm).json["number"]
        self.assertEqual([self.result(p["id"], k)["finding"] for k in ("alarm_ok", "alarm2_ok")], [number, number])

    def test_on_fail_event_claimed_by_another_node(self):
        # a row another node claimed (several nodes share the queue) is left
        # to it until its claim lapses, then delivered once
        s = self.srv
        p, cid = self.resolved("告警他节点认领")
        self.assertStatus(self.put(p["id"], cid, "log_ok", False), 200)
        logk = "checklist:%d:log_ok" % cid
        self.assertEqual(len([x for x in self.checklist_events() if x["dedup_key"] == logk]), 1)
        # alarm2_ok judged failed, its row claimed for 60 s by another node
        key = "checklist:%d:alarm2_ok" % cid
        now = s.now_ms()
        con = harness.db_connect(s.db)
        val, passed = con.execute("SELECT value, passed FROM checklist_results WHERE instance_id = ? AND "
                                  "item_key = ?", (cid, "log_ok")).fetchone()
        con.execute("INSERT INTO checklist_results(instance_id, item_key, value, passed, at) VALUES(?,?,?,?,?)",
                    (cid, "alarm2_ok", val, passed, now))
        con.execute("INSERT INTO internal_event_queue(source, dedup_key, record_id, ref_id, item, severity, "
                    "summary, ci_name, queued_at, claimed_until) VALUES(?,?,?,?,?,?,?,?,?,?)",
                    ("checklist", key, p["id"], cid, "alarm2_ok", "warning", "claimed", "", now, now + 60000))
        con.commit()
        con.close()
        # any checklist result set delivers the queue after its commit
        s.clock(59)
        self.assertStatus(self.put(p["id"], cid, "kb_updated", True), 200)
        self.assertEqual([x for x in self.checklist_events() if x["dedup_key"] == key], [])
        s.clock(1)
        self.assertStatus(self.put(p["id"], cid, "ke_updated", True), 200)
        evs = [x for x in self.checklist_events() if x["dedup_key"] == key]
        self.assertEqual([x["count"] for x in evs], [1])
        self.assertEqual(self.result(p["id"], "alarm2_ok")["finding"], "event:%d" % evs[0]["id"])

    def test_policy_check_refuses_unknown_item_severity(self):
        path = policy()
        with open(path, encoding="utf-8") as f:
            text = f.read()
        self.assertEqual(text.count("on_fail: event, severity: severe}"), 1)
        with open(path, "w", encoding="utf-8") as f:
            f.write(text.replace("on_fail: event, severity: severe}", "on_fail: event, severity: apocalyptic}"))
        try:
            out = subprocess.run([harness.BIN, "policy", "check", path], capture_output=True, text=True, timeout=60)
        finally:
            os.unlink(path)
        self.assertNotEqual(out.returncode, 0)
        self.assertIn("apocalyptic", out.stdout + out.stderr)

    def test_policy_check_refuses_on_fail_finding(self):
        path = policy()
        with open(path, encoding="utf-8") as f:
            text = f.read()
        with open(path, "w", encoding="utf-8") as f:
            f.write(text.replace("on_fail: incident}", "on_fail: finding}"))
        try:
            out = subprocess.run([harness.BIN, "policy", "check", path], capture_output=True, text=True, timeout=60)
        finally:
            os.unlink(path)
        self.assertNotEqual(out.returncode, 0)
        self.assertIn("finding names no record kind", out.stdout + out.stderr)

    def test_policy_check_refuses_bad_on_fail(self):
        for create, link, want in (("change", "parent_of", "change"), ("problem", "sibling_of", "sibling_of"),
                                   ("kitten", "parent_of", "kitten")):
            path = policy(create, link)
            try:
                out = subprocess.run([harness.BIN, "policy", "check", path], capture_output=True, text=True,
                                     timeout=60)
            finally:
                os.unlink(path)
            self.assertNotEqual(out.returncode, 0, (create, link))
            self.assertIn(want, out.stdout + out.stderr)


if __name__ == "__main__":
    harness.main()
