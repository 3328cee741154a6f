"""test_faults.py — nodes killed and paused under load (docs/deploy/cluster.md
"What each failure does", study §4.2 "multi-node crash" and "pause").

3 nodes on one PostgreSQL; messages go to a loopback fake SMS gateway
(tests/notify/receivers.py) that answers each request after a delay, so
kills and pauses land inside sends.

  * kill -9: in each of ROUNDS rounds (OPSDESK_CLUSTER_KILL_ROUNDS, default
    4) incidents are registered and test messages queued through the live
    nodes, the shared test clock is moved past the incidents' first-report
    deadlines (R-NOT-1) and, while the nodes fire and send, one node chosen
    at random is killed with SIGKILL and started again.  Then: every write
    answered 2xx is there (incidents, messages); every first-report deadline
    fired exactly once (one deadline_missed timeline row each; as many such
    rows as missed deadlines of any kind); every message sent, each received
    at least once, and no more duplicates at the receiver than one wave per
    kill (≤ 8 on one gateway); each duplicated message has an `interrupted`
    delivery row (it was re-queued from a dead claim); `audit verify` passes.
  * SIGSTOP past the dead-node bound: a node paused while it sends a wave
    (≤ 8 on one gateway) loses those claims (each re-queued by another node
    with an `interrupted` row, then sent under a new claim, possibly its own
    after it resumes); resumed, it records nothing for an old claim (a stale
    claim by the lease token: its log says so for each), one `sent` result
    each, each received at most twice (same idempotency key), every other
    message exactly once, and it is ready again.
Exact counts, no latencies.
"""
import os
import random
import signal
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import clusterlib  # noqa: E402
import harness  # noqa: E402

ROUNDS = int(os.environ.get("OPSDESK_CLUSTER_KILL_ROUNDS", "4"))
PHONE = "13800000077"
SEND_DELAY_MS = 150


class Faults(clusterlib.Base):
    CHANNELS = ("channels:\n  - name: sms-gw\n    kind: sms\n    url: http://127.0.0.1:%(http)d/sms/gw\n"
                "    body: '{\"phone\": \"{{to}}\", \"content\": \"{{text}}\"}'\n    timeout_ms: 10000\n")

    @classmethod
    def prepare(cls):
        s = cls.nodes[0]
        cls.eng_id, cls.eng = s.make_user("eng", ["ops_engineer"], department="应用部")
        r = s.post("/api/v1/cis", {"name": "app-L3", "category": "application", "grade": "L3",
                                   "department": "应用部", "attributes": {}}, token=cls.eng)
        assert r.status == 201, r
        cls.ci = r.json["id"]
        cls.rng = random.Random(int(os.environ.get("OPSDESK_CLUSTER_SEED", "16")))

    # ---- helpers ----
    def slow_receiver(self, n, delay_ms):
        self.rcv.config(path="/sms/gw", responses=[{"status": 200, "json": {}, "delay_ms": delay_ms}] * n)

    def live(self):
        return [n for n in self.nodes if n.proc]

    def incident(self, node):
        st, body = self.call(node, "POST", "/api/v1/incidents",
                             {"title": "故障注入", "ci_ids": [self.ci], "severity": "moderate", "location": "机房A",
                              "symptoms": "交易缓慢", "impact_scope": "柜面业务"}, token=self.eng)
        return body["id"] if st == 201 else None

    def message(self, node):
        st, body = self.call(node, "POST", "/api/v1/notify/test", {"channel": "sms-gw", "to": PHONE},
                             token=self.sysadmin)
        return body["id"] if st == 202 else None

    def clock_target(self):
        return self.one("SELECT CAST(value AS BIGINT) FROM meta WHERE key = 'test_clock_ms'")

    def advance(self, node, seconds):
        return self.call(node, "POST", "/api/v1/test/clock", {"advance_seconds": seconds})[0]

    def settled(self, msgs):
        due = self.one("SELECT COUNT(*) FROM deadlines WHERE fire_at IS NOT NULL AND fire_at <= "
                       "(SELECT CAST(value AS BIGINT) FROM meta WHERE key = 'test_clock_ms')")
        unsent = self.one("SELECT COUNT(*) FROM outbox WHERE status <> 'sent' AND id IN (%s)"
                          % ",".join(map(str, msgs))) if msgs else 0
        return due == 0 and unsent == 0

    def ready_all(self):
        return all(self.call(n, "GET", "/readyz")[0] == 200 for n in self.nodes)

    # ---- kill -9 ----
    def test_1_kill9_under_load(self):
        incidents, msgs, kills = [], [], 0
        self.slow_receiver(20000, SEND_DELAY_MS)
        for rnd in range(ROUNDS):
            if rnd and rnd % 30 == 0:
                # each round moves the test clock 11 min: sign in again before the
                # sessions' 12 h (policy session_ttl) run out (make crash: 100 rounds)
                type(self).eng = self.nodes[0].login("eng", harness.USER_PW)
                type(self).sysadmin = self.nodes[0].login("sysadmin", harness.ADMIN_PW)
            live = self.live()
            made = self.parallel(60, lambda i: self.incident(live[i % len(live)]))
            queued = self.parallel(24, lambda i: self.message(live[i % len(live)]))
            self.assertNotIn(None, made)  # every node up: every write answered
            self.assertNotIn(None, queued)
            incidents += made
            msgs += queued
            mover = self.rng.choice(live)
            t = threading.Thread(target=self.advance, args=(mover, 11 * 60))
            t.start()
            time.sleep(self.rng.uniform(0.3, 1.5))
            victim = self.rng.choice(live)
            victim.kill9()
            kills += 1
            # writes keep coming through the others while it is down
            others = [n for n in self.nodes if n.proc]
            incidents += [i for i in self.parallel(6, lambda i: self.incident(others[i % len(others)])) if i]
            t.join()
            victim.start()
            self.wait_until(self.ready_all, 60, "every node ready after the restart")
            self.wait_until(lambda: self.settled(msgs), 150, "round %d: deadlines fired and messages sent" % rnd)
        # the deadlines of the last writes: one more move of the clock, no kill
        self.advance(self.nodes[0], 11 * 60)
        self.wait_until(lambda: self.settled(msgs), 150, "the last deadlines fired")
        ids = ",".join(map(str, incidents))
        # no acknowledged write lost
        self.assertEqual(self.one("SELECT COUNT(*) FROM incidents WHERE id IN (%s)" % ids), len(incidents))
        self.assertEqual(self.one("SELECT COUNT(*) FROM outbox WHERE id IN (%s)" % ",".join(map(str, msgs))),
                         len(msgs))
        # every deadline fired exactly once
        where = "incident_id IN (%s)" % ids
        self.assertEqual(self.one("SELECT COUNT(*) FROM deadlines WHERE kind = 'first_report' AND status = 'missed' "
                                  "AND " + where), len(incidents))
        self.assertEqual(self.sql("SELECT COUNT(*), COUNT(DISTINCT incident_id) FROM incident_timeline WHERE kind = "
                                  "'deadline_missed' AND text LIKE '%%first_report%%' AND " + where),
                         [[str(len(incidents))] * 2])
        self.assertEqual(self.one("SELECT COUNT(*) FROM incident_timeline WHERE kind = 'deadline_missed' AND " + where),
                         self.one("SELECT COUNT(*) FROM deadlines WHERE status = 'missed' AND " + where))
        # messages: each received, duplicates at most one wave per kill, each re-queued from a dead claim
        keys = [r.get("idempotency_key") for r in self.rcv.log()["requests"] if r["path"] == "/sms/gw"]
        for m in msgs:
            self.assertGreaterEqual(keys.count("opsdesk-%d" % m), 1, "message %d never received" % m)
        dups = {k: c for k, c in ((k, keys.count(k)) for k in set(keys)) if c > 1}
        extra = sum(c - 1 for c in dups.values())
        by = dict((k, int(v)) for k, v in self.sql("SELECT COALESCE(claimed_by, '-'), COUNT(*) FROM outbox "
                                                   "WHERE id IN (%s) GROUP BY 1" % ",".join(map(str, msgs))))
        sys.stderr.write("%d rounds, %d kills: %d incidents, %d messages (sent by %r); %d duplicate receipts %r\n"
                         % (ROUNDS, kills, len(incidents), len(msgs), by, extra, dups))
        # a kill repeats at most the wave in flight: OD_DISPATCH_SENDERS_PER_CHANNEL (8,
        # notify/dispatcher.h) messages on this one gateway
        self.assertLessEqual(extra, kills * 8)
        for k in dups:
            oid = int(k.split("-")[1])
            self.assertGreaterEqual(self.one("SELECT COUNT(*) FROM deliveries WHERE outbox_id = %d AND status = "
                                             "'interrupted'" % oid), 1, "duplicate %s without an interrupted row" % k)
        # the audit chain is whole
        out = subprocess.run([harness.BIN, "audit", "verify", "--db", self.url], capture_output=True, text=True,
                             timeout=300, env=dict(os.environ))
        self.assertEqual(out.returncode, 0, out.stdout + out.stderr)

    # ---- SIGSTOP past the dead-node bound ----
    def test_2_paused_node_records_nothing_for_a_lost_claim(self):
        self.slow_receiver(200, 2500)  # each send takes 2.5 s: a claim is held most of the time
        msgs = [self.message(self.nodes[0]) for _ in range(12)]
        self.assertNotIn(None, msgs)
        in_msgs = "id IN (%s)" % ",".join(map(str, msgs))
        mover = threading.Thread(target=self.advance, args=(self.nodes[1], 60))  # it sends what it claims
        mover.start()
        # the node in the middle of a send (its first claimed row has reached the receiver)
        def holding():
            rows = self.sql("SELECT id, status, COALESCE(claimed_by, '-') FROM outbox WHERE " + in_msgs + " ORDER BY id")
            return [r for r in rows if r[1] == "sending"]
        held = self.wait_until(holding, 60, "a node holding a claim")
        oid, holder = int(held[0][0]), held[0][2]
        paused = [n for n in self.nodes if n.extra_args[-1] == holder][0]
        time.sleep(0.5)  # its request is at the receiver now
        paused.proc.send_signal(signal.SIGSTOP)
        # what it holds, stopped: the wave it was sending (up to 8 on one gateway, notify/dispatcher.h)
        held_ids = [int(r[0]) for r in self.sql("SELECT id FROM outbox WHERE " + in_msgs + " AND status = 'sending' "
                                                "AND claimed_by = '%s' ORDER BY id" % holder)]
        self.assertIn(oid, held_ids)
        self.assertLessEqual(len(held_ids), 8)
        try:
            # dead after 30 s without a heartbeat; its claims swept within 5 s more
            self.wait_until(lambda: self.one("SELECT COUNT(*) FROM outbox WHERE id = %d AND (status <> 'sending' OR "
                                             "claimed_by <> '%s')" % (oid, holder)), 75, "the paused claim taken over")
            self.assertEqual(self.call(paused, "GET", "/readyz", timeout=2)[0], 0)  # stopped: no answer
        finally:
            paused.proc.send_signal(signal.SIGCONT)
        mover.join()
        self.wait_until(lambda: self.settled(msgs), 120, "every message sent")
        self.wait_until(lambda: self.call(paused, "GET", "/readyz")[0] == 200, 30, "the paused node ready again")
        by = self.sql("SELECT claimed_by FROM outbox WHERE id = %d" % oid)[0][0]
        for h in held_ids:
            status = self.sql("SELECT status FROM outbox WHERE id = %d" % h)[0][0]
            self.assertEqual(status, "sent", "message %d" % h)  # by another node, or by the resumed one anew
            self.assertEqual(self.one("SELECT COUNT(*) FROM deliveries WHERE outbox_id = %d AND status = 'sent'"
                                      % h), 1, "message %d" % h)
            self.assertEqual(self.one("SELECT COUNT(*) FROM deliveries WHERE outbox_id = %d AND status = "
                                      "'interrupted'" % h), 1, "message %d" % h)
            self.wait_until(lambda: "stale claim of outbox %d" % h in paused.read_log(), 30,
                            "the resumed node dropping its stale claim of %d" % h)
        keys = [r.get("idempotency_key") for r in self.rcv.log()["requests"] if r["path"] == "/sms/gw"]
        # the pause fell inside the wave it was sending: each of those received once more at most
        # (the same idempotency key); every other message once
        for m in msgs:
            self.assertLessEqual(keys.count("opsdesk-%d" % m), 2 if m in held_ids else 1, "message %d" % m)
            self.assertGreaterEqual(keys.count("opsdesk-%d" % m), 1, "message %d" % m)
        sys.stderr.write("paused %s holding messages %r: sent again by %s; received %r times\n"
                         % (holder, held_ids, by, [keys.count("opsdesk-%d" % h) for h in held_ids]))


if __name__ == "__main__":
    clusterlib.main()
