"""test_record_correct_time.py — an audited correction of a record's
workflow time (POST /api/v1/records/{id}/correct-time; modules-spec §M4.3
as for incidents, §M2 problems; docs/problems.md): a problem's recorded_at
and accepted_at corrected with a reason on the version read; the timeline
and the audit keep before, after and the reason; refused (nothing changed):
no reason, a stale version, a field that is not a workflow time, a time not
recorded yet, a time in the future (1 ms after now; now itself accepted),
another kind without times; 404 for a missing record."""
import calendar
import re
import time

import harness

MIN = 60 * 1000


def parse_ms(t):
    m = re.match(r"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d{1,3}))?(Z|[+-]\d\d:\d\d)$", t)
    ms = calendar.timegm(time.strptime(m.group(1), "%Y-%m-%dT%H:%M:%S")) * 1000 + int((m.group(2) or "0").ljust(3, "0"))
    if m.group(3) != "Z":
        sign = 1 if m.group(3)[0] == "+" else -1
        ms -= sign * (int(m.group(3)[1:3]) * 60 + int(m.group(3)[4:6])) * 60000
    return ms


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

    def clock(self, pid):
        r = self.srv.get("/api/v1/records/%d/clocks" % pid, token=self.pm)
        self.assertStatus(r, 200)
        return r.json["items"][0]

    def timeline(self, pid, kind):
        r = self.srv.get("/api/v1/records/%d/timeline?limit=500" % pid, token=self.pm)
        self.assertStatus(r, 200)
        return [t for t in r.json["items"] if t["kind"] == kind]

    def percents(self, pid):
        return [t["data"]["percent"] for t in self.timeline(pid, "threshold")]

    def test_correction_moves_the_clock(self):
        # P1: the resolve clock's target is 1 h, started when the problem was recorded (t0)
        r = self.srv.post("/api/v1/problems", {"title": "核心库频繁锁等待", "fields": {
            "impact": "high", "urgency": "high", "category": "database"}}, token=self.pm)
        self.assertStatus(r, 201)
        pid = r.json["id"]
        t0 = parse_ms(self.get(pid)["problem"]["recorded_at"])
        ck = self.clock(pid)
        self.assertEqual((ck["name"], parse_ms(ck["started_at"]), parse_ms(ck["due_at"])), ("resolve", t0, t0 + 60 * MIN))
        self.srv.clock(set_to=utc(t0 + 10 * MIN))
        # recorded 20 min earlier in fact: the clock starts then, due 40 min after t0
        self.assertStatus(self.correct(pid, "recorded_at", utc(t0 - 20 * MIN)), 200)
        ck = self.clock(pid)
        self.assertEqual((parse_ms(ck["started_at"]), parse_ms(ck["due_at"])), (t0 - 20 * MIN, t0 + 40 * MIN))
        moved = self.timeline(pid, "clock_moved")
        self.assertEqual([(m["data"]["clock"], m["data"]["field"]) for m in moved], [("resolve", "recorded_at")])
        # the 50 % threshold moved to now (t0 + 10 min): due at once; the others at their new instants
        self.srv.clock(0)
        self.assertEqual(self.percents(pid), [50])
        self.srv.clock(set_to=utc(t0 + 25 * MIN - 1))
        self.assertEqual(self.percents(pid), [50])
        self.srv.clock(set_to=utc(t0 + 25 * MIN))
        self.assertEqual(self.percents(pid), [50, 75])
        # 1 ms before the moved 100 %: no breach; at it: breached (not at the old t0 + 60 min)
        self.srv.clock(set_to=utc(t0 + 40 * MIN - 1))
        self.assertEqual(self.percents(pid), [50, 75])
        self.assertIsNone(self.clock(pid)["breached_at"])
        self.srv.clock(set_to=utc(t0 + 40 * MIN))
        self.assertEqual(self.percents(pid), [50, 75, 100])
        self.assertEqual(parse_ms(self.clock(pid)["breached_at"]), t0 + 40 * MIN)
        # corrected again, later: the breach recorded stays frozen, no threshold fires twice
        self.assertStatus(self.correct(pid, "recorded_at", utc(t0 - 10 * MIN)), 200)
        ck = self.clock(pid)
        self.assertEqual((parse_ms(ck["due_at"]), parse_ms(ck["breached_at"])), (t0 + 50 * MIN, t0 + 40 * MIN))
        self.srv.clock(set_to=utc(t0 + 2 * 60 * MIN))
        self.assertEqual(self.percents(pid), [50, 75, 100])
        # each correction of the instant the clock started from moves it again
        self.assertStatus(self.correct(pid, "recorded_at", utc(t0 - 15 * MIN)), 200)
        self.assertEqual(len(self.timeline(pid, "clock_moved")), 3)
        self.assertStatus(self.correct(pid, "recorded_at", utc(t0 - 15 * MIN + 1)), 200)
        self.assertEqual(parse_ms(self.clock(pid)["started_at"]), t0 - 15 * MIN + 1)

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
