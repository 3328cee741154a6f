"""test_ingest_metrics.py — /metrics shows the event-ingestion queue
(docs/metrics.md; a newcomer's review found no queue depth among the
metrics): `opsdesk_ingest_queue_capacity` is the configured capacity
(OPSDESK_INGEST_QUEUE, docs/configuration.md) and
`opsdesk_ingest_queue_pending` the events accepted and not yet committed,
0 on a server at rest.  The same two numbers as `ingest` of
GET /api/v1/events/stats.
"""
import re
import unittest

import harness


class IngestQueueMetrics(unittest.TestCase):
    def test_capacity_and_pending(self):
        srv = harness.Server(extra_env={"OPSDESK_INGEST_QUEUE": "777"}, extra_args=["--metrics-public"])
        try:
            srv.init()
            srv.start()
            r = srv.get("/metrics")
            self.assertEqual(r.status, 200, r)
            self.assertRegex(r.raw, r"(?m)^# TYPE opsdesk_ingest_queue_capacity gauge$")
            self.assertRegex(r.raw, r"(?m)^opsdesk_ingest_queue_capacity 777$")
            self.assertRegex(r.raw, r"(?m)^# TYPE opsdesk_ingest_queue_pending gauge$")
            self.assertRegex(r.raw, r"(?m)^opsdesk_ingest_queue_pending 0$")
            self.assertEqual(len(re.findall(r"(?m)^opsdesk_ingest_queue_", r.raw)), 2)
        finally:
            rc = srv.stop()
            srv.cleanup()
        self.assertEqual(rc, 0)


if __name__ == "__main__":
    unittest.main(verbosity=2)
