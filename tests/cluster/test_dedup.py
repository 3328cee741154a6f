"""test_dedup.py — concurrent de-duplication on several nodes (R-EVT-3,
docs/deploy/cluster.md "Events", study §4.2 "dedup concurrency").

3 nodes on one PostgreSQL receive the same N Alertmanager fingerprints
(default 10 000), each node in its own order and its own split into
messages of 1–150 alerts, from 2 senders per node at once.  Afterwards:
exactly one events row per (source, fingerprint); every row's count is the
number of deliveries of that fingerprint answered 202 (a 503 is sent again,
as Alertmanager does, and counts only when a later try is answered 202); the
sum of counts equals the accepted alerts.  A second round sends every
fingerprint resolved, through the nodes in turn: each row closed once.
60 critical events of different keys for one CI, sent to the 3 nodes at
once, open exactly one incident (rule critical-severe) and all attach to it.
A fourth node started with another policy file is not ready (the cluster's
policy is the one most live nodes run) and says why.
Exact counts, no latencies.
"""
import os
import random
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import clusterlib  # noqa: E402

N = int(os.environ.get("OPSDESK_CLUSTER_FINGERPRINTS", "10000"))
ALERTNAMES = ["DiskFull", "HighCPU", "HighLatency", "PodCrashLoop", "TargetDown"]


def alert(i, status="firing"):
    name = ALERTNAMES[i % len(ALERTNAMES)]
    labels = {"alertname": name, "instance": "host-%05d:9100" % i, "severity": "warning"}
    return {"status": status, "labels": labels, "annotations": {"summary": "%s on host-%05d" % (name, i)},
            "startsAt": "2026-05-01T10:00:00Z", "endsAt": "0001-01-01T00:00:00Z",
            "generatorURL": "http://prometheus.example:9090/graph", "fingerprint": "%016x" % (0xd0d0000000 + i)}


def message(alerts, status="firing"):
    return {"version": "4", "groupKey": "{}:{}", "truncatedAlerts": 0, "status": status,
            "receiver": "opsdesk", "groupLabels": {}, "commonLabels": {}, "commonAnnotations": {},
            "externalURL": "http://alertmanager.example:9093", "alerts": alerts}


class Dedup(clusterlib.Base):
    @classmethod
    def prepare(cls):
        s = cls.nodes[0]
        r = s.post("/api/v1/api-keys", {"name": "am", "integration": "alertmanager"}, cls.sysadmin)
        assert r.status == 201, r
        cls.key = r.json["key"]

    def send(self, node, alerts, status="firing"):
        """Sends one message until it is answered 202 (503: again); the tries that were refused."""
        refused = 0
        for _ in range(60):
            st, body = self.call(node, "POST", "/api/v1/integrations/alertmanager", message(alerts, status),
                                 token=self.key)
            if st == 202:
                self.assertEqual(body["accepted"], len(alerts))
                return refused
            if st not in (0, 503):
                raise AssertionError("alertmanager message: %r %r" % (st, body))
            refused += 1
            time.sleep(0.2)
        raise AssertionError("a message refused 60 times")

    def test_1_same_fingerprints_three_nodes(self):
        plans = []  # (node, [alert indexes])
        for k, node in enumerate(self.nodes):
            rnd = random.Random(1000 + k)
            order = list(range(N))
            rnd.shuffle(order)
            pos = 0
            while pos < N:
                size = rnd.randint(1, 150)
                plans.append((node, order[pos:pos + size]))
                pos += size
        random.Random(7).shuffle(plans)  # the nodes' messages interleaved
        t0 = time.time()
        refused = self.parallel(len(plans), lambda i: self.send(plans[i][0], [alert(j) for j in plans[i][1]]),
                                threads=6)
        took = time.time() - t0
        sys.stderr.write("%d messages, %d alerts over 3 nodes in %.1f s; %d tries refused (503) and sent again\n"
                         % (len(plans), 3 * N, took, sum(refused)))
        rows = self.sql("SELECT COUNT(*), COUNT(DISTINCT dedup_key), COALESCE(SUM(count), 0), MIN(count), "
                        "MAX(count) FROM events WHERE source = 'alertmanager'")
        self.assertEqual(rows, [[str(N), str(N), str(3 * N), "3", "3"]])
        self.assertEqual(self.one("SELECT COUNT(*) FROM (SELECT source, dedup_key FROM events GROUP BY 1, 2 "
                                  "HAVING COUNT(*) > 1) d"), 0)

    def test_2_resolved_once_each(self):
        order = list(range(N))
        random.Random(99).shuffle(order)
        chunks = [order[p:p + 100] for p in range(0, N, 100)]
        self.parallel(len(chunks), lambda i: self.send(self.nodes[i % 3], [alert(j, "resolved") for j in chunks[i]],
                                                       "resolved"), threads=6)
        rows = self.sql("SELECT status, state, COUNT(*), SUM(count) FROM events WHERE source = 'alertmanager' "
                        "GROUP BY 1, 2")
        self.assertEqual(len(rows), 1, rows)
        self.assertEqual(rows[0][0], "resolved")
        self.assertEqual(rows[0][2:], [str(N), str(4 * N)])

    def test_2b_one_open_incident_per_ci_and_rule(self):
        """60 critical events of different keys for one CI (rule critical-severe), sent to the 3 nodes
        at once: exactly one incident opened, every event attached to it."""
        eng_id, eng = self.nodes[0].make_user("eng", ["ops_engineer"], department="应用部")
        r = self.nodes[0].post("/api/v1/cis", {"name": "core-db-9", "category": "database", "grade": "L1",
                                                "department": "应用部", "attributes": {}}, token=eng)
        self.assertEqual(r.status, 201, r)
        api_key = self.nodes[0].post("/api/v1/api-keys", {"name": "own", "integration": "api"},
                                     self.sysadmin).json["key"]

        def send(i):
            ev = {"status": "firing", "severity": "critical", "summary": "主库不可用 %d" % i,
                  "dedup_key": "one-inc-%d" % i, "labels": {"alertname": "DbDown", "instance": "core-db-9:9100"}}
            for _ in range(60):
                st, body = self.call(self.nodes[i % 3], "POST", "/api/v1/events", [ev], token=api_key)
                if st == 202:
                    return body["events"][0]["id"]
                time.sleep(0.2)
            raise AssertionError("refused 60 times")
        self.parallel(60, send, threads=6)
        rows = self.sql("SELECT COUNT(*), COUNT(DISTINCT incident_id), COUNT(incident_id) FROM events WHERE "
                        "dedup_key LIKE 'one-inc-%'")
        self.assertEqual(rows, [["60", "1", "60"]])
        self.assertEqual(self.one("SELECT COUNT(*) FROM incident_cis ic JOIN cis c ON c.id = ic.ci_id WHERE "
                                  "c.name = 'core-db-9'"), 1)

    def test_3_node_with_another_policy_is_not_ready(self):
        """A fourth node started with another policy file (the default plus a
        comment: another sha256) is outvoted 3 to 1: /readyz 503 saying why,
        opsdesk_node_policy_differs 1; the others stay ready (metric 0)."""
        root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
        path = os.path.join(self.tmp, "policy-other.yaml")
        with open(os.path.join(root, "policy", "default.yaml")) as f, open(path, "w") as g:
            g.write(f.read() + "\n# another copy\n")
        odd = self.node("odd")
        odd.policy = path
        self.nodes.append(odd)
        odd.start()
        self.wait_until(lambda: self.call(odd, "GET", "/readyz")[0] == 503, 20, "the odd node not ready")
        st, body = self.call(odd, "GET", "/readyz")
        self.assertIn("policy", body["reason"])
        self.assertIn("sha256", body["reason"])
        metrics = odd.get("/metrics", self.sysadmin).raw
        self.assertIn("opsdesk_node_policy_differs 1", metrics)
        for n in self.nodes[:3]:
            self.assertEqual(self.call(n, "GET", "/readyz")[0], 200)
            self.assertIn("opsdesk_node_policy_differs 0", n.get("/metrics", self.sysadmin).raw)
        odd.stop()


if __name__ == "__main__":
    clusterlib.main()
