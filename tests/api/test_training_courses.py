"""test_training_courses.py — training courses and sessions (培训课程与场次;
research/modules-spec.md §M7.1; R-PLAN-3: seed 000 ch. 9 §2, two qualified
people per key position; seed 004 §7.5.2, 48 training hours a year;
docs/plans.md "Courses and sessions"): courses created, read, listed and
changed (422 naming the field for an unknown key position), sessions with
attendees, and POST /api/v1/training/sessions/{id}/results: a session of an
8-hour course with three attendees (two pass, one absent) gives the two who
attended 8 h each in GET /api/v1/training/hours and a certificate for the
course's position, so the position leaves below_two in
GET /api/v1/readiness/roster; recording again does not double the hours;
the qualification expires 12 months after the session's start (1 ms before:
still qualified).  Bad input: a clear error, nothing changed.  Runs on SQLite
and PostgreSQL (OD_PG_API_SUBSET)."""
import calendar
import os
import tempfile
import time

import harness

T0 = "2030-03-01T00:00:00.000Z"
START_MS = calendar.timegm((2030, 2, 20, 1, 0, 0)) * 1000
START_PLUS_12M = calendar.timegm((2031, 2, 20, 1, 0, 0)) * 1000

READINESS = """
readiness:
  annual_hours: 48
  positions:
    - key: duty_engineer
      name_zh: 值班工程师
      name_en: Duty engineer
      roles: [ops_engineer]
      min_qualified: 2
      certificate_required: true
    - key: net_engineer
      name_zh: 网络工程师
      name_en: Network engineer
      roles: [ops_engineer]
      min_qualified: 2
"""


def utc(ms):
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(ms // 1000)) + ".%03dZ" % (ms % 1000)


def policy_with_readiness():
    with open(os.path.join(harness.ROOT, "policy", "default.yaml"), encoding="utf-8") as f:
        text = f.read()
    fd, path = tempfile.mkstemp(suffix=".yaml", prefix="opsdesk-policy-")
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(text.split("\nreadiness:\n")[0].rstrip("\n") + "\n" + READINESS)
    return path


class Courses(harness.ServerTest):
    policy = policy_with_readiness()

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        s = cls.srv
        try:
            s.clock(set_to=T0)
            cls.eng_id, _ = s.make_user("eng", ["emergency_engineering"])
            cls.a_id, _ = s.make_user("opsa", ["ops_engineer"])
            cls.b_id, _ = s.make_user("opsb", ["ops_engineer"])
            cls.c_id, _ = s.make_user("opsc", ["ops_engineer"])
            cls.n_id, _ = s.make_user("net1", ["ops_engineer"], department="网络部")
            cls.aud_id, _ = s.make_user("aud", ["auditor"])
            _, cls.netread = s.make_user("netread", ["auditor"], department="网络部", scopes=["网络部"])
        except Exception:
            cls.tearDownClass()
            raise

    @classmethod
    def tearDownClass(cls):
        super().tearDownClass()
        os.unlink(cls.policy)

    def setUp(self):
        Courses.eng = self.srv.login("eng", harness.USER_PW)
        Courses.aud = self.srv.login("aud", harness.USER_PW)

    def course(self, status=201, **body):
        b = {"title": "值班应急处置", "hours": 8, "positions": ["duty_engineer"]}
        b.update(body)
        r = self.srv.post("/api/v1/training/courses", b, token=self.eng)
        self.assertStatus(r, status)
        return r.json

    def total(self, path):
        r = self.srv.get(path, token=self.aud)
        self.assertStatus(r, 200)
        return r.json["total"]

    def roster(self):
        r = self.srv.get("/api/v1/readiness/roster", token=self.srv.login("aud", harness.USER_PW))
        self.assertStatus(r, 200)
        return {p["key"]: p for p in r.json["positions"]}

    def hours(self):
        r = self.srv.get("/api/v1/training/hours?year=2030&limit=500", token=self.aud)
        self.assertStatus(r, 200)
        return {i["username"]: i["hours"] for i in r.json["items"]}

    def test_1_courses(self):
        s = self.srv
        c = self.course(description="值班长讲授", validity_months=12)
        self.assertEqual((c["title"], c["hours"], c["positions"]), ("值班应急处置", 8, ["duty_engineer"]))
        self.assertEqual((c["description"], c["validity_months"], c["active"]), ("值班长讲授", 12, True))
        self.assertEqual(c["created_by"], "eng")
        r = s.get("/api/v1/training/courses/%d" % c["id"], token=self.aud)
        self.assertStatus(r, 200)
        self.assertEqual(r.json, c)
        self.assertError(s.get("/api/v1/training/courses/999999", token=self.aud), 404)
        before = self.total("/api/v1/training/courses")
        # bad input: 422 (or 400 for a wrong type) naming the field, nothing written
        bad = [({"hours": 0}, 422, "hours"), ({"hours": 200.5}, 422, "hours"), ({"hours": -1}, 422, "hours"),
               ({"hours": "8"}, 400, "hours"), ({"positions": ["no_such_post"]}, 422, "positions"),
               ({"positions": ["duty_engineer", "duty_engineer"]}, 422, "positions"),
               ({"positions": [7]}, 422, "positions"), ({"title": ""}, 422, "title"),
               ({"validity_months": 0}, 422, "validity_months"),
               ({"validity_months": 121}, 422, "validity_months"), ({"colour": "red"}, 400, "colour")]
        for extra, status, field in bad:
            b = {"title": "课程", "hours": 8}
            b.update(extra)
            r = s.post("/api/v1/training/courses", b, token=self.eng)
            self.assertEqual((r.status, r.json["error"]["field"]), (status, field), (extra, r))
        r = s.post("/api/v1/training/courses", {"hours": 8}, token=self.eng)
        self.assertError(r, 422, field="title")
        self.assertEqual(self.total("/api/v1/training/courses"), before)
        # 200 hours is the most; the auditor reads but may not write
        self.course(hours=200, title="全年课程", positions=[])
        self.assertError(s.post("/api/v1/training/courses", {"title": "x", "hours": 1}, token=self.aud), 403)
        # PATCH changes the fields given, audited with before and after
        p = s.request("PATCH", "/api/v1/training/courses/%d" % c["id"], {"hours": 7.5, "active": False},
                      token=self.eng)
        self.assertStatus(p, 200)
        self.assertEqual((p.json["hours"], p.json["active"], p.json["title"]), (7.5, False, "值班应急处置"))
        p = s.request("PATCH", "/api/v1/training/courses/%d" % c["id"], {"positions": ["bogus"]}, token=self.eng)
        self.assertError(p, 422, field="positions")
        self.assertEqual(s.get("/api/v1/training/courses/%d" % c["id"], token=self.aud).json["hours"], 7.5)
        self.assertError(s.request("PATCH", "/api/v1/training/courses/999999", {"hours": 1}, token=self.eng), 404)
        # the active filter
        act = s.get("/api/v1/training/courses?active=true", token=self.aud).json
        self.assertNotIn(c["id"], [i["id"] for i in act["items"]])
        self.assertEqual(act["total"], self.total("/api/v1/training/courses") - 1)
        self.assertError(s.get("/api/v1/training/courses?active=maybe", token=self.aud), 400, field="active")
        audit = s.get("/api/v1/audit?limit=500", token=s.login("aud", harness.USER_PW))
        actions = [e["action"] for e in audit.json["items"]]
        self.assertIn("training_course.create", actions)
        self.assertIn("training_course.update", actions)
        # an inactive course takes no new session
        body = {"course_id": c["id"], "starts_at": "2030-02-01T01:00:00Z", "ends_at": "2030-02-01T02:00:00Z",
                "trainer_id": self.eng_id}
        self.assertError(s.post("/api/v1/training/sessions", body, token=self.eng), 422, field="course_id")

    def test_2_session_results_hours_roster(self):
        s = self.srv
        c = self.course(title="关键岗位值守培训")
        # before: nobody qualified for duty_engineer (it requires a certificate)
        duty = self.roster()["duty_engineer"]
        self.assertEqual((duty["qualified"], duty["below_two"]), (0, True))
        h0 = self.hours()
        self.assertEqual((h0["opsa"], h0["opsb"], h0["opsc"]), (0, 0, 0))
        body = {"course_id": c["id"], "starts_at": utc(START_MS), "ends_at": "2030-02-20T09:00:00Z",
                "trainer_id": self.eng_id, "location": "三楼会议室", "materials": "https://wiki/duty",
                "attendees": [{"user_id": self.a_id}, {"user_id": self.b_id}, {"user_id": self.c_id}]}
        before = self.total("/api/v1/training/sessions")
        bad = [({"ends_at": utc(START_MS)}, 422, "ends_at"), ({"trainer_id": 999999}, 422, "trainer_id"),
               ({"course_id": 999999}, 422, "course_id"), ({"attendees": [{"user_id": 999999}]}, 422, "attendees"),
               ({"attendees": [{"user_id": self.a_id}, {"user_id": self.a_id}]}, 422, "attendees"),
               ({"attendees": [{"id": self.a_id}]}, 422, "attendees"), ({"starts_at": "soon"}, 400, "starts_at"),
               ({"attendees": "all"}, 400, "attendees")]
        for extra, status, field in bad:
            b = dict(body)
            b.update(extra)
            r = s.post("/api/v1/training/sessions", b, token=self.eng)
            self.assertEqual((r.status, r.json["error"]["field"]), (status, field), (extra, r))
        self.assertEqual(self.total("/api/v1/training/sessions"), before)
        r = s.post("/api/v1/training/sessions", body, token=self.eng)
        self.assertStatus(r, 201)
        ses = r.json
        self.assertEqual((ses["course_title"], ses["hours"], ses["trainer_username"]), ("关键岗位值守培训", 8, "eng"))
        self.assertEqual((ses["location"], ses["materials"], ses["attendee_count"]), ("三楼会议室", "https://wiki/duty", 3))
        self.assertEqual([a["user_id"] for a in ses["attendees"]], [self.a_id, self.b_id, self.c_id])
        self.assertEqual([a["assessment"] for a in ses["attendees"]], [None, None, None])
        self.assertIsNone(ses["results_at"])
        path = "/api/v1/training/sessions/%d" % ses["id"]
        self.assertEqual(s.get(path, token=self.aud).json["attendees"], ses["attendees"])
        results = {"attendees": [
            {"user_id": self.a_id, "attended": True, "assessment": "pass", "score": 92},
            {"user_id": self.b_id, "attended": True, "assessment": "pass"},
            {"user_id": self.c_id, "attended": False, "assessment": "absent"}]}
        # bad results: nothing recorded
        bad = [[{"user_id": self.n_id, "attended": True, "assessment": "pass"}],
               [{"user_id": self.a_id, "attended": True, "assessment": "absent"}],
               [{"user_id": self.a_id, "attended": False, "assessment": "pass"}],
               [{"user_id": self.a_id, "attended": True, "assessment": "pass", "score": 101}],
               [{"user_id": self.a_id, "attended": True, "assessment": "pass", "score": -1}],
               [{"user_id": self.c_id, "attended": False, "score": 10}],
               [{"user_id": self.a_id, "attended": "yes", "assessment": "pass"}],
               [{"user_id": self.a_id, "attended": True, "assessment": "pass", "grade": "A"}],
               [{"user_id": self.a_id, "attended": True, "assessment": "pass"},
                {"user_id": self.a_id, "attended": True, "assessment": "fail"}],
               []]
        for att in bad:
            r = s.post(path + "/results", {"attendees": att}, token=self.eng)
            self.assertError(r, 422, field="attendees")
        self.assertError(s.post(path + "/results", {}, token=self.eng), 422, field="attendees")
        self.assertError(s.post(path + "/results", results, token=self.aud), 403)
        self.assertEqual(self.hours()["opsa"], 0)
        self.assertIsNone(s.get(path, token=self.aud).json["results_at"])
        r = s.post(path + "/results", results, token=self.eng)
        self.assertStatus(r, 200)
        self.assertEqual((r.json["trainings"], r.json["certificates"]), (2, 2))
        self.assertEqual(r.json["results_at"], T0)
        self.assertEqual([(a["attended"], a["assessment"], a["score"]) for a in r.json["attendees"]],
                         [(True, "pass", 92), (True, "pass", None), (False, "absent", None)])
        # 8 h each for the two who attended, none for the absent one
        h = self.hours()
        self.assertEqual((h["opsa"], h["opsb"], h["opsc"]), (8, 8, 0))
        # a qualification for both: duty_engineer has two and is no longer below two
        duty = self.roster()["duty_engineer"]
        self.assertEqual((duty["qualified"], sorted(duty["people"]), duty["below_two"], duty["gap"]),
                         (2, ["opsa", "opsb"], False, False))
        certs = s.get("/api/v1/certificates?user_id=%d" % self.a_id, token=self.aud).json["items"]
        self.assertEqual([(x["position"], x["name"], x["issued_at"], x["expires_at"]) for x in certs],
                         [("duty_engineer", "关键岗位值守培训", utc(START_MS), utc(START_PLUS_12M))])
        self.assertEqual(self.total("/api/v1/certificates?user_id=%d" % self.c_id), 0)
        # recording again does not double the hours nor the certificates
        r = s.post(path + "/results", results, token=self.eng)
        self.assertStatus(r, 200)
        self.assertEqual((r.json["trainings"], r.json["certificates"]), (2, 2))
        h = self.hours()
        self.assertEqual((h["opsa"], h["opsb"], h["opsc"]), (8, 8, 0))
        self.assertEqual(self.total("/api/v1/trainings?user_id=%d" % self.a_id), 1)
        self.assertEqual(self.total("/api/v1/certificates?user_id=%d" % self.a_id), 1)
        # a correction: opsb failed after all: the hours stay, the qualification goes
        fix = {"attendees": [{"user_id": self.b_id, "attended": True, "assessment": "fail", "score": 40}]}
        r = s.post(path + "/results", fix, token=self.eng)
        self.assertEqual((r.json["trainings"], r.json["certificates"]), (2, 1))
        self.assertEqual(self.hours()["opsb"], 8)
        duty = self.roster()["duty_engineer"]
        self.assertEqual((duty["people"], duty["below_two"]), (["opsa"], True))
        r = s.post(path + "/results", results, token=self.eng)
        self.assertEqual(r.json["certificates"], 2)
        audit = s.get("/api/v1/audit?limit=500", token=s.login("aud", harness.USER_PW))
        self.assertEqual(sum(1 for e in audit.json["items"] if e["action"] == "training_session.results"), 4)
        # a session that has not started takes no results (409)
        later = dict(body, starts_at="2030-04-01T01:00:00Z", ends_at="2030-04-01T09:00:00Z",
                     attendees=[{"user_id": self.a_id}])
        r = s.post("/api/v1/training/sessions", later, token=self.eng)
        self.assertStatus(r, 201)
        r = s.post("/api/v1/training/sessions/%d/results" % r.json["id"],
                   {"attendees": [{"user_id": self.a_id, "attended": True, "assessment": "pass"}]}, token=self.eng)
        self.assertError(r, 409)
        self.assertEqual(self.hours()["opsa"], 8)
        self.assertError(s.post("/api/v1/training/sessions/999999/results", results, token=self.eng), 404)
        # the list: newest start first, by course
        r = s.get("/api/v1/training/sessions?course_id=%d" % c["id"], token=self.aud)
        self.assertEqual([i["starts_at"] for i in r.json["items"]], ["2030-04-01T01:00:00.000Z", utc(START_MS)])
        self.assertError(s.get("/api/v1/training/sessions?course_id=x", token=self.aud), 400, field="course_id")

    def test_3_department_scope(self):
        """A reader scoped to 网络部 sees the sessions with a trainer or an
        attendee of 网络部, and only those attendees (R-SEC-SYS-2)."""
        s = self.srv
        c = self.course(title="网络培训", positions=["net_engineer"])
        mixed = s.post("/api/v1/training/sessions", {
            "course_id": c["id"], "starts_at": "2030-02-25T01:00:00Z", "ends_at": "2030-02-25T03:00:00Z",
            "trainer_id": self.eng_id, "attendees": [{"user_id": self.a_id}, {"user_id": self.n_id}]},
            token=self.eng).json
        other = s.post("/api/v1/training/sessions", {
            "course_id": c["id"], "starts_at": "2030-02-26T01:00:00Z", "ends_at": "2030-02-26T03:00:00Z",
            "trainer_id": self.eng_id, "attendees": [{"user_id": self.a_id}]}, token=self.eng).json
        r = s.get("/api/v1/training/sessions", token=self.netread)
        self.assertStatus(r, 200)
        self.assertEqual(([i["id"] for i in r.json["items"]], r.json["total"]), ([mixed["id"]], 1))
        r = s.get("/api/v1/training/sessions/%d" % mixed["id"], token=self.netread)
        self.assertEqual([a["user_id"] for a in r.json["attendees"]], [self.n_id])
        self.assertError(s.get("/api/v1/training/sessions/%d" % other["id"], token=self.netread), 404)
        self.assertGreaterEqual(self.total("/api/v1/training/sessions"), 2)

    def test_9_qualification_expires(self):
        """The certificate and the training of the session (started
        2030-02-20T01:00Z) count until 1 ms before 2031-02-20T01:00Z."""
        s = self.srv
        s.clock(set_to=utc(START_PLUS_12M - 1))
        duty = self.roster()["duty_engineer"]
        self.assertEqual((sorted(duty["people"]), duty["below_two"]), (["opsa", "opsb"], False))
        s.clock(set_to=utc(START_PLUS_12M))
        duty = self.roster()["duty_engineer"]
        self.assertEqual((duty["qualified"], duty["people"], duty["below_two"]), (0, [], True))


if __name__ == "__main__":
    harness.main()
