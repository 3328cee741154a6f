"""test_service_levels.py — service levels through the API (R-SLA-1, R-SLA-2,
R-SLA-5; modules-spec §M4, acceptance scenario §10 S5): services, impact
intervals required at resolution, manual intervals counted only once
approved by someone else, corrections only with a reason (audited), and the
figures of a month checked against values computed by hand here.

The S5 month is June 2027 (720 h).  One deviation from the spec's text:
incident C is L3 × moderate → R3 rather than R2, because the built
escalation (R-ESC-1) would raise an R2 incident to R1 two hours before its
4 h limit — making it a major fault — before its 2.5 h restoration; as R3
its restore target stays the ordinary 2 h, as S5 intends.  Every wait is
done by the test clock."""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

MIN = 60 * 1000
HOUR = 60 * MIN
# no business_impact_minutes: an incident with impact intervals gets it derived from them
FINAL = {"cause": "存储控制器故障", "process": "切换备用控制器", "current_state": "已恢复",
         "improvements": "增加巡检"}


ACTIVATES = {"R1": "el", "R2": "leader", "R3": "opsdept"}   # policy/default.yaml activation


def bj(day, hm, month=6):
    """A Beijing time in 2027 as RFC 3339."""
    return "2027-%02d-%02dT%s:00+08:00" % (month, day, hm)


READ_XLSX = """
import json, sys, openpyxl
wb = openpyxl.load_workbook(sys.argv[1], read_only=True)
print(json.dumps({ws.title: [list(r) for r in ws.iter_rows(values_only=True)] for ws in wb.worksheets},
                 ensure_ascii=False, default=str))
"""


def read_xlsx(data):
    """The workbook's sheets as lists of rows, read by openpyxl (python3-openpyxl, scripts/deps.sh:
    the Debian python has it when the test's python does not)."""
    import subprocess
    import tempfile
    with tempfile.NamedTemporaryFile(suffix=".xlsx") as f:
        f.write(data)
        f.flush()
        for py in (sys.executable, "/usr/bin/python3"):
            r = subprocess.run([py, "-c", READ_XLSX, f.name], capture_output=True, text=True)
            if r.returncode == 0:
                return json.loads(r.stdout)
        raise AssertionError("no python with openpyxl: " + r.stderr[-500:])


def get_bytes(srv, path, token):
    import urllib.request
    req = urllib.request.Request(srv.base + path, headers={"Authorization": "Bearer " + token})
    with urllib.request.urlopen(req, timeout=60) as r:
        return r.status, r.headers.get("Content-Type"), r.read()


class ServiceLevelTest(harness.ServerTest):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        s = cls.srv
        cls.uid, cls.tok = {}, {}
        for name, role in [("eng", "ops_engineer"), ("mon", "monitoring_engineer"),
                           ("sechead", "ops_section_head"), ("opsdept", "ops_department_head"),
                           ("leader", "ops_leader"), ("el", "emergency_leadership"), ("liaison", "liaison")]:
            cls.uid[name], cls.tok[name] = s.make_user("sl_" + name, [role])
        cls.ci = {}
        for name, cat, grade in [("portal-db", "database", "L1"), ("portal-web", "server", "L3"),
                                 ("report-app", "application", "L3")]:
            r = s.post("/api/v1/cis", {"name": name, "category": cat, "grade": grade, "department": "运行部"},
                       token=cls.tok["eng"])
            assert r.status == 201, r
            cls.ci[name] = r.json["id"]

    # ---- helpers ----
    def post(self, path, body, who="eng", status=None):
        r = self.srv.post(path, body, token=self.tok[who])
        if status is not None:
            self.assertStatus(r, status, r.raw)
        return r

    def at(self, t):
        """Moves the test clock (sessions expire across the jumps: sign in again)."""
        self.srv.clock(set_to=t)
        self.srv.tokens.clear()
        for name in self.tok:
            self.tok[name] = self.srv.login("sl_" + name, harness.USER_PW)

    def incident(self, ci, severity, level_confirm, drill=False):
        r = self.post("/api/v1/incidents", {"title": "t", "ci_ids": [self.ci[ci]], "severity": severity,
                                            "drill": drill, "location": "机房", "symptoms": "s",
                                            "impact_scope": "门户"}, status=201)
        iid = r.json["id"]
        self.post("/api/v1/incidents/%d/reports" % iid, {"kind": "first"}, status=201)
        self.post("/api/v1/incidents/%d/reports" % iid,
                  {"kind": "second", "response_level": level_confirm, "system_impact": "门户不可用",
                   "estimated_recovery_at": "2030-01-01T00:00:00Z"}, status=201)
        self.post("/api/v1/incidents/%d/activate" % iid, None, who=ACTIVATES[level_confirm], status=200)
        return iid

    def ack(self, iid, who="sechead"):
        self.assertStatus(self.srv.post("/api/v1/incidents/%d/ack" % iid, None, token=self.tok[who]), 200)

    def interval(self, iid, start, end, kind="unplanned", service="svc-portal", status=201):
        return self.post("/api/v1/incidents/%d/impact-intervals" % iid,
                         {"service": service, "kind": kind, "starts_at": start, "ends_at": end}, status=status)

    def final(self, iid, status=201):
        body = dict(FINAL)
        body["kind"] = "final"
        return self.post("/api/v1/incidents/%d/reports" % iid, body, status=status)

    def figures(self, frm, to, service=None, who="eng"):
        q = "/api/v1/service-levels?from=%s&to=%s" % (frm.replace("+", "%2B"), to.replace("+", "%2B"))
        if service:
            q += "&service=" + service
        r = self.srv.get(q, token=self.tok[who])
        self.assertStatus(r, 200, r.raw)
        return r.json

    # ---- the tests (run in name order; each builds on the one before) ----
    def test_1_services(self):
        r = self.post("/api/v1/services", {"key": "svc-portal", "name": "CIM 门户", "ci_id": self.ci["portal-db"],
                                           "availability_target": "99.5%"}, status=201)
        self.assertEqual(r.json["availability_target_ppm"], 995000)
        self.assertTrue(r.json["platform_member"])
        self.post("/api/v1/services", {"key": "svc-web", "name": "门户前台", "ci_id": self.ci["portal-web"]},
                  status=201)
        self.post("/api/v1/services", {"key": "svc-report", "name": "报表", "ci_id": self.ci["report-app"],
                                       "platform_member": False, "availability_target": "99%"}, status=201)
        # bad input: nothing changes
        self.assertError(self.post("/api/v1/services", {"key": "svc-portal", "name": "x"}), 409, field="key")
        self.assertError(self.post("/api/v1/services", {"key": "Bad Key", "name": "x"}), 400, field="key")
        self.assertError(self.post("/api/v1/services", {"key": "svc-x", "name": "x", "availability_target": "101%"}),
                         400, field="availability_target")
        # a calendar is 24x7 or one of the policy's (test_report_review.py: the business calendar)
        self.assertError(self.post("/api/v1/services", {"key": "svc-x", "name": "x", "calendar": "lunar"}),
                         400, field="calendar")
        self.assertError(self.post("/api/v1/services", {"key": "svc-x", "name": "x", "ci_id": 99999}),
                         422, field="ci_id")
        self.assertError(self.post("/api/v1/services", {"key": "svc-x", "name": "x"}, who="mon"), 403)
        r = self.srv.get("/api/v1/services", token=self.tok["mon"])
        self.assertStatus(r, 200)
        self.assertEqual([x["key"] for x in r.json["items"]], ["svc-portal", "svc-web", "svc-report"])
        self.assertEqual(r.json["total"], 3)

    def test_2_s5_month(self):
        # A: L1 × severe → R1 (major); detected 06-03 01:00, acknowledged 01:03
        self.at(bj(3, "01:00"))
        a = self.incident("portal-db", "severe", "R1")
        self.at(bj(3, "01:03"))
        self.ack(a)
        # B: L3 × moderate → R3 on the front end (svc-web's CI), its outage recorded on
        # svc-portal as S5 has it; detected 02:30, acknowledged 02:36
        self.at(bj(3, "02:30"))
        b = self.incident("portal-web", "moderate", "R3")
        self.at(bj(3, "02:36"))
        self.ack(b)
        self.at(bj(3, "03:00"))
        # R-SLA-5: an incident that affected a service is not resolved without its intervals
        self.assertError(self.final(a, status=None), 422, field="impact_intervals")
        # an interval in the future, or ending before it starts, is refused
        self.assertError(self.interval(a, bj(3, "01:00"), bj(3, "03:01"), status=None), 422)
        self.assertError(self.interval(a, bj(3, "02:00"), bj(3, "01:00"), status=None), 422, field="ends_at")
        self.assertError(self.interval(a, bj(3, "01:00"), bj(3, "02:00"), kind="down", status=None), 400,
                         field="kind")
        self.assertError(self.interval(a, bj(3, "01:00"), bj(3, "02:00"), service="nope", status=None), 422,
                         field="service")
        ia = self.interval(a, bj(3, "01:00"), bj(3, "03:00")).json
        self.assertEqual(ia["source"], "incident")
        self.assertEqual(ia["duration_ms"], 2 * HOUR)
        # R-SLA-5: business_impact_minutes is derived from the intervals (120 min); a different
        # typed value is refused and nothing changes, the same value is accepted
        body = dict(FINAL, kind="final", business_impact_minutes=35)
        self.assertError(self.post("/api/v1/incidents/%d/reports" % a, body), 422, field="business_impact_minutes",
                         contains="120")
        fin = [x for x in self.final(a).json["reports"] if x["kind"] == "final"]
        self.assertEqual(len(fin), 1)
        self.assertEqual(fin[0]["fields"]["business_impact_minutes"], 120)
        self.assertEqual(fin[0]["fields"]["business_impact_source"], "impact_intervals")
        self.at(bj(3, "04:00"))
        self.interval(b, bj(3, "02:30"), bj(3, "04:00"))
        self.final(b)
        r = self.srv.get("/api/v1/incidents/%d/impact-intervals" % b, token=self.tok["eng"])
        self.assertStatus(r, 200)
        self.assertEqual(r.json["total"], 1)
        self.assertEqual(r.json["impact_ms"], 90 * MIN, "business-impact duration = the sum (R-NOT-2)")

        # a drill with a 1 h outage: never counts (R-PLAN-4)
        self.at(bj(10, "11:00"))
        d = self.incident("portal-db", "moderate", "R1", drill=True)
        iv = self.interval(d, bj(10, "10:00"), bj(10, "11:00")).json
        self.assertTrue(iv["drill"])
        self.final(d)

        # a change window 06-15 02:00–04:00 overrun by 0.5 h, entered by hand
        self.at(bj(14, "12:00"))
        w = self.post("/api/v1/maintenance-windows", {"name": "升级", "starts_at": bj(15, "02:00"),
                                                      "ends_at": bj(15, "04:00"), "ci_id": self.ci["portal-db"]},
                      who="mon", status=201).json["id"]
        self.at(bj(15, "05:00"))
        self.assertError(self.post("/api/v1/outage-intervals", {"service": "svc-portal", "kind": "unplanned",
                                                                "starts_at": bj(15, "02:00"), "window_id": w}),
                         422, field="window_id")
        m = self.post("/api/v1/outage-intervals", {"service": "svc-portal", "kind": "planned",
                                                   "starts_at": bj(15, "02:00"), "ends_at": bj(15, "04:30"),
                                                   "window_id": w, "note": "升级超时"}, who="sechead",
                      status=201).json
        self.assertEqual(m["source"], "manual")
        self.assertFalse(m["counted"])
        cls = type(self)
        cls.manual_id = m["id"]

        # C: L3 × moderate → R3 (ordinary), detected 06-20 10:00, acknowledged 10:35 (response breach),
        # degraded only, restored 12:30 (restore breach 2.5 h > 2 h; handling 8 h met)
        self.at(bj(20, "10:00"))
        c = self.incident("portal-web", "moderate", "R3")
        self.at(bj(20, "10:35"))
        self.ack(c)
        self.at(bj(20, "12:30"))
        self.interval(c, bj(20, "10:00"), bj(20, "12:30"), kind="degraded", service="svc-web")
        self.final(c)
        cls.ids = {"A": a, "B": b, "C": c, "D": d}

        self.at(bj(1, "09:00", month=7))
        f = self.figures(bj(1, "00:00"), bj(1, "00:00", month=7))
        # before the manual interval is approved: U = union(01:00–03:00, 02:30–04:00) = 3.0 h
        p = f["platform"]["availability"]
        self.assertEqual(p["unplanned_ms"], 3 * HOUR)
        self.assertEqual(sorted(f["platform"]["members"]), ["svc-portal", "svc-web"])

    def test_3_approval(self):
        mid = type(self).manual_id
        # the author may not approve; an engineer may not approve at all
        self.assertError(self.post("/api/v1/outage-intervals/%d/approve" % mid, None, who="sechead"), 403,
                         contains="author")
        self.assertError(self.post("/api/v1/outage-intervals/%d/approve" % mid, None, who="eng"), 403)
        r = self.post("/api/v1/outage-intervals/%d/approve" % mid, None, who="leader", status=200)
        self.assertTrue(r.json["counted"])
        self.assertEqual(r.json["approved_by"], self.uid["leader"])
        self.assertError(self.post("/api/v1/outage-intervals/%d/approve" % mid, None, who="leader"), 409)

    def test_4_figures_s5(self):
        f = self.figures(bj(1, "00:00"), bj(1, "00:00", month=7))
        self.assertEqual(f["targets"]["availability_ppm"], 995000)
        self.assertEqual(f["targets"]["major_fault_responses"], ["R1"])
        p = f["platform"]["availability"]
        # U = 3.0 h (A ∪ B) + 0.5 h overrun = 3.5 h; the drill and the degraded time do not count
        self.assertEqual(p["period_ms"], 720 * HOUR)
        self.assertEqual(p["unplanned_ms"], 3 * HOUR + 30 * MIN)
        self.assertEqual(p["planned_ms"], 2 * HOUR)
        self.assertEqual(p["degraded_ms"], 150 * MIN)
        self.assertEqual(p["downtime_ms"], 3 * HOUR + 30 * MIN)
        self.assertEqual(p["availability_ppm"], 995138)     # 1 − 3.5/720 = 99.5138 %
        self.assertEqual(p["availability"], 99.514)
        self.assertTrue(p["met"])
        self.assertEqual(p["outages"], 2)                    # 01:00–04:00 and the overrun
        self.assertEqual(p["mtbf_ms"], (720 * HOUR - 210 * MIN) // 2)
        self.assertEqual(p["period_budget_ms"], 3 * HOUR + 36 * MIN)   # 3.6 h
        self.assertEqual(p["period_remaining_ms"], 6 * MIN)            # 0.1 h
        # the year's budget: 43.8 h at 99.5 %, 3.5 h used so far
        self.assertEqual(f["budget_year"], 2027)
        self.assertEqual(p["budget"]["allowed_ms"], 43 * HOUR + 48 * MIN)
        self.assertEqual(p["budget"]["used_ms"], 3 * HOUR + 30 * MIN)
        self.assertEqual(p["budget"]["remaining_ms"], 40 * HOUR + 18 * MIN)
        svc = {s["key"]: s for s in f["services"]}
        self.assertEqual(svc["svc-portal"]["availability"]["unplanned_ms"], 3 * HOUR + 30 * MIN)
        self.assertEqual(svc["svc-web"]["availability"]["unplanned_ms"], 0)
        self.assertEqual(svc["svc-web"]["availability"]["degraded_ms"], 150 * MIN)
        self.assertEqual(svc["svc-report"]["availability"]["target_ppm"], 990000)

        inc = f["incidents"]
        self.assertEqual(inc["total"], 3)
        self.assertEqual(inc["drills"], 1)
        self.assertEqual(inc["response"], {"na": 0, "pending": 0, "met": 2, "breached": 1})
        self.assertEqual(inc["restore"], {"na": 0, "pending": 0, "met": 2, "breached": 1})
        self.assertEqual(inc["handling"], {"na": 0, "pending": 0, "met": 3, "breached": 0})
        # MTTA = (3 + 6 + 35) / 3 = 14.67 min; MTTR = (2 + 1.5 + 2.5) / 3 = 2.0 h
        self.assertEqual(inc["mtta"], {"n": 3, "mean_ms": 880000, "median_ms": 6 * MIN, "p90_ms": 35 * MIN,
                                       "max_ms": 35 * MIN})
        self.assertEqual(inc["mttr"], {"n": 3, "mean_ms": 2 * HOUR, "median_ms": 2 * HOUR, "p90_ms": 150 * MIN,
                                       "max_ms": 150 * MIN})
        self.assertEqual(inc["by_level"]["L1"]["restore"]["met"], 1)
        self.assertEqual(inc["by_level"]["L3"]["restore"]["met"], 1)
        self.assertEqual(inc["by_level"]["L3"]["restore"]["breached"], 1)
        self.assertEqual(inc["by_level"]["L3"]["response"]["breached"], 1)
        self.assertEqual(inc["by_level"]["L2"]["mtta"]["n"], 0)
        self.assertEqual(inc["by_category"]["database"]["mttr"]["mean_ms"], 2 * HOUR)
        self.assertEqual(inc["by_category"]["server"]["mttr"]["mean_ms"], 2 * HOUR)
        self.assertEqual(inc["by_category"]["server"]["restore"]["breached"], 1)
        self.assertEqual(inc["by_tier"]["none"]["response"]["breached"], 1)
        items = {x["id"]: x for x in inc["items"]}
        a, c = items[type(self).ids["A"]], items[type(self).ids["C"]]
        self.assertTrue(a["major"])
        self.assertEqual(a["restore"], {"ms": 2 * HOUR, "target_ms": 8 * HOUR, "verdict": "met"})
        self.assertEqual(a["handling"]["verdict"], "met")
        # two labelled verdicts side by side: restore breached, handling met
        self.assertFalse(c["major"])
        self.assertEqual(c["restore"], {"ms": 150 * MIN, "target_ms": 2 * HOUR, "verdict": "breached"})
        self.assertEqual(c["handling"], {"ms": 150 * MIN, "target_ms": 8 * HOUR, "verdict": "met"})
        self.assertEqual(c["response"], {"ms": 35 * MIN, "target_ms": 30 * MIN, "verdict": "breached"})
        self.assertNotIn(type(self).ids["D"], items, "the drill is not listed")
        # one service only
        f = self.figures(bj(1, "00:00"), bj(1, "00:00", month=7), service="svc-web")
        self.assertEqual([s["key"] for s in f["services"]], ["svc-web"])

    def test_5_correction(self):
        b = type(self).ids["B"]
        r = self.srv.get("/api/v1/incidents/%d/impact-intervals" % b, token=self.tok["eng"])
        iv = r.json["items"][0]
        path = "/api/v1/outage-intervals/%d" % iv["id"]
        # no direct edit; a correction needs a reason
        self.assertIn(self.srv.request("PATCH", path, {"ends_at": bj(3, "04:10")}, token=self.tok["eng"]).status,
                      (404, 405))
        self.assertError(self.post(path + "/correct", {"ends_at": bj(3, "04:10")}), 422, field="reason")
        self.assertError(self.post(path + "/correct", {"ends_at": bj(3, "04:10"), "reason": ""}), 422,
                         field="reason")
        self.assertError(self.post(path + "/correct", {"ends_at": bj(3, "02:00"), "reason": "x"}), 422)
        r = self.post(path + "/correct", {"ends_at": bj(3, "04:30"), "reason": "监控显示 04:30 才恢复"}, status=200)
        self.assertEqual(r.json["duration_ms"], 2 * HOUR)
        self.assertEqual(len(r.json["corrections"]), 1)
        self.assertEqual(r.json["corrections"][0]["field"], "ends_at")
        self.assertEqual(r.json["corrections"][0]["reason"], "监控显示 04:30 才恢复")
        f = self.figures(bj(1, "00:00"), bj(1, "00:00", month=7))
        self.assertEqual(f["platform"]["availability"]["unplanned_ms"], 4 * HOUR)  # 01:00–04:30 + 0.5 h
        self.assertEqual(f["incidents"]["mttr"]["mean_ms"], (2 * HOUR + 2 * HOUR + 150 * MIN) // 3)
        # back again
        self.post(path + "/correct", {"ends_at": bj(3, "04:00"), "reason": "核对后恢复原值"}, status=200)
        r = self.srv.get(path, token=self.tok["eng"])
        self.assertEqual(len(r.json["corrections"]), 2)
        a = self.srv.get("/api/v1/audit?entity=outage_interval&entity_id=%d" % iv["id"],
                         token=self.srv.admin("auditor"))
        self.assertStatus(a, 200)
        actions = [x["action"] for x in a.json["items"]]
        self.assertEqual(actions.count("outage.correct"), 2)
        self.assertEqual(actions.count("outage.create"), 1)
        v = self.srv.get("/api/v1/audit/verify", token=self.srv.admin("auditor"))
        self.assertStatus(v, 200)

    def test_6_own_month(self):
        """August 2027 (744 h): two platform services down at overlapping times count once
        for the platform, a planned interval without an approved window is wholly unplanned,
        an interval across the month's end is clipped, and a non-platform service is apart."""
        self.at(bj(31, "23:00", month=8))
        rows = [("svc-portal", "unplanned", bj(5, "10:00", 8), bj(5, "11:00", 8)),
                ("svc-web", "unplanned", bj(5, "10:30", 8), bj(5, "12:00", 8)),   # overlaps: platform 2 h
                ("svc-web", "planned", bj(9, "01:00", 8), bj(9, "01:45", 8)),     # no window: unplanned
                ("svc-report", "unplanned", bj(12, "08:00", 8), bj(12, "18:00", 8)),  # not a member
                ("svc-portal", "unplanned", bj(31, "22:00", 8), None)]             # still open at 23:00
        ids = []
        for svc, kind, start, end in rows:
            body = {"service": svc, "kind": kind, "starts_at": start}
            if end:
                body["ends_at"] = end
            ids.append(self.post("/api/v1/outage-intervals", body, who="sechead", status=201).json["id"])
        for i in ids:
            self.post("/api/v1/outage-intervals/%d/approve" % i, None, who="leader", status=200)
        f = self.figures(bj(1, "00:00", 8), bj(1, "00:00", 9))
        p = f["platform"]["availability"]
        # platform: 10:00–12:00 (2 h) + 0.75 h + the open one until now (1 h)
        self.assertEqual(p["period_ms"], 744 * HOUR)
        self.assertEqual(p["unplanned_ms"], 3 * HOUR + 45 * MIN)
        self.assertEqual(p["outages"], 3)
        self.assertEqual(p["availability_ppm"], 1000000 - (225 * 1000000 + 744 * 60 - 1) // (744 * 60))
        svc = {s["key"]: s["availability"] for s in f["services"]}
        self.assertEqual(svc["svc-portal"]["unplanned_ms"], 2 * HOUR)
        self.assertEqual(svc["svc-web"]["unplanned_ms"], 2 * HOUR + 15 * MIN)
        self.assertEqual(svc["svc-report"]["unplanned_ms"], 10 * HOUR)
        self.assertEqual(svc["svc-report"]["availability_ppm"], 986559)   # floor(1e6 × 734/744)
        self.assertFalse(svc["svc-report"]["met"])                        # its target is 99 %
        # the year so far: June's 3.5 h + August's platform 3.75 h
        self.assertEqual(p["budget"]["used_ms"], 7 * HOUR + 15 * MIN)
        # a later period sees the open interval until now only
        f = self.figures(bj(31, "22:30", 8), bj(1, "00:00", 9))
        self.assertEqual(f["platform"]["availability"]["unplanned_ms"], 30 * MIN)

    def test_7_bad_queries(self):
        tok = self.tok["eng"]
        for q in ["", "?from=2027-06-01T00:00:00Z", "?from=x&to=2027-07-01T00:00:00Z",
                  "?from=2027-07-01T00:00:00Z&to=2027-06-01T00:00:00Z",
                  "?from=2020-01-01T00:00:00Z&to=2027-06-01T00:00:00Z"]:
            r = self.srv.get("/api/v1/service-levels" + q, token=tok)
            self.assertError(r, 400)
        r = self.srv.get("/api/v1/service-levels?from=2027-06-01T00:00:00Z&to=2027-07-01T00:00:00Z&service=nope",
                         token=tok)
        self.assertError(r, 404, field="service")
        self.assertError(self.srv.get("/api/v1/outage-intervals/999999", token=tok), 404)
        self.assertError(self.post("/api/v1/outage-intervals/999999/approve", None, who="leader"), 404)


    def test_8_reports(self):
        """R-SLA-2, R-SLA-6: the monthly report of the S5 month holds the same figures, cannot be
        filed without its manual sections, is frozen once filed with its SHA-256 in the audit chain;
        a late correction and a regeneration make version 2 with the differences."""
        import hashlib
        mid = type(self).manual_id
        r = self.post("/api/v1/reports/runs", {"kind": "monthly", "at": bj(1, "08:00", month=7)}, status=201)
        run = r.json
        self.assertEqual(run["number"], "OMR-M-20270601-v1")
        self.assertEqual((run["state"], run["version"]), ("draft", 1))
        self.assertEqual(run["period_start_ms"], self.figures(bj(1, "00:00"), bj(1, "00:00", 7))["from_ms"])
        sl = run["snapshot"]["service_levels"]
        self.assertEqual(sl["platform"]["availability"]["availability_ppm"], 995138)
        self.assertEqual(sl["incidents"]["mtta"]["mean_ms"], 880000)
        self.assertEqual(sl["incidents"]["mttr"]["mean_ms"], 2 * HOUR)
        self.assertEqual(len(run["snapshot"]["trend"]), 12)
        self.assertEqual(run["snapshot"]["trend"][-1], {"month": "2027-06", "availability_ppm": 995138,
                                                        "unplanned_ms": 3 * HOUR + 30 * MIN,
                                                        "mtta": sl["incidents"]["mtta"],
                                                        "mttr": sl["incidents"]["mttr"]})
        self.assertEqual(run["missing"], ["improvements", "next_month_plan"])
        # seed 004 §3.1.8: the four indicators of table 3.1.7, met or not
        self.assertEqual([(x["indicator"], x["actual"], x["met"]) for x in run["snapshot"]["self_assessment"]],
                         [("availability", 99.514, True), ("acceptance", None, None), ("response", 1, False),
                          ("restore", 1, False)])
        rid = run["id"]
        base = "/api/v1/reports/runs/%d" % rid
        # the manual sections must be filled before the report is submitted for review; the reviewer
        # (ops_department_head, not its author) files it
        self.assertError(self.post(base + "/submit", None), 422, field="sections")
        self.assertError(self.post(base + "/manual", {"sections": {"plan": "x"}}), 400, field="sections")
        self.post(base + "/manual", {"sections": {"improvements": "增加存储巡检"}}, status=200)
        self.assertError(self.post(base + "/submit", None), 422, contains="next_month_plan")
        self.assertError(self.post(base + "/file", None, who="opsdept"), 409, field="id")   # not submitted
        r = self.post(base + "/manual", {"sections": {"next_month_plan": "七月升级门户"}}, status=200)
        self.assertEqual(r.json["missing"], [])
        self.assertEqual(self.post(base + "/submit", None, status=200).json["state"], "under_review")
        self.assertError(self.post(base + "/file", None, who="eng"), 403)
        self.assertError(self.post(base + "/file", None, who="leader"), 403)   # not the reviewer role
        filed = self.post(base + "/file", None, who="opsdept", status=200).json
        self.assertEqual(filed["state"], "filed")
        # the hash is the SHA-256 of the document the JSON export answers, and it is in the audit chain
        doc = self.srv.get(base + "/report.json", token=self.tok["eng"])
        self.assertStatus(doc, 200)
        self.assertEqual(hashlib.sha256(doc.raw.encode() if isinstance(doc.raw, str) else doc.raw).hexdigest(),
                         filed["sha256"])
        aud = self.srv.get("/api/v1/audit?entity=report_run&entity_id=%d" % rid, token=self.srv.admin("auditor"))
        entries = [x for x in aud.json["items"] if x["action"] == "report.file"]
        self.assertEqual(len(entries), 1)
        self.assertEqual(entries[0]["after"]["sha256"], filed["sha256"])
        self.assertStatus(self.srv.get("/api/v1/audit/verify", token=self.srv.admin("auditor")), 200)
        # frozen
        self.assertError(self.post(base + "/manual", {"sections": {"improvements": "改"}}), 409)
        self.assertError(self.post(base + "/file", None, who="opsdept"), 409)
        # exports hold the numbers
        md = self.srv.get(base + "/report.md", token=self.tok["eng"]).raw
        self.assertIn("运维月报", md)
        self.assertIn("99.514 %", md)
        self.assertIn("七月升级门户", md)
        self.assertIn(filed["sha256"], md)
        html = self.srv.get(base + "/report.html", token=self.tok["eng"])
        self.assertIn("@page{size:A4", html.raw)
        self.assertIn("<td>99.514 %</td>", html.raw)
        csv = self.srv.get(base + "/services.csv", token=self.tok["eng"]).raw.split("\r\n")
        self.assertEqual(csv[0].split(",")[:3], ["service", "availability_ppm", "unplanned_ms"])
        self.assertEqual(csv[1].split(",")[:3], ['"platform"', "995138", str(3 * HOUR + 30 * MIN)])
        inc_csv = self.srv.get(base + "/incidents.csv", token=self.tok["eng"]).raw.strip().split("\r\n")
        self.assertEqual(len(inc_csv), 1 + 3)
        self.assertEqual(sum(1 for x in inc_csv if ",restore_ms" not in x and x.split(",")[6] == "breached"), 1)

        # the XLSX workbook opens with a reader and holds the same numbers as the JSON
        status, ctype, data = get_bytes(self.srv, base + "/report.xlsx", self.tok["eng"])
        self.assertEqual(status, 200)
        self.assertTrue(ctype.startswith("application/vnd.openxmlformats"), ctype)
        book = read_xlsx(data)
        av = book["可用率 availability"]
        self.assertEqual(av[0][:4], ["service", "name", "availability_%", "availability_ppm"])
        self.assertEqual(av[1][0], "platform")
        self.assertEqual(av[1][2], 99.514)
        self.assertEqual(av[1][3], 995138)
        self.assertEqual(av[1][4], 3 * HOUR + 30 * MIN)
        self.assertEqual(av[1][9], 3 * HOUR + 36 * MIN)
        self.assertEqual([r[0] for r in av[1:]], ["platform", "svc-portal", "svc-web", "svc-report"])
        incs = [r for r in book["事件 incidents"][1:] if r and r[0] and str(r[0]).startswith("INC-")]
        self.assertEqual(len(incs), 3)
        self.assertEqual(sorted(r[7] for r in incs), ["breached", "met", "met"])
        mtta = [r for r in book["事件 incidents"] if r and r[0] == "MTTA mean_ms"][0]
        self.assertEqual(mtta[1], 880000)
        self.assertIn(["next_month_plan", "七月升级门户"], book["人工章节 manual"])

        # a late correction (the overrun lasted 10 min more), then a regeneration: version 2
        self.post("/api/v1/outage-intervals/%d/correct" % mid, {"ends_at": bj(15, "04:40"),
                                                                "reason": "变更记录显示 04:40 结束"}, status=200)
        v2 = self.post("/api/v1/reports/runs", {"kind": "monthly", "at": bj(2, "10:00", month=7)}, status=201).json
        self.assertEqual((v2["number"], v2["version"], v2["state"]), ("OMR-M-20270601-v2", 2, "draft"))
        ch = v2["snapshot"]["changes_from_previous"]
        self.assertEqual(ch["version"], 1)
        self.assertEqual(ch["changes"]["platform_unplanned_ms"],
                         {"before": 3 * HOUR + 30 * MIN, "after": 3 * HOUR + 40 * MIN})
        # version 1 did not change
        again = self.srv.get(base + "/report.json", token=self.tok["eng"])
        self.assertEqual(again.raw, doc.raw)
        self.assertEqual(self.srv.get(base, token=self.tok["eng"]).json["snapshot"]["service_levels"]["platform"]
                         ["availability"]["availability_ppm"], 995138)

        # the weekly report in force on Monday 06-07 08:00 covers 05-31 – 06-07
        w = self.post("/api/v1/reports/runs", {"kind": "weekly", "at": bj(7, "08:00")}, status=201).json
        self.assertEqual(w["number"], "OMR-W-20270531-v1")
        self.assertEqual(w["required_sections"][0]["key"], "next_week_plan")
        self.assertEqual(w["snapshot"]["service_levels"]["incidents"]["total"], 2)
        self.assertNotIn("trend", w["snapshot"])
        lst = self.srv.get("/api/v1/reports/runs?kind=monthly", token=self.tok["eng"]).json
        self.assertEqual([x["number"] for x in lst["items"]], ["OMR-M-20270601-v2", "OMR-M-20270601-v1"])
        self.assertEqual(lst["total"], 2)
        self.assertError(self.post("/api/v1/reports/runs", {"kind": "daily"}), 400, field="kind")
        self.assertError(self.post("/api/v1/reports/runs", {"kind": "weekly", "at": "2031-01-01T00:00:00Z"}),
                         422, field="at")
        self.assertError(self.srv.get("/api/v1/reports/runs/999999", token=self.tok["eng"]), 404)

    def test_9_cli(self):
        """opsdesk sla show / services / report-generate / reports / report-file / report-export."""
        import subprocess
        import tempfile
        with tempfile.TemporaryDirectory() as home:
            env = {k: v for k, v in os.environ.items() if not k.startswith("OPSDESK_")}
            env.update(HOME=home, XDG_CONFIG_HOME=home, OPSDESK_SERVER=self.srv.base)

            def cli(*args, stdin=""):
                p = subprocess.run([harness.BIN, *args], input=stdin.encode(), capture_output=True, env=env,
                                   timeout=60)
                self.assertEqual(p.returncode, 0, "%s: %s" % (args, p.stderr.decode()))
                return p.stdout
            cli("login", "--user", "sl_sechead", "--password-stdin", stdin=harness.USER_PW + "\n")
            out = cli("sla", "show", "--from", bj(1, "00:00"), "--to", bj(1, "00:00", 7), "--json")
            self.assertEqual(json.loads(out)["platform"]["availability"]["unplanned_ms"], 3 * HOUR + 40 * MIN)
            out = cli("sla", "show", "--from", bj(1, "00:00"), "--to", bj(1, "00:00", 7)).decode()
            self.assertIn("99.491", out)  # 3 h 40 min after the late correction of test_8
            self.assertIn("svc-portal", out)
            self.assertIn("svc-web", cli("sla", "services").decode())
            run = json.loads(cli("sla", "report-generate", "--kind", "weekly", "--at", bj(14, "08:00"), "--json"))
            self.assertEqual(run["number"], "OMR-W-20270607-v1")
            self.assertIn("OMR-W-20270607-v1", cli("sla", "reports", "--kind", "weekly").decode())
            md = cli("sla", "report-export", str(run["id"]), "--format", "md").decode()
            self.assertIn("运维周报", md)
            self.assertTrue(cli("sla", "report-export", str(run["id"]), "--format", "xlsx").startswith(b"PK"))
            csv = cli("sla", "report-export", str(run["id"]), "--format", "services.csv").decode()
            self.assertTrue(csv.startswith("service,availability_ppm"))
            # review and distribution (modules-spec §1.10, §M4.5): submitted by the section head, filed by
            # the department head after review, distributed
            base = "/api/v1/reports/runs/%d" % run["id"]
            self.post(base + "/manual", {"sections": {"next_week_plan": "巡检"}}, status=200)
            sub = json.loads(cli("sla", "report-submit", str(run["id"]), "--json"))
            self.assertEqual(sub["state"], "under_review")
            cli("login", "--user", "sl_opsdept", "--password-stdin", stdin=harness.USER_PW + "\n")
            rv = json.loads(cli("sla", "report-file", str(run["id"]), "--note", "同意", "--json"))
            self.assertEqual((rv["state"], rv["review"]["note"]), ("filed", "同意"))
            d = json.loads(cli("sla", "report-distribute", str(run["id"]), "--json"))
            self.assertEqual(d["state"], "distributed")

    def test_9z_correct_time(self):
        """modules-spec §M4.3: an incident's detection time changes only through an audited correction
        with a reason, and the figures follow it."""
        a = type(self).ids["A"]
        path = "/api/v1/incidents/%d/correct-time" % a
        ok = {"field": "detected_at", "value": bj(3, "00:55"), "reason": "监控告警记录显示 00:55 已发现"}
        self.assertError(self.post(path, dict(ok, field="resolved_at"), who="sechead"), 400, field="field")
        self.assertError(self.post(path, dict(ok, reason=""), who="sechead"), 422, field="reason")
        self.assertError(self.post(path, dict(ok, value="2031-01-01T00:00:00Z"), who="sechead"), 422, field="value")
        self.assertError(self.post(path, dict(ok, value=bj(3, "01:05")), who="sechead"), 422,
                         field="value")  # after registration
        self.assertError(self.post(path, ok, who="eng"), 403)
        r = self.post(path, ok, who="sechead", status=200)
        self.assertEqual((r.json["field"], r.json["reason"]), ("detected_at", ok["reason"]))
        self.assertError(self.post(path, ok, who="sechead"), 422, field="value")  # nothing changes
        f = self.figures(bj(1, "00:00"), bj(1, "00:00", 7))
        # A: acknowledged 8 min and restored 2 h 5 min after detection now
        self.assertEqual(f["incidents"]["mtta"]["mean_ms"], (8 + 6 + 35) * MIN // 3)
        self.assertEqual(f["incidents"]["mttr"]["mean_ms"], (125 + 90 + 150) * MIN // 3)
        aud = self.srv.get("/api/v1/audit?entity=incident&entity_id=%d" % a, token=self.srv.admin("auditor"))
        entries = [x for x in aud.json["items"] if x["action"] == "incident.correct_time"]
        self.assertEqual(len(entries), 1)
        self.assertEqual(entries[0]["after"]["reason"], ok["reason"])
        self.assertEqual(entries[0]["before"]["detected_at"], "2027-06-02T17:00:00.000Z")

class ReportScheduleTest(harness.ServerTest):
    """`--report-schedule`: the weekly report from Monday 08:00 and the monthly one from the
    1st 08:00 (Beijing time) for the period before, each period once (R-SLA-2; modules-spec §M4.4)."""
    extra_args = ["--report-schedule"]

    def numbers(self, tok):
        r = self.srv.get("/api/v1/reports/runs?limit=500", token=tok)
        self.assertStatus(r, 200)
        # the weekly and monthly runs (quarterly and annual: tests/api/test_report_defs.py)
        return sorted(x["number"] for x in r.json["items"] if x["kind"] in ("weekly", "monthly"))

    def test_schedule(self):
        s = self.srv
        s.clock(set_to="2027-06-07T07:59:59.999+08:00")    # 1 ms before Monday 08:00
        _, tok = s.make_user("sched_eng", ["ops_engineer"])
        self.assertEqual(self.numbers(tok), ["OMR-M-20270501-v1", "OMR-W-20270524-v1"])
        s.clock(set_to=bj(7, "08:00"))
        self.assertEqual(self.numbers(tok), ["OMR-M-20270501-v1", "OMR-W-20270524-v1", "OMR-W-20270531-v1"])
        s.clock(set_to=bj(7, "09:30"))    # nothing new: each period once
        s.clock(set_to=bj(13, "23:00"))
        tok = s.login("sched_eng", harness.USER_PW)
        self.assertEqual(len(self.numbers(tok)), 3)
        s.clock(set_to=bj(1, "08:00", month=7))
        tok = s.login("sched_eng", harness.USER_PW)
        # the Mondays 06-14, 06-21 and 06-28 passed unseen: their weeks are caught up once
        # (test_report_review.py restarts the server over the gap)
        self.assertEqual(self.numbers(tok), ["OMR-M-20270501-v1", "OMR-M-20270601-v1", "OMR-W-20270524-v1",
                                             "OMR-W-20270531-v1", "OMR-W-20270607-v1", "OMR-W-20270614-v1",
                                             "OMR-W-20270621-v1"])

    def test_z_budget_alerts(self):
        """modules-spec §M4.4: under 50 % of the month's downtime budget left → the ops department
        head is told; budget spent → the ops leader too; each once a month."""
        s = self.srv
        s.clock(set_to=bj(10, "10:00", month=9))    # September 2027: 720 h, budget 3.6 h
        s.tokens.clear()                            # the administrators' sessions expired meanwhile
        uid = {}
        for name, role in (("bud_eng", "ops_engineer"), ("bud_lead", "ops_section_head"),
                           ("bud_head", "ops_department_head"), ("bud_boss", "ops_leader")):
            uid[name], _ = s.make_user(name, [role], phone="1390000%04d" % len(uid), email=name + "@example.cn")
        eng, lead = s.login("bud_eng", harness.USER_PW), s.login("bud_lead", harness.USER_PW)
        self.assertStatus(s.post("/api/v1/services", {"key": "svc-b", "name": "预算"}, token=eng), 201)

        def outage(start, end):
            r = s.post("/api/v1/outage-intervals", {"service": "svc-b", "kind": "unplanned", "starts_at": start,
                                                    "ends_at": end}, token=eng)
            self.assertStatus(r, 201)
            self.assertStatus(s.post("/api/v1/outage-intervals/%d/approve" % r.json["id"], None, token=lead), 200)

        def told():
            if harness.PG:
                return None
            db = harness.db_connect(s.db)
            try:
                return sorted((r[0], r[1]) for r in db.execute(
                    "SELECT DISTINCT recipient_id, cause FROM outbox WHERE kind = 'sla_budget'"))
            finally:
                db.close()
        # 1.8 h used: exactly half the budget left — not below it, nobody is told
        outage(bj(5, "01:00", 9), bj(5, "02:48", 9))
        s.clock(set_to=bj(10, "10:01", 9))
        if harness.PG:
            self.skipTest("the outbox is read through sqlite3 here")
        self.assertEqual(told(), [])
        # 1 ms more: below half
        outage(bj(6, "01:00", 9), bj(6, "01:00", 9).replace(":00+", ":00.001+"))
        s.clock(set_to=bj(10, "10:02", 9))
        low = "sla:budget:%d:low" % self.month_start(2027, 9)
        self.assertEqual(told(), [(uid["bud_head"], low)])
        s.clock(set_to=bj(10, "10:03", 9))         # once a month
        self.assertEqual(told(), [(uid["bud_head"], low)])
        # spent: 3.6 h + 1 ms
        outage(bj(7, "01:00", 9), bj(7, "02:48", 9))
        s.clock(set_to=bj(10, "10:04", 9))
        spent = "sla:budget:%d:spent" % self.month_start(2027, 9)
        self.assertEqual(told(), sorted([(uid["bud_head"], low), (uid["bud_boss"], spent)]))

    @staticmethod
    def month_start(y, m):
        import datetime
        return int(datetime.datetime(y, m, 1, tzinfo=datetime.timezone(datetime.timedelta(hours=8))).timestamp()
                   * 1000)

if __name__ == "__main__":
    harness.main()
