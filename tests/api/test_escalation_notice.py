"""test_escalation_notice.py — one message per person when the response
level is raised (R-ESC-3, R-NOT-1, R-NOT-4), and the activator of the plan
is told when the level rises past them.

An L2 moderate incident (R2) is activated by the ops leader; the time rule
(R-ESC-2) raises it to R1.  The recipients of R1 are those of L1.  Each
person gets exactly one escalation message per channel: the newly added
(the emergency leadership) the join notice with its ack request, those who
were recipients already the escalation notice, and the ops leader, who
activated the R2 plan and is no recipient of L1, the escalation notice too.
Nobody else is written to.  The reason people read names the levels and
carries no requirement id.  Every wait is done by the test clock.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
import test_incidents as ti  # noqa: E402


class EscalationNoticeTest(ti.IncidentWorld):

    def esc_rows(self, g):
        """{username: sorted [(suffix, channel)]} of the escalation rows."""
        out = {}
        for m in g["messages"]:
            if ":esc:" not in m["cause"]:
                continue
            suffix = "join" if m["cause"].endswith(":join") else "notice"
            out.setdefault(self.uname[m["recipient_id"]], []).append((suffix, m["channel"]))
        return {k: sorted(v) for k, v in out.items()}

    def test_one_message_per_person_and_activator_told_r_esc_3(self):
        inc = self.create("L2", "moderate")
        iid = inc["id"]
        self.assertEqual(inc["response_level"], "R2")
        self.first(iid)
        self.second(iid, "R2")
        self.assertStatus(self.action(iid, "activate", "leader"), 200)
        g = self.get(iid)
        self.assertEqual(self.esc_rows(g), {})
        # the time rule raises R2 to R1 (R-ESC-2): at most 6 hours of 15 min steps
        for _ in range(24):
            self.advance(15 * ti.MIN)
            g = self.get(iid)
            if g["response_level"] == "R1":
                break
        self.assertEqual(g["response_level"], "R1")
        both = lambda kind: [(kind, "email"), (kind, "sms")]  # noqa: E731
        want = {"el": both("join")}                         # new: the join notice with the ack request
        for u in ti.RECIPIENTS["L1"] & ti.RECIPIENTS["L2"]:   # recipients already: the notice only
            want[u] = both("notice")
        want["leader"] = both("notice")                    # the activator, no recipient of L1
        self.assertEqual(self.esc_rows(g), want)
        # the new recipient owes an acknowledgement; the activator does not (R-NOT-4)
        reasons = {r["username"]: r["reason"] for r in g["recipients"]}
        self.assertEqual(reasons["el"], "escalation")
        self.assertEqual(reasons["leader"], "first_report")
        # the reason people read: levels by name, no requirement id, no nested English
        esc = [t for t in g["timeline"] if t["kind"] == "escalation"]
        self.assertEqual(len(esc), 1, esc)
        self.assertNotIn("R-ESC", esc[0]["text"])
        self.assertIn("不超过一级响应（R1）的处理时限 120 分钟", esc[0]["text"])
        self.assertNotIn("remaining", esc[0]["text"])
        self.assertEqual([e["reason"] for e in g["escalations"]],
                         ["剩余处理时间 120 分钟，不超过一级响应（R1）的处理时限 120 分钟"])


if __name__ == "__main__":
    harness.main()
