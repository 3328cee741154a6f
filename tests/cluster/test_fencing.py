"""test_fencing.py — a housekeeping job's writes are fenced by its lease's term
(docs/deploy/cluster.md "Housekeeping leases"; R-NFR-HA, issue: several nodes).

Two nodes on one PostgreSQL; the daily problem-candidate job is asked every
2 s under a 6 s lease (OPSDESK_TEST_HOUSEKEEPING_MS=2000).  Node "a" takes
the lease and starts the job; just before the job's write transaction
begins it logs and waits (OPSDESK_TEST_FENCE_PAUSE_MS, tests only), and the
test pauses it there (SIGSTOP) well past its lease.  Node "b" takes the
lease over (term + 1) and runs the job: it writes the job's last-scan row.
Node "a" resumed runs its transaction to the end, but the fencing check at
its commit finds the lease another node's: it rolls back, logs why, and the
row "b" wrote is the one version in the database (its xmin unchanged), the
lease stays b's.  Exact values, no timing asserted (the pause is a window
for the test to act in, not a measurement).

Skipped (ctest code 77) without PostgreSQL 15 (tests/pg/pgtmp.py).
"""
import os
import signal
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import clusterlib  # noqa: E402

JOB = "problem_candidates"
KEY = "problem_candidates.last_scan"
PAUSE_LINE = "housekeeping job %s: write transaction about to begin" % JOB
FENCED_LINE = "housekeeping lease %s no longer held by this node" % JOB


class Fencing(clusterlib.Base):
    NODES = 1  # "b"; "a" is started by the test
    NODE_ENV = {"OPSDESK_TEST_HOUSEKEEPING_MS": "2000"}

    def lease(self):
        rows = self.sql("SELECT holder, term FROM opsdesk_leases WHERE name = '%s'" % JOB)
        return (rows[0][0], int(rows[0][1])) if rows else None

    def last_scan(self):
        rows = self.sql("SELECT value, xmin FROM meta WHERE key = '%s'" % KEY)
        return (rows[0][0], rows[0][1]) if rows else None

    def test_paused_holder_writes_nothing_after_losing_its_lease(self):
        b = self.nodes[0]
        self.wait_until(lambda: self.lease() == ("n1", 1), 20, "b's lease")
        self.wait_until(self.last_scan, 20, "b's first scan")
        # b stops cleanly (its lease is released); the scan is due again
        self.assertEqual(b.stop(), 0)
        self.sql("DELETE FROM meta WHERE key = '%s'" % KEY)
        a = self.node("a", env={"OPSDESK_TEST_FENCE_PAUSE_MS": "15000"})
        self.nodes.append(a)
        stopped = False
        try:
            a.start()
            # a holds the lease (term 2) and is about to write: paused there
            self.wait_until(lambda: PAUSE_LINE in a.read_log(), 30, "a about to write")
            os.kill(a.proc.pid, signal.SIGSTOP)
            stopped = True
            self.assertEqual(self.lease(), ("a", 2))
            self.assertIsNone(self.last_scan())
            # b back: it takes the lease over once a's expired (term 3) and scans
            b.start()
            self.wait_until(lambda: self.lease() == ("n1", 3), 30, "the lease taken over by b")
            before = self.wait_until(self.last_scan, 20, "b's scan")
            # a resumed: its transaction reaches the commit and is refused there
            os.kill(a.proc.pid, signal.SIGCONT)
            stopped = False
            self.wait_until(lambda: FENCED_LINE in a.read_log(), 40, "a's commit refused by the fence")
            log = a.read_log()
            self.assertEqual(log.count(FENCED_LINE), 1)
            self.assertIn("内务租约 %s 已不属于本节点（任期 2）" % JOB, log)
            self.assertIn("problem candidates: 内务租约 %s 已失（任期 2）" % JOB, log)
            self.assertEqual(self.last_scan(), before)  # the same row version: a wrote nothing
            self.assertEqual(self.lease(), ("n1", 3))
            self.assertEqual(self.one("SELECT COUNT(*) FROM opsdesk_leases"), 1)
            # a goes on serving; it does not take the lease back while b holds it
            self.wait_until(lambda: a.get("/readyz").status == 200, 30, "a ready again")
            time.sleep(4)  # two more asks of the job on each node
            self.assertEqual(self.lease(), ("n1", 3))
            self.assertEqual(self.last_scan(), before)
        finally:
            if stopped:
                os.kill(a.proc.pid, signal.SIGCONT)


if __name__ == "__main__":
    clusterlib.main()
