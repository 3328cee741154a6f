"""test_wake.py — LISTEN/NOTIFY wake-ups between two nodes on one PostgreSQL
(docs/deploy/cluster.md): both nodes poll their queues only every 10 min
(OPSDESK_POLL_MS=600000).  Node A runs 20 s ahead (libfaketime), so it is
not ready and claims nothing; 20 test messages queued through A must be
sent by B's dispatcher — woken by A's commit notification, long before
B's next poll — each received once by the loopback SMS gateway, every one
claimed by B.  Then a commit on B wakes B itself as before (one more
message).  Exact counts; the 60 s bound only ends a failing wait (a poll
would come after 600 s).

Skipped (ctest code 77) without PostgreSQL 15 or libfaketime.
"""
import os
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import clusterlib  # noqa: E402

FAKETIME_LIB = "/usr/lib/x86_64-linux-gnu/faketime/libfaketimeMT.so.1"
PHONE = "13800000077"
POLL = {"OPSDESK_POLL_MS": "600000"}


class Wake(clusterlib.Base):
    NODES = 1  # B; A is started by the test (skewed)
    NODE_ENV = POLL
    CHANNELS = ("channels:\n  - name: sms-gw\n    kind: sms\n    url: http://127.0.0.1:%(http)d/sms/gw\n"
                "    body: '{\"phone\": \"{{to}}\", \"content\": \"{{text}}\"}'\n")

    def sent(self, ids):
        return self.one("SELECT COUNT(*) FROM outbox WHERE status = 'sent' AND id IN (%s)" % ",".join(map(str, ids)))

    def test_message_queued_on_a_sent_by_b_before_its_poll(self):
        if not os.path.exists(FAKETIME_LIB):
            self.skipTest("libfaketime not installed (scripts/deps.sh installs faketime)")
        b = self.nodes[0]
        a = self.node("a", env=dict(POLL, LD_PRELOAD=FAKETIME_LIB, FAKETIME="+20s",
                                    FAKETIME_DONT_FAKE_MONOTONIC="1"))
        self.nodes.append(a)
        a.start()
        self.wait_until(lambda: a.get("/readyz").status == 503, 20, "node a not ready (its clock)")
        self.wait_until(lambda: b.get("/readyz").status == 200, 20, "node b ready")
        time.sleep(2)  # both nodes' first poll rounds are over: the next comes after 600 s
        ids = []
        for _ in range(20):
            st, body = self.call(a, "POST", "/api/v1/notify/test", {"channel": "sms-gw", "to": PHONE},
                                 token=self.sysadmin)
            self.assertEqual(st, 202, body)
            ids.append(body["id"])
        self.wait_until(lambda: self.sent(ids) == 20, 60, "the 20 messages sent by b")
        self.assertEqual(self.sql("SELECT DISTINCT claimed_by FROM outbox WHERE id IN (%s)"
                                  % ",".join(map(str, ids))), [["n1"]])
        keys = [r.get("idempotency_key") for r in self.rcv.log()["requests"] if r["path"] == "/sms/gw"]
        for i in ids:
            self.assertEqual(keys.count("opsdesk-%d" % i), 1, "message %d" % i)
        # a commit on b wakes b itself, as on one node
        st, body = self.call(b, "POST", "/api/v1/notify/test", {"channel": "sms-gw", "to": PHONE},
                             token=self.sysadmin)
        self.assertEqual(st, 202, body)
        self.wait_until(lambda: self.sent([body["id"]]) == 1, 60, "b's own message sent")
        self.assertEqual(self.one("SELECT COUNT(*) FROM outbox WHERE claimed_by = 'a'"), 0)


if __name__ == "__main__":
    clusterlib.main()
