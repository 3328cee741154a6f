#!/usr/bin/env python3
"""cluster_deadlines.py — deadline-firing lag on 3 nodes and failover times
(bench/results.md "Several nodes against an Alertmanager cluster";
docs/deploy/cluster.md).  Both on the real clock (no --test-clock), with the
cluster set-up of tests/cluster (clusterlib.Base; the failover one is
tests/cluster/test_failover.py's Failover, a primary and a synchronous
standby), each node on its own machine clock.

  lag       3 nodes on one PostgreSQL 15 (fsync on).  LAG_DEADLINES (default
            10 000) incidents on an L3 CI (first report 10 min after
            detection, R-NOT-1) are registered through the three nodes with
            `detected_at` set so that their first reports come due one after
            another over LAG_WINDOW_S seconds (default 100), starting once the
            registration is done (its rate is measured first on 200
            incidents).  Then, per first-report deadline: the time from its
            due time to its `deadline_missed` timeline row (written by the
            firing node at the moment it fires): median, p99, max; which node
            fired it; fired twice (must be 0).  Deadlines registered less than
            1 s before they came due are left out of the lag (counted).
  failover  3 nodes, a primary and a synchronous standby; events ingested
            at a steady pace and first-report deadlines coming due every
            FO_DUE_EVERY_MS (default 100) ms around the kill; the primary is
            stopped at once (pg_ctl stop -m immediate), the standby promoted
            1 s later (as test_failover does).  Printed: kill → standby
            promoted, → first event answered 202 (of a request sent after the
            kill), → every node ready, → first deadline fired after the kill,
            and the deadlines due during the outage: their lag, fired twice.

Usage: OPSDESK_BIN=build/opsdesk python3 bench/cluster_deadlines.py [lag] [failover]
       (make bench-cluster-am runs both after cluster_vs_alertmanager.py)
"""
import os
import statistics
import sys
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tests", "cluster"))
sys.path.insert(0, os.path.join(ROOT, "bench"))
import bench_policy  # noqa: E402
import clusterlib  # noqa: E402
import test_failover  # noqa: E402
from clusterlib import harness  # noqa: E402

N_LAG = int(os.environ.get("LAG_DEADLINES", "10000"))
LAG_WINDOW = float(os.environ.get("LAG_WINDOW_S", "100"))
FO_EVERY = float(os.environ.get("FO_DUE_EVERY_MS", "100")) / 1000
FIRST_REPORT_S = 600  # L3 (policy/default.yaml)
POLICY_DIR = harness.tempfile.mkdtemp(prefix="odbench-pol-")
POLICY = bench_policy.path(POLICY_DIR)


def log(msg):
    sys.stderr.write("[%s] %s\n" % (time.strftime("%H:%M:%S"), msg))
    sys.stderr.flush()


def iso(t):
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(t)) + ".%03dZ" % int((t % 1) * 1000)


def pct(xs, p):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(p / 100.0 * (len(xs) - 1))))] if xs else float("nan")


class RealClock:
    """Mixed into a clusterlib.Base class: nodes on the real clock with the bench policy."""

    @classmethod
    def node(cls, name, env=None):
        n = super().node(name, env)
        n.test_clock = False
        n.policy = POLICY
        return n

    @classmethod
    def incident(cls, node, detected):
        st, body = cls.call(node, "POST", "/api/v1/incidents",
                            {"title": "期限 bench", "ci_ids": [cls.ci], "severity": "moderate", "location": "A",
                             "symptoms": "s", "impact_scope": "i", "detected_at": iso(detected)},
                            token=cls.eng, timeout=30)
        return body["id"] if st == 201 else None

    @classmethod
    def fired_rows(cls, where=""):
        """(incident, due_at ms, fired at ms, fired_by) of every fired first report."""
        return [(int(a), int(b), int(c), d) for a, b, c, d in cls.sql(
            "SELECT d.incident_id, d.due_at, MIN(t.at), COALESCE(d.fired_by, '-') FROM deadlines d JOIN "
            "incident_timeline t ON t.incident_id = d.incident_id AND t.kind = 'deadline_missed' AND t.text LIKE "
            "'%%first_report%%' WHERE d.kind = 'first_report' AND d.status = 'missed' " + where +
            " GROUP BY d.incident_id, d.due_at, d.fired_by")]

    @classmethod
    def fired_twice(cls):
        return cls.one("SELECT COUNT(*) FROM (SELECT incident_id FROM incident_timeline WHERE kind = "
                       "'deadline_missed' AND text LIKE '%%first_report%%' GROUP BY incident_id HAVING COUNT(*) > 1) t")


class Lag(RealClock, clusterlib.Base):
    NODES = 3
    OWN_DATABASE = True
    PG_FSYNC = True

    @classmethod
    def prepare(cls):
        s = cls.nodes[0]
        cls.eng_id, cls.eng = s.make_user("eng", ["ops_engineer"], department="应用部")
        r = s.post("/api/v1/cis", {"name": "app-L3", "category": "application", "grade": "L3",
                                   "department": "应用部", "attributes": {}}, token=cls.eng)
        assert r.status == 201, r
        cls.ci = r.json["id"]

    @classmethod
    def register(cls, dues, threads=9):
        """One incident per due time (seconds), over the nodes; (id, due, registered at) each."""
        out, lock = [], threading.Lock()

        def run(k):
            for i in range(k, len(dues), threads):
                t = time.time()
                iid = cls.incident(cls.nodes[i % cls.NODES], dues[i] - FIRST_REPORT_S)
                if iid:
                    with lock:
                        out.append((iid, dues[i], t))
        ts = [threading.Thread(target=run, args=(k,)) for k in range(threads)]
        for t in ts:
            t.start()
        for t in ts:
            t.join()
        return out

    @classmethod
    def measure(cls):
        t = time.time()
        cal = cls.register([t + FIRST_REPORT_S] * 200)  # detected now: calibration only
        rate = len(cal) / (time.time() - t)
        lead = (N_LAG / rate) * 1.3 + 10
        if lead + LAG_WINDOW > FIRST_REPORT_S - 10:  # detected_at may not be in the future
            raise SystemExit("cluster_deadlines: registering %d incidents at %.0f/s takes too long for due times "
                             "within %d s; lower LAG_DEADLINES" % (N_LAG, rate, FIRST_REPORT_S))
        log("lag: registration %.0f incidents/s; the %d first reports come due from %.0f s on, over %.0f s"
            % (rate, N_LAG, lead, LAG_WINDOW))
        t0 = time.time() + lead
        reg = cls.register([t0 + LAG_WINDOW * i / N_LAG for i in range(N_LAG)])
        reg_done = time.time()
        end = t0 + LAG_WINDOW
        ids = ",".join(str(r[0]) for r in reg)
        while time.time() < end + 120:
            left = cls.one("SELECT COUNT(*) FROM deadlines WHERE kind = 'first_report' AND status = 'pending' AND "
                           "incident_id IN (%s)" % ids)
            if left == 0 and time.time() > end:
                break
            time.sleep(2)
        rows = cls.fired_rows("AND d.incident_id IN (%s)" % ids)
        late_reg = [r for r in reg if r[1] - r[2] < 1.0]
        late_ids = set(r[0] for r in late_reg)
        lags = [(fired - due) / 1000.0 for iid, due, fired, _ in rows if iid not in late_ids]
        by = {}
        for r in rows:
            by[r[3]] = by.get(r[3], 0) + 1
        res = {"registered": len(reg), "registration_s": reg_done - t, "fired": len(rows),
               "registered_late": len(late_reg), "lag_p50": pct(lags, 50), "lag_p99": pct(lags, 99),
               "lag_max": max(lags) if lags else float("nan"), "lag_mean": statistics.mean(lags) if lags else 0,
               "early": sum(1 for x in lags if x < 0), "by": by, "twice": cls.fired_twice(), "rate": rate}
        log("lag: %r" % res)
        return res


class Failover(RealClock, test_failover.Failover):
    NODES = 3

    @classmethod
    def measure(cls):
        acked, first_ok_after, killed_at = [0], [None], [None]
        stop, lock = threading.Event(), threading.Lock()

        def sender(k):
            node, i = cls.nodes[k % cls.NODES], 0
            while not stop.is_set():
                ev = {"status": "firing", "dedup_key": "fo-%d-%d" % (k, i), "severity": "warning", "summary": "fo"}
                sent_at = time.time()
                st, _ = cls.call(node, "POST", "/api/v1/events", [ev], token=cls.key, timeout=10)
                if st == 202:
                    i += 1
                    with lock:
                        acked[0] += 1
                        if killed_at[0] and sent_at > killed_at[0] + 0.3 and first_ok_after[0] is None:
                            first_ok_after[0] = time.time() - killed_at[0]
                else:
                    time.sleep(0.2)
                time.sleep(0.02)

        # first reports due every FO_EVERY s from 25 s on for 40 s: the kill comes 30 s in
        t_reg = time.time()
        base = t_reg + 25
        dues = [base + FO_EVERY * i for i in range(int(40 / FO_EVERY))]
        ids, il = [], threading.Lock()

        def reg(k):
            for i in range(k, len(dues), 6):
                iid = cls.incident(cls.nodes[i % cls.NODES], dues[i] - FIRST_REPORT_S)
                if iid:
                    with il:
                        ids.append(iid)
        ts = [threading.Thread(target=reg, args=(k,)) for k in range(6)]
        for t in ts:
            t.start()
        for t in ts:
            t.join()
        if time.time() > base:
            log("failover: registering took %.1f s, past the first due time" % (time.time() - t_reg))
        threads = [threading.Thread(target=sender, args=(k,)) for k in range(4)]
        for t in threads:
            t.start()
        try:
            time.sleep(max(0, base + 5 - time.time()))
            killed_at[0] = time.time()
            cls.pg.kill()
            time.sleep(1.0)
            cls.standby.promote()
            promoted = time.time() - killed_at[0]
            ready = None
            while time.time() < killed_at[0] + 90:
                if ready is None and all(cls.call(n, "GET", "/readyz", timeout=5)[0] == 200 for n in cls.nodes):
                    ready = time.time() - killed_at[0]
                if ready is not None and first_ok_after[0] is not None:
                    break
                time.sleep(0.1)
            time.sleep(max(0, dues[-1] + 15 - time.time()))
        finally:
            stop.set()
            for t in threads:
                t.join()
        rows = cls.fired_rows("AND d.incident_id IN (%s)" % ",".join(map(str, ids)))
        k_ms = killed_at[0] * 1000
        after = sorted(r[2] for r in rows if r[2] > k_ms)
        outage = [(r[2] - r[1]) / 1000.0 for r in rows if k_ms <= r[1] <= k_ms + 15000]
        res = {"promoted_s": promoted, "first_202_s": first_ok_after[0], "all_ready_s": ready,
               "first_fired_s": (after[0] - k_ms) / 1000.0 if after else None, "events_202": acked[0],
               "deadlines": len(ids), "fired": len(rows), "twice": cls.fired_twice(),
               "due_in_first_15s": len(outage), "outage_lag_p50": pct(outage, 50), "outage_lag_max":
               max(outage) if outage else None,
               "by": dict((b, sum(1 for r in rows if r[3] == b)) for b in set(r[3] for r in rows))}
        log("failover: %r" % res)
        return res


def run(cls):
    cls.setUpClass()
    try:
        return cls.measure()
    finally:
        cls.tearDownClass()


def main():
    what = sys.argv[1:] or ["lag", "failover"]
    if not clusterlib.pgtmp.available():
        raise SystemExit("cluster_deadlines: PostgreSQL 15 is not installed (scripts/deps.sh)")
    out = {}
    if "lag" in what:
        out["lag"] = run(Lag)
    if "failover" in what:
        out["failover"] = run(Failover)
    if "lag" in out:
        r = out["lag"]
        print("| deadlines | nodes | registered at, incidents/s | due over, s | fired | fired twice | lag p50 s | "
              "lag p99 s | lag max s | fired by node | registered < 1 s before due (left out) |")
        print("|---|---|---|---|---|---|---|---|---|---|---|")
        print("| %d | 3 | %.0f | %.0f | %d | %d | %.3f | %.3f | %.3f | %s | %d |"
              % (r["registered"], r["rate"], LAG_WINDOW, r["fired"], r["twice"], r["lag_p50"], r["lag_p99"],
                 r["lag_max"], " ".join("%s:%d" % kv for kv in sorted(r["by"].items())), r["registered_late"]))
    if "failover" in out:
        r = out["failover"]
        print("| kill → promoted s | → first 202 s | → every node ready s | → first deadline fired s | deadlines "
              "due in the 15 s after the kill: lag p50 / max s | fired twice | events 202 |")
        print("|---|---|---|---|---|---|---|")
        f = lambda x: "—" if x is None else "%.2f" % x  # noqa: E731
        print("| %s | %s | %s | %s | %s / %s | %d | %d |"
              % (f(r["promoted_s"]), f(r["first_202_s"]), f(r["all_ready_s"]), f(r["first_fired_s"]),
                 f(r["outage_lag_p50"]), f(r["outage_lag_max"]), r["twice"], r["events_202"]))


if __name__ == "__main__":
    main()
