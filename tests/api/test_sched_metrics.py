"""test_sched_metrics.py — /metrics shows the deadline scheduler's lag
(docs/metrics.md): opsdesk_scheduler_lag_seconds (histogram),
opsdesk_scheduler_last_lag_seconds and
opsdesk_scheduler_oldest_overdue_seconds; the histogram's count moves when a
deadline fires.  The exact values (90 s overdue, 90 s late) are table-tested
in tests/unit/test_sched_lag.c.  R-NOT-6."""
import re

import harness


class SchedMetrics(harness.ServerTest):
    def series(self):
        r = self.srv.get("/metrics", self.srv.admin())
        self.assertStatus(r, 200)
        out = {}
        for name in ("opsdesk_scheduler_lag_seconds_count", "opsdesk_scheduler_last_lag_seconds",
                     "opsdesk_scheduler_oldest_overdue_seconds"):
            m = re.search(r"^%s ([0-9.]+)$" % name, r.raw, re.M)
            self.assertIsNotNone(m, name)
            out[name] = float(m.group(1))
        self.assertIn("# TYPE opsdesk_scheduler_lag_seconds histogram", r.raw)
        self.assertIn('opsdesk_scheduler_lag_seconds_bucket{le="+Inf"}', r.raw)
        return out

    def test_lag_series_move(self):
        before = self.series()
        self.assertEqual(before["opsdesk_scheduler_oldest_overdue_seconds"], 0)
        _, eng = self.srv.make_user("lageng", ["ops_engineer"])
        r = self.srv.post("/api/v1/cis", {"name": "lag-app", "category": "application", "grade": "L3",
                                          "department": "运行部"}, token=eng)
        self.assertStatus(r, 201)
        r = self.srv.post("/api/v1/incidents", {"title": "调度延迟", "ci_ids": [r.json["id"]], "location": "机房A",
                                                "symptoms": "交易缓慢", "impact_scope": "柜面业务",
                                                "severity": "moderate"}, token=eng)
        self.assertStatus(r, 201)
        # a day later every deadline of the first hours has fired, each at its own time
        fired = self.srv.clock(24 * 3600).get("fired")
        self.srv.tokens.clear()  # the sessions expired meanwhile
        after = self.series()
        self.assertGreater(after["opsdesk_scheduler_lag_seconds_count"],
                           before["opsdesk_scheduler_lag_seconds_count"])
        if fired is not None:
            self.assertEqual(after["opsdesk_scheduler_lag_seconds_count"] -
                             before["opsdesk_scheduler_lag_seconds_count"], fired)
        self.assertEqual(after["opsdesk_scheduler_oldest_overdue_seconds"], 0)


if __name__ == "__main__":
    import unittest
    unittest.main()
