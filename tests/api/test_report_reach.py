"""test_report_reach.py — who the progress and final reports reach.

Seed 000 ch. 7 §2.1 item 7 (the third report goes "to all relevant
persons", 报给所有相关人员) and item 8 (progress reports), REQUIREMENTS
R-NOT-2 ("Final report … sent to everyone notified before") and R-NOT-5:
the progress and final reports reach everyone an earlier report or alarm of
the incident reached, those reached only by the second report (the leaders
of the confirmed level, the monitoring desk it is fed back to) included.
Every wait is done by the test clock.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
import test_incidents as ti  # noqa: E402


class ReportReachTest(ti.IncidentWorld):

    def rows(self, inc, kind):
        """(username, channel) of the outbox rows of `kind`, sorted."""
        return sorted((self.uname[m["recipient_id"]], m["channel"]) for m in inc["messages"]
                      if m["kind"] == kind)

    def want(self, names):
        return sorted((u, ch) for u in names for ch in ("email", "sms"))

    def test_second_report_audience_gets_progress_and_final_r_not_2_r_not_5(self):
        # L3 severe → R2 (R-INC-3): the first report goes to the L3 list, the
        # second (R2 confirmed) to the L2 list — the ops leader joins — and to
        # the monitoring desk.
        inc = self.create("L3", "severe")
        iid = inc["id"]
        self.assertEqual(inc["response_level"], "R2")
        g = self.first(iid)
        self.assertEqual(self.rows(g, "first"), self.want(ti.RECIPIENTS["L3"]))
        g = self.second(iid, "R2")
        second = ti.RECIPIENTS["L2"] | {"mon"}
        self.assertEqual(self.rows(g, "second"), self.want(second))
        # the leader and the monitoring desk were reached by the second report only
        reached = ti.RECIPIENTS["L3"] | second
        self.assertEqual(reached - ti.RECIPIENTS["L3"], {"leader", "mon"})
        # they have no acknowledgement duty: the recipients stay the first report's
        self.assertEqual(self.recipient_names(g), ti.RECIPIENTS["L3"])
        # the ops leader activates the R2 plan (R-ACT-1)
        self.assertStatus(self.action(iid, "activate", "leader"), 200)
        self.advance(30 * ti.MIN)
        g = self.progress(iid, "已切换备用链路")
        # the progress report: one row per person reached before and channel
        self.assertEqual(self.rows(g, "progress"), self.want(reached))
        self.advance(30 * ti.MIN)
        g = self.final(iid)
        self.assertEqual(g["state"], "resolved")
        self.assertEqual(self.rows(g, "final"), self.want(reached))
        # nobody reached before is left out, and nobody else is added
        for u in ("el", "eng", "dh_other"):  # opsdept is an L3 recipient (seed 000 ch. 7 §2.1 item 6)
            self.assertFalse([m for m in g["messages"] if m["kind"] in ("progress", "final")
                              and m["recipient_id"] == self.uid[u]], u)

    def test_monitoring_desk_gets_final_at_confirmed_level_r_not_2(self):
        # an L3 moderate (R3) confirmed at R3: the second report reaches the
        # L3 list again and the monitoring desk; the final report exactly those.
        inc = self.create("L3", "moderate")
        iid = inc["id"]
        self.first(iid)
        g = self.second(iid, "R3")
        reached = ti.RECIPIENTS["L3"] | {"mon"}
        self.assertEqual(self.rows(g, "second"), self.want(reached))
        self.assertStatus(self.action(iid, "activate", "opsdept"), 200)
        g = self.final(iid)
        self.assertEqual(self.rows(g, "final"), self.want(reached))


if __name__ == "__main__":
    harness.main()
