"""test_deadline_catchup.py — a long jump of the clock is caught up once, not
replayed slot by slot (R-NOT-4 re-notification, R-NOT-5 progress cadence,
R-NOT-6 missed deadlines): 20 open R1 incidents, the test clock advanced
100 h in one call.  Each incident gets one record of the missed progress
reports with their number and one reminder, and the cadence goes on from the
new time.  Also: a malformed test-clock time is refused with 400.
"""
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from test_incidents import HOUR, MIN, IncidentWorld, parse_time  # noqa: E402

SEC = 1000  # ms
N = 20
CADENCE = 30 * MIN  # R1 progress cadence of the seed policy (s)
REMIND_BEFORE = 5 * MIN


class CatchUpTest(IncidentWorld):

    def progress_reminders(self, g):
        """Progress reminders to the owner (one per cause: each goes out on every channel)."""
        return {m["cause"] for m in g["messages"] if m["kind"] == "reminder"
                and m["recipient_id"] == self.uid["eng"]}

    def test_100h_jump_is_one_catch_up_per_incident_r_not_5_r_not_6(self):
        incs = [self.create("L1", "moderate", title="故障 %d" % i) for i in range(N)]
        for inc in incs:
            self.assertEqual(inc["response_level"], "R1")
            self.first(inc["id"])
        # escalation by time in the same jump (R-ESC-2): each step once, at its own time
        l3 = self.create("L3", "moderate")
        self.first(l3["id"])
        t0 = self.now()
        started = time.monotonic()
        clock = self.advance(100 * HOUR)
        print("advance 100 h: %.3f s, %d firings" % (time.monotonic() - started, clock["fired"]), file=sys.stderr)
        # caught up once, not replayed slot by slot: a replay fires at least the
        # 199 passed progress slots of each incident (≥ 3 980 firings); the
        # catch-up fires each deadline row of an incident a handful of times
        # (acknowledgements, re-notifications, handling, progress: 10 each here;
        # the L3 incident's recipients acknowledge too, seed 000 ch. 7 §2.1 item 6)
        self.assertLessEqual(clock["fired"], 13 * (N + 1), clock)
        now = clock["now_ms"]
        self.assertEqual(now, t0 + 100 * HOUR * SEC)
        for inc in incs:
            g = self.get(inc["id"])
            detected = parse_time(inc["detected_at"])
            missed = [t for t in g["timeline"] if t["kind"] == "deadline_missed" and "progress" in t["text"]]
            # slots detected + 30 min … detected + 99 h 30 passed; the one due at
            # detected + 100 h is not missed yet at the new time
            want = (now - 1 - (detected + CADENCE * SEC)) // (CADENCE * SEC) + 1
            self.assertEqual(len(missed), 1, [t["text"] for t in missed])
            self.assertIn("错过 %d 次进展报告" % want, missed[0]["text"])
            self.assertIn("missed %d progress reports between" % want, missed[0]["text"])
            self.assertEqual(parse_time(missed[0]["at"]), now)
            self.assertEqual(len(self.progress_reminders(g)), 1, g["messages"])
            # unacknowledged recipients (R-NOT-4): the missed acknowledgement and
            # the whole run of 5-minute re-notifications after it are one reminder
            for u in ("sechead", "liaison"):
                rem = [m for m in g["messages"] if m["kind"] == "reminder" and m["recipient_id"] == self.uid[u]]
                self.assertEqual(len({m["cause"] for m in rem}), 1, (u, rem))
            # the leadership group is told, owes no acknowledgement, is never reminded
            # (seed 000 ch. 7 §2.1 item 6, duties.ack_required)
            self.assertEqual([m for m in g["messages"] if m["kind"] == "reminder" and m["recipient_id"] == self.uid["el"]],
                             [])
            # the cadence goes on from the new time
            pend = [d for d in g["deadlines"] if d["kind"] == "progress" and d["state"] == "pending"]
            self.assertEqual(len(pend), 1, g["deadlines"])

            self.assertEqual(parse_time(pend[0]["due_at"]), now + CADENCE * SEC)
        g = self.get(l3["id"])
        detected = parse_time(l3["detected_at"])
        self.assertEqual([(x["from"], x["to"], parse_time(x["at"]) - detected) for x in g["escalations"]],
                         [("R3", "R2", 4 * HOUR * SEC), ("R2", "R1", 6 * HOUR * SEC)])
        self.assertEqual(len([t for t in g["timeline"] if t["kind"] == "deadline_missed" and "progress" in t["text"]
                              and "missed" in t["text"] and "between" in t["text"]]), 1)
        # the next reminder comes before that report, and only then
        self.advance(CADENCE - REMIND_BEFORE - 1)
        for inc in incs[:3]:
            self.assertEqual(len(self.progress_reminders(self.get(inc["id"]))), 1)
        self.advance(1)
        for inc in incs[:3]:
            self.assertEqual(len(self.progress_reminders(self.get(inc["id"]))), 2)

    def test_malformed_clock_set_is_400(self):
        r = self.srv.post("/api/v1/test/clock", {"set": "not a time"})
        self.assertError(r, 400, field="set")


if __name__ == "__main__":
    harness.main()
