"""test_renotify_cap.py — re-notification is capped by the policy
(acknowledgement.renotify_max, R-NOT-4): an unacknowledged recipient of an
L1 incident is reminded every 5 minutes at most 6 times (the seed), then
the timeline asks the desk to phone them, once, and duties.ack_overdue_to
(the section head and up, the person excepted) get an ack_overdue message
naming them (seed 000 ch. 7 §2.1 item 6); someone who acknowledges
is reminded no more; the policy table shows the rule.  Every wait is done
by the test clock, one re-notification period at a time.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
import test_incidents as ti  # noqa: E402


class RenotifyCapTest(ti.IncidentWorld):

    def reminders(self, g, user):
        return {m["cause"] for m in g["messages"] if m["kind"] == "reminder" and ":renotify:" in m["cause"]
                and m["recipient_id"] == self.uid[user]}

    def test_reminders_stop_after_the_cap_r_not_4(self):
        inc = self.create("L1", "moderate")
        iid = inc["id"]
        self.first(iid)
        self.advance(5 * ti.MIN + 1)   # past the ack deadline: missed, first reminder
        g = self.get(iid)
        for u in ti.ACKERS["L1"]:
            self.assertEqual(len(self.reminders(g, u)), 1, u)
        # the leadership group owes no acknowledgement (seed 000 ch. 7 §2.1 item 6): never reminded
        self.assertEqual(len(self.reminders(g, "el")), 0)
        self.assertStatus(self.action(iid, "ack", "liaison"), 200)
        others = [u for u in ti.ACKERS["L1"] if u != "liaison"]  # those who did not acknowledge
        self.assertGreaterEqual(len(others), 2)
        self.advance(5 * ti.MIN)        # second reminder to those who did not acknowledge
        for _ in range(12):             # an hour more, one period at a time
            self.advance(5 * ti.MIN)
        g = self.get(iid)
        self.assertEqual(len(self.reminders(g, "liaison")), 1)
        for u in others:
            self.assertEqual(len(self.reminders(g, u)), 6, u)
        stopped = [t["text"] for t in g["timeline"] if t["kind"] == "renotify_stopped"]
        self.assertEqual(len(stopped), len(others), stopped)
        self.assertTrue(all("6 次仍未确认" in s and "请电话联系" in s for s in stopped), stopped)
        # and duties.ack_overdue_to (section head and up, the person excepted) are told to phone
        # them, once per person (seed 000 ch. 7 §2.1 item 6)
        esc = sorted((m["cause"].rsplit(":", 1)[1], self.uname[m["recipient_id"]]) for m in g["messages"]
                     if m["kind"] == "ack_overdue" and m["channel"] == "sms")
        want = sorted((str(self.uid[u]), w) for u in others for w in ("sechead", "opsdept") if w != u)
        self.assertEqual(esc, want)
        # and no more after that
        for _ in range(6):
            self.advance(5 * ti.MIN)
        g = self.get(iid)
        for u in others:
            self.assertEqual(len(self.reminders(g, u)), 6, u)
        self.assertEqual(len([t for t in g["timeline"] if t["kind"] == "renotify_stopped"]), len(others))
        self.assertEqual(len(self.reminders(g, "el")), 0)
        self.assertEqual(len([m for m in g["messages"] if m["kind"] == "ack_overdue" and m["channel"] == "sms"]),
                         len(want))

    def test_policy_table_shows_the_rule_r_not_4(self):
        r = self.srv.get("/api/v1/policy/table", token=self.tok["eng"])
        self.assertStatus(r, 200)
        # who owes the acknowledgement (seed 000 ch. 7 §2.1 item 6, duties.ack_required)
        self.assertEqual(r.json["acknowledgement"], {
            "renotify_every_minutes": 5, "renotify_max": 6, "required_of": "named_roles",
            "roles": [{"key": "ops_section_head", "name_zh": "运行部科室负责人"},
                      {"key": "ops_department_head", "name_zh": "运行部部门负责人"},
                      {"key": "department_head", "name_zh": "有关部门负责人"},
                      {"key": "liaison", "name_zh": "特定联络人"}]})


if __name__ == "__main__":
    harness.main()
