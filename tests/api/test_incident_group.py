"""test_incident_group.py — incident creates share commits ("writes
that share commits"; R-INC-1, R-AUD-1): POST /api/v1/incidents is answered
after a group commit (http/incident_writer.c, app/incident_group.c), each
request after its own savepoint.  Exact counts, no timing:

* 24 creates at once → 24 incidents, numbers consecutive (no number taken
  by a request and given back lost), each answered 201 with its own body;
* first reports (R-NOT-1) at once, two on one incident → exactly one of
  those filed, the other refused inside the group with nothing kept;
* acknowledgements (R-NOT-4) at once, one by a non-recipient (403 inside
  the group) and one repeated (200, nothing written) → every recipient's
  acknowledgement kept once, the audit grown by exactly one per ack;
* plan activations (R-ACT-1), closures (R-CLOSE-1), regrades and work
  notes at once, with two closes of one incident (exactly one wins, the
  other 409 with nothing kept) and an activation of a closed incident
  (409 inside the group) → every other
  write kept once, the audit grown by exactly one write's entries each;
* mixed with creates that fail inside the transaction (a CI that does not
  exist: checked after the incident's number and row were written) → the
  failing ones answered 4xx with nothing of them kept, the others all
  committed; the audit chain verifies and grew by exactly one create's
  entries per incident;
* owner changes, handling-department changes and post-incident reviews
  (R-PIR-1) mixed in one burst with a work note, one owner that does not
  exist (422 inside the group) and two writes racing on one incident each
  → the failing ones left nothing, the others all kept once;
* impact intervals (added, corrected; R-SLA-5), incident time corrections
  and known-error applications mixed in one burst with a create and a note,
  each answered with its own body as before; failing members inside the
  group (a service that does not exist, an incident that does not exist, a
  known error not published, a create naming a CI that does not exist,
  written before it failed) and a known error applied twice at once on one
  incident (exactly one applies, the other answers "already" and writes
  nothing) → the failing ones left nothing, the chain verifies and grew by
  exactly each kept write's entries (R-AUD-1);
* problems created from incidents (linked caused_by, the incident's CIs)
  in one burst with a regrade: one of an incident that does not exist
  (404) and one with a field the workflow refuses, both inside the group →
  each good one answered 201 with its problem, nothing of the failing ones
  kept.
Runs on SQLite and PostgreSQL (OPSDESK_TEST_DB=pg).
"""
import datetime
import os
import re
import sys
import threading
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

N = 24


class IncidentGroup(harness.ServerTest):
    extra_args = ["--metrics-public"]
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        s = cls.srv
        _, cls.eng = s.make_user("grp-eng", ["ops_engineer"])
        _, cls.aud = s.make_user("grp-auditor", ["auditor"])
        r = s.post("/api/v1/cis", {"name": "grp-core-switch", "category": "network", "grade": "L3",
                                   "department": "运行部", "location": "机房A"}, token=cls.eng)
        assert r.status == 201, r
        cls.ci = r.json["id"]

    def body(self, k, ci, prefix="group"):
        return {"title": "%s %d" % (prefix, k), "ci_ids": [ci], "severity": "moderate", "location": "机房A",
                "symptoms": "port flapping", "impact_scope": "one rack"}

    def at_once(self, bodies):
        """POSTs every body from its own thread, all released together."""
        out = [None] * len(bodies)
        gate = threading.Barrier(len(bodies))

        def one(i):
            gate.wait()
            out[i] = self.srv.post("/api/v1/incidents", bodies[i], token=self.eng)
        ts = [threading.Thread(target=one, args=(i,)) for i in range(len(bodies))]
        for t in ts:
            t.start()
        for t in ts:
            t.join(timeout=120)
        return out

    def audit_rows(self):
        r = self.srv.get("/api/v1/audit/verify", token=self.aud)
        self.assertStatus(r, 200)
        self.assertTrue(r.json["ok"], r.json)
        return r.json["rows"]

    def total(self):
        return self.srv.get("/api/v1/incidents?limit=1&drill=false", token=self.eng).json["total"]

    def members(self):
        """opsdesk_incident_group_members_total: creates run by the group commit."""
        r = self.srv.get("/metrics")
        self.assertStatus(r, 200)
        m = re.search(r"^opsdesk_incident_group_members_total (\d+)$", (r.raw.decode() if isinstance(r.raw, bytes) else r.raw), re.M)
        self.assertIsNotNone(m)
        return int(m.group(1))

    def burst(self, calls):
        """Runs (method, path, body, token) calls from their own threads, released together."""
        out = [None] * len(calls)
        gate = threading.Barrier(len(calls))

        def one(i):
            m, path, body, tok = calls[i]
            gate.wait()
            out[i] = self.srv.request(m, path, body, token=tok)
        ts = [threading.Thread(target=one, args=(i,)) for i in range(len(calls))]
        for t in ts:
            t.start()
        for t in ts:
            t.join(timeout=120)
        return out

    def audit_grew(self, fn):
        """Calls fn(); returns (its result, how many audit rows it added)."""
        rows0 = self.audit_rows()
        out = fn()
        return out, self.audit_rows() - rows0

    @staticmethod
    def seq(number):
        return int(re.search(r"(\d+)$", number).group(1))

    def test_1_concurrent_creates_all_committed(self):
        rows0, total0, m0 = self.audit_rows(), self.total(), self.members()
        r = self.srv.post("/api/v1/incidents", self.body(0, self.ci), token=self.eng)
        self.assertStatus(r, 201)
        per_create = self.audit_rows() - rows0
        self.assertGreater(per_create, 0)
        first = self.seq(r.json["number"])
        rs = self.at_once([self.body(k + 1, self.ci) for k in range(N)])
        for r in rs:
            self.assertStatus(r, 201)
        self.assertEqual(sorted(r.json["title"] for r in rs), sorted("group %d" % (k + 1) for k in range(N)))
        self.assertEqual(len({r.json["id"] for r in rs}), N)
        self.assertEqual(sorted(self.seq(r.json["number"]) for r in rs), list(range(first + 1, first + 1 + N)))
        self.assertEqual(self.total(), total0 + 1 + N)
        self.assertEqual(self.audit_rows(), rows0 + (1 + N) * per_create)
        self.assertEqual(self.members(), m0 + 1 + N)  # each create through the group commit, once

    def test_2_a_failing_member_does_not_undo_the_others(self):
        rows0, total0, m0 = self.audit_rows(), self.total(), self.members()
        r = self.srv.post("/api/v1/incidents", self.body(0, self.ci), token=self.eng)
        self.assertStatus(r, 201)
        per_create = self.audit_rows() - rows0
        first = self.seq(r.json["number"])
        bad = {k for k in range(N) if k % 4 == 1}
        rs = self.at_once([self.body(k, 987654321 if k in bad else self.ci, "mixed") for k in range(N)])
        good = [r for k, r in enumerate(rs) if k not in bad]
        for k, r in enumerate(rs):
            if k in bad:
                self.assertIn(r.status, (404, 422), r)
                self.assertIn("error", r.json)
            else:
                self.assertStatus(r, 201)
        self.assertEqual(sorted(self.seq(r.json["number"]) for r in good),
                         list(range(first + 1, first + 1 + len(good))))
        self.assertEqual(self.total(), total0 + 1 + len(good))
        self.assertEqual(self.audit_rows(), rows0 + (1 + len(good)) * per_create)
        self.assertEqual(self.members(), m0 + 1 + N)
        titles = {i["title"] for i in self.srv.get("/api/v1/incidents?limit=200", token=self.eng).json["items"]}
        self.assertEqual({t for t in titles if t.startswith("mixed ")}, {"mixed %d" % k for k in range(N) if k not in bad})

    def test_3_concurrent_acknowledgements(self):
        """R-NOT-4: acknowledgements share commits too; one of them is not a
        recipient (403 inside the group: nothing of it kept), one acknowledges
        again (200, nothing written)."""
        s = self.srv
        heads = [s.make_user("grp-head%d" % k, ["ops_section_head"], phone="1380000010%d" % k)[1]
                 for k in range(7)]
        _, eng2 = s.make_user("grp-eng2", ["ops_engineer"])
        r = s.post("/api/v1/incidents", self.body(0, self.ci, "ack"), token=self.eng)
        self.assertStatus(r, 201)
        iid = r.json["id"]
        r = s.post("/api/v1/incidents/%d/reports" % iid, {"kind": "first"}, token=self.eng)  # R-NOT-1: recipients told
        self.assertStatus(r, 201)
        r = s.get("/api/v1/incidents/%d" % iid, token=self.eng)
        names = {x["username"] for x in r.json["recipients"]}
        self.assertTrue({"grp-head%d" % k for k in range(7)} <= names, names)
        self.assertNotIn("grp-eng2", names)
        rows0, m0 = self.audit_rows(), self.members()
        r = s.post("/api/v1/incidents/%d/ack" % iid, token=heads[0])
        self.assertStatus(r, 200)
        per_ack = self.audit_rows() - rows0
        self.assertGreater(per_ack, 0)
        out = [None] * 8
        toks = heads[1:] + [heads[0], eng2]
        gate = threading.Barrier(len(toks))

        def one(i):
            gate.wait()
            out[i] = s.post("/api/v1/incidents/%d/ack" % iid, token=toks[i])
        ts = [threading.Thread(target=one, args=(i,)) for i in range(len(toks))]
        for t in ts:
            t.start()
        for t in ts:
            t.join(timeout=120)
        for r in out[:7]:
            self.assertStatus(r, 200)
        self.assertError(out[7], 403)
        self.assertEqual(self.audit_rows(), rows0 + 7 * per_ack)
        self.assertEqual(self.members(), m0 + 1 + 8)
        inc = s.get("/api/v1/incidents/%d" % iid, token=self.eng).json
        acked = {x["username"] for x in inc["recipients"] if x.get("acked_at")}
        self.assertEqual({n for n in acked if n.startswith("grp-")}, {"grp-head%d" % k for k in range(7)})

    def test_4_concurrent_reports(self):
        """R-NOT-1: first reports share commits; two at once on one incident →
        exactly one filed (the other refused inside the group, nothing of it
        kept)."""
        s = self.srv
        ids = []
        for k in range(7):
            r = s.post("/api/v1/incidents", self.body(k, self.ci, "report"), token=self.eng)
            self.assertStatus(r, 201)
            ids.append(r.json["id"])
        rows0, m0 = self.audit_rows(), self.members()
        r = s.post("/api/v1/incidents/%d/reports" % ids[6], {"kind": "first"}, token=self.eng)
        self.assertStatus(r, 201)
        per_report = self.audit_rows() - rows0
        self.assertGreater(per_report, 0)
        targets = ids[:6] + [ids[0]]
        out = [None] * len(targets)
        gate = threading.Barrier(len(targets))

        def one(i):
            gate.wait()
            out[i] = s.post("/api/v1/incidents/%d/reports" % targets[i], {"kind": "first"}, token=self.eng)
        ts = [threading.Thread(target=one, args=(i,)) for i in range(len(targets))]
        for t in ts:
            t.start()
        for t in ts:
            t.join(timeout=120)
        for r in out[1:6]:
            self.assertStatus(r, 201)
        pair = sorted(r.status for r in (out[0], out[6]))
        self.assertEqual(pair[0], 201, out)
        self.assertIn(pair[1], (409, 422), out)
        self.assertEqual(self.audit_rows(), rows0 + 7 * per_report)
        self.assertEqual(self.members(), m0 + 1 + 7)
        for iid in ids:
            inc = s.get("/api/v1/incidents/%d" % iid, token=self.eng).json
            self.assertEqual([x["kind"] for x in inc["reports"] if x["kind"] == "first"], ["first"], iid)

    def test_5_concurrent_lead_actions_regrades_and_notes(self):
        """R-ACT-1, R-CLOSE-1: activations, closures, regrades and work notes
        share commits; two closes of one incident at once → one wins."""
        s = self.srv
        _, lead = s.make_user("grp-opsdept", ["ops_department_head"])
        soon = (datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(hours=1)).strftime(
            "%Y-%m-%dT%H:%M:%S.000Z")
        ids = []
        for k in range(10):
            r = s.post("/api/v1/incidents", self.body(k, self.ci, "lead"), token=self.eng)
            self.assertStatus(r, 201)
            iid = r.json["id"]
            ids.append(iid)
            for body in ({"kind": "first"}, {"kind": "second", "response_level": "R3", "system_impact": "慢",
                                               "estimated_recovery_at": soon}):
                r = s.post("/api/v1/incidents/%d/reports" % iid, body, token=self.eng)
                self.assertStatus(r, 201)
        final = {"kind": "final", "cause": "电源", "process": "切换", "current_state": "已恢复",
                 "business_impact_minutes": 5, "improvements": "巡检"}
        inc = "/api/v1/incidents/%d"
        # one of each alone first: how many audit entries each write adds
        r, per_act = self.audit_grew(lambda: s.post(inc % ids[9] + "/activate", None, token=lead))
        self.assertStatus(r, 200)
        self.assertStatus(s.post(inc % ids[9] + "/reports", final, token=self.eng), 201)
        r, per_close = self.audit_grew(lambda: s.post(inc % ids[9] + "/close", None, token=lead))
        self.assertStatus(r, 200)
        self.assertEqual(r.json["state"], "closed")
        r, per_note = self.audit_grew(lambda: s.post(inc % ids[8] + "/notes", {"text": "alone"}, token=self.eng))
        self.assertStatus(r, 201)
        regrade = {"severity": "severe", "reason": "扩大 wider"}
        r, per_regrade = self.audit_grew(lambda: s.request("PATCH", inc % ids[8], regrade, token=self.eng))
        self.assertStatus(r, 200)
        for n in (per_act, per_close, per_note, per_regrade):
            self.assertGreater(n, 0)

        # activations at once: six, and one of the closed incident (409 inside the group)
        m0 = self.members()
        out, grew = self.audit_grew(lambda: self.burst(
            [("POST", inc % i + "/activate", None, lead) for i in ids[:6]] +
            [("POST", inc % ids[9] + "/activate", None, lead)]))
        for r in out[:6]:
            self.assertStatus(r, 200)
            self.assertEqual(r.json["state"], "activated")
        self.assertError(out[6], 409)
        self.assertEqual(grew, 6 * per_act)
        self.assertEqual(self.members(), m0 + 7)
        self.assertEqual(s.get(inc % ids[9], token=self.eng).json["state"], "closed")
        for i in ids[:6]:
            self.assertStatus(s.post(inc % i + "/reports", final, token=self.eng), 201)

        # closes at once, two of them on ids[0], with notes and a regrade in the same burst
        m0 = self.members()
        calls = ([("POST", inc % i + "/close", None, lead) for i in ids[:6]] +
                 [("POST", inc % ids[0] + "/close", None, lead)] +
                 [("POST", inc % ids[7] + "/notes", {"text": "note %d" % k}, self.eng) for k in range(4)] +
                 [("PATCH", inc % ids[6], regrade, self.eng)])
        out, grew = self.audit_grew(lambda: self.burst(calls))
        for r in out[1:6]:
            self.assertStatus(r, 200)
            self.assertEqual(r.json["state"], "closed")
        pair = sorted(r.status for r in (out[0], out[6]))
        self.assertEqual(pair, [200, 409], (out[0], out[6]))
        for r in out[7:11]:
            self.assertStatus(r, 201)
        self.assertStatus(out[11], 200)
        self.assertEqual(grew, 6 * per_close + 4 * per_note + per_regrade)
        self.assertEqual(self.members(), m0 + len(calls))
        closed = [t for t in s.get(inc % ids[0], token=self.eng).json["timeline"] if t["kind"] == "closed"]
        self.assertEqual(len(closed), 1)
        notes = [t["text"] for t in s.get(inc % ids[7], token=self.eng).json["timeline"] if t["kind"] == "note"]
        self.assertEqual(sorted(notes), ["note %d" % k for k in range(4)])


    def test_6_owner_handling_and_review_share_commits(self):
        """Owner changes, handling-department changes (seed 000 ch. 8 §1) and
        post-incident reviews (R-PIR-1) share commits, mixed in one burst:
        an owner that does not exist (422 inside the group, after the
        incident was loaded: nothing of it kept), two handling changes of one
        incident (one wins, the other refused) and two reviews of one incident
        (one wins, the other 409) → every other write kept once, the audit
        chain verifies and grew by exactly each kept write's entries (R-AUD-1)."""
        s = self.srv
        _, lead = s.make_user("grp-opsdept6", ["ops_department_head"], department="运行部")
        owner_id, _ = s.make_user("grp-owner6", ["ops_engineer"])
        soon = (datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(hours=1)).strftime(
            "%Y-%m-%dT%H:%M:%S.000Z")
        final = {"kind": "final", "cause": "电源", "process": "切换", "current_state": "已恢复",
                 "business_impact_minutes": 5, "improvements": "巡检"}
        review = {"cause_analysis": "电源老化", "lessons": "巡检未覆盖", "improvements": "纳入月度巡检",
                  "measures": "更换电源", "result": "30 分钟恢复"}
        inc = "/api/v1/incidents/%d"
        ids = []
        for k in range(11):
            r = s.post("/api/v1/incidents", self.body(k, self.ci, "desk"), token=self.eng)
            self.assertStatus(r, 201)
            ids.append(r.json["id"])
        closed = ids[8:]  # taken to closed: reviewed later
        for iid in closed:
            for body in ({"kind": "first"}, {"kind": "second", "response_level": "R3", "system_impact": "慢",
                                               "estimated_recovery_at": soon}):
                self.assertStatus(s.post(inc % iid + "/reports", body, token=self.eng), 201)
            self.assertStatus(s.post(inc % iid + "/activate", None, token=lead), 200)
            self.assertStatus(s.post(inc % iid + "/reports", final, token=self.eng), 201)
            self.assertStatus(s.post(inc % iid + "/close", None, token=lead), 200)
        handling = {"department": "技术部", "reason": "故障定位在应用层"}

        # one of each alone first: how many audit entries each write adds
        r, per_owner = self.audit_grew(
            lambda: s.request("PUT", inc % ids[7] + "/owner", {"user_id": owner_id}, token=self.eng))
        self.assertStatus(r, 200)
        self.assertEqual(r.json["owner"]["id"], owner_id)
        r, per_handling = self.audit_grew(
            lambda: s.request("PUT", inc % ids[7] + "/handling-department", handling, token=lead))
        self.assertStatus(r, 200)
        self.assertEqual(r.json["handling_department"], "技术部")
        r, per_review = self.audit_grew(lambda: s.post(inc % closed[2] + "/review", review, token=self.eng))
        self.assertStatus(r, 200)
        self.assertEqual(r.json["state"], "reviewed")
        r, per_note = self.audit_grew(lambda: s.post(inc % ids[7] + "/notes", {"text": "alone"}, token=self.eng))
        self.assertStatus(r, 201)
        for n in (per_owner, per_handling, per_review, per_note):
            self.assertGreater(n, 0)

        m0 = self.members()
        calls = ([("PUT", inc % i + "/owner", {"user_id": owner_id}, self.eng) for i in ids[:4]] +
                 [("PUT", inc % ids[4] + "/owner", {"user_id": 987654321}, self.eng)] +
                 [("PUT", inc % i + "/handling-department", handling, lead) for i in (ids[5], ids[6], ids[6])] +
                 [("POST", inc % i + "/review", review, self.eng) for i in (closed[0], closed[1], closed[1])] +
                 [("POST", inc % ids[4] + "/notes", {"text": "mixed"}, self.eng)])
        out, grew = self.audit_grew(lambda: self.burst(calls))
        for r in out[:4]:
            self.assertStatus(r, 200)
            self.assertEqual(r.json["owner"]["id"], owner_id)
        err = self.assertError(out[4], 422)
        self.assertEqual(err["field"], "user_id")
        self.assertStatus(out[5], 200)
        self.assertEqual(out[5].json["handling_department"], "技术部")
        pair = sorted(r.status for r in (out[6], out[7]))
        self.assertEqual(pair[0], 200, (out[6], out[7]))
        self.assertIn(pair[1], (403, 422), (out[6], out[7]))
        self.assertStatus(out[8], 200)
        self.assertEqual(out[8].json["state"], "reviewed")
        pair = sorted(r.status for r in (out[9], out[10]))
        self.assertEqual(pair, [200, 409], (out[9], out[10]))
        self.assertStatus(out[11], 201)
        self.assertEqual(grew, 4 * per_owner + 2 * per_handling + 2 * per_review + per_note)
        self.assertEqual(self.members(), m0 + len(calls))
        g = s.get(inc % ids[4], token=self.eng).json
        self.assertIsNone(g["owner"])  # the failed owner change left nothing
        self.assertEqual([t for t in g["timeline"] if t["kind"] == "owner"], [])
        self.assertEqual([t["text"] for t in g["timeline"] if t["kind"] == "note"], ["mixed"])
        g = s.get(inc % ids[6], token=self.eng).json
        self.assertEqual(g["handling_department"], "技术部")
        self.assertEqual(len([t for t in g["timeline"] if t["kind"] == "handling_changed"]), 1)
        g = s.get(inc % closed[1], token=self.eng).json
        self.assertEqual(len([x for x in g["reports"] if x["kind"] == "review"]), 1)
        self.assertEqual(len([t for t in g["timeline"] if t["kind"] == "reviewed"]), 1)
        cases = s.get("/api/v1/cases?q=%E7%94%B5%E6%BA%90%E8%80%81%E5%8C%96&limit=50", token=self.eng).json
        self.assertEqual(sorted(c["incident_id"] for c in cases["items"] if c["incident_id"] in ids),
                         sorted(closed))

    def test_7_intervals_time_corrections_and_known_errors_share_commits(self):
        s = self.srv
        _, sechead = s.make_user("grp-sechead7", ["ops_section_head"])
        _, pm = s.make_user("grp-pm7", ["problem_manager"])
        r = s.post("/api/v1/services", {"key": "svc-grp7", "name": "分组服务", "ci_id": self.ci}, token=self.eng)
        self.assertStatus(r, 201)
        kes = []
        for k, published in ((0, True), (1, True), (2, False)):
            r = s.post("/api/v1/known-errors", {"title": "grp7 已知错误 %d" % k, "workaround": "重启 %d" % k},
                       token=pm)
            self.assertStatus(r, 201)
            if published:
                r = s.request("PATCH", "/api/v1/known-errors/%d" % r.json["id"],
                              {"version": 1, "published": True}, token=pm)
                self.assertStatus(r, 200)
            kes.append(r.json["id"])
        inc = "/api/v1/incidents/%d"
        ids = []
        for k in range(10):
            r = s.post("/api/v1/incidents", self.body(k, self.ci, "span"), token=self.eng)
            self.assertStatus(r, 201)
            ids.append(r.json["id"])

        def at(minutes_ago):
            t = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(minutes=minutes_ago)
            return t.strftime("%Y-%m-%dT%H:%M:%S.000Z")

        def span(start, end, service="svc-grp7"):
            return {"service": service, "kind": "unplanned", "starts_at": at(start), "ends_at": at(end)}

        def ctime(minutes_ago):
            return {"field": "detected_at", "value": at(minutes_ago), "reason": "告警记录更早 earlier alert"}

        # one of each alone first: how many audit entries each write adds, and the answers as before
        r, per_interval = self.audit_grew(
            lambda: s.post(inc % ids[9] + "/impact-intervals", span(50, 40), token=self.eng))
        self.assertStatus(r, 201)
        self.assertEqual((r.json["service"]["key"], r.json["kind"], r.json["incident_id"]),
                         ("svc-grp7", "unplanned", ids[9]))
        iv0 = r.json["id"]
        r, per_correct = self.audit_grew(lambda: s.post(
            "/api/v1/outage-intervals/%d/correct" % iv0, {"ends_at": at(35), "reason": "更晚恢复"}, token=self.eng))
        self.assertStatus(r, 200)
        self.assertEqual(r.json["id"], iv0)
        r, per_ctime = self.audit_grew(lambda: s.post(inc % ids[9] + "/correct-time", ctime(30), token=sechead))
        self.assertStatus(r, 200)
        self.assertEqual((r.json["field"], r.json["id"]), ("detected_at", ids[9]))
        r, per_apply = self.audit_grew(lambda: s.post(inc % ids[9] + "/apply-known-error", {"ke_id": kes[0]},
                                                      token=self.eng))
        self.assertStatus(r, 200)
        self.assertEqual((r.json["applied"], r.json["already"], r.json["incident_id"]), (True, False, ids[9]))
        r, per_note = self.audit_grew(lambda: s.post(inc % ids[9] + "/notes", {"text": "alone"}, token=self.eng))
        self.assertStatus(r, 201)
        r, per_create = self.audit_grew(
            lambda: s.post("/api/v1/incidents", self.body(99, self.ci, "span"), token=self.eng))
        self.assertStatus(r, 201)
        for n in (per_interval, per_correct, per_ctime, per_apply, per_note, per_create):
            self.assertGreater(n, 0)
        r = s.post(inc % ids[8] + "/impact-intervals", span(40, 30), token=self.eng)
        self.assertStatus(r, 201)
        iv1 = r.json["id"]

        m0, total0 = self.members(), self.total()
        calls = ([("POST", inc % i + "/impact-intervals", span(20, 10), self.eng) for i in ids[:4]] +   # 0-3
                 [("POST", inc % ids[4] + "/impact-intervals", span(20, 10, "svc-none"), self.eng)] +   # 4: 422
                 [("POST", "/api/v1/outage-intervals/%d/correct" % iv1,
                   {"starts_at": at(45), "reason": "更早开始"}, self.eng)] +                             # 5
                 [("POST", inc % i + "/correct-time", ctime(25), sechead) for i in ids[4:7]] +          # 6-8
                 [("POST", inc % 987654321 + "/correct-time", ctime(25), sechead)] +                    # 9: 404
                 [("POST", inc % ids[7] + "/apply-known-error", {"ke_id": kes[1]}, self.eng)] * 2 +     # 10-11
                 [("POST", inc % ids[6] + "/apply-known-error", {"ke_id": kes[1]}, self.eng)] +         # 12
                 [("POST", inc % ids[5] + "/apply-known-error", {"ke_id": kes[2]}, self.eng)] +         # 13: 422
                 [("POST", "/api/v1/incidents", self.body(100, self.ci, "span"), self.eng)] +           # 14
                 [("POST", "/api/v1/incidents", self.body(101, 987654321, "span"), self.eng)] +         # 15: 4xx
                 [("POST", inc % ids[3] + "/notes", {"text": "mixed"}, self.eng)])                      # 16
        out, grew = self.audit_grew(lambda: self.burst(calls))
        for k in range(4):
            self.assertStatus(out[k], 201)
            self.assertEqual((out[k].json["incident_id"], out[k].json["service"]["key"]), (ids[k], "svc-grp7"))
        self.assertError(out[4], 422, field="service")
        self.assertStatus(out[5], 200)
        self.assertEqual(out[5].json["id"], iv1)
        for k in range(6, 9):
            self.assertStatus(out[k], 200)
            self.assertEqual((out[k].json["id"], out[k].json["field"]), (ids[k - 2], "detected_at"))
        self.assertError(out[9], 404)
        for k in (10, 11, 12):
            self.assertStatus(out[k], 200)
        self.assertEqual(sorted((out[k].json["applied"], out[k].json["already"]) for k in (10, 11)),
                         [(False, True), (True, False)])
        self.assertEqual((out[12].json["applied"], out[12].json["incident_id"]), (True, ids[6]))
        self.assertError(out[13], 422, field="ke_id")
        self.assertStatus(out[14], 201)
        self.assertIn(out[15].status, (404, 422), out[15])
        self.assertStatus(out[16], 201)
        self.assertEqual(grew, 4 * per_interval + per_correct + 3 * per_ctime + 2 * per_apply + per_create +
                         per_note)
        self.assertEqual(self.members(), m0 + len(calls))
        self.assertEqual(self.total(), total0 + 1)
        # what the failing ones would have written is not there
        r = s.get(inc % ids[4] + "/impact-intervals", token=self.eng)
        self.assertStatus(r, 200)
        self.assertEqual(r.json["total"], 0)
        for k in range(4):
            r = s.get(inc % ids[k] + "/impact-intervals", token=self.eng)
            self.assertEqual(r.json["total"], 1, ids[k])
        ke = s.get("/api/v1/known-errors/%d" % kes[1], token=pm).json
        self.assertEqual(ke["uses"], 2)
        self.assertEqual(s.get("/api/v1/known-errors/%d" % kes[2], token=pm).json["uses"], 0)
        titles = {i["title"] for i in s.get("/api/v1/incidents?limit=200", token=self.eng).json["items"]}
        self.assertIn("span 100", titles)
        self.assertNotIn("span 101", titles)

    def test_8_problems_from_incidents_share_commits(self):
        s = self.srv
        _, pm = s.make_user("grp-pm8", ["problem_manager"])
        inc = "/api/v1/incidents/%d"
        ids = []
        for k in range(6):
            r = s.post("/api/v1/incidents", self.body(k, self.ci, "root"), token=self.eng)
            self.assertStatus(r, 201)
            ids.append(r.json["id"])
        r, per_problem = self.audit_grew(lambda: s.post(inc % ids[5] + "/problem", {"fields": {"impact": "medium"}},
                                                        token=pm))
        self.assertStatus(r, 201)
        self.assertEqual((r.json["title"], r.json["problem"]["source"]), ("root 5", "incident"))
        regrade = {"severity": "severe", "reason": "扩大 wider"}
        r, per_regrade = self.audit_grew(lambda: s.request("PATCH", inc % ids[5], regrade, token=self.eng))
        self.assertStatus(r, 200)
        self.assertGreater(per_problem, 0)
        self.assertGreater(per_regrade, 0)

        def problems():
            return s.get("/api/v1/problems?limit=500", token=pm).json["total"]

        p0, m0 = problems(), self.members()
        calls = ([("POST", inc % i + "/problem", {"fields": {"impact": "medium"}}, pm) for i in ids[:4]] +
                 [("POST", inc % 987654321 + "/problem", {}, pm)] +
                 [("POST", inc % ids[4] + "/problem", {"title": "root bad", "tier": "nonsense"}, pm)] +
                 [("PATCH", inc % ids[4], regrade, self.eng)])
        out, grew = self.audit_grew(lambda: self.burst(calls))
        for k in range(4):
            self.assertStatus(out[k], 201)
            self.assertEqual((out[k].json["title"], out[k].json["problem"]["source"]), ("root %d" % k, "incident"))
            links = s.get("/api/v1/records/%d/links" % out[k].json["id"], token=pm).json["items"]
            self.assertEqual([(x["kind"], x["direction"]) for x in links], [("caused_by", "in")])
        self.assertEqual(len({out[k].json["id"] for k in range(4)}), 4)
        self.assertError(out[4], 404)
        self.assertIn(out[5].status, (400, 422), out[5])
        self.assertStatus(out[6], 200)
        self.assertEqual(out[6].json["severity"], "severe")
        self.assertEqual(grew, 4 * per_problem + per_regrade)
        self.assertEqual(problems(), p0 + 4)
        self.assertEqual(self.members(), m0 + len(calls))
        titles = {x["title"] for x in s.get("/api/v1/problems?limit=500", token=pm).json["items"]}
        self.assertNotIn("root bad", titles)


if __name__ == "__main__":
    harness.main()
