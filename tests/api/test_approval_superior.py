"""test_approval_superior.py — an overdue approval escalated to the
approvers' superior (research/modules-spec.md §1.5 "escalation";
docs/internals/kernel.md "Due, reminder, escalation"; R-PRB-2): the
workaround-only step due in 1 h and escalated after 2 h to `superior`, the
department heads (department_head, ops_department_head) of the department
of each approver who has not answered.  The escalation fires exactly once,
1 ms before it nothing; the heads are told (approval.escalated), the
timeline records it, a head of another department is not told, and in mode
any a head may then decide.  `superior` outside escalate_to is refused by
the policy loader."""
import os
import re
import subprocess
import tempfile
import time

import harness

HOUR = 3600 * 1000


def utc(ms):
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(ms // 1000)) + ".%03dZ" % (ms % 1000)


def policy_text(escalate_to="[superior]"):
    with open(os.path.join(harness.ROOT, "policy", "default.yaml"), encoding="utf-8") as f:
        text = f.read()
    new, n = re.subn(r"(  workaround_only:\n    zh: [^\n]*\n    en: [^\n]*\n)",
                     r"\1    due: 1h\n    escalate_after: 2h\n    escalate_to: %s\n" % escalate_to, text)
    assert n == 1
    return new


def policy_file(text):
    fd, path = tempfile.mkstemp(suffix=".yaml", prefix="opsdesk-policy-")
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(text)
    return path


class ApprovalSuperior(harness.ServerTest):
    policy = policy_file(policy_text())

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        s = cls.srv
        try:
            cls.pm_id, cls.pm = s.make_user("pm", ["problem_manager"], department="运行部")
            cls.solver_id, cls.solver = s.make_user("solver", ["problem_solver"], department="运行部")
            cls.head_id, cls.head = s.make_user("head", ["ops_department_head"], department="运行部")
            cls.dhead_id, cls.dhead = s.make_user("dhead", ["department_head"], department="运行部")
            cls.nethead_id, cls.nethead = s.make_user("nethead", ["department_head"], department="网络部")
            cls.peer_id, cls.peer = s.make_user("peer", ["problem_solver"], department="运行部")
        except Exception:
            cls.tearDownClass()
            raise

    @classmethod
    def tearDownClass(cls):
        super().tearDownClass()
        os.unlink(cls.policy)

    def relogin(self):
        for name in ("pm", "solver", "head", "dhead", "nethead", "peer"):
            setattr(ApprovalSuperior, name, self.srv.login(name, harness.USER_PW))

    def get(self, pid):
        r = self.srv.get("/api/v1/problems/%d" % pid, token=self.pm)
        self.assertStatus(r, 200)
        return r.json

    def ok(self, pid, action, token, **body):
        body["version"] = self.get(pid)["version"]
        r = self.srv.post("/api/v1/records/%d/actions/%s" % (pid, action), body, token=token)
        self.assertStatus(r, 200)

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

    def test_escalated_once_to_the_superiors(self):
        r = self.srv.post("/api/v1/problems", {"title": "存储延迟", "fields": {"impact": "low", "urgency": "low",
                                                                              "category": "storage"}},
                          token=self.pm)
        self.assertStatus(r, 201)
        pid = r.json["id"]
        self.ok(pid, "accept", self.pm)
        self.ok(pid, "assign", self.pm, fields={"assignee_id": self.solver_id})
        self.ok(pid, "start", self.solver)
        self.ok(pid, "decide_workaround_only", self.solver, reason="成本过高", fields={"workaround": "定期重启"})
        t0 = self.srv.now_ms()
        rnd = self.rounds(pid)[-1]
        self.assertEqual(rnd["steps"][0]["due_at"], utc(t0 + HOUR))
        self.assertEqual(rnd["steps"][0]["approvers"], [self.pm_id])
        vote = "/api/v1/records/%d/approvals/%d/votes" % (pid, rnd["id"])
        try:
            self.at(t0 + HOUR)
            self.assertEqual(len(self.timeline(pid, "approval_reminder")), 1)
            # the head is no approver before the escalation
            r = self.srv.post(vote, {"step": "workaround_only", "decision": "approve"}, token=self.head)
            self.assertStatus(r, 403)
            self.at(t0 + 2 * HOUR - 1)
            self.assertEqual(self.timeline(pid, "approval_escalation"), [])
            self.at(t0 + 2 * HOUR)
            esc = self.timeline(pid, "approval_escalation")
            self.assertEqual(len(esc), 1)
            # the heads of pm's department, not the other department's head, not a peer
            self.assertEqual(sorted(esc[0]["data"]["to"]), sorted([self.head_id, self.dhead_id]))
            self.assertEqual(sorted(esc[0]["data"]["added_approvers"]), sorted([self.head_id, self.dhead_id]))
            told = [n for n in self.timeline(pid, "notify") if n["data"]["template"] == "approval.escalated"]
            self.assertEqual(len(told), 1)
            self.assertEqual(sorted(told[0]["data"]["recipients"]), sorted([self.head_id, self.dhead_id]))
            # exactly once, however late
            self.at(t0 + 50 * HOUR)
            self.assertEqual(len(self.timeline(pid, "approval_escalation")), 1)
            r = self.srv.post(vote, {"step": "workaround_only", "decision": "approve"}, token=self.nethead)
            self.assertStatus(r, 403)
            r = self.srv.post(vote, {"step": "workaround_only", "decision": "approve"}, token=self.dhead)
            self.assertStatus(r, 200)
            self.assertEqual(self.rounds(pid)[-1]["state"], "accepted")
        finally:
            self.relogin()

    def test_superior_only_in_escalate_to(self):
        bad = policy_text().replace("    approvers: [problem_manager]\n    mode: any\n    decisions: [approve, reject, "
                                    "more_info]\n    comment_required_on",
                                    "    approvers: [superior]\n    mode: any\n    decisions: [approve, reject, "
                                    "more_info]\n    comment_required_on", 1)
        self.assertNotEqual(bad, policy_text())
        path = policy_file(bad)
        try:
            p = subprocess.run([harness.BIN, "policy", "check", path], capture_output=True, text=True, timeout=60)
            self.assertNotEqual(p.returncode, 0)
            self.assertIn("superior 只能用于审批的 escalate_to", p.stdout + p.stderr)
            good = policy_file(policy_text())
            try:
                p = subprocess.run([harness.BIN, "policy", "check", good], capture_output=True, text=True,
                                   timeout=60)
                self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
            finally:
                os.unlink(good)
        finally:
            os.unlink(path)


if __name__ == "__main__":
    harness.main()
