"""test_candidate_rules.py — the proactive problem candidate rules as policy
(R-PRB-5; docs/problems.md "Proactive candidates"; core/problem_rule.h).

* The thresholds are the policy's `problem_candidates:` keys: with
  ci_recurrence at 4 incidents, 3 on one CI propose nothing and the 4th
  proposes it (N-1 vs N).
* event_rule_recurrence: incidents opened by one event rule (events of the
  rule on different CIs) — 2 propose nothing, the 3rd proposes one
  candidate keyed rule:<name> naming its incidents and CIs; scanned again,
  nothing new (never twice for the same rule); accepting makes a problem
  linked caused_by from each incident, titled after the rule.
* The window: the rule's first incident counts at exactly `within` after it
  was registered and not 1 ms later.
* A disabled rule proposes nothing.
* The list answers the rules it runs under (`rules`: enabled, min_incidents,
  within_days), which the candidates screen shows.
"""
import calendar
import os
import re
import tempfile
import time

import harness

DAY = 24 * 3600 * 1000


def utc(ms):
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(ms // 1000)) + ".%03dZ" % (ms % 1000)


def parse_ms(t):
    m = re.match(r"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d{1,3}))?(Z|[+-]\d\d:\d\d)$", t)
    base = calendar.timegm(time.strptime(m.group(1), "%Y-%m-%dT%H:%M:%S")) * 1000
    ms = base + int((m.group(2) or "0").ljust(3, "0"))
    if m.group(3) != "Z":
        sign = 1 if m.group(3)[0] == "+" else -1
        ms -= sign * (int(m.group(3)[1:3]) * 60 + int(m.group(3)[4:6])) * 60000
    return ms


def policy_rules():
    with open(os.path.join(harness.ROOT, "policy", "default.yaml"), encoding="utf-8") as f:
        text = f.read()
    head = "  incidents:\n"
    assert text.count(head) == 1
    text = text.replace(head, head + "    - name: pcr-watch\n      match: ['team=\"pcr\"']\n      severity: minor\n"
                        "    - name: pcr-window\n      match: ['team=\"pcrw\"']\n      severity: minor\n"
                        "    - name: pcr-window2\n      match: ['team=\"pcrw2\"']\n      severity: minor\n"
                        "    - name: pcr-off\n      match: ['team=\"pcro\"']\n      severity: minor\n")
    old = ("  ci_recurrence: {min_incidents: 3, within: 30d}\n  r1_recurrence: {min_incidents: 2, within: 90d}\n"
           "  event_rule_recurrence: {min_incidents: 3, within: 30d}\n")
    assert text.count(old) == 1
    text = text.replace(old, "  ci_recurrence: {min_incidents: 4, within: 30d}\n"
                        "  r1_recurrence: {min_incidents: 2, within: 90d}\n"
                        "  event_rule_recurrence: {min_incidents: 3, within: 10d}\n")
    fd, path = tempfile.mkstemp(suffix=".yaml", prefix="opsdesk-pcr-")
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(text)
    return path


class CandidateRules(harness.ServerTest):
    policy = policy_rules()

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        s = cls.srv
        try:
            cls.eng_id, cls.eng = s.make_user("pcr_eng", ["ops_engineer", "monitoring_engineer"])
            cls.pm_id, cls.pm = s.make_user("pcr_pm", ["problem_manager"])
            r = s.post("/api/v1/api-keys", {"name": "pcr-api", "integration": "api"}, s.admin("sysadmin"))
            assert r.status == 201, r
            cls.key = r.json["key"]
        except Exception:
            cls.tearDownClass()
            raise

    @classmethod
    def tearDownClass(cls):
        super().tearDownClass()
        os.unlink(cls.policy)

    def ci(self, name):
        r = self.srv.post("/api/v1/cis", {"name": name, "category": "server", "grade": "L3", "department": "运行部"},
                          token=self.eng)
        self.assertStatus(r, 201)
        return r.json["id"]

    def event(self, team, ci_name, n):
        body = {"source": "pcr-mon", "dedup_key": "pcr-%s-%s-%d" % (team, ci_name, n), "status": "firing",
                "severity": "critical", "summary": "反复告警 %s" % ci_name, "ci": ci_name,
                "labels": {"alertname": "PcrAlert", "team": team}}
        r = self.srv.request("POST", "/api/v1/events", body, token=self.key)
        self.assertStatus(r, 202 if r.status == 202 else 200)
        ev = r.json["events"][0]
        self.assertEqual(ev["class"], "exception")
        self.assertIsNotNone(ev.get("incident_id"), r)
        return ev["incident_id"]

    def relogin(self):
        # sessions end with the test clock's jumps
        type(self).eng = self.srv.login("pcr_eng", harness.USER_PW)
        type(self).pm = self.srv.login("pcr_pm", harness.USER_PW)

    def scan(self):
        r = self.srv.post("/api/v1/problems/candidates/scan", token=self.pm)
        self.assertStatus(r, 200)
        return r.json["created"]

    def cands(self, key):
        items = self.srv.get("/api/v1/problems/candidates?limit=500", token=self.pm).json["items"]
        return [c for c in items if c["ci_key"] == key]

    def test_ci_threshold_from_policy(self):
        cid = self.ci("pcr-ci-4")
        for i in range(4):
            r = self.srv.post("/api/v1/incidents", {"title": "反复 %d" % i, "ci_ids": [cid], "severity": "minor"},
                              token=self.eng)
            self.assertStatus(r, 201)
            self.scan()
            # min_incidents 4: the third proposes nothing, the fourth proposes it
            self.assertEqual(len(self.cands(str(cid))), 1 if i == 3 else 0, i)
        c = self.cands(str(cid))[0]
        self.assertEqual((c["rule"], c["incident_count"]), ("ci_recurrence", 4))

    def test_list_answers_the_policy_rules(self):
        r = self.srv.get("/api/v1/problems/candidates?limit=1", token=self.pm)
        self.assertStatus(r, 200)
        self.assertEqual(r.json["rules"], {
            "ci_recurrence": {"enabled": True, "min_incidents": 4, "within_days": 30},
            "r1_recurrence": {"enabled": True, "min_incidents": 2, "within_days": 90},
            "event_rule_recurrence": {"enabled": True, "min_incidents": 3, "within_days": 10}})

    def test_event_rule_recurrence(self):
        names = ["pcr-ev-a", "pcr-ev-b", "pcr-ev-c"]
        cis = [self.ci(n) for n in names]
        incs = [self.event("pcr", names[0], 0), self.event("pcr", names[1], 0)]
        self.assertEqual(len(set(incs)), 2)
        self.scan()
        self.assertEqual(self.cands("rule:pcr-watch"), [])  # N-1: nothing
        incs.append(self.event("pcr", names[2], 0))
        self.assertGreaterEqual(self.scan(), 1)
        got = self.cands("rule:pcr-watch")
        self.assertEqual(len(got), 1)
        c = got[0]
        self.assertEqual((c["rule"], c["incident_count"], c["state"]), ("event_rule_recurrence", 3, "open"))
        self.assertEqual(sorted(c["incident_ids"]), sorted(incs))
        self.assertEqual(sorted(c["ci_ids"]), sorted(cis))
        # a fourth incident of the rule and another scan: never twice for the same rule
        self.ci("pcr-ev-d")
        self.event("pcr", "pcr-ev-d", 0)
        self.scan()
        self.assertEqual(len(self.cands("rule:pcr-watch")), 1)
        # accepted: a problem titled after the rule, caused_by from each incident
        r = self.srv.post("/api/v1/problems/candidates/%d/accept" % c["id"], token=self.pm)
        self.assertStatus(r, 200)
        prob = self.srv.get("/api/v1/records/%d" % r.json["problem_id"], token=self.pm).json
        self.assertIn("事件规则 pcr-watch 在 10 天内开启 3 次事件", prob["title"])
        self.assertIn("3 incidents opened by event rule pcr-watch in 10 days", prob["title"])
        links = self.srv.get("/api/v1/records/%d/links?limit=500" % prob["id"], token=self.pm).json["items"]
        self.assertEqual(len([l for l in links if l["kind"] == "caused_by" and l["direction"] == "in"]), 3)
        audit = self.srv.get("/api/v1/audit?action=problem_candidate.create&limit=500",
                             token=self.srv.admin("auditor")).json["items"]
        self.assertEqual(len([a for a in audit if (a.get("after") or {}).get("key") == "rule:pcr-watch"]), 1)

    def test_event_rule_window_boundary(self):
        # rule pcr-window's first incident at t1, pcr-window2's 1 ms later; then both one and two days on
        for n in ("pcr-w-a", "pcr-w-b", "pcr-w-c", "pcr-v-a", "pcr-v-b", "pcr-v-c"):
            self.ci(n)
        first = self.event("pcrw", "pcr-w-a", 0)
        t1 = parse_ms(self.srv.get("/api/v1/incidents/%d" % first, token=self.eng).json["registered_at"])
        self.srv.clock(set_to=utc(t1 + 1))
        self.event("pcrw2", "pcr-v-a", 0)
        for k, (w, v) in enumerate((("pcr-w-b", "pcr-v-b"), ("pcr-w-c", "pcr-v-c"))):
            self.srv.clock(advance_seconds=86400)
            self.event("pcrw", w, 0)
            self.event("pcrw2", v, 0)
        # now = t1 + 10 days + 1 ms: pcr-window's first incident is 1 ms out of the window (2 < 3,
        # nothing); pcr-window2's first is at the window's first instant (3, proposed)
        self.srv.clock(set_to=utc(t1 + 10 * DAY + 1))
        self.relogin()
        self.scan()
        self.assertEqual(self.cands("rule:pcr-window"), [])
        got = self.cands("rule:pcr-window2")
        self.assertEqual([(c["rule"], c["incident_count"]) for c in got], [("event_rule_recurrence", 3)])
        self.assertEqual(parse_ms(got[0]["first_at"]), t1 + 1)


class CandidateRulesOff(harness.ServerTest):
    """event_rule_recurrence disabled: three incidents of one rule, nothing."""

    @classmethod
    def policy_off(cls):
        path = policy_rules()
        with open(path, encoding="utf-8") as f:
            text = f.read()
        text = text.replace("  event_rule_recurrence: {min_incidents: 3, within: 10d}\n",
                            "  event_rule_recurrence: {min_incidents: 3, within: 10d, enabled: false}\n")
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
        return path

    policy = None

    @classmethod
    def setUpClass(cls):
        cls.policy = cls.policy_off()
        super().setUpClass()
        s = cls.srv
        cls.eng_id, cls.eng = s.make_user("pco_eng", ["ops_engineer", "monitoring_engineer"])
        cls.pm_id, cls.pm = s.make_user("pco_pm", ["problem_manager"])
        r = s.post("/api/v1/api-keys", {"name": "pco-api", "integration": "api"}, s.admin("sysadmin"))
        assert r.status == 201, r
        cls.key = r.json["key"]

    @classmethod
    def tearDownClass(cls):
        super().tearDownClass()
        os.unlink(cls.policy)

    def test_disabled_rule(self):
        for n in ("pco-a", "pco-b", "pco-c"):
            r = self.srv.post("/api/v1/cis", {"name": n, "category": "server", "grade": "L3", "department": "运行部"},
                              token=self.eng)
            self.assertStatus(r, 201)
            body = {"source": "pco-mon", "dedup_key": "pco-%s" % n, "status": "firing", "severity": "critical",
                    "summary": "告警", "ci": n, "labels": {"alertname": "PcoAlert", "team": "pcro"}}
            self.assertIn(self.srv.request("POST", "/api/v1/events", body, token=self.key).status, (200, 202))
        r = self.srv.post("/api/v1/problems/candidates/scan", token=self.pm)
        self.assertStatus(r, 200)
        items = self.srv.get("/api/v1/problems/candidates?limit=500", token=self.pm).json["items"]
        self.assertEqual([c for c in items if c["rule"] == "event_rule_recurrence"], [])
        rules = self.srv.get("/api/v1/problems/candidates", token=self.pm).json["rules"]
        self.assertEqual(rules["event_rule_recurrence"], {"enabled": False, "min_incidents": 3, "within_days": 10})


if __name__ == "__main__":
    harness.main()
