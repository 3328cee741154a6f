"""test_light_path.py — the light path for 非等级 incidents (probe-ui #27,
R-ACT-1, R-CLOSE-1, R-CLOSE-2; docs/policy.md "activation_required").

Seed 000 ch. 7 §1 item 6: at 非等级 the section heads and liaisons "在不影响
业务正常运行的前提下尽快处理" — no conference call, no plan to start — and
§2.2 leaves the NG plan to the section head's decision.  The default policy
says `duties.activation_required: [R1, R2, R3]`:

* an NG incident goes first → second → final → resolved without 启动应急预案;
  no activation deadline is set; the incident says activation_required
  false; the section head (the NG authority) closes it; activating it is
  still possible (the full path);
* an R3 incident still needs activation: the final report in confirmed is
  409 naming the missing step, nothing written;
* a policy with activation_required listing NG puts NG back on the full path.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from test_incidents import IncidentWorld  # noqa: E402


class LightPath(IncidentWorld):

    def states(self, iid):
        return [t["kind"] for t in self.get(iid)["timeline"]]

    def test_ng_resolved_without_activation_closed_by_section_head(self):
        inc = self.create("NG", "moderate")
        iid = inc["id"]
        self.assertEqual((inc["response_level"], inc["activation_required"]), ("NG", False))
        self.first(iid)
        g = self.second(iid, "NG")
        self.assertEqual((g["state"], g["activation_required"]), ("confirmed", False))
        self.assertEqual([d for d in g["deadlines"] if d["kind"] == "activation"], [], "no activation deadline")
        g = self.final(iid)
        self.assertEqual(g["state"], "resolved")
        self.assertIsNone(g["activated_level"])
        self.assertNotIn("activated", self.states(iid))
        self.assertEqual(g["closing_role"], "ops_section_head")
        # only the NG authority closes it
        self.assertError(self.action(iid, "close", "eng"), 403)
        self.assertStatus(self.action(iid, "close", "sechead"), 200)
        self.assertEqual(self.get(iid)["state"], "closed")
        audit = self.srv.get("/api/v1/audit?entity=incident&entity_id=%d" % iid, token=self.srv.admin("auditor"))
        actions = [a["action"] for a in audit.json["items"]]
        self.assertNotIn("incident.activate", actions)
        self.assertIn("incident.close", actions)

    def test_ng_may_still_activate(self):
        inc = self.create("NG", "minor")
        iid = inc["id"]
        self.first(iid)
        self.second(iid, "NG")
        self.assertStatus(self.action(iid, "activate", "sechead"), 200)
        g = self.get(iid)
        self.assertEqual((g["state"], g["activated_level"]), ("activated", "NG"))
        self.assertEqual(self.final(iid)["state"], "resolved")
        self.assertStatus(self.action(iid, "close", "sechead"), 200)

    def test_r3_still_needs_activation(self):
        inc = self.create("L3", "moderate")
        iid = inc["id"]
        self.assertEqual((inc["response_level"], inc["activation_required"]), ("R3", True))
        self.first(iid)
        g = self.second(iid, "R3")
        self.assertEqual(len([d for d in g["deadlines"] if d["kind"] == "activation"]), 1)
        before = self.get(iid)
        r = self.report(iid, "final", **self.FINAL)
        self.assertError(r, 409, contains="plan activation")
        after = self.get(iid)
        self.assertEqual((after["state"], len(after["reports"]), len(after["timeline"])),
                         (before["state"], len(before["reports"]), len(before["timeline"])))
        # a final report is never filed before the second one, light path or not
        ng = self.create("NG", "moderate")
        self.first(ng["id"])
        self.assertError(self.report(ng["id"], "final", **self.FINAL), 409, contains="second report")


class FullPathByPolicy(IncidentWorld):
    """A policy that lists NG: the full path everywhere, as before."""

    @classmethod
    def setUpClass(cls):
        import tempfile
        cls.tmp_policy = tempfile.mkdtemp(prefix="opsdesk-light-")
        with open(os.path.join(harness.ROOT, "policy", "default.yaml"), encoding="utf-8") as f:
            src = f.read()
        assert "activation_required: [R1, R2, R3]" in src
        path = os.path.join(cls.tmp_policy, "policy.yaml")
        with open(path, "w", encoding="utf-8") as f:
            f.write(src.replace("activation_required: [R1, R2, R3]", "activation_required: [R1, R2, R3, NG]"))
        cls.policy = path
        super().setUpClass()

    @classmethod
    def tearDownClass(cls):
        super().tearDownClass()
        import shutil
        shutil.rmtree(cls.tmp_policy, ignore_errors=True)

    def test_ng_needs_activation_when_listed(self):
        inc = self.create("NG", "moderate")
        iid = inc["id"]
        self.assertTrue(inc["activation_required"])
        self.first(iid)
        g = self.second(iid, "NG")
        self.assertEqual(len([d for d in g["deadlines"] if d["kind"] == "activation"]), 1)
        self.assertError(self.report(iid, "final", **self.FINAL), 409, contains="plan activation")


if __name__ == "__main__":
    harness.main()
