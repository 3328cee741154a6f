"""test_incident_deadlines.py — the incident time rules through the API,
driven by the test clock: escalation by time (R-ESC-1…3), the first-report
and progress deadlines (R-NOT-1, R-NOT-5, R-NOT-6), drills (R-PLAN-2) and a
server restart (stop and kill -9) with deadlines pending.
"""
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from test_incidents import HOUR, MIN, IncidentWorld, fmt_time, parse_time  # noqa: E402

SEC = 1000  # ms


def pairs(inc):
    return [(e["from"], e["to"]) for e in inc["escalations"]]


class EscalationTest(IncidentWorld):
    """R-ESC-2: R3 → R2 at 4 h → R1 at 6 h; R2 → R1 at 2 h; late registration;
    stops at resolution; never lowers."""

    def at(self, inc, seconds):
        """Sets the clock to detection + seconds."""
        return self.set_clock(parse_time(inc["detected_at"]) + seconds * SEC)

    def test_r3_escalates_at_4h_and_6h_r_esc_2(self):
        inc = self.create("L3", "moderate")
        iid = inc["id"]
        self.first(iid)
        self.assertEqual(parse_time(self.get(iid)["next_escalation_at"]) - parse_time(inc["detected_at"]),
                         4 * HOUR * SEC)
        self.at(inc, 4 * HOUR - 1)
        g = self.get(iid)
        self.assertEqual(g["response_level"], "R3")
        self.assertEqual(g["escalations"], [])
        self.at(inc, 4 * HOUR)
        g = self.get(iid)
        self.assertEqual(g["response_level"], "R2")
        self.assertEqual(pairs(g), [("R3", "R2")])
        self.assertEqual(parse_time(g["escalations"][0]["at"]) - parse_time(inc["detected_at"]), 4 * HOUR * SEC)
        self.assertTrue(g["escalations"][0]["reason"])
        self.assertEqual(g["closing_role"], "ops_leader")
        self.assertTrue([t for t in g["timeline"] if t["kind"] == "escalation"])
        # R-ESC-3: the new level's recipients (those of L2) are added and notified
        self.assertIn("leader", self.recipient_names(g))
        self.assertTrue([m for m in g["messages"] if m["kind"] == "escalation"
                         and m["recipient_id"] == self.uid["leader"]])
        # the handling deadline stays detection + 8 h (of the initial level)
        self.assertEqual(g["handling_deadline"], inc["handling_deadline"])
        self.at(inc, 6 * HOUR - 1)
        self.assertEqual(self.get(iid)["response_level"], "R2")
        self.at(inc, 6 * HOUR)
        g = self.get(iid)
        self.assertEqual(g["response_level"], "R1")
        self.assertEqual(pairs(g), [("R3", "R2"), ("R2", "R1")])
        self.assertEqual(g["closing_role"], "emergency_leadership")
        self.assertIn("el", self.recipient_names(g))
        self.assertIsNone(g["next_escalation_at"])
        # R-NOT-6: past the handling deadline it shows missed
        self.at(inc, 8 * HOUR + 1)
        g = self.get(iid)
        self.assertIs(self.deadline(g, "handling")[0]["missed"], True)
        self.assertEqual(pairs(g), [("R3", "R2"), ("R2", "R1")])  # nothing further, never lowers

    def test_r2_escalates_at_2h_r_esc_2(self):
        inc = self.create("L2", "moderate")
        self.assertEqual(inc["response_level"], "R2")
        self.at(inc, 2 * HOUR - 1)
        self.assertEqual(self.get(inc["id"])["response_level"], "R2")
        self.at(inc, 2 * HOUR)
        g = self.get(inc["id"])
        self.assertEqual(g["response_level"], "R1")
        self.assertEqual(pairs(g), [("R2", "R1")])

    def test_late_registration_escalates_at_once_r_esc_2(self):
        detected = self.now() - 5 * HOUR * SEC
        inc = self.create("L3", "moderate", detected_at=fmt_time(detected))
        self.assertEqual(inc["level"], "L3")
        self.assertEqual(inc["response_level"], "R2")
        self.assertEqual(parse_time(inc["handling_deadline"]), detected + 8 * HOUR * SEC)
        g = self.get(inc["id"])
        self.assertEqual(pairs(g), [("R3", "R2")])
        self.assertEqual(g["base_response_level"], "R3")
        # and on to R1 at detection + 6 h
        self.at(g, 6 * HOUR)
        self.assertEqual(pairs(self.get(inc["id"])), [("R3", "R2"), ("R2", "R1")])
        # a registration past two steps goes straight to R1 in one record
        inc = self.create("L3", "moderate", detected_at=fmt_time(self.now() - 7 * HOUR * SEC))
        self.assertEqual(inc["response_level"], "R1")
        self.assertEqual(pairs(self.get(inc["id"])), [("R3", "R1")])

    # Seed ch.6 §3.2 (handling time ≤2/4/8 h per response level) with
    # ch.7 §2.1 item 1 (the 运行部 engineer sets the response level): a level
    # confirmed or raised by hand above the current one runs on its own
    # clock, which still starts at detection (R-ESC-2, seed ch.6 §3.1
    # "当突发事件发生后"); docs/policy.md, "The handling clock of a confirmed
    # level".
    def check_r2_clock(self, inc, how):
        d = parse_time(inc["detected_at"])
        g = self.get(inc["id"])
        self.assertEqual(g["response_level"], "R2", how)
        self.assertEqual(parse_time(g["handling_deadline"]), d + 4 * HOUR * SEC, how)
        self.assertEqual(parse_time(self.deadline(g, "handling")[0]["due_at"]), d + 4 * HOUR * SEC, how)
        self.assertEqual(parse_time(g["next_escalation_at"]), d + 2 * HOUR * SEC, how)
        self.set_clock(d + 2 * HOUR * SEC - 1)
        g = self.get(inc["id"])
        self.assertEqual(g["response_level"], "R2", how)
        self.assertEqual(pairs(g), [("R3", "R2")], how)
        self.set_clock(d + 2 * HOUR * SEC)
        g = self.get(inc["id"])
        self.assertEqual(g["response_level"], "R1", how)
        self.assertEqual(pairs(g), [("R3", "R2"), ("R2", "R1")], how)
        self.assertEqual(parse_time(g["escalations"][1]["at"]), d + 2 * HOUR * SEC, how)
        self.assertEqual(g["closing_role"], "emergency_leadership", how)
        self.assertIn("el", self.recipient_names(g), how)

    def test_confirmed_level_runs_on_its_own_clock_seed_6_3_2(self):
        inc = self.create("L3", "moderate")
        self.assertEqual(inc["response_level"], "R3")
        self.first(inc["id"])
        self.at(inc, 10 * MIN)
        self.second(inc["id"], "R2")
        self.check_r2_clock(inc, "second report confirming R2")

    def test_level_raised_by_hand_runs_on_its_own_clock_seed_6_3_2(self):
        inc = self.create("L3", "minor")
        self.assertEqual(inc["response_level"], "R3")
        self.at(inc, 10 * MIN)
        r = self.patch(inc["id"], {"response_level": "R2", "reason": "影响扩大 (impact grew)"})
        self.assertStatus(r, 200)
        self.check_r2_clock(inc, "regrade raising to R2")

    def test_level_raised_late_escalates_at_once_seed_6_3_2(self):
        # raised to R2 at 3 h: an R2 with 1 h left of its 4 h is R1 at once,
        # as a late registration is (R-ESC-2)
        inc = self.create("L3", "moderate")
        self.first(inc["id"])
        self.at(inc, 3 * HOUR)
        self.second(inc["id"], "R2")
        g = self.get(inc["id"])
        self.assertEqual(g["response_level"], "R1")
        self.assertEqual(pairs(g), [("R3", "R2"), ("R2", "R1")])
        self.assertIsNone(g["next_escalation_at"])
        # confirming the level the time rule already gave moves no clock
        inc = self.create("L3", "moderate")
        self.first(inc["id"])
        self.at(inc, 4 * HOUR)
        self.assertEqual(self.get(inc["id"])["response_level"], "R2")
        self.second(inc["id"], "R2")
        g = self.get(inc["id"])
        self.assertEqual(g["response_level"], "R2")
        self.assertEqual(parse_time(g["handling_deadline"]), parse_time(inc["detected_at"]) + 8 * HOUR * SEC)
        self.assertEqual(parse_time(g["next_escalation_at"]), parse_time(inc["detected_at"]) + 6 * HOUR * SEC)

    def test_first_report_after_late_escalation_reaches_recipients_r_not_1(self):
        # the late registration escalated at once and notified the L2 recipients;
        # the first report must still go to every recipient (R-NOT-2)
        inc = self.create("L3", "moderate", detected_at=fmt_time(self.now() - 5 * HOUR * SEC))
        g = self.first(inc["id"])
        self.assertEqual(self.recipient_names(g), {"leader", "sechead", "liaison", "dh", "opsdept"})
        for u in ("sechead", "liaison", "dh", "leader"):
            got = sorted(m["channel"] for m in g["messages"] if m["kind"] == "first"
                         and m["recipient_id"] == self.uid[u])
            self.assertEqual(got, ["email", "sms"], u)

    def test_long_late_registration_one_missed_progress_r_not_5(self):
        # registered 3 days late: the missed progress report shows once, not once per past slot
        inc = self.create("L3", "minor", detected_at=fmt_time(self.now() - 72 * HOUR * SEC))
        self.assertEqual(inc["response_level"], "R1")
        self.advance(1)
        g = self.get(inc["id"])
        missed = [d for d in g["deadlines"] if d["kind"] == "progress" and d["missed"]]
        self.assertEqual(len(missed), 1, g["deadlines"])
        pend = [d for d in g["deadlines"] if d["kind"] == "progress" and d["state"] == "pending"]
        self.assertEqual(len(pend), 1, g["deadlines"])
        self.assertGreater(parse_time(pend[0]["due_at"]), self.now())
        self.assertLessEqual(parse_time(pend[0]["due_at"]), self.now() + 30 * MIN * SEC)

    def test_escalation_stops_after_final_report_r_esc_3(self):
        inc = self.create("L2", "moderate")
        iid = inc["id"]
        self.first(iid)
        self.second(iid, "R2")
        self.assertStatus(self.action(iid, "activate", "leader"), 200)
        self.at(inc, HOUR)
        self.final(iid)
        self.at(inc, 5 * HOUR)
        g = self.get(iid)
        self.assertEqual(g["response_level"], "R2")
        self.assertEqual(g["escalations"], [])
        self.assertIsNone(g["next_escalation_at"])
        self.assertIs(self.deadline(g, "handling")[0]["missed"], False)  # met at resolution
        # the R2 authority closes
        self.assertStatus(self.action(iid, "close", "leader"), 200)

    def test_deadlines_end_with_the_incident_r_not_6(self):
        """An acknowledgement still due when the incident is resolved ends
        with it: never shown missed or overdue, no 逾期 entry written after
        closure by the scheduler, and no countdown left in the answer."""
        inc = self.create("L2", "moderate")
        iid = inc["id"]
        self.first(iid)
        self.second(iid, "R2")
        self.assertStatus(self.action(iid, "activate", "leader"), 200)
        acks = [d for d in self.get(iid)["deadlines"] if d["kind"] == "ack" and d["met_at"] is None]
        self.assertTrue(acks, "someone has not acknowledged yet")
        latest = max(parse_time(d["due_at"]) for d in acks)
        self.assertGreater(latest, self.now(), "the acknowledgements are still due")
        self.final(iid)
        resolved = parse_time(self.get(iid)["resolved_at"])
        self.assertStatus(self.action(iid, "close", "leader"), 200)
        missed_before = [t for t in self.get(iid)["timeline"] if t["kind"] == "deadline_missed"]
        # 1 ms before and at the latest due time, then far past it (the scheduler fires the rows)
        for at in (latest - 1, latest, latest + 3 * HOUR * SEC):
            self.set_clock(at)
            g = self.get(iid)
            for d in g["deadlines"]:
                if d["kind"] == "ack" and d["met_at"] is None:
                    self.assertEqual(d["state"], "ended", d)
                    self.assertIs(d["missed"], False)
            self.assertEqual([r["username"] for r in g["recipients"] if r["ack_overdue"]], [])
            self.assertEqual([t for t in g["timeline"] if t["kind"] == "deadline_missed"], missed_before)
        self.assertEqual(len(missed_before), 0)
        self.assertLessEqual(resolved, latest)

    def test_missed_entries_read_as_text_for_people_r_not_6(self):
        """A missed acknowledgement is written in words and Beijing time,
        naming whose it was: no deadline key, no UTC ISO time."""
        inc = self.create("L2", "moderate")
        iid = inc["id"]
        self.first(iid)
        g = self.get(iid)
        due = [r for r in g["recipients"] if r["ack_due"]]
        self.assertTrue(due)
        self.set_clock(max(parse_time(r["ack_due"]) for r in due) + 1)
        g = self.get(iid)
        missed = [t["text"] for t in g["timeline"] if t["kind"] == "deadline_missed" and "接收确认" in t["text"]]
        self.assertEqual(len(missed), len(due), g["timeline"])
        for r in due:
            self.assertEqual(len([m for m in missed if "（%s）" % r["display_name"] in m]), 1, (r, missed))
        for m in missed:
            self.assertNotRegex(m, r"\d{4}-\d\d-\d\dT")
            self.assertIn("(UTC+08:00) 前完成", m)
            self.assertFalse(m.startswith("逾期：ack"), m)

    def test_never_lowers_r_esc_3(self):
        inc = self.create("L3", "moderate")
        self.at(inc, 4 * HOUR)
        self.assertEqual(self.get(inc["id"])["response_level"], "R2")
        # a regrade that keeps the same base does not undo the time rule
        r = self.patch(inc["id"], {"severity": "minor"})
        self.assertStatus(r, 200)
        self.assertEqual(r.json["response_level"], "R2")
        # the second report cannot confirm a lower level
        self.first(inc["id"])
        r = self.report(inc["id"], "second", response_level="R3", system_impact="x",
                        estimated_recovery_at=fmt_time(self.now() + HOUR * SEC))
        self.assertError(r, 422, field="response_level")
        self.at(inc, 5 * HOUR)
        self.assertEqual(pairs(self.get(inc["id"])), [("R3", "R2")])


class NoGradeTest(IncidentWorld):
    """R-ESC-1: NG has no handling limit and never escalates (own server: the
    clock jumps 100 h)."""

    def test_ng_never_escalates_r_esc_1(self):
        inc = self.create("NG", "severe")
        self.assertEqual(inc["response_level"], "NG")
        self.assertIsNone(inc["handling_deadline"])
        self.first(inc["id"])
        self.advance(100 * HOUR)
        g = self.get(inc["id"])
        self.assertEqual(g["response_level"], "NG")
        self.assertEqual(g["escalations"], [])
        self.assertIsNone(g["next_escalation_at"])
        self.assertFalse([d for d in g["deadlines"] if d["kind"] in ("handling", "progress")])
        self.assertEqual(g["closing_role"], "ops_section_head")


class DeadlineTest(IncidentWorld):
    """R-NOT-1 first report deadline, R-NOT-5 progress cadence, R-NOT-6 missed
    deadlines visible."""

    def test_first_report_deadline_r_not_1_r_not_6(self):
        a = self.create("L1", "moderate")
        b = self.create("L1", "moderate")
        c = self.create("L3", "moderate")
        t0 = parse_time(a["detected_at"])
        self.assertEqual(parse_time(a["first_report_due"]) - t0, 5 * MIN * SEC)
        self.assertEqual(parse_time(c["first_report_due"]) - parse_time(c["detected_at"]), 10 * MIN * SEC)
        self.set_clock(t0 + 4 * MIN * SEC + 59 * SEC)
        g = self.first(a["id"])
        d = self.deadline(g, "first_report")[0]
        self.assertIsNotNone(d["met_at"])
        self.assertIs(d["missed"], False)
        self.set_clock(parse_time(b["first_report_due"]) + 1 * SEC)
        gb = self.get(b["id"])
        self.assertIs(self.deadline(gb, "first_report")[0]["missed"], True)
        self.assertTrue([t for t in gb["timeline"] if t["kind"] == "deadline_missed"])
        # L3: 10 min, not yet missed at 5 min + 1 s
        gc = self.get(c["id"])
        self.assertIs(self.deadline(gc, "first_report")[0]["missed"], False)
        # a's first report stays met after its due time passes
        self.assertIs(self.deadline(self.get(a["id"]), "first_report")[0]["missed"], False)
        # a late first report is recorded, and still shows missed
        gb = self.first(b["id"])
        d = self.deadline(gb, "first_report")[0]
        self.assertIsNotNone(d["met_at"])
        self.assertIs(d["missed"], True)

    def pending_progress(self, inc):
        ds = [d for d in inc["deadlines"] if d["kind"] == "progress" and d["met_at"] is None and not d["missed"]]
        self.assertEqual(len(ds), 1, inc["deadlines"])
        return parse_time(ds[0]["due_at"])

    def test_progress_cadence_by_level_r_not_5(self):
        for grade, sev, every in (("L1", "moderate", 30), ("L2", "moderate", 60), ("L3", "moderate", 120)):
            with self.subTest(grade=grade):
                inc = self.create(grade, sev)
                self.first(inc["id"])
                g = self.get(inc["id"])
                self.assertEqual(self.pending_progress(g) - parse_time(inc["detected_at"]), every * MIN * SEC)
                self.advance(10 * MIN)
                g = self.progress(inc["id"])
                now = self.now()
                met = [d for d in g["deadlines"] if d["kind"] == "progress" and d["met_at"]]
                self.assertEqual(len(met), 1)
                self.assertIs(met[0]["missed"], False)
                self.assertEqual(self.pending_progress(g) - now, every * MIN * SEC)

    def test_missed_progress_and_shorter_cadence_after_escalation_r_not_5_r_esc_3(self):
        inc = self.create("L3", "moderate")  # R3: every 120 min
        iid = inc["id"]
        t0 = parse_time(inc["detected_at"])
        self.first(iid)
        # the reminder to the owner comes before the report is due
        self.set_clock(t0 + 2 * HOUR * SEC - 4 * MIN * SEC)
        g = self.get(iid)
        self.assertTrue([m for m in g["messages"] if m["kind"] == "reminder"
                         and m["recipient_id"] == self.uid["eng"]])
        # missed at 2 h + 1 s: shown, and the next one is due one cadence later
        self.set_clock(t0 + 2 * HOUR * SEC + SEC)
        g = self.get(iid)
        missed = [d for d in g["deadlines"] if d["kind"] == "progress" and d["missed"]]
        self.assertEqual(len(missed), 1)
        self.assertEqual(self.pending_progress(g), t0 + 4 * HOUR * SEC)
        # a progress report at 3 h 30 → next due 5 h 30 at R3
        self.set_clock(t0 + 3 * HOUR * SEC + 30 * MIN * SEC)
        g = self.progress(iid)
        self.assertEqual(self.pending_progress(g), t0 + 5 * HOUR * SEC + 30 * MIN * SEC)
        # escalation to R2 at 4 h: the next is due within 60 min of it
        self.set_clock(t0 + 4 * HOUR * SEC)
        g = self.get(iid)
        self.assertEqual(g["response_level"], "R2")
        self.assertEqual(self.pending_progress(g), t0 + 5 * HOUR * SEC)
        # a progress report now moves the next one 60 min on
        self.set_clock(t0 + 4 * HOUR * SEC + 10 * MIN * SEC)
        g = self.progress(iid)
        self.assertEqual(self.pending_progress(g), t0 + 5 * HOUR * SEC + 10 * MIN * SEC)
        # escalation to R1 at 6 h — first the R2 one at 5 h 10 is missed
        self.set_clock(t0 + 6 * HOUR * SEC)
        g = self.get(iid)
        self.assertEqual(g["response_level"], "R1")
        self.assertEqual(self.pending_progress(g), t0 + 6 * HOUR * SEC + 10 * MIN * SEC)
        self.set_clock(t0 + 6 * HOUR * SEC + 5 * MIN * SEC)
        g = self.progress(iid)
        self.assertEqual(self.pending_progress(g), t0 + 6 * HOUR * SEC + 35 * MIN * SEC)


class DrillTest(IncidentWorld):
    """R-PLAN-2: a drill runs the same path and is marked as a drill."""

    def test_drill_same_path_and_filter_r_plan_2(self):
        real = self.create("L3", "moderate", title="真实故障")
        drill = self.create("L3", "moderate", title="演练故障", drill=True)
        self.assertIs(drill["drill"], True)
        self.assertIs(real["drill"], False)
        g = self.first(drill["id"])
        self.assertEqual(self.recipient_names(g), {"sechead", "liaison", "dh", "opsdept"})
        self.assertTrue([m for m in g["messages"] if m["kind"] == "first"])
        self.assertTrue(self.deadline(g, "first_report"))
        self.set_clock(parse_time(drill["detected_at"]) + 4 * HOUR * SEC)
        g = self.get(drill["id"])
        self.assertEqual(pairs(g), [("R3", "R2")])
        self.assertTrue([m for m in g["messages"] if m["kind"] == "escalation"])
        r = self.srv.get("/api/v1/incidents?drill=true", token=self.tok["eng"])
        self.assertStatus(r, 200)
        self.assertEqual([i["id"] for i in r.json["items"]], [drill["id"]])
        self.assertIs(r.json["items"][0]["drill"], True)
        r = self.srv.get("/api/v1/incidents?drill=false", token=self.tok["eng"])
        self.assertEqual([i["id"] for i in r.json["items"]], [real["id"]])
        r = self.srv.get("/api/v1/incidents", token=self.tok["eng"])
        self.assertEqual(sorted(i["id"] for i in r.json["items"]), sorted([real["id"], drill["id"]]))
        md = self.srv.get("/api/v1/incidents/%d/report.md" % drill["id"], token=self.tok["eng"])
        self.assertIn("DRILL", md.raw)


class RestartTest(IncidentWorld):
    """Deadlines survive a restart (clean stop and kill -9); each fires once."""

    def restart(self, kill=False):
        rc = self.srv.kill9() if kill else self.srv.stop()
        if not kill:
            self.assertEqual(rc, 0, self.srv.read_log()[-3000:])
        self.srv.start()
        self.srv.tokens = {}
        self.relogin(self.srv.clock(0))

    def test_restart_with_deadlines_pending(self):
        inc = self.create("L3", "moderate")
        iid = inc["id"]
        t0 = parse_time(inc["detected_at"])
        self.first(iid)
        self.restart()
        # the test clock did not go back
        self.assertGreaterEqual(self.now(), t0)
        self.set_clock(t0 + 4 * HOUR * SEC + MIN * SEC)
        g = self.get(iid)
        self.assertEqual(g["response_level"], "R2")
        self.assertEqual(pairs(g), [("R3", "R2")])
        self.restart()
        self.set_clock(t0 + 5 * HOUR * SEC)
        self.assertEqual(pairs(self.get(iid)), [("R3", "R2")])  # fired exactly once
        # kill -9 with the R1 step pending, then past it
        self.restart(kill=True)
        self.set_clock(t0 + 6 * HOUR * SEC + MIN * SEC)
        g = self.get(iid)
        self.assertEqual(pairs(g), [("R3", "R2"), ("R2", "R1")])
        self.restart(kill=True)
        self.assertEqual(pairs(self.get(iid)), [("R3", "R2"), ("R2", "R1")])
        # the incident goes on after the restarts
        self.second(iid, "R1")
        self.assertStatus(self.action(iid, "activate", "el"), 200)


if __name__ == "__main__":
    harness.main()
