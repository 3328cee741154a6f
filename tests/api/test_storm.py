"""test_storm.py — exact counts under an alert storm (storm isolation;
R-NOT-1, R-NOT-6, R-NOT-3): a real-clock server keeps ingesting alerts from
four client threads while incidents are created, their first-report
deadlines come due and their messages go out to a loopback SMS gateway
(tests/notify/receivers.py).  Asserted, with no timing:

* every first-report deadline that came due fired exactly once (one
  "deadline_missed" entry per incident, the deadline row no longer pending);
* every message the incidents wrote was sent exactly once (each outbox row
  sent, the gateway received each idempotency key once, as many requests as
  messages) and its result recorded once (one delivery per message, 'sent');
* every alert answered 202 is stored once (events total = alerts accepted);
* the audit chain verifies.

bench/storm.py measures the same storm's latencies (bench/results.md "Storm").
"""
import json
import os
import re
import sys
import threading
import time
import unittest
import urllib.error
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from test_delivery import Receivers  # noqa: E402

INCIDENTS = 12
WITHIN_S = 2
LOADERS = 4
BATCH = 20


def storm_policy():
    """The default policy (initial password change off) with every
    first-report deadline WITHIN_S seconds."""
    path = harness.policy_initial_change(False)
    with open(path, encoding="utf-8") as f:
        text = f.read()
    head, sep, rest = text.partition("\nfirst_report:\n")
    assert sep, "policy/default.yaml has no first_report block"
    block, nl, tail = rest.partition("\n\n")
    block = re.sub(r"within: \w+", "within: %ds" % WITHIN_S, block)
    with open(path, "w", encoding="utf-8") as f:
        f.write(head + sep + block + nl + tail)
    return path


class Loader(threading.Thread):
    """Posts batches of distinct alerts until stopped; counts alerts answered 202."""

    def __init__(self, base, key, n):
        super().__init__(daemon=True)
        self.base, self.key, self.n = base, key, n
        self.stop = threading.Event()
        self.accepted = 0
        self.refused = 0
        self.other = []

    def run(self):
        i = 0
        while not self.stop.is_set():
            alerts = [{"labels": {"alertname": "Storm%d" % (k % 10), "instance": "t%d-%d-%d" % (self.n, i, k),
                                  "severity": "warning"},
                       "annotations": {"summary": "storm"}, "startsAt": "2026-05-01T10:00:00Z", "status": "firing"}
                      for k in range(BATCH)]
            i += 1
            body = json.dumps({"version": "4", "status": "firing", "alerts": alerts}).encode()
            req = urllib.request.Request(self.base + "/api/v1/integrations/alertmanager", data=body, method="POST",
                                         headers={"Content-Type": "application/json",
                                                  "Authorization": "Bearer " + self.key})
            try:
                with urllib.request.urlopen(req, timeout=60) as r:
                    r.read()
                    self.accepted += BATCH
            except urllib.error.HTTPError as e:
                e.read()
                if e.code == 503:  # queue full: nothing stored, the client retries
                    self.refused += 1
                else:
                    self.other.append(e.code)


class StormCounts(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.rcv = Receivers()
        cls.tmp = None
        try:
            srv = harness.Server(test_clock=False, policy=storm_policy())
            cls.tmp = srv.tmp
            chan = os.path.join(srv.tmp, "channels.yaml")
            with open(chan, "w", encoding="utf-8") as f:
                f.write("channels:\n  - name: sms-gw\n    kind: sms\n    url: http://127.0.0.1:%d/sms/gw\n"
                        "    body: '{\"phone\": \"{{to}}\", \"content\": \"{{text}}\", \"ref\": \"{{idempotency_key}}\"}'\n"
                        "    max_chars: 2000\n" % cls.rcv.http)
            srv.channels = chan
            cls.srv = srv
            srv.init()
            srv.start()
        except BaseException:
            cls.tearDownClass()
            raise

    @classmethod
    def tearDownClass(cls):
        rc, log = 0, ""
        if getattr(cls, "srv", None):
            rc = cls.srv.stop()
            log = cls.srv.read_log()
            cls.srv.cleanup()
        cls.rcv.close()
        if rc != 0:
            raise AssertionError("server exited with %d\n%s" % (rc, log[-6000:]))

    def wait_for(self, what, pred, limit=120):
        """Polls pred() until true (no timing asserted: the limit only ends a hung run)."""
        end = time.time() + limit
        while time.time() < end:
            v = pred()
            if v:
                return v
            time.sleep(0.2)
        self.fail("never happened: " + what)

    def test_deadlines_and_messages_exactly_once_under_ingestion(self):
        s = self.srv
        _, eng = s.make_user("storm-eng", ["ops_engineer"])
        s.make_user("storm-head", ["ops_section_head"], phone="13800000001")
        s.make_user("storm-liaison", ["liaison"], phone="13800000002")
        s.make_user("storm-dept", ["ops_department_head"], phone="13800000003")
        r = s.post("/api/v1/cis", {"name": "storm-core-switch", "category": "network", "grade": "L3",
                                   "department": "运行部", "location": "机房A"}, token=eng)
        self.assertStatus(r, 201)
        ci = r.json["id"]
        r = s.post("/api/v1/api-keys", {"name": "storm", "integration": "alertmanager"}, token=s.admin("sysadmin"))
        self.assertStatus(r, 201)
        loaders = [Loader(s.base, r.json["key"], n) for n in range(LOADERS)]
        for ld in loaders:
            ld.start()
        ids = []
        try:
            self.wait_for("ingestion under way", lambda: sum(ld.accepted for ld in loaders) >= 10 * BATCH)
            for k in range(INCIDENTS):
                r = s.post("/api/v1/incidents", {"title": "storm %d" % k, "ci_ids": [ci], "severity": "moderate",
                                                 "location": "机房A", "symptoms": "port flapping",
                                                 "impact_scope": "one rack"}, token=eng)
                self.assertStatus(r, 201)
                ids.append(r.json["id"])

            # R-NOT-6: every first-report deadline fires, while the load goes on
            def missed(iid):
                return [t for t in s.get("/api/v1/incidents/%d" % iid, token=eng).json["timeline"]
                        if t["kind"] == "deadline_missed"]
            self.wait_for("every first-report deadline fired", lambda: all(missed(i) for i in ids))
            # R-NOT-3: every message out of the outbox, still under load
            def unsent():
                return [m for i in ids for m in s.get("/api/v1/incidents/%d" % i, token=eng).json["messages"]
                        if m["status"] != "sent"]
            self.wait_for("every message sent", lambda: not unsent())
        finally:
            for ld in loaders:
                ld.stop.set()
            for ld in loaders:
                ld.join(timeout=120)

        # exactly once, counted after the load stopped
        msgs = []
        for i in ids:
            inc = s.get("/api/v1/incidents/%d" % i, token=eng).json
            self.assertEqual(len([t for t in inc["timeline"] if t["kind"] == "deadline_missed"]), 1, i)
            self.assertEqual([d["missed"] for d in inc["deadlines"] if d["kind"] == "first_report"], [True], i)
            msgs += inc["messages"]
        self.assertGreater(len(msgs), 0)
        self.assertEqual([m for m in msgs if m["status"] != "sent"], [])
        log = self.rcv.log()
        sms = [q for q in log["requests"] if q["path"] == "/sms/gw"]
        keys = [q["idempotency_key"] or (q["json"] or {}).get("ref") for q in sms]
        self.assertEqual(len(sms), len(msgs))
        self.assertEqual(len(set(keys)), len(keys), log.get("dups"))
        self.assertEqual(log.get("dups") or {}, {})
        # each result recorded once (the dispatcher records a wave of sends in one
        # transaction): exactly one delivery per message, 'sent', and no other
        outbox = []
        for i in ids:
            r = s.get("/api/v1/incidents/%d/deliveries?limit=500" % i, token=eng)
            self.assertStatus(r, 200)
            outbox += [(d["outbox_id"], d["status"]) for d in r.json["items"]]
        self.assertEqual(sorted(outbox), sorted((m["id"], "sent") for m in msgs))
        # ingestion: every accepted alert stored once, nothing else refused
        accepted = sum(ld.accepted for ld in loaders)
        self.assertEqual([c for ld in loaders for c in ld.other], [])
        self.assertGreater(accepted, 0)
        r = s.get("/api/v1/events?limit=1", token=eng)
        self.assertStatus(r, 200)
        self.assertEqual(r.json["total"], accepted)
        sys.stderr.write("storm: %d incidents, %d first-report deadlines fired once, %d messages sent once, "
                         "%d alerts stored (%d requests refused 503)\n"
                         % (len(ids), len(ids), len(msgs), accepted, sum(ld.refused for ld in loaders)))
        _, aud = s.make_user("storm-auditor", ["auditor"])
        r = s.get("/api/v1/audit/verify", token=aud)
        self.assertStatus(r, 200)
        self.assertTrue(r.json["ok"], r.json)

    def assertStatus(self, r, status):
        self.assertEqual(r.status, status, r)


if __name__ == "__main__":
    harness.main()
