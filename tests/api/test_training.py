"""test_training.py — training records and readiness (培训与就绪;
research/modules-spec.md §M7; R-PLAN-3: seed 000 ch. 9, at least two
qualified people per key position; seed 004 §7.5.2, 48 training hours per
person a year; docs/plans.md "Training and readiness"): trainings recorded
and listed (newest first, by user), written only by those who may write
plans (an auditor reads, may not write), bad input refused with nothing
changed, and GET /api/v1/readiness: a key position of the policy with one
qualified person is a gap, with two it is not; a training un-qualifies
exactly twelve months after its date (1 ms before: still qualified); the
people under the annual hours, and not any more once they reach 48 h.
Runs on SQLite and PostgreSQL (OD_PG_API_SUBSET)."""
import calendar
import os
import tempfile
import time

import harness

SEC = 1000
# the test clock only moves forward: a date after any real start
T0 = "2030-03-01T00:00:00.000Z"
T0_MS = calendar.timegm((2030, 3, 1, 0, 0, 0)) * 1000
T0_PLUS_12M = calendar.timegm((2031, 3, 1, 0, 0, 0)) * 1000

READINESS = """
readiness:
  annual_hours: 48
  positions:
    - key: duty_engineer
      name_zh: 值班工程师
      name_en: Duty engineer
      roles: [ops_engineer]
      min_qualified: 2
    - key: emergency_lead
      name_zh: 应急指挥
      name_en: Emergency lead
      roles: [emergency_leadership]
      min_qualified: 1
"""


def utc(ms):
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(ms // 1000)) + ".%03dZ" % (ms % 1000)


def policy_with_readiness():
    with open(os.path.join(harness.ROOT, "policy", "default.yaml"), encoding="utf-8") as f:
        text = f.read()
    fd, path = tempfile.mkstemp(suffix=".yaml", prefix="opsdesk-policy-")
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        # the default's own readiness section (no position) is replaced
        f.write(text.split("\nreadiness:\n")[0].rstrip("\n") + "\n" + READINESS)
    return path


class Training(harness.ServerTest):
    policy = policy_with_readiness()

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        s = cls.srv
        try:
            s.clock(set_to=T0)
            cls.eng_id, cls.eng = s.make_user("eng", ["emergency_engineering"])
            cls.a_id, _ = s.make_user("opsa", ["ops_engineer"])
            cls.b_id, _ = s.make_user("opsb", ["ops_engineer"])
            cls.lead_id, _ = s.make_user("lead", ["emergency_leadership"])
            cls.aud_id, _ = s.make_user("aud", ["auditor"])
        except Exception:
            cls.tearDownClass()
            raise

    @classmethod
    def tearDownClass(cls):
        super().tearDownClass()
        os.unlink(cls.policy)

    def setUp(self):
        s = self.srv
        Training.eng = s.login("eng", harness.USER_PW)
        Training.aud = s.login("aud", harness.USER_PW)

    def record(self, uid, hours, held_at, topic="应急预案演练培训", status=201, **extra):
        body = {"user_id": uid, "topic": topic, "hours": hours, "held_at": held_at}
        body.update(extra)
        r = self.srv.post("/api/v1/trainings", body, token=self.eng)
        self.assertStatus(r, status)
        return r.json

    def readiness(self):
        # the test clock jumps months ahead: sessions expire, sign in again
        r = self.srv.get("/api/v1/readiness", token=self.srv.login("aud", harness.USER_PW))
        self.assertStatus(r, 200)
        return r.json

    def count(self, uid=None):
        q = "?user_id=%d" % uid if uid else ""
        r = self.srv.get("/api/v1/trainings" + q, token=self.aud)
        self.assertStatus(r, 200)
        return r.json["total"]

    def test_1_records_permissions_and_bad_input(self):
        before = self.count()
        t = self.record(self.a_id, 1.5, "2030-02-10T09:00:00Z")
        self.assertEqual(t["user_id"], self.a_id)
        self.assertEqual(t["username"], "opsa")
        self.assertEqual(t["hours"], 1.5)
        self.assertEqual(t["held_at"], "2030-02-10T09:00:00.000Z")
        self.assertIsNone(t["plan_id"])
        self.assertEqual(t["created_by"], "eng")
        self.assertEqual(self.count(), before + 1)
        self.assertEqual(self.count(self.a_id), 1)
        self.assertEqual(self.count(self.b_id), 0)
        r = self.srv.get("/api/v1/trainings?user_id=%d" % self.a_id, token=self.aud)
        self.assertEqual([i["id"] for i in r.json["items"]], [t["id"]])
        # the auditor reads but may not write (as for plans: record.write)
        r = self.srv.post("/api/v1/trainings", {"user_id": self.a_id, "topic": "x", "hours": 1,
                                                "held_at": "2030-02-10T09:00:00Z"}, token=self.aud)
        self.assertError(r, 403)
        # bad input: a clear error naming the field, nothing recorded
        bad = [
            ({"user_id": 999999}, 422, "user_id"),
            ({"hours": 0}, 422, "hours"),
            ({"hours": 0.01}, 422, "hours"),
            ({"hours": 24.5}, 422, "hours"),
            ({"hours": "2"}, 400, "hours"),
            ({"held_at": "yesterday"}, 400, "held_at"),
            ({"held_at": utc(T0_MS + 1)}, 422, "held_at"),  # 1 ms in the future
            ({"plan_id": 999999}, 422, "plan_id"),
            ({"topic": ""}, 422, "topic"),
            ({"colour": "red"}, 400, "colour"),
        ]
        for extra, status, field in bad:
            body = {"user_id": self.a_id, "topic": "培训", "hours": 1, "held_at": "2030-02-10T09:00:00Z"}
            body.update(extra)
            r = self.srv.post("/api/v1/trainings", body, token=self.eng)
            self.assertEqual(r.status, status, (extra, r))
            self.assertEqual(r.json["error"]["field"], field, (extra, r))
        self.assertEqual(self.count(), before + 1)
        r = self.srv.get("/api/v1/trainings?user_id=abc", token=self.aud)
        self.assertError(r, 400, field="user_id")
        # held now exactly is accepted
        t2 = self.record(self.b_id, 0.25, T0, topic="通报流程")
        self.assertEqual(t2["hours"], 0.25)
        self.assertEqual(self.count(self.b_id), 1)

    def test_2_readiness(self):
        s = self.srv
        r = self.readiness()
        self.assertEqual(r["annual_hours"], 48)
        self.assertEqual(r["window_months"], 12)
        self.assertEqual([p["key"] for p in r["positions"]], ["duty_engineer", "emergency_lead"])
        duty = r["positions"][0]
        self.assertEqual(duty["name_zh"], "值班工程师")
        self.assertEqual(duty["roles"], ["ops_engineer"])
        self.assertEqual(duty["min_qualified"], 2)
        # after test 1: opsa (2030-02-10) and opsb (T0) are trained, both ops_engineer
        self.assertEqual(duty["qualified"], 2)
        self.assertEqual(sorted(duty["people"]), ["opsa", "opsb"])
        self.assertFalse(duty["gap"])
        lead = r["positions"][1]
        self.assertEqual(lead["qualified"], 0)  # lead never trained
        self.assertTrue(lead["gap"])
        self.assertEqual(r["gaps"], ["emergency_lead"])
        # a plan trained: plan_id of a record of kind plan
        p = s.post("/api/v1/plans", {"title": "数据库故障应急预案", "fields": {}}, token=self.eng)
        self.assertStatus(p, 201)
        # 48 hours for lead over three trainings (at most 24 h each)
        self.record(self.lead_id, 24, T0, plan_id=p.json["id"])
        self.record(self.lead_id, 23.5, "2030-02-01T00:00:00Z")
        under = {u["username"]: u for u in self.readiness()["under_hours"]}
        self.assertEqual(under["lead"]["hours"], 47.5)
        self.assertEqual(under["lead"]["short_by"], 0.5)
        self.record(self.lead_id, 0.5, "2030-02-02T00:00:00Z")
        r = self.readiness()
        under = {u["username"]: u for u in r["under_hours"]}
        self.assertNotIn("lead", under)
        self.assertEqual(under["opsa"]["hours"], 1.5)
        self.assertEqual(under["opsb"]["hours"], 0.25)
        self.assertEqual(under["eng"]["hours"], 0)
        self.assertEqual(r["gaps"], [])
        # expiry: opsa's training (2030-02-10T09:00Z) counts until 1 ms before 2031-02-10T09:00Z
        exp_a = calendar.timegm((2031, 2, 10, 9, 0, 0)) * 1000
        s.clock(set_to=utc(exp_a - 1))
        r = self.readiness()
        self.assertEqual(r["positions"][0]["qualified"], 2)
        self.assertEqual(sorted(r["positions"][0]["people"]), ["opsa", "opsb"])
        s.clock(set_to=utc(exp_a))
        r = self.readiness()
        duty = r["positions"][0]
        self.assertEqual(duty["qualified"], 1)  # one qualified person: flagged
        self.assertEqual(duty["people"], ["opsb"])
        self.assertTrue(duty["gap"])
        self.assertEqual(r["gaps"], ["duty_engineer"])
        under = {u["username"]: u for u in r["under_hours"]}
        self.assertEqual(under["opsa"]["hours"], 0)
        # lead's hours: 2030-02-01 and 02-02 expired, T0 (24 h) counts: under again
        self.assertEqual(under["lead"]["hours"], 24)
        # at T0 + 12 months everything recorded at T0 expires: 1 ms before, still counts
        s.clock(set_to=utc(T0_PLUS_12M - 1))
        r = self.readiness()
        self.assertEqual(r["positions"][0]["people"], ["opsb"])
        self.assertEqual(r["positions"][1]["people"], ["lead"])
        s.clock(set_to=utc(T0_PLUS_12M))
        r = self.readiness()
        self.assertEqual(r["positions"][0]["qualified"], 0)
        self.assertEqual(r["positions"][1]["qualified"], 0)
        self.assertEqual(r["gaps"], ["duty_engineer", "emergency_lead"])

    def test_3_department_scope(self):
        """Training and certificate lists are filtered by the reader's
        department scope, like incidents (R-SEC-SYS-2): a scoped reader sees
        the people of the departments in scope only, paged and counted."""
        s = self.srv
        s.tokens = {}  # the administrators' sessions ran out while the clock moved
        x_id, _ = s.make_user("net1", ["ops_engineer"], department="网络部")
        y_id, _ = s.make_user("net2", ["ops_engineer"], department="网络部")
        _, scoped = s.make_user("netread", ["auditor"], department="网络部", scopes=["网络部"])
        mine = [self.record(uid, 2, "2030-03-0%dT09:00:00Z" % (i + 1))["id"] for i, uid in
                enumerate((x_id, y_id, x_id))]
        self.record(self.a_id, 1, "2030-03-05T09:00:00Z")  # 运行部: out of scope
        r = s.get("/api/v1/trainings?limit=2", token=scoped)
        self.assertStatus(r, 200)
        self.assertEqual(r.json["total"], 3)
        self.assertEqual([i["id"] for i in r.json["items"]], [mine[2], mine[1]])  # newest first
        r = s.get("/api/v1/trainings?limit=2&offset=2", token=scoped)
        self.assertEqual([i["id"] for i in r.json["items"]], [mine[0]])
        r = s.get("/api/v1/trainings?user_id=%d" % self.a_id, token=scoped)
        self.assertEqual((r.json["total"], r.json["items"]), (0, []))
        self.assertGreater(self.count(), 3)  # the unscoped auditor sees everyone
        for uid in (x_id, self.a_id):
            body = {"user_id": uid, "position": "duty_engineer", "name": "值班资格",
                    "issued_at": "2030-01-01T00:00:00Z"}
            self.assertStatus(s.post("/api/v1/certificates", body, token=self.eng), 201)
        r = s.get("/api/v1/certificates", token=scoped)
        self.assertEqual([(c["user_id"], r.json["total"]) for c in r.json["items"]], [(x_id, 1)])
        r = s.get("/api/v1/certificates", token=self.aud)
        self.assertGreaterEqual(r.json["total"], 2)

    def test_4_hours_per_year(self):
        """GET /api/v1/training/hours?year=YYYY (seed 004 §7.4.2, R-PLAN-3):
        each enabled person's training hours in a calendar year in Beijing
        time against the 48 h target; the year starts at 00:00 Beijing time
        (16:00Z the day before): 1 ms before counts in the previous year;
        scoped readers see their departments' people only; a bad year is
        400 naming the field."""
        s = self.srv
        for hours, at in ((1, "2029-12-31T15:59:59.999Z"), (2, "2029-12-31T16:00:00.000Z"),
                          (4, "2030-12-31T15:59:59.999Z"), (8, "2030-12-31T16:00:00.000Z")):
            self.record(self.eng_id, hours, at, topic="跨年培训")

        def year(y, token=None):
            r = s.get("/api/v1/training/hours?year=%d&limit=500" % y, token=token or self.aud)
            self.assertStatus(r, 200)
            return r.json

        r = year(2030)
        self.assertEqual((r["year"], r["annual_hours"]), (2030, 48))
        self.assertEqual((r["from"], r["to"]), ("2029-12-31T16:00:00.000Z", "2030-12-31T16:00:00.000Z"))
        self.assertEqual(r["total"], len(r["items"]))
        ids = [i["user_id"] for i in r["items"]]
        self.assertEqual(ids, sorted(ids))
        by = {i["username"]: i for i in r["items"]}
        self.assertEqual(by["eng"]["hours"], 6)  # 2 + 4: the 1 h and 8 h fall in 2029 and 2031
        self.assertEqual((by["eng"]["short_by"], by["eng"]["met"]), (42, False))
        self.assertEqual((by["lead"]["hours"], by["lead"]["short_by"], by["lead"]["met"]), (48, 0, True))
        self.assertEqual(by["opsa"]["hours"], 2.5)
        self.assertEqual(by["opsb"]["hours"], 0.25)
        self.assertEqual((by["net1"]["hours"], by["net2"]["hours"]), (4, 2))
        self.assertEqual((by["aud"]["hours"], by["aud"]["short_by"]), (0, 48))
        self.assertEqual(by["net1"]["department"], "网络部")
        self.assertEqual({u: i["hours"] for u, i in
                          ((i["username"], i) for i in year(2029)["items"]) if i["hours"]}, {"eng": 1})
        self.assertEqual({u: i["hours"] for u, i in
                          ((i["username"], i) for i in year(2031)["items"]) if i["hours"]}, {"eng": 8})
        # paged: total counts beyond the page
        p = s.get("/api/v1/training/hours?year=2030&limit=1&offset=1", token=self.aud)
        self.assertEqual((p.json["total"], [i["user_id"] for i in p.json["items"]]), (r["total"], ids[1:2]))
        # a scoped reader: the people of 网络部 only (net1, net2 and netread)
        scoped = s.login("netread", harness.USER_PW)
        sr = year(2030, scoped)
        self.assertEqual([i["username"] for i in sr["items"]], ["net1", "net2", "netread"])
        self.assertEqual(sr["total"], 3)
        # no year: the current one (the test clock is at 2031-03-01)
        r = s.get("/api/v1/training/hours", token=self.aud)
        self.assertEqual((r.json["year"], r.json["limit"], r.json["offset"]), (2031, 50, 0))
        for q in ("?year=", "?year=abc", "?year=1999", "?year=3000", "?year=2030x"):
            self.assertError(s.get("/api/v1/training/hours" + q, token=self.aud), 400, field="year")

    def test_5_roster(self):
        """GET /api/v1/readiness/roster (seed 000 ch. 9, R-PLAN-3): per key
        position the qualified people as readiness counts them, below_two
        when fewer than two.  At 2031-03-01 (after tests 2-4): duty_engineer
        has opsa, net1 and net2 (trained 2030-03-01..05); emergency_lead
        none (lead's trainings expired at T0 + 12 months)."""
        r = self.srv.get("/api/v1/readiness/roster", token=self.aud)
        self.assertStatus(r, 200)
        pos = {p["key"]: p for p in r.json["positions"]}
        self.assertEqual(list(pos), ["duty_engineer", "emergency_lead"])
        duty, lead = pos["duty_engineer"], pos["emergency_lead"]
        self.assertEqual(sorted(duty["people"]), ["net1", "net2", "opsa"])
        self.assertEqual((duty["qualified"], duty["gap"], duty["below_two"]), (3, False, False))
        self.assertEqual((lead["qualified"], lead["people"], lead["gap"], lead["below_two"]), (0, [], True, True))
        self.assertEqual(lead["name_zh"], "应急指挥")
        self.assertEqual(r.json["gaps"], ["emergency_lead"])


if __name__ == "__main__":
    harness.main()
