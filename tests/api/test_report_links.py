"""test_report_links.py — absolute links in O&M report messages, the platform's calendar and an
incident on services with different calendars (R-SLA-1, R-SLA-2, R-SLA-6; modules-spec §M4.2, §1.10;
docs/service-levels.md, docs/configuration.md `public_url`):

- with `--public-url https://ops.example.cn/` the distribution message links to
  https://ops.example.cn/#/reports/ID and the print view https://ops.example.cn/api/v1/reports/runs/ID/
  report.html (without the option they stay relative: test_report_review.py);
- a run carries its filing deadline from its generation (review.file_due_at = generated + 2 days);
- `sla.platform_calendar: business`: the platform's availability counts only the business calendar's
  working minutes, while a 24×7 member service keeps wall time;
- an incident whose impact intervals are on a business-hours service and on a 24×7 service runs its
  restore clock on the union of their hours, here wall time (the first interval's calendar alone gave
  2 h and "met").

Every wait is done by the test clock."""
import os
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from test_report_review import bj, fmt_ms, harness_ms, outbox  # noqa: E402

MIN = 60 * 1000
HOUR = 60 * MIN
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def platform_policy():
    """policy/default.yaml with the platform measured on the business calendar."""
    with open(os.path.join(ROOT, "policy", "default.yaml"), encoding="utf-8") as f:
        text = f.read()
    assert "\nsla:\n" in text
    text = text.replace("\nsla:\n", "\nsla:\n  platform_calendar: business\n", 1)
    fd, path = tempfile.mkstemp(prefix="opsdesk-policy-", suffix=".yaml")
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(text)
    return path


def q(t):
    return t.replace("+", "%2B")


class LinksTest(harness.ServerTest):
    extra_args = ["--public-url", "https://ops.example.cn/"]
    policy = platform_policy()

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        s = cls.srv
        s.clock(set_to=bj(7, "10:00"))
        s.tokens.clear()
        cls.uid, cls.tok = {}, {}
        for i, (name, role) in enumerate([("eng", "ops_engineer"), ("lead", "ops_section_head"),
                                          ("head", "ops_department_head"), ("head2", "ops_department_head"),
                                          ("boss", "ops_leader")]):
            cls.uid[name], cls.tok[name] = s.make_user("ln_" + name, [role], phone="1370000%04d" % i,
                                                       email="ln_%s@example.cn" % name)

    @classmethod
    def tearDownClass(cls):
        super().tearDownClass()
        os.unlink(cls.policy)

    def post(self, path, body, who, status=None):
        r = self.srv.post(path, body, token=self.tok[who])
        if status is not None:
            self.assertStatus(r, status, r.raw)
        return r

    def relogin(self):
        self.srv.tokens.clear()
        for name in self.tok:
            self.tok[name] = self.srv.login("ln_" + name, harness.USER_PW)

    def test_1_distribution_links_absolute(self):
        s = self.srv
        t0 = s.now_ms()
        run = self.post("/api/v1/reports/runs", {"kind": "weekly"}, "eng", 201).json
        rid = run["id"]
        self.assertEqual(harness_ms(run["review"]["file_due_at"]), t0 + 48 * HOUR)   # stored at generation
        base = "/api/v1/reports/runs/%d" % rid
        self.post(base + "/manual", {"sections": {"next_week_plan": "巡检"}}, "eng", 200)
        self.post(base + "/submit", None, "eng", 200)
        self.post(base + "/file", {"note": "同意"}, "head", 200)
        d = self.post(base + "/distribute", None, "lead", 200).json
        self.assertGreaterEqual(d["messages_queued"], 3)
        self.assertEqual(harness_ms(d["review"]["file_due_at"]), t0 + 48 * HOUR)       # filing does not move it
        rows = outbox(s, "report:%d:%%" % rid)
        if rows is None:
            self.skipTest("the outbox cannot be read from this python (PostgreSQL without psycopg2)")
        db = harness.db_connect(s.db)
        try:
            bodies = [r[0] for r in db.execute("SELECT body FROM outbox WHERE cause = ?",
                                               ("report:%d:distributed" % rid,))]
        finally:
            db.close()
        cause = "report:%d:distributed" % rid
        self.assertEqual(rows, sorted([(self.uid["boss"], cause), (self.uid["head"], cause),
                                       (self.uid["head2"], cause)]))
        self.assertGreaterEqual(len(bodies), 3)   # one per recipient and channel
        for b in bodies:
            self.assertIn("https://ops.example.cn/#/reports/%d" % rid, b)
            self.assertIn("https://ops.example.cn/api/v1/reports/runs/%d/report.html" % rid, b)
            self.assertNotIn("ops.example.cn//", b)   # the trailing '/' of the option is dropped

    def test_2_platform_calendar(self):
        s = self.srv
        s.clock(set_to=bj(5, "12:00", month=7))
        self.relogin()
        self.post("/api/v1/services", {"key": "svc-plat", "name": "平台", "platform_member": True}, "eng", 201)
        for st, en in ((bj(28, "08:00"), bj(28, "10:00")),       # Mon 08:00–10:00: 09:00–10:00 in hours
                       (bj(3, "10:00", 7), bj(3, "11:00", 7))):  # Sat: outside the hours
            iv = self.post("/api/v1/outage-intervals", {"service": "svc-plat", "kind": "unplanned", "starts_at": st,
                                                        "ends_at": en}, "eng", 201).json
            self.post("/api/v1/outage-intervals/%d/approve" % iv["id"], None, "lead", 200)
        f = s.get("/api/v1/service-levels?from=%s&to=%s" % (q(bj(28, "00:00")), q(bj(5, "00:00", 7))),
                  token=self.tok["eng"]).json
        self.assertEqual(f["platform"]["calendar"], "business")
        self.assertEqual(f["platform"]["members"], ["svc-plat"])
        av = f["platform"]["availability"]
        week = 5 * 510 * MIN                                    # 5 working days of 8.5 h
        self.assertEqual(av["period_ms"], week)
        self.assertEqual(av["unplanned_ms"], HOUR)
        self.assertEqual(av["outages"], 1)
        self.assertEqual(av["availability_ppm"], 1000000 * (week - HOUR) // week)
        self.assertEqual(av["budget"]["year_ms"], 261 * 510 * MIN)   # 2027: 261 weekdays
        # the member itself is a 24×7 service: wall time
        sv = [x for x in f["services"] if x["key"] == "svc-plat"][0]["availability"]
        self.assertEqual(sv["period_ms"], 7 * 24 * HOUR)
        self.assertEqual(sv["unplanned_ms"], 3 * HOUR)
        self.assertEqual(sv["outages"], 2)

    def _incident(self, ci):
        iid = self.post("/api/v1/incidents", {"title": "t", "ci_ids": [ci], "severity": "moderate",
                                              "location": "机房", "symptoms": "s", "impact_scope": "门户"},
                        "eng", 201).json["id"]
        self.post("/api/v1/incidents/%d/reports" % iid, {"kind": "first"}, "eng", 201)
        self.post("/api/v1/incidents/%d/reports" % iid, {"kind": "second", "response_level": "R3",
                                                          "system_impact": "x",
                                                          "estimated_recovery_at": "2030-01-01T00:00:00Z"},
                  "eng", 201)
        self.post("/api/v1/incidents/%d/activate" % iid, None, "head", 200)
        return iid

    def test_3_incident_on_two_calendars(self):
        s = self.srv
        s.clock(set_to=bj(16, "17:00", month=7))      # Friday
        self.relogin()
        ci = self.post("/api/v1/cis", {"name": "office-2", "category": "server", "grade": "L3",
                                       "department": "运行部"}, "eng", 201).json["id"]
        self.post("/api/v1/services", {"key": "svc-office2", "name": "办公系统", "ci_id": ci, "calendar": "business",
                                       "platform_member": False}, "eng", 201)
        self.post("/api/v1/services", {"key": "svc-round", "name": "值班电话", "platform_member": False}, "eng", 201)
        iid = self._incident(ci)
        s.clock(set_to=bj(19, "11:00", month=7))      # Monday
        self.relogin()
        for svc, st, en in (("svc-office2", bj(16, "17:00", 7), bj(19, "10:30", 7)),
                            ("svc-round", bj(16, "17:00", 7), bj(16, "18:00", 7))):
            self.post("/api/v1/incidents/%d/impact-intervals" % iid, {"service": svc, "kind": "unplanned",
                                                                       "starts_at": st, "ends_at": en}, "eng", 201)
        f = s.get("/api/v1/service-levels?from=%s&to=%s" % (q(bj(16, "00:00", 7)), q(bj(19, "12:00", 7))),
                  token=self.tok["eng"]).json
        it = [x for x in f["incidents"]["items"] if x["id"] == iid][0]
        # the 24×7 service's hours are every hour: Fri 17:00 → Mon 10:30 is 65.5 h of wall time
        self.assertEqual((it["restore"]["ms"], it["restore"]["verdict"]), (65 * HOUR + 30 * MIN, "breached"))
        self.assertEqual(f["incidents"]["mttr"]["max_ms"], 65 * HOUR + 30 * MIN)


if __name__ == "__main__":
    unittest.main()
