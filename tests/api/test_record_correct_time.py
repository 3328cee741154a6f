"""test_record_correct_time.py — an audited correction of a record's
workflow time (POST /api/v1/records/{id}/correct-time; modules-spec §M4.3
as for incidents, §M2 problems; docs/problems.md): a problem's recorded_at
and accepted_at corrected with a reason on the version read; the timeline
and the audit keep before, after and the reason; refused (nothing changed):
no reason, a stale version, a field that is not a workflow time, a time not
recorded yet, a time in the future (1 ms after now; now itself accepted),
another kind without times; 404 for a missing record."""
import time

import harness


def utc(ms):
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(ms // 1000)) + ".%03dZ" % (ms % 1000)


class RecordCorrectTime(harness.ServerTest):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        try:
            cls.pm_id, cls.pm = cls.srv.make_user("pm", ["problem_manager"])
        except Exception:
            cls.tearDownClass()
            raise

    def get(self, pid):
        r = self.srv.get("/api/v1/problems/%d" % pid, token=self.pm)
        self.assertStatus(r, 200)
        return r.json

    def correct(self, pid, field, value, reason="补录：值班记录晚于实际", version=None):
        body = {"version": self.get(pid)["version"] if version is None else version, "field": field,
                "value": value, "reason": reason}
        return self.srv.post("/api/v1/records/%d/correct-time" % pid, body, token=self.pm)

    def test_correct_a_problem_time(self):
        r = self.srv.post("/api/v1/problems", {"title": "备份作业失败", "fields": {"impact": "low", "urgency": "low",
                                                                                "category": "storage"}},
                          token=self.pm)
        self.assertStatus(r, 201)
        pid = r.json["id"]
        now = self.srv.now_ms()
        p = self.get(pid)
        recorded = p["problem"]["recorded_at"]
        # refusals change nothing
        self.assertError(self.correct(pid, "recorded_at", utc(now - 3600000), reason=""), 422, field="reason")
        self.assertError(self.correct(pid, "recorded_at", utc(now - 3600000), version=p["version"] - 1), 409,
                         field="version")
        self.assertError(self.correct(pid, "title", utc(now - 3600000)), 422, field="field")
        self.assertError(self.correct(pid, "accepted_at", utc(now - 3600000)), 422, field="field")
        self.assertError(self.correct(pid, "recorded_at", utc(now + 1)), 422, field="value")
        self.assertError(self.correct(pid, "recorded_at", "yesterday"), 400, field="value")
        self.assertEqual(self.get(pid)["version"], p["version"])
        self.assertEqual(self.get(pid)["problem"]["recorded_at"], recorded)
        # now itself is accepted; then an hour earlier
        r = self.correct(pid, "recorded_at", utc(now))
        self.assertStatus(r, 200)
        r = self.correct(pid, "recorded_at", utc(now - 3600000))
        self.assertStatus(r, 200)
        q = self.get(pid)
        self.assertEqual(q["problem"]["recorded_at"], utc(now - 3600000))
        self.assertEqual(q["version"], p["version"] + 2)
        # a time the workflow set (accept) is corrected alike
        r = self.srv.post("/api/v1/records/%d/actions/accept" % pid, {"version": q["version"]}, token=self.pm)
        self.assertStatus(r, 200)
        self.assertStatus(self.correct(pid, "accepted_at", utc(now - 1800000), reason="按电话记录更正"), 200)
        self.assertEqual(self.get(pid)["problem"]["accepted_at"], utc(now - 1800000))
        tl = [t for t in self.srv.get("/api/v1/records/%d/timeline?limit=500" % pid, token=self.pm).json["items"]
              if t["kind"] == "time_corrected"]
        self.assertEqual([(t["data"]["field"], t["data"]["to"], t["data"]["reason"]) for t in tl][-1],
                         ("accepted_at", utc(now - 1800000), "按电话记录更正"))
        self.assertEqual(len(tl), 3)
        r = self.srv.get("/api/v1/audit?entity=record&entity_id=%d&limit=100" % pid, token=self.srv.admin("auditor"))
        self.assertStatus(r, 200)
        mine = [x for x in r.json["items"] if x["action"] == "record.correct_time"]
        self.assertEqual(len(mine), 3)
        last = [x for x in mine if x["after"]["field"] == "accepted_at"]
        self.assertEqual(len(last), 1)
        self.assertEqual((last[0]["after"]["value"], last[0]["after"]["reason"]),
                         (utc(now - 1800000), "按电话记录更正"))
        # missing record
        r = self.srv.post("/api/v1/records/999999/correct-time",
                          {"version": 1, "field": "recorded_at", "value": utc(now), "reason": "x"}, token=self.pm)
        self.assertStatus(r, 404)


if __name__ == "__main__":
    harness.main()
