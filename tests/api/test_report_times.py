"""test_report_times.py — the exported incident report (R-PIR-3,
`GET /api/v1/incidents/{id}/report.md|html`, `opsdesk incident export`)
writes its times as the messages do: Beijing time with its label,
"2026-11-21 16:43:05 (UTC+08:00)", never an RFC 3339 UTC string
(a newcomer's review found "2026-12-06T05:22:12.117Z" in the report while
every message said Beijing time).
"""
import datetime
import re
import unittest

import harness  # noqa: F401  (OPSDESK_BIN, the server)
from test_incidents import IncidentWorld

ISO = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d")


def beijing(iso):
    t = datetime.datetime.strptime(iso[:19], "%Y-%m-%dT%H:%M:%S") + datetime.timedelta(hours=8)
    return t.strftime("%Y-%m-%d %H:%M:%S") + " (UTC+08:00)"


class ReportTimes(IncidentWorld):
    def test_times_are_beijing_time_r_pir_3(self):
        inc = self.create("L3", "moderate", title="报告时间")
        iid = inc["id"]
        self.first(iid)
        inc = self.get(iid)
        for fmt in ("md", "html"):
            r = self.srv.get("/api/v1/incidents/%d/report.%s" % (iid, fmt), token=self.tok["eng"])
            self.assertStatus(r, 200)
            self.assertIn(beijing(inc["detected_at"]), r.raw, fmt)
            # every timeline entry under its own time, and the deadlines' due times
            for t in inc["timeline"]:
                self.assertIn(beijing(t["at"]), r.raw, (fmt, t))
            for d in inc["deadlines"]:
                self.assertIn(beijing(d["due_at"]), r.raw, (fmt, d))
            self.assertIsNone(ISO.search(r.raw), (fmt, ISO.search(r.raw)))


if __name__ == "__main__":
    unittest.main(verbosity=2)
