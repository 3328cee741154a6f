"""test_checklist_placeholders.py — placeholders in checklist texts
(research/modules-spec.md §1.6 "templates"; docs/internals/kernel.md
"Checklists"; core/placeholder.h): an item of the problem closure checklist
written with {{record.number}}, {{ ci.name }}, {{ci.names}} and
{{record.priority}} reads, once the checklist opens, with the problem's
number, its first CI's name, every CI's name and its priority; a CI added
later does not change the opened checklist; `opsdesk policy check` refuses
an unknown placeholder and an unclosed one, naming them."""
import os
import subprocess
import tempfile

import harness

ITEM = ("      - {key: ci_checked, zh: '{{record.number}} 已复查 {{ ci.name }}（{{ci.names}}，{{record.priority}}）',\n"
        "         en: '%s: {{ci.name}} checked again', type: check, required: false}\n")


def policy_text(en="{{record.number}}"):
    with open(os.path.join(harness.ROOT, "policy", "default.yaml"), encoding="utf-8") as f:
        text = f.read()
    anchor = "      - {key: incidents_informed,"
    i = text.index(anchor)
    j = text.index("\n", i) + 1
    return text[:j] + ITEM % en + text[j:]


def policy_file(text):
    fd, path = tempfile.mkstemp(suffix=".yaml", prefix="opsdesk-policy-")
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(text)
    return path


class ChecklistPlaceholders(harness.ServerTest):
    policy = policy_file(policy_text())

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        s = cls.srv
        try:
            cls.pm_id, cls.pm = s.make_user("pm", ["problem_manager"])
            cls.solver_id, cls.solver = s.make_user("solver", ["problem_solver"])
            cls.eng_id, cls.eng = s.make_user("eng", ["ops_engineer"])
            cls.cis = []
            for name in ("核心交换机-01", "db-1", "db-2"):
                r = s.post("/api/v1/cis", {"name": name, "category": "application", "grade": "L3",
                                           "department": "运行部", "attributes": {}}, token=cls.eng)
                assert r.status == 201, r
                cls.cis.append(r.json["id"])
        except Exception:
            cls.tearDownClass()
            raise

    @classmethod
    def tearDownClass(cls):
        super().tearDownClass()
        os.unlink(cls.policy)

    def ok(self, pid, action, token, **body):
        body["version"] = self.srv.get("/api/v1/problems/%d" % pid, token=self.pm).json["version"]
        r = self.srv.post("/api/v1/records/%d/actions/%s" % (pid, action), body, token=token)
        self.assertStatus(r, 200)

    def test_texts_expanded_when_the_checklist_opens(self):
        r = self.srv.post("/api/v1/problems", {"title": "端口抖动", "fields": {"impact": "high", "urgency": "medium",
                                                                              "category": "network"}},
                          token=self.pm)
        self.assertStatus(r, 201)
        p = r.json
        for ci in self.cis[:2]:
            self.assertStatus(self.srv.post("/api/v1/records/%d/cis" % p["id"], {"ci_id": ci, "role": "affected"},
                                            token=self.pm), 201)
        self.ok(p["id"], "accept", self.pm)
        self.ok(p["id"], "assign", self.pm, fields={"assignee_id": self.solver_id})
        self.ok(p["id"], "start", self.solver)
        self.ok(p["id"], "resolve", self.solver, fields={"root_cause": "x", "solution": "y", "solution_evidence": "z"})
        # a CI added after the checklist opened changes nothing in it
        self.assertStatus(self.srv.post("/api/v1/records/%d/cis" % p["id"], {"ci_id": self.cis[2], "role": "affected"},
                                        token=self.pm), 201)
        inst = self.srv.get("/api/v1/records/%d/checklists" % p["id"], token=self.pm).json["items"][0]
        self.assertNotIn("_texts", inst)
        items = {i["key"]: i for i in inst["items"]}
        self.assertEqual(items["ci_checked"]["text_zh"],
                         "%s 已复查 核心交换机-01（核心交换机-01、db-1，P2）" % p["number"])
        self.assertEqual(items["ci_checked"]["text_en"], "%s: 核心交换机-01 checked again" % p["number"])
        # the other items read as written
        self.assertEqual(items["ke_updated"]["text_zh"], "已知错误已更新或退役")
        self.assertEqual(items["ke_updated"]["text_en"], "Known error updated or retired")

    def test_policy_check_refuses_unknown_placeholders(self):
        for en, want in (("{{ci.owner}}", "未知占位符 'ci.owner'"), ("{{ci.name", "占位符格式错误"),
                         ("{{ ci name }}", "占位符格式错误")):
            path = policy_file(policy_text(en))
            try:
                p = subprocess.run([harness.BIN, "policy", "check", path], capture_output=True, text=True,
                                   timeout=60)
                self.assertNotEqual(p.returncode, 0, en)
                self.assertIn(want, p.stdout + p.stderr)
                self.assertIn(".en", p.stdout + p.stderr)
            finally:
                os.unlink(path)
        path = policy_file(policy_text())
        try:
            p = subprocess.run([harness.BIN, "policy", "check", path], capture_output=True, text=True, timeout=60)
            self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        finally:
            os.unlink(path)


if __name__ == "__main__":
    harness.main()
