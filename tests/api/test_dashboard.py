"""test_dashboard.py — GET /api/v1/dashboard, the wall-screen summary of the
web UI: open incidents by incident level × response level, drills
counted apart, unmet deadlines split into missed and upcoming (R-NOT-6:
missed deadlines are visible on the dashboard), incidents per day by level
with local day boundaries, the reader's scopes (R-SEC-SYS-2), bad
parameters → 400."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import USER_PW, ServerTest, main  # noqa: E402


class DashboardTest(ServerTest):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        s = cls.srv
        cls.uid, cls.eng = s.make_user("dash_eng", ["ops_engineer", "monitoring_engineer"])
        cls.l1 = s.post("/api/v1/cis", {"name": "dash-db", "category": "database", "grade": "L1",
                                         "department": "运行部"}, token=cls.eng).json["id"]
        cls.l3 = s.post("/api/v1/cis", {"name": "dash-web", "category": "server", "grade": "L3",
                                         "department": "运行部"}, token=cls.eng).json["id"]

    def dash(self, q="", token=None):
        r = self.srv.get("/api/v1/dashboard" + q, token=token or self.eng)
        self.assertStatus(r, 200)
        return r.json

    def create(self, ci, severity, drill=False, title="t"):
        r = self.srv.post("/api/v1/incidents", {"title": title, "ci_ids": [ci], "severity": severity,
                                                "drill": drill, "location": "机房", "symptoms": "s",
                                                "impact_scope": "i"}, token=self.eng)
        self.assertStatus(r, 201)
        return r.json

    def test_1_empty(self):
        d = self.dash()
        self.assertEqual(d["open"]["total"], 0)
        self.assertEqual(d["open"]["matrix"]["L1"], {"R1": 0, "R2": 0, "R3": 0, "NG": 0})
        self.assertEqual(d["drills"]["open"]["total"], 0)
        self.assertEqual(d["deadlines"], {"missed": [], "upcoming": []})
        self.assertEqual(d["days"], 30)
        self.assertEqual(len(d["per_day"]["days"]), 30)
        self.assertEqual(sorted(d["per_day"]["by_level"]), ["L1", "L2", "L3", "NG"])
        self.assertEqual(sum(d["per_day"]["by_level"]["L1"]), 0)
        self.assertEqual(len(d["drills"]["per_day"]), 30)
        self.assertEqual(d["tz_minutes"], 480)

    def test_2_counts_deadlines_and_days(self):
        a = self.create(self.l1, "moderate", title="主库不可用")   # L1 × moderate → R1, first report in 5 min
        b = self.create(self.l3, "minor", title="前台慢")          # L3 × minor → R3, first report in 10 min
        self.create(self.l1, "severe", drill=True, title="演练")   # a drill: counted apart
        d = self.dash()
        self.assertEqual(d["open"]["total"], 2)
        self.assertEqual(d["open"]["matrix"]["L1"]["R1"], 1)
        self.assertEqual(d["open"]["matrix"]["L3"]["R3"], 1)
        self.assertEqual(d["open"]["by_level"], {"L1": 1, "L2": 0, "L3": 1, "NG": 0})
        self.assertEqual(d["open"]["by_response"], {"R1": 1, "R2": 0, "R3": 1, "NG": 0})
        self.assertEqual(d["drills"]["open"]["total"], 1)
        self.assertEqual(d["drills"]["open"]["matrix"]["L1"]["R1"], 1)
        self.assertEqual(d["per_day"]["by_level"]["L1"][-1], 1, "today is the last bucket")
        self.assertEqual(d["per_day"]["by_level"]["L3"][-1], 1)
        self.assertEqual(d["drills"]["per_day"][-1], 1)
        up = d["deadlines"]["upcoming"]
        self.assertEqual(d["deadlines"]["missed"], [])
        firsts = [x for x in up if x["kind"] == "first_report" and not x["drill"]]
        self.assertEqual([x["incident"]["number"] for x in firsts], [a["number"], b["number"]], "earliest first")
        self.assertEqual(firsts[0]["incident"]["level"], "L1")
        self.assertEqual(firsts[0]["incident"]["title"], "主库不可用")
        self.assertFalse(firsts[0]["missed"])
        self.assertEqual([x["due_ms"] for x in up], sorted(x["due_ms"] for x in up))
        self.assertTrue(any(x["drill"] for x in up), "drill deadlines are marked")

        # the first report of b is sent: its deadline is met and leaves the list
        r = self.srv.post("/api/v1/incidents/%d/reports" % b["id"], {"kind": "first"}, token=self.eng)
        self.assertStatus(r, 201)
        # six minutes on: a's first report (5 min) is missed, nothing of b's first report remains
        self.srv.clock(advance_seconds=6 * 60)
        d = self.dash()
        missed = d["deadlines"]["missed"]
        self.assertIn(("first_report", a["number"]), [(x["kind"], x["incident"]["number"]) for x in missed])
        self.assertTrue(all(x["missed"] for x in missed))
        self.assertTrue(all(x["due_ms"] < d["now_ms"] for x in missed))
        # internal timers (b has a pending escalation step) are not people's deadlines
        shown = {x["kind"] for x in missed + d["deadlines"]["upcoming"]}
        self.assertTrue(shown <= {"first_report", "ack", "progress", "handling"}, shown)
        self.assertNotIn(("first_report", b["number"]),
                         [(x["kind"], x["incident"]["number"]) for x in missed + d["deadlines"]["upcoming"]])

    def test_3_scopes(self):
        _, other = self.srv.make_user("dash_other", ["ops_engineer"], department="网络部", scopes=["网络部"])
        d = self.dash(token=other)
        self.assertEqual(d["open"]["total"], 0)
        self.assertEqual(d["drills"]["open"]["total"], 0)
        self.assertEqual(d["deadlines"], {"missed": [], "upcoming": []})
        self.assertEqual(sum(d["per_day"]["by_level"]["L1"]), 0)

    def test_4_bad_parameters(self):
        for q, field in (("?tz=abc", "tz"), ("?tz=900", "tz"), ("?days=0", "days"), ("?days=91", "days"),
                         ("?days=", "days"), ("?days=7x", "days")):
            r = self.srv.get("/api/v1/dashboard" + q, token=self.eng)
            self.assertError(r, 400, code="invalid", field=field)
        self.assertEqual(len(self.dash("?days=7")["per_day"]["days"]), 7)

    def test_5_permission(self):
        self.assertError(self.srv.get("/api/v1/dashboard"), 401)
        self.assertError(self.srv.get("/api/v1/dashboard", token=self.srv.admin("sysadmin")), 403)


class DashboardDayBoundaryTest(ServerTest):
    """Day buckets follow the reader's time zone (tz minutes east of UTC)."""

    def test_local_days(self):
        s = self.srv
        _, eng = s.make_user("dash_tz", ["ops_engineer"])
        ci = s.post("/api/v1/cis", {"name": "tz-ci", "category": "server", "grade": "L2"}, token=eng).json["id"]
        s.clock(set_to="2031-01-01T17:00:00Z")
        eng = s.login("dash_tz", USER_PW)  # the jump outlived the session
        r = s.post("/api/v1/incidents", {"title": "tz", "ci_ids": [ci], "severity": "minor"}, token=eng)
        self.assertStatus(r, 201)
        cn = s.get("/api/v1/dashboard?tz=480&days=2", token=eng).json
        self.assertEqual(cn["per_day"]["days"], ["2031-01-01", "2031-01-02"])  # 01:00 on the 2nd in Beijing
        self.assertEqual(cn["per_day"]["by_level"]["L2"], [0, 1])
        utc = s.get("/api/v1/dashboard?tz=0&days=2", token=eng).json
        self.assertEqual(utc["per_day"]["days"], ["2030-12-31", "2031-01-01"])
        self.assertEqual(utc["per_day"]["by_level"]["L2"], [0, 1])
        west = s.get("/api/v1/dashboard?tz=-600&days=3", token=eng).json  # 07:00 on the 1st in Hawaii
        self.assertEqual(west["per_day"]["days"], ["2030-12-30", "2030-12-31", "2031-01-01"])
        self.assertEqual(west["per_day"]["by_level"]["L2"], [0, 0, 1])


if __name__ == "__main__":
    main()
