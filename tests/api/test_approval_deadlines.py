"""test_approval_deadlines.py — approval steps have a due time, a reminder
at due and an escalation after it (research/modules-spec.md §1.5 `due`,
`remind_after`, `escalate_after`, `escalate_to`; docs/internals/kernel.md):
the ⚑ default of 24 h and one more 24 h before escalating, each fired
exactly once 1 ms after not firing; the escalation to a substitute (no
escalate_to) or to escalate_to's role, who may then decide in mode any;
a step decided before its due time cancels both; and in mode any one
rejection refuses the round (R-PRB-2: the workaround-only decision)."""
import os
import re
import tempfile
import time

import harness

SEC = 1000
MIN = 60 * SEC
HOUR = 60 * MIN


def utc(ms):
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(ms // 1000)) + ".%03dZ" % (ms % 1000)


def policy_with_due():
    """default.yaml with major_review due in 2 h, escalated after 3 h to
    the ops department head."""
    with open(os.path.join(harness.ROOT, "policy", "default.yaml"), encoding="utf-8") as f:
        text = f.read()
    new, n = re.subn(r"(  major_review:\n    zh: [^\n]*\n    en: [^\n]*\n)",
                     r"\1    due: 2h\n    escalate_after: 3h\n    escalate_to: [ops_department_head]\n", text)
    assert n == 1
    fd, path = tempfile.mkstemp(suffix=".yaml", prefix="opsdesk-policy-")
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(new)
    return path


class ApprovalDeadlines(harness.ServerTest):
    policy = policy_with_due()

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        s = cls.srv
        try:
            cls.pm_id, cls.pm = s.make_user("pm", ["problem_manager"])
            cls.pm2_id, cls.pm2 = s.make_user("pm2", ["problem_manager"])
            cls.solver_id, cls.solver = s.make_user("solver", ["problem_solver"])
            cls.sub_id, cls.sub = s.make_user("sub", ["problem_solver"])
            cls.head_id, cls.head = s.make_user("head", ["ops_department_head"])
        except Exception:
            cls.tearDownClass()
            raise

    @classmethod
    def tearDownClass(cls):
        super().tearDownClass()
        os.unlink(cls.policy)

    # ---- helpers ----
    def relogin(self):
        for name in ("pm", "pm2", "solver", "sub", "head"):
            setattr(ApprovalDeadlines, name, self.srv.login(name, harness.USER_PW))

    def get(self, pid):
        r = self.srv.get("/api/v1/problems/%d" % pid, token=self.pm)
        self.assertStatus(r, 200)
        return r.json

    def ok(self, pid, action, token, **body):
        body["version"] = self.get(pid)["version"]
        r = self.srv.post("/api/v1/records/%d/actions/%s" % (pid, action), body, token=token)
        self.assertStatus(r, 200)
        return r.json

    def active(self):
        r = self.srv.post("/api/v1/problems", {"title": "存储延迟", "fields": {"impact": "low", "urgency": "low",
                                                                              "category": "storage"}},
                          token=self.pm)
        self.assertStatus(r, 201)
        pid = r.json["id"]
        self.ok(pid, "accept", self.pm)
        self.ok(pid, "assign", self.pm, fields={"assignee_id": self.solver_id})
        self.ok(pid, "start", self.solver)
        return pid

    def timeline(self, pid, kind):
        r = self.srv.get("/api/v1/records/%d/timeline?limit=500" % pid, token=self.pm)
        self.assertStatus(r, 200)
        return [t for t in r.json["items"] if t["kind"] == kind]

    def rounds(self, pid):
        r = self.srv.get("/api/v1/records/%d/approvals" % pid, token=self.pm)
        self.assertStatus(r, 200)
        return r.json["items"]

    def at(self, ms):
        self.srv.clock(set_to=utc(ms))
        self.relogin()

    def vote(self, pid, rid, token, step="workaround_only", **body):
        body["step"] = step
        return self.srv.post("/api/v1/records/%d/approvals/%d/votes" % (pid, rid), body, token=token)

    # ---- the defaults: due 24 h, reminder at due, escalation 24 h later ----
    def test_default_due_reminder_and_escalation_to_a_substitute(self):
        pid = self.active()
        self.ok(pid, "decide_workaround_only", self.solver, reason="成本过高", fields={"workaround": "定期重启"})
        t0 = self.srv.now_ms()
        rnd = self.rounds(pid)[-1]
        self.assertEqual(rnd["steps"][0]["due_at"], utc(t0 + 24 * HOUR))
        # the request went to both problem managers
        req = [n for n in self.timeline(pid, "notify") if n["data"]["template"] == "approval.requested"]
        self.assertEqual(len(req), 1)
        self.assertEqual(sorted(req[0]["data"]["recipients"]), sorted([self.pm_id, self.pm2_id]))
        # pm is away: sub stands in for two days
        r = self.srv.post("/api/v1/approval-delegations", {"delegate_id": self.sub_id, "from": utc(t0),
                                                           "until": utc(t0 + 72 * HOUR)}, token=self.pm)
        self.assertStatus(r, 201)
        try:
            self.at(t0 + 24 * HOUR - 1)
            self.assertEqual(self.timeline(pid, "approval_reminder"), [])
            self.at(t0 + 24 * HOUR)
            rem = self.timeline(pid, "approval_reminder")
            self.assertEqual(len(rem), 1)
            self.assertEqual(sorted(rem[0]["data"]["to"]), sorted([self.pm_id, self.pm2_id]))
            self.assertEqual(self.timeline(pid, "approval_escalation"), [])
            self.at(t0 + 48 * HOUR - 1)
            self.assertEqual(self.timeline(pid, "approval_escalation"), [])
            self.at(t0 + 48 * HOUR)
            esc = self.timeline(pid, "approval_escalation")
            self.assertEqual(len(esc), 1)
            self.assertEqual(esc[0]["data"]["to"], [self.sub_id])
            self.assertEqual(esc[0]["data"]["added_approvers"], [self.sub_id])
            tpl = [n["data"]["template"] for n in self.timeline(pid, "notify")]
            self.assertEqual(tpl.count("approval.reminder"), 1)
            self.assertEqual(tpl.count("approval.escalated"), 1)
            # the substitute now decides in their own name (mode any)
            r = self.vote(pid, rnd["id"], self.sub, decision="approve")
            self.assertStatus(r, 200)
            self.assertEqual(self.rounds(pid)[-1]["state"], "accepted")
            self.at(t0 + 96 * HOUR)
            self.assertEqual(len(self.timeline(pid, "approval_reminder")), 1)
            self.assertEqual(len(self.timeline(pid, "approval_escalation")), 1)
        finally:
            self.relogin()

    # ---- policy: due 2 h, escalate after 3 h to a role ----
    def test_policy_due_and_escalate_to(self):
        pid = self.active()
        self.ok(pid, "resolve", self.solver, fields={"root_cause": "x", "solution": "y", "solution_evidence": "z",
                                                     "major": True})
        r = self.srv.post("/api/v1/problems/%d/review" % pid, {"version": self.get(pid)["version"],
                                                               "review": "复盘纪要"}, token=self.solver)
        self.assertStatus(r, 200)
        t0 = self.srv.now_ms()
        rnd = self.rounds(pid)[-1]
        self.assertEqual(rnd["steps"][0]["due_at"], utc(t0 + 2 * HOUR))
        try:
            self.at(t0 + 2 * HOUR - 1)
            self.assertEqual(self.timeline(pid, "approval_reminder"), [])
            self.at(t0 + 2 * HOUR)
            self.assertEqual(len(self.timeline(pid, "approval_reminder")), 1)
            # the head is no approver yet
            r = self.vote(pid, rnd["id"], self.head, step="major_review", decision="approve")
            self.assertStatus(r, 403)
            self.at(t0 + 3 * HOUR - 1)
            self.assertEqual(self.timeline(pid, "approval_escalation"), [])
            self.at(t0 + 3 * HOUR)
            esc = self.timeline(pid, "approval_escalation")
            self.assertEqual(len(esc), 1)
            self.assertEqual(esc[0]["data"]["to"], [self.head_id])
            r = self.vote(pid, rnd["id"], self.head, step="major_review", decision="approve")
            self.assertStatus(r, 200)
            self.assertEqual(self.rounds(pid)[-1]["state"], "accepted")
        finally:
            self.relogin()

    # ---- mode any: one rejection closes the round; its deadlines cancelled ----
    def test_reject_in_mode_any_closes_the_round(self):
        pid = self.active()
        self.ok(pid, "decide_workaround_only", self.solver, reason="成本过高", fields={"workaround": "定期重启"})
        t0 = self.srv.now_ms()
        rnd = self.rounds(pid)[-1]
        r = self.vote(pid, rnd["id"], self.pm2, decision="reject", comment="需根治")
        self.assertStatus(r, 200)
        self.assertEqual(self.rounds(pid)[-1]["state"], "refused")
        r = self.vote(pid, rnd["id"], self.pm, decision="approve")
        self.assertStatus(r, 409)
        try:
            self.at(t0 + 100 * HOUR)
            self.assertEqual(self.timeline(pid, "approval_reminder"), [])
            self.assertEqual(self.timeline(pid, "approval_escalation"), [])
        finally:
            self.relogin()
        # a new submission opens round 2 with its own deadlines
        self.ok(pid, "decide_workaround_only", self.solver, reason="再次申请")
        self.assertEqual([x["round"] for x in self.rounds(pid)], [1, 2])


if __name__ == "__main__":
    harness.main()
