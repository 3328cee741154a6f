"""test_readiness_scope.py — the readiness view and the duty roster are
filtered by the reader's department scope, like the training list
(R-SEC-SYS-2, R-PLAN-3; research/modules-spec.md §M7; docs/plans.md
"Readiness"): with two departments, an unscoped auditor counts everyone
qualified for a key position; an auditor scoped to 网络部 counts, lists and
flags only the people of 网络部 — the position's qualified count and people,
its gap, the people short of the annual hours and the expiring
certificates — and the roster likewise.  Runs on SQLite and PostgreSQL
(OD_PG_API_SUBSET)."""
import os
import tempfile

import harness

T0 = "2030-03-01T00:00:00.000Z"

READINESS = """
readiness:
  annual_hours: 48
  positions:
    - key: duty_engineer
      name_zh: 值班工程师
      name_en: Duty engineer
      roles: [ops_engineer]
      min_qualified: 2
"""


def policy_with_readiness():
    with open(os.path.join(harness.ROOT, "policy", "default.yaml"), encoding="utf-8") as f:
        text = f.read()
    fd, path = tempfile.mkstemp(suffix=".yaml", prefix="opsdesk-policy-")
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(text.split("\nreadiness:\n")[0].rstrip("\n") + "\n" + READINESS)
    return path


class ReadinessScope(harness.ServerTest):
    policy = policy_with_readiness()

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        s = cls.srv
        try:
            s.clock(set_to=T0)
            cls.ids = {}
            _, eng = s.make_user("eng", ["emergency_engineering"])
            for name, dept in (("ops1", "运行部"), ("ops2", "运行部"), ("net1", "网络部")):
                cls.ids[name], _ = s.make_user(name, ["ops_engineer"], department=dept)
                r = s.post("/api/v1/trainings", {"user_id": cls.ids[name], "topic": "值班培训", "hours": 4,
                                                 "held_at": "2030-02-01T09:00:00Z"}, token=eng)
                assert r.status == 201, r
            for name in ("ops1", "net1"):  # expiring within 30 days
                r = s.post("/api/v1/certificates", {"user_id": cls.ids[name], "position": "duty_engineer",
                                                    "name": "值班资格", "issued_at": "2030-01-01T00:00:00Z",
                                                    "expires_at": "2030-03-20T00:00:00Z"}, token=eng)
                assert r.status == 201, r
            s.make_user("aud", ["auditor"])
            s.make_user("netaud", ["auditor"], department="网络部", scopes=["网络部"])
        except Exception:
            cls.tearDownClass()
            raise

    @classmethod
    def tearDownClass(cls):
        super().tearDownClass()
        os.unlink(cls.policy)

    def get(self, path, who):
        r = self.srv.get(path, token=self.srv.login(who, harness.USER_PW))
        self.assertStatus(r, 200)
        return r.json

    def test_readiness_and_roster_in_scope(self):
        ids = self.ids
        everyone = self.get("/api/v1/readiness", "aud")
        pos = everyone["positions"][0]
        self.assertEqual((pos["key"], pos["qualified"], sorted(pos["people"]), pos["gap"]),
                         ("duty_engineer", 3, ["net1", "ops1", "ops2"], False))
        self.assertEqual(everyone["gaps"], [])
        short = {u["user_id"] for u in everyone["under_hours"]}
        self.assertTrue({ids["ops1"], ids["ops2"], ids["net1"]} <= short)
        self.assertEqual(sorted(c["user_id"] for c in everyone["expiring"]), sorted([ids["ops1"], ids["net1"]]))
        # scoped to 网络部: its people only
        mine = self.get("/api/v1/readiness", "netaud")
        pos = mine["positions"][0]
        self.assertEqual((pos["qualified"], pos["people"], pos["gap"]), (1, ["net1"], True))
        self.assertEqual(mine["gaps"], ["duty_engineer"])
        self.assertIn(ids["net1"], {u["user_id"] for u in mine["under_hours"]})
        self.assertEqual({ids["ops1"], ids["ops2"]} & {u["user_id"] for u in mine["under_hours"]}, set())
        self.assertEqual([c["user_id"] for c in mine["expiring"]], [ids["net1"]])
        # the roster likewise
        roster = self.get("/api/v1/readiness/roster", "aud")["positions"][0]
        self.assertEqual((roster["qualified"], roster["below_two"]), (3, False))
        roster = self.get("/api/v1/readiness/roster", "netaud")["positions"][0]
        self.assertEqual((roster["qualified"], roster["people"], roster["gap"], roster["below_two"]),
                         (1, ["net1"], True, True))


if __name__ == "__main__":
    harness.main()
