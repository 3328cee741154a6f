"""test_certificates.py — certificates held for key positions (资质证书;
seed 004 §7.5.1: name, issuer, number, valid until; research/modules-spec.md
§M7.1, §M7.6; R-PLAN-3; docs/plans.md "Training and readiness"): a key
position of the policy with certificate_required counts only holders with a
valid certificate for it: none → gap, one qualified → still flagged (below
two), two → covered; a certificate un-qualifies at its expiry (1 ms before:
still qualified; at it: no longer) and is listed as expiring within 30 days;
a position without the requirement is unaffected; bad input refused with
nothing written.  Runs on SQLite and PostgreSQL (OD_PG_API_SUBSET)."""
import calendar
import os
import tempfile
import time

import harness

DAY = 86400 * 1000
T0 = "2030-03-01T00:00:00.000Z"
T0_MS = calendar.timegm((2030, 3, 1, 0, 0, 0)) * 1000

READINESS = """
readiness:
  annual_hours: 48
  positions:
    - key: db_emergency
      name_zh: 数据库应急工程师
      name_en: DB emergency engineer
      roles: [ops_engineer]
      min_qualified: 2
      certificate_required: true
    - key: duty_engineer
      name_zh: 值班工程师
      name_en: Duty engineer
      roles: [ops_engineer]
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


class Certificates(harness.ServerTest):
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
            cls.aud_id, cls.aud = s.make_user("aud", ["auditor"])
            for uid in (cls.a_id, cls.b_id):
                r = s.post("/api/v1/trainings", {"user_id": uid, "topic": "数据库应急", "hours": 4, "held_at": T0},
                           token=cls.eng)
                assert r.status == 201, r
        except Exception:
            cls.tearDownClass()
            raise

    @classmethod
    def tearDownClass(cls):
        super().tearDownClass()
        os.unlink(cls.policy)

    def cert(self, uid, status=201, **kw):
        body = {"user_id": uid, "position": "db_emergency", "name": "数据库应急资格", "issuer": "运行部",
                "number": "DBE-%d" % uid, "issued_at": T0}
        body.update(kw)
        r = self.srv.post("/api/v1/certificates", body, token=self.srv.login("eng", harness.USER_PW))
        self.assertStatus(r, status)
        return r.json

    def readiness(self):
        r = self.srv.get("/api/v1/readiness", token=self.srv.login("aud", harness.USER_PW))
        self.assertStatus(r, 200)
        return r.json

    def position(self, key):
        return [p for p in self.readiness()["positions"] if p["key"] == key][0]

    def test_coverage_with_certificates_and_expiry(self):
        s = self.srv
        db = self.position("db_emergency")
        self.assertEqual((db["certificate_required"], db["qualified"], db["gap"]), (True, 0, True))
        duty = self.position("duty_engineer")
        self.assertEqual((duty["certificate_required"], duty["qualified"], duty["gap"]), (False, 2, False))
        # one certificate, expiring in 20 days: one qualified, still a gap (below two), and a warning
        expiry = T0_MS + 20 * DAY
        c = self.cert(self.a_id, expires_at=utc(expiry))
        self.assertEqual((c["position"], c["number"], c["expires_at"]), ("db_emergency", "DBE-%d" % self.a_id,
                                                                          utc(expiry)))
        ready = self.readiness()
        db = [p for p in ready["positions"] if p["key"] == "db_emergency"][0]
        self.assertEqual((db["qualified"], db["people"], db["gap"]), (1, ["opsa"], True))
        self.assertIn("db_emergency", ready["gaps"])
        self.assertEqual([(x["username"], x["position"]) for x in ready["expiring"]], [("opsa", "db_emergency")])
        # the second person's certificate (no expiry): covered
        self.cert(self.b_id)
        db = self.position("db_emergency")
        self.assertEqual((db["qualified"], db["gap"]), (2, False))
        # 1 ms before the expiry: still qualified; at it: no longer, flagged again
        s.clock(set_to=utc(expiry - 1))
        self.assertEqual(self.position("db_emergency")["qualified"], 2)
        s.clock(set_to=utc(expiry))
        ready = self.readiness()
        db = [p for p in ready["positions"] if p["key"] == "db_emergency"][0]
        self.assertEqual((db["qualified"], db["people"], db["gap"]), (1, ["opsb"], True))
        self.assertEqual(ready["expiring"], [])
        # the listing, newest first, by user
        lst = s.get("/api/v1/certificates", token=s.login("aud", harness.USER_PW)).json
        self.assertEqual(lst["total"], 2)
        one = s.get("/api/v1/certificates?user_id=%d" % self.a_id, token=s.login("aud", harness.USER_PW)).json
        self.assertEqual([x["user_id"] for x in one["items"]], [self.a_id])

    def test_bad_input(self):
        s = self.srv
        tok = s.login("eng", harness.USER_PW)
        before = s.get("/api/v1/certificates", token=tok).json["total"]
        for kw, field, status in (({"position": "nobody"}, "position", 422), ({"name": ""}, "name", 422),
                                  ({"issued_at": "2999-01-01T00:00:00Z"}, "issued_at", 422),
                                  ({"expires_at": T0}, "expires_at", 422), ({"expires_at": "soon"}, "expires_at", 400),
                                  ({"user_id": 999999}, "user_id", 422)):
            r = self.cert(self.a_id, status=status, **kw)
            self.assertEqual(r["error"]["field"], field, kw)
        # an auditor reads but may not write
        r = s.post("/api/v1/certificates", {"user_id": self.a_id, "position": "db_emergency", "name": "x",
                                            "issued_at": T0}, token=s.login("aud", harness.USER_PW))
        self.assertStatus(r, 403)
        self.assertEqual(s.get("/api/v1/certificates", token=tok).json["total"], before)
        self.assertError(s.get("/api/v1/certificates?user_id=x", token=tok), 400, field="user_id")


if __name__ == "__main__":
    harness.main()
