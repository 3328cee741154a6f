"""test_event_scope.py — department scope (R-SEC-SYS-2) on events and
maintenance windows, as on CIs and incidents: a scoped user reads only the
events of CIs of its departments (an event with no CI: unscoped users only),
in lists, detail, stats and the weekly review; it creates, reads, edits and
deletes only windows on CIs it sees, names no other CI, and may not create a
matcher-only window.  Out-of-scope ids answer exactly like missing ones.
Reproduces probe-security.md H1: a 网络部 user silencing a 运行部 L1
database's critical alarm for a year."""
import re
import time

import harness

A, B = "运行部", "网络部"


def iso(ms):
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(ms / 1000)) + "Z"


def am_alert(instance, alertname, severity="critical", status="firing"):
    return {"version": "4", "status": status, "receiver": "opsdesk", "groupLabels": {}, "commonLabels": {},
            "commonAnnotations": {}, "externalURL": "http://am.local",
            "alerts": [{"status": status, "labels": {"alertname": alertname, "instance": instance,
                                                     "severity": severity}, "annotations": {}}]}


def without_ids(msg):
    return re.sub(r"\d+", "N", msg)


class EventScope(harness.ServerTest):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        s = cls.srv
        roles = ["ops_engineer", "monitoring_engineer"]
        _, cls.root = s.make_user("ev_all", roles)
        _, cls.ops_a = s.make_user("opsA", roles, department=A, scopes=[A])
        _, cls.ops_b = s.make_user("opsB", roles, department=B, scopes=[B])

        def ci(name, dept, grade):
            r = s.post("/api/v1/cis", {"name": name, "category": "database", "grade": grade, "department": dept},
                       cls.root)
            assert r.status == 201, r
            return r.json["id"]

        cls.ci_a = ci("core-db-A", A, "L1")
        cls.ci_a2 = ci("core-db-A2", A, "L1")
        cls.ci_b = ci("edge-sw-B", B, "L2")
        r = s.post("/api/v1/api-keys", {"name": "am", "integration": "alertmanager"}, s.admin("sysadmin"))
        assert r.status == 201, r
        cls.am_key = r.json["key"]
        cls.ev_a = cls.am(am_alert("core-db-A", "DiskWarnA", "warning")).json["events"][0]["id"]
        cls.ev_b = cls.am(am_alert("edge-sw-B", "PortDownB", "warning")).json["events"][0]["id"]
        cls.ev_none = cls.am(am_alert("no-such-host", "OrphanX", "warning")).json["events"][0]["id"]

    @classmethod
    def am(cls, body):
        r = cls.srv.request("POST", "/api/v1/integrations/alertmanager", body, token=cls.am_key)
        assert r.status == 202, r
        return r

    def window(self, token, **body):
        now = self.srv.now_ms()
        w = {"name": "w", "starts_at": iso(now - 60000), "ends_at": iso(now + 365 * 86400000)}
        w.update(body)
        return self.srv.post("/api/v1/maintenance-windows", w, token)

    # ---- events ----
    def test_event_detail_out_of_scope_is_404_like_missing(self):
        s = self.srv
        self.assertStatus(s.get("/api/v1/events/%d" % self.ev_a, self.ops_a), 200)
        self.assertStatus(s.get("/api/v1/events/%d" % self.ev_a, self.root), 200)
        hidden = s.get("/api/v1/events/%d" % self.ev_a, self.ops_b)
        missing = s.get("/api/v1/events/%d" % 999999, self.ops_b)
        self.assertError(hidden, 404, code=missing.json["error"]["code"])
        self.assertEqual(without_ids(hidden.json["error"]["message"]), without_ids(missing.json["error"]["message"]))
        for leak in ("core-db-A", "DiskWarnA", "INC-"):
            self.assertNotIn(leak, hidden.raw)

    def test_event_without_ci_unscoped_only(self):
        s = self.srv
        self.assertStatus(s.get("/api/v1/events/%d" % self.ev_none, self.root), 200)
        for tok in (self.ops_a, self.ops_b):
            self.assertError(s.get("/api/v1/events/%d" % self.ev_none, tok), 404)

    def test_event_lists_filtered_and_counted(self):
        s = self.srv
        r = s.get("/api/v1/events?ci=core-db-A", self.ops_b)
        self.assertStatus(r, 200)
        self.assertEqual((r.json["items"], r.json["total"]), ([], 0))
        r = s.get("/api/v1/events?ci=%d" % self.ci_a, self.ops_b)
        self.assertEqual((r.json["items"], r.json["total"]), ([], 0))
        ids = lambda tok, q="": {e["id"] for e in s.get("/api/v1/events?limit=500" + q, tok).json["items"]}
        self.assertIn(self.ev_b, ids(self.ops_b))
        self.assertFalse(ids(self.ops_b) & {self.ev_a, self.ev_none})
        self.assertFalse(ids(self.ops_a) & {self.ev_b, self.ev_none})
        self.assertLessEqual({self.ev_a, self.ev_b, self.ev_none}, ids(self.root))
        # the total and the page count only what is visible
        r = s.get("/api/v1/events?limit=1", self.ops_b)
        self.assertEqual(r.json["total"], len(ids(self.ops_b)))
        self.assertEqual((r.json["limit"], r.json["offset"]), (1, 0))
        r = s.get("/api/v1/events?q=Orphan", self.ops_a)
        self.assertEqual(r.json["total"], 0)

    def test_stats_and_review_count_only_visible(self):
        s = self.srv

        def count(tok):
            r = s.get("/api/v1/events/stats?hours=24", tok)
            self.assertStatus(r, 200)
            return sum(b[k] for b in r.json["buckets"] for k in ("info", "warning", "exception", "filtered",
                                                                  "silenced"))

        visible = lambda tok: s.get("/api/v1/events?limit=500", tok).json["total"]
        self.assertEqual(count(self.ops_b), visible(self.ops_b))
        self.assertEqual(count(self.ops_a), visible(self.ops_a))
        self.assertGreater(count(self.root), count(self.ops_a) + count(self.ops_b))  # the CI-less one
        r = s.get("/api/v1/events/review", self.ops_b)
        self.assertStatus(r, 200)
        seen = {e["id"] for e in r.json["handover"] + r.json["sample"]}
        self.assertFalse(seen & {self.ev_a, self.ev_none}, r.json)
        self.assertNotIn("core-db-A", r.raw)

    # ---- maintenance windows ----
    def test_window_on_other_department_ci_refused_like_missing(self):
        hidden = self.window(self.ops_b, name="B silences A", ci_id=self.ci_a)
        missing = self.window(self.ops_b, name="B silences ?", ci_id=999999)
        self.assertError(hidden, missing.status, code=missing.json["error"]["code"], field="ci_id")
        self.assertEqual(without_ids(hidden.json["error"]["message"]), without_ids(missing.json["error"]["message"]))
        self.assertNotIn("core-db-A", hidden.raw)
        # matcher-only windows (they may silence any department): unscoped roles only
        r = self.window(self.ops_b, name="B everything", matchers=[{"name": "instance", "value": "core-db-A"}])
        self.assertError(r, 403, field="ci_id")
        self.assertStatus(self.window(self.ops_b, name="B own", ci_id=self.ci_b), 201)
        self.assertStatus(self.window(self.root, name="all", matchers=[{"name": "x", "value": "never"}]), 201)

    def test_window_of_other_department_hidden_and_untouchable(self):
        s = self.srv
        r = self.window(self.ops_a, name="A upgrade", ci_id=self.ci_a2, ends_at=iso(self.srv.now_ms() + 1000))
        self.assertStatus(r, 201)
        wid = r.json["id"]
        path = "/api/v1/maintenance-windows/%d" % wid
        for r in (s.get(path, self.ops_b), s.request("PATCH", path, {"comment": "x"}, token=self.ops_b),
                  s.request("DELETE", path, token=self.ops_b)):
            self.assertError(r, 404)
            self.assertNotIn("A upgrade", r.raw)
            self.assertNotIn("core-db-A2", r.raw)
        # nor may it move its own window onto another department's CI, or drop the CI
        own = self.window(self.ops_b, name="B mine", ci_id=self.ci_b).json["id"]
        r = s.request("PATCH", "/api/v1/maintenance-windows/%d" % own, {"ci_id": self.ci_a}, token=self.ops_b)
        self.assertError(r, 422, field="ci_id")
        r = s.request("PATCH", "/api/v1/maintenance-windows/%d" % own,
                      {"ci_id": None, "matchers": [{"name": "a", "value": "b"}]}, token=self.ops_b)
        self.assertError(r, 403, field="ci_id")
        lst = s.get("/api/v1/maintenance-windows?limit=500", self.ops_b).json
        self.assertNotIn(wid, {w["id"] for w in lst["items"]})
        self.assertEqual(lst["total"], len(lst["items"]))
        self.assertEqual((lst["limit"], lst["offset"]), (500, 0))
        self.assertIn(wid, {w["id"] for w in s.get("/api/v1/maintenance-windows?limit=500", self.root).json["items"]})
        # the owner department still can, and nothing was changed by B
        got = s.get(path, self.ops_a)
        self.assertStatus(got, 200)
        self.assertEqual(got.json["comment"], "")
        self.assertStatus(s.request("DELETE", path, token=self.ops_a), 200)

    def test_probe_h1_critical_alert_not_silenced_by_other_department(self):
        """probe-security.md H1: opsB's year-long window on opsA's L1 database is refused, so the next
        critical alert on it opens an incident."""
        r = self.window(self.ops_b, name="B silences A", ci_id=self.ci_a, starts_at="2026-01-01T00:00:00Z",
                        ends_at="2099-12-01T00:00:00Z")
        self.assertError(r, 422)
        r = self.am(am_alert("core-db-A", "DBDown", "critical"))
        ev = r.json["events"][0]
        self.assertEqual(ev["action"], "new")
        self.assertNotEqual(ev["state"], "silenced", ev)
        self.assertEqual(ev["class"], "exception")
        self.assertIsNotNone(ev["incident_id"], ev)


if __name__ == "__main__":
    harness.main()
