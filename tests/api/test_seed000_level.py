"""test_seed000_level.py — seed 000 ch. 7 §1 item 3 (audit #20; R-INC-2,
R-INC-4): "事件级别无法确定时，按就高原则上报和启动预案" — when the incident
level cannot be determined, reporting and activation use the higher level.

POST /api/v1/incidents takes `candidate_levels` (the levels it may be): the
incident is registered at the highest of them and of the affected CIs'
grades, marked `level_provisional` when a candidate set the level; with
candidates, `ci_ids` may be empty (the reporter need not guess a CI).  A
later regrade that names the CIs determines the level.  Bad input: 422,
nothing written.  Every wait is done by the test clock.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
import test_incidents as ti  # noqa: E402

MIN = ti.MIN


class UndeterminedLevelTest(ti.IncidentWorld):

    def count(self):
        r = self.srv.get("/api/v1/incidents?limit=1", token=self.tok["eng"])
        self.assertStatus(r, 200)
        return r.json["total"]

    def test_no_ci_takes_the_highest_candidate_r_inc_2(self):
        inc = self.create(ci_ids=[], candidate_levels=["L2", "L1"], severity="moderate")
        self.assertEqual(inc["level"], "L1")
        self.assertIs(inc["level_provisional"], True)
        self.assertEqual(inc["response_level"], "R1")  # L1 x moderate: activation by the leadership group
        self.assertEqual(inc["cis"], [])
        self.assertEqual(ti.parse_time(inc["first_report_due"]) - ti.parse_time(inc["detected_at"]),
                         5 * MIN * 1000)  # L1: first report within 5 min
        kinds = [t["kind"] for t in inc["timeline"]]
        self.assertEqual(kinds.count("level_provisional"), 1)
        text = [t["text"] for t in inc["timeline"] if t["kind"] == "level_provisional"][0]
        self.assertIn("就高", text)
        # the first report reaches the L1 recipients
        g = self.first(inc["id"])
        self.assertEqual(self.recipient_names(g), ti.RECIPIENTS["L1"])

    def test_candidates_and_cis_the_highest_wins_r_inc_4(self):
        for ci, cands, level, prov in (("L2", ["L3"], "L2", False),   # the CI is higher: determined
                                       ("L2", ["L2"], "L2", False),   # equal: the CI decides
                                       ("L3", ["L2"], "L2", True),    # a candidate is higher: 就高
                                       ("NG", ["L3", "L1"], "L1", True)):
            with self.subTest(ci=ci, cands=cands):
                inc = self.create(ci_ids=[self.ci[ci]], candidate_levels=cands, severity="moderate")
                self.assertEqual(inc["level"], level)
                self.assertIs(inc["level_provisional"], prov)
                self.assertEqual([c["grade"] for c in inc["cis"]], [ci])

    def test_without_candidates_the_level_is_determined(self):
        inc = self.create("L3")
        self.assertIs(inc["level_provisional"], False)
        self.assertNotIn("level_provisional", [t["kind"] for t in inc["timeline"]])

    def test_bad_input_422_nothing_written(self):
        before = self.count()
        for body, field in (({"ci_ids": []}, "ci_ids"),                       # neither CI nor candidate
                            ({"ci_ids": [], "candidate_levels": []}, "ci_ids"),
                            ({"ci_ids": [], "candidate_levels": ["L9"]}, "candidate_levels"),
                            ({"ci_ids": [], "candidate_levels": [1]}, "candidate_levels"),
                            ({"ci_ids": [999999], "candidate_levels": ["L1"]}, "ci_ids")):
            with self.subTest(body=body):
                b = {"title": "无法定级", "severity": "moderate"}
                b.update(body)
                r = self.srv.post("/api/v1/incidents", b, token=self.tok["eng"])
                self.assertError(r, 422, field=field)
        r = self.srv.post("/api/v1/incidents", {"title": "x", "candidate_levels": ["L1"] * 5},
                          token=self.tok["eng"])
        self.assertEqual(r.status // 100, 4, r)
        self.assertEqual(self.count(), before)

    def test_regrade_with_cis_determines_the_level_r_inc_4(self):
        inc = self.create(ci_ids=[], candidate_levels=["L1", "L2"], severity="moderate")
        self.assertIs(inc["level_provisional"], True)
        r = self.patch(inc["id"], {"ci_ids": [self.ci["L2"]], "reason": "已查明为二级系统 (determined: an L2 system)"})
        self.assertStatus(r, 200)
        self.assertEqual(r.json["level"], "L2")
        self.assertIs(r.json["level_provisional"], False)
        self.assertEqual([c["grade"] for c in r.json["cis"]], ["L2"])


if __name__ == "__main__":
    harness.main()
