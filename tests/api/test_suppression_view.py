"""test_suppression_view.py — dependency suppression is visible and narrow
(R-EVT-4): the per-hour event statistics the wall screen draws count the
events suppressed because a CI they depend on is in trouble as their own
series ("suppressed"), apart from the classes people are told about; and a
warning is suppressed only through the relation kinds the policy names
(seed: depends_on, runs_on) at most dependency_max_depth relations away
(seed: 3) — 3 away is suppressed, 4 away is not, connects_to is not.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402


class SuppressionViewTest(harness.ServerTest):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        try:
            s = cls.srv
            _, cls.eng = s.make_user("sv_eng", ["monitoring_engineer", "ops_engineer"])
            r = s.post("/api/v1/api-keys", {"name": "sv", "integration": "api"}, s.admin("sysadmin"))
            assert r.status == 201, r
            cls.key = r.json["key"]
        except BaseException:
            cls.srv.cleanup()
            raise

    def ci(self, name):
        r = self.srv.post("/api/v1/cis", {"name": name, "category": "server", "grade": "L2",
                                          "department": "运行部"}, self.eng)
        self.assertStatus(r, 201)
        return r.json["id"]

    def event(self, key, ci, alert):
        r = self.srv.request("POST", "/api/v1/events", {"status": "firing", "dedup_key": key, "severity": "warning",
                                                        "ci": ci, "labels": {"alertname": alert}}, token=self.key)
        self.assertStatus(r, 202)
        return r.json["events"][0]

    def last_bucket(self):
        r = self.srv.get("/api/v1/events/stats?hours=1", self.eng)
        self.assertStatus(r, 200)
        return r.json["buckets"][-1]

    def test_suppressed_is_its_own_series_r_evt_4(self):
        db, app, web = self.ci("sv-db"), self.ci("sv-app"), self.ci("sv-web")
        for src, dst in ((app, db), (web, app)):
            self.assertStatus(self.srv.post("/api/v1/cis/%d/relations" % src,
                                            {"type": "depends_on", "target_id": dst}, self.eng), 201)
        before = self.last_bucket()
        self.assertEqual(self.event("sv-1", "sv-db", "DbSlow")["state"], "open")
        self.assertEqual(self.event("sv-2", "sv-app", "AppErrors")["state"], "suppressed")
        self.assertEqual(self.event("sv-3", "sv-web", "WebErrors")["state"], "suppressed")
        b = self.last_bucket()
        self.assertEqual(b["suppressed"] - before["suppressed"], 2)
        self.assertEqual(b["warning"] - before["warning"], 1)  # only the one people were told about
        self.assertEqual(sorted(b), sorted(["start", "info", "warning", "exception", "filtered", "silenced",
                                            "suppressed"]))

    def test_only_named_kinds_within_the_depth_r_evt_4(self):
        chain = [self.ci("nd-%d" % i) for i in range(5)]  # nd-1 → nd-0, nd-2 → nd-1, …
        for i in range(1, 5):
            self.assertStatus(self.srv.post("/api/v1/cis/%d/relations" % chain[i],
                                            {"type": "depends_on" if i % 2 else "runs_on",
                                             "target_id": chain[i - 1]}, self.eng), 201)
        linked = self.ci("nd-link")
        self.assertStatus(self.srv.post("/api/v1/cis/%d/relations" % linked,
                                        {"type": "connects_to", "target_id": chain[0]}, self.eng), 201)
        self.assertEqual(self.event("nd-0", "nd-0", "Root")["state"], "open")
        # 4 away first (a firing warning on nd-3 would make nd-3 itself the CI in trouble, 1 away)
        self.assertEqual(self.event("nd-4", "nd-4", "FourAway")["state"], "open")
        self.assertEqual(self.event("nd-3", "nd-3", "ThreeAway")["state"], "suppressed")
        self.assertEqual(self.event("nd-l", "nd-link", "Linked")["state"], "open")


if __name__ == "__main__":
    harness.main()
