"""test_failover.py — PostgreSQL primary lost under load, standby promoted
(docs/deploy/cluster.md "Failover", study §4.2 "failover").

A primary and a synchronous streaming-replication standby (pg_basebackup,
tests/pg/pgtmp.py; synchronous_standby_names = '*', fsync and
synchronous_commit on), 2 opsdesk nodes given both with
`host=A,B&target_session_attrs=primary`.  Events are ingested at a steady
pace through both nodes, each with its own de-duplication key; incidents
are registered.  The primary is stopped at once (`pg_ctl stop -m
immediate`, as a crash) and the standby promoted.  Then: every event answered
202 is stored exactly once on the new primary (0 acknowledged writes lost;
a send answered 503 or cut is sent again, and a retry of one that did land
is a repeat: one row per key); every incident answered 201 is there; both
nodes answer /readyz 200 again; the first-report deadlines of the incidents,
due after the failover, fire exactly once.  The times (kill → first 202,
kill → every node ready) are printed, not asserted.
"""
import os
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import clusterlib  # noqa: E402
import pgtmp  # noqa: E402


class Failover(clusterlib.Base):
    NODES = 2
    OWN_DATABASE = True
    PG_FSYNC = True  # synchronous_commit on: commits wait for the standby

    @classmethod
    def start_database(cls):
        cls.pg = pgtmp.Pg(fsync=True).start()
        cls.standby = pgtmp.Pg()
        cls.extra_pgs.append(cls.standby)
        cls.standby.start_standby(cls.pg, synchronous=True)
        return ("postgresql:///opsdesk?host=%s,%s&port=%d,%d&user=postgres&target_session_attrs=primary"
                "&connect_timeout=3" % (cls.pg.dir, cls.standby.dir, pgtmp.PORT, pgtmp.PORT))

    @classmethod
    def prepare(cls):
        s = cls.nodes[0]
        r = s.post("/api/v1/api-keys", {"name": "ingest", "integration": "api"}, cls.sysadmin)
        assert r.status == 201, r
        cls.key = r.json["key"]
        cls.eng_id, cls.eng = s.make_user("eng", ["ops_engineer"], department="应用部")
        r = s.post("/api/v1/cis", {"name": "app-L3", "category": "application", "grade": "L3",
                                   "department": "应用部", "attributes": {}}, token=cls.eng)
        assert r.status == 201, r
        cls.ci = r.json["id"]

    def test_failover_loses_no_acknowledged_write(self):
        acked, refused, first_ok_after = set(), [0], [None]
        incidents = []
        stop = threading.Event()
        killed_at = [None]
        lock = threading.Lock()

        def sender(k):
            node, i = self.nodes[k % 2], 0
            while not stop.is_set():
                key = "fo-%d-%d" % (k, i)
                ev = {"status": "firing", "dedup_key": key, "severity": "warning", "summary": "failover"}
                for _ in range(200):  # one key until it is answered 202, as a monitoring sender does
                    sent_at = time.time()
                    st, body = self.call(node, "POST", "/api/v1/events", [ev], token=self.key, timeout=30)
                    if st == 202:
                        with lock:
                            acked.add(key)
                            # the first answer to a request sent after the kill
                            if killed_at[0] and sent_at > killed_at[0] + 0.3 and first_ok_after[0] is None:
                                first_ok_after[0] = time.time() - killed_at[0]
                        break
                    with lock:
                        refused[0] += 1
                    time.sleep(0.2)
                i += 1
                time.sleep(0.02)

        def registrar():
            i = 0
            while not stop.is_set():
                node = self.nodes[i % 2]
                st, body = self.call(node, "POST", "/api/v1/incidents",
                                     {"title": "切换 %d" % i, "ci_ids": [self.ci], "severity": "moderate",
                                      "location": "机房A", "symptoms": "交易缓慢", "impact_scope": "柜面业务"},
                                     token=self.eng, timeout=30)
                if st == 201:
                    with lock:
                        incidents.append(body["id"])
                i += 1
                time.sleep(0.1)

        threads = [threading.Thread(target=sender, args=(k,)) for k in range(4)] + [threading.Thread(target=registrar)]
        for t in threads:
            t.start()
        try:
            self.wait_until(lambda: len(acked) >= 200, 60, "steady ingestion")
            before = len(acked)
            killed_at[0] = time.time()
            self.pg.kill()  # the primary crashes (pg_ctl stop -m immediate: about 0.1 s)
            time.sleep(1.0)
            self.standby.promote()
            promoted = time.time() - killed_at[0]
            self.wait_until(lambda: first_ok_after[0] is not None, 60, "a 202 after the failover")
            ready = self.wait_until(lambda: all(self.call(n, "GET", "/readyz", timeout=5)[0] == 200
                                                for n in self.nodes) and time.time() - killed_at[0], 60,
                                    "every node ready on the new primary")
            self.wait_until(lambda: len(acked) >= before + 200, 60, "ingestion going on after the failover")
        finally:
            stop.set()
            for t in threads:
                t.join()
        sys.stderr.write("failover: %d events answered 202 (%d before the kill), %d tries refused and sent again; "
                         "%d incidents; standby promoted %.1f s after the kill; first 202 after %.1f s; every "
                         "node ready after %.1f s\n" % (len(acked), before, refused[0], len(incidents), promoted,
                                                        first_ok_after[0], ready))
        # the database is now the promoted standby alone (libpq skips the dead host)
        stored = dict(self.sql("SELECT dedup_key, COUNT(*) FROM events WHERE source = 'api:ingest' AND dedup_key LIKE "
                               "'fo-%' GROUP BY 1"))
        lost = sorted(k for k in acked if k not in stored)
        self.assertEqual(lost, [], "acknowledged events lost")
        self.assertEqual([k for k, c in stored.items() if c != "1"], [])
        ids = ",".join(map(str, incidents))
        self.assertEqual(self.one("SELECT COUNT(*) FROM incidents WHERE id IN (%s)" % ids), len(incidents))
        # deadlines after the failover: each fires once
        st, _ = self.call(self.nodes[0], "POST", "/api/v1/test/clock", {"advance_seconds": 11 * 60})
        self.assertEqual(st, 200)
        self.wait_until(lambda: self.one("SELECT COUNT(*) FROM deadlines WHERE fire_at IS NOT NULL AND fire_at <= "
                                         "(SELECT CAST(value AS BIGINT) FROM meta WHERE key = 'test_clock_ms')") == 0,
                        120, "deadlines fired")
        where = "incident_id IN (%s)" % ids
        self.assertEqual(self.sql("SELECT COUNT(*), COUNT(DISTINCT incident_id) FROM incident_timeline WHERE kind = "
                                  "'deadline_missed' AND text LIKE '%%first_report%%' AND " + where),
                         [[str(len(incidents))] * 2])
        self.assertEqual(self.one("SELECT COUNT(*) FROM incident_timeline WHERE kind = 'deadline_missed' AND " + where),
                         self.one("SELECT COUNT(*) FROM deadlines WHERE status = 'missed' AND " + where))


if __name__ == "__main__":
    clusterlib.main()
