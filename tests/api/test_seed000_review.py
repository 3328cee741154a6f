"""test_seed000_review.py — seed 000 ch. 8 §1 (audit #43; R-PIR-1): "由处理
部门牵头进行事后评估" — the post-incident review is led by the handling
department.

An incident records its handling department (`handling_department` at
registration, else the policy's duties.handling_department, 运行部); only a
member of that department may file the review; anyone else with the review
permission gets 403 naming the department, and nothing is written.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
import test_incidents as ti  # noqa: E402

REVIEW = {"cause_analysis": "磁盘老化", "lessons": "巡检未覆盖", "improvements": "纳入月度巡检",
          "measures": "更换磁盘", "result": "35 分钟恢复"}


class HandlingDepartmentReviewTest(ti.IncidentWorld):

    @classmethod
    def build_world(cls):
        super().build_world()
        uid, tok = cls.srv.make_user("eng_tech", ["ops_engineer"], department="技术部", phone="13900001111")
        cls.uid["eng_tech"], cls.tok["eng_tech"] = uid, tok
        cls.uname = {v: k for k, v in cls.uid.items()}

    def closed(self, **kw):
        """An L3 incident taken to closed (R3: the operations department head
        activates and closes)."""
        inc = self.create("L3", "moderate", **kw)
        iid = inc["id"]
        self.first(iid)
        self.second(iid, "R3")
        self.assertStatus(self.action(iid, "activate", "opsdept"), 200)
        self.final(iid)
        self.assertStatus(self.action(iid, "close", "opsdept"), 200)
        return iid

    def review(self, iid, who):
        return self.srv.post("/api/v1/incidents/%d/review" % iid, REVIEW, token=self.tok[who])

    def test_default_handling_department_is_ops_r_pir_1(self):
        iid = self.closed()
        self.assertEqual(self.get(iid)["handling_department"], "运行部")
        r = self.review(iid, "eng_tech")  # an engineer of another department
        err = self.assertError(r, 403)
        self.assertIn("运行部", err["message"])
        g = self.get(iid)
        self.assertEqual(g["state"], "closed")  # nothing written
        self.assertEqual([x for x in g["reports"] if x["kind"] == "review"], [])
        self.assertStatus(self.review(iid, "eng"), 200)  # 运行部 leads it
        self.assertEqual(self.get(iid)["state"], "reviewed")

    def test_registered_handling_department_leads_the_review_r_pir_1(self):
        iid = self.closed(handling_department="技术部")
        self.assertEqual(self.get(iid)["handling_department"], "技术部")
        err = self.assertError(self.review(iid, "eng"), 403)
        self.assertIn("技术部", err["message"])
        self.assertEqual(self.get(iid)["state"], "closed")
        r = self.review(iid, "eng_tech")
        self.assertStatus(r, 200)
        self.assertEqual(r.json["state"], "reviewed")
        rev = [x for x in r.json["reports"] if x["kind"] == "review"]
        self.assertEqual(len(rev), 1)
        self.assertEqual(rev[0]["author"], "eng_tech")

    def test_too_long_handling_department_refused(self):
        r = self.srv.post("/api/v1/incidents", {"title": "x", "ci_ids": [self.ci["L3"]], "severity": "minor",
                                                "handling_department": "部" * 200}, token=self.tok["eng"])
        self.assertEqual(r.status // 100, 4, r)


if __name__ == "__main__":
    harness.main()
