"""test_approval_links.py — deciding an approval from a message
(research/modules-spec.md §1.5 "approve from a message"; docs/problems.md):
a real server with the SMS gateway of tests/notify/receivers.py on
loopback.  The request to approve reaches each approver but the opener
with a one-time link (/approve/<token>, minted like the acknowledgement
links); GET shows the step and writes nothing; POST decides once, from the
page's form or as JSON, recorded with channel "link"; a refused vote (no
comment on reject or more_info) leaves the link usable; a used link is
409, a decided step 409 for the others' links (naming the step), a link
of a round re-submitted since 410, an expired link 410 (1 ms after its
lifetime, valid at it), an unknown one 404; more_info and abstain decide
from the link too — abstain is final (the link used up), more_info leaves
the step waiting for the recipient, so the same link decides later."""
import json
import os
import re
import tempfile
import time
import unittest
import urllib.error
import urllib.parse
import urllib.request

import harness
from test_delivery import DT_SECRET, Receivers, channels_file

SEC = 1000
HOUR = 3600 * SEC
LINK_RE = re.compile(r"http://127\.0\.0\.1:\d+/approve/([A-Za-z0-9_-]{22})")


def utc(ms):
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(ms // 1000)) + ".%03dZ" % (ms % 1000)


def http(url, method="GET", body=None, ctype=None, accept=None):
    headers = {}
    if ctype:
        headers["Content-Type"] = ctype
    if accept:
        headers["Accept"] = accept
    data = body.encode() if isinstance(body, str) else (b"" if method == "POST" else None)
    req = urllib.request.Request(url, method=method, data=data, headers=headers)
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            return r.status, r.read().decode("utf-8")
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode("utf-8")


class ApprovalLinks(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.rcv = Receivers()
        cls.tmp = tempfile.mkdtemp(prefix="opsdesk-apl-")
        try:
            # the workaround-only step also allows abstaining (the default policy does not)
            src = open(os.path.join(os.path.dirname(__file__), "..", "..", "policy", "default.yaml"),
                       encoding="utf-8").read()
            old = "    decisions: [approve, reject, more_info]\n    comment_required_on: [reject, more_info]\n" \
                  "  major_review:"
            assert old in src
            pol = os.path.join(cls.tmp, "policy.yaml")
            with open(pol, "w", encoding="utf-8") as f:
                f.write(src.replace(old, old.replace("more_info]\n    comment", "more_info, abstain]\n    comment")))
            cls.srv = harness.Server(tmp=cls.tmp, channels=channels_file(cls.tmp, cls.rcv), policy=pol,
                                     extra_env={"OPSDESK_TEST_DINGTALK_SECRET": DT_SECRET})
            cls.srv.init()
            cls.srv.start()
            s = cls.srv
            cls.pm_id, cls.pm = s.make_user("pm", ["problem_manager"], phone="13900000011")
            cls.pm2_id, cls.pm2 = s.make_user("pm2", ["problem_manager"], phone="13900000012")
            cls.solver_id, cls.solver = s.make_user("solver", ["problem_solver"], phone="13900000013")
        except BaseException:
            cls.tearDownClass()
            raise

    @classmethod
    def tearDownClass(cls):
        rc = 0
        if getattr(cls, "srv", None):
            rc = cls.srv.stop()
            log = cls.srv.read_log()
            cls.srv.owns_tmp = True
            cls.srv.cleanup()
        cls.rcv.close()
        if rc != 0:
            raise AssertionError("server exited with %d\n%s" % (rc, log[-6000:]))

    def setUp(self):
        self.rcv.reset()

    # ---- helpers ----
    def assertStatus(self, r, status):
        self.assertEqual(r.status, status, r)

    def relogin(self):
        for name in ("pm", "pm2", "solver"):
            setattr(ApprovalLinks, name, self.srv.login(name, harness.USER_PW))

    def get(self, pid):
        r = self.srv.get("/api/v1/problems/%d" % pid, token=self.pm)
        self.assertStatus(r, 200)
        return r.json

    def ok(self, pid, action, token, **body):
        body["version"] = self.get(pid)["version"]
        r = self.srv.post("/api/v1/records/%d/actions/%s" % (pid, action), body, token=token)
        self.assertStatus(r, 200)

    def active(self):
        r = self.srv.post("/api/v1/problems", {"title": "交换机丢包", "fields": {"impact": "low", "urgency": "low",
                                                                              "category": "network"}},
                          token=self.pm)
        self.assertStatus(r, 201)
        pid = r.json["id"]
        self.ok(pid, "accept", self.pm)
        self.ok(pid, "assign", self.pm, fields={"assignee_id": self.solver_id})
        self.ok(pid, "start", self.solver)
        return pid

    def links(self, phone, want):
        """The decide links sent to phone, waiting (bounded) for `want` of them."""
        deadline = time.time() + 30
        while True:
            found = [m for r in self.rcv.sms(phone) for m in LINK_RE.findall(r["json"]["content"])]
            if len(found) >= want or time.time() > deadline:
                return found
            time.sleep(0.05)

    def rounds(self, pid):
        r = self.srv.get("/api/v1/records/%d/approvals" % pid, token=self.pm)
        self.assertStatus(r, 200)
        return r.json["items"]

    def url(self, token):
        return self.srv.base + "/approve/" + token

    def post_json(self, token, **body):
        st, text = http(self.url(token), "POST", json.dumps(body), "application/json", "application/json")
        return st, json.loads(text)

    # ---- tests ----
    def test_decide_once_from_the_message(self):
        pid = self.active()
        self.ok(pid, "decide_workaround_only", self.solver, reason="成本过高", fields={"workaround": "定期重启"})
        [tok] = self.links("13900000011", 1)
        [tok2] = self.links("13900000012", 1)
        self.assertEqual(self.links("13900000013", 0), [])  # the opener gets no link
        # GET: the page, Chinese first, nothing written
        st, page = http(self.url(tok))
        self.assertEqual(st, 200)
        self.assertIn('data-state="ready"', page)
        self.assertIn(self.get(pid)["number"], page)
        self.assertIn("仅临时解决", page)
        self.assertIn('name="decision" value="reject"', page)
        self.assertEqual(self.rounds(pid)[-1]["state"], "waiting")
        # a reject without a comment is refused and the link stays usable
        st, j = self.post_json(tok, decision="reject")
        self.assertEqual((st, j["status"]), (422, "refused"))
        st, j = self.post_json(tok, decision="maybe")
        self.assertEqual(st, 400)
        # the page's form decides
        body = urllib.parse.urlencode({"comment": "同意 先这样", "decision": "approve"})
        st, page = http(self.url(tok), "POST", body, "application/x-www-form-urlencoded")
        self.assertEqual(st, 200, page)
        self.assertIn('data-state="decided"', page)
        rnd = self.rounds(pid)[-1]
        self.assertEqual(rnd["state"], "accepted")
        votes = [v for s in rnd["steps"] for v in s["votes"]]
        self.assertEqual([(v["user_id"], v["decision"], v["channel"], v["comment"]) for v in votes],
                         [(self.pm_id, "approve", "link", "同意 先这样")])
        # once only; the other approver's link finds nothing to decide
        st, j = self.post_json(tok, decision="approve")
        self.assertEqual((st, j["status"]), (409, "already_used"))
        st, j = self.post_json(tok2, decision="reject", comment="不同意")
        self.assertEqual((st, j["status"]), (409, "closed"))
        self.assertEqual(len([v for s in self.rounds(pid)[-1]["steps"] for v in s["votes"]]), 1)
        # unknown
        st, j = self.post_json("A" * 22, decision="approve")
        self.assertEqual((st, j["status"]), (404, "unknown"))

    def test_old_round_link_is_stale(self):
        # round 1 (opened by the solver) sends pm a link naming its step; pm2
        # rejects; pm re-submits round 2: the old link is for round 1 (410)
        pid = self.active()
        self.ok(pid, "decide_workaround_only", self.solver, reason="成本过高", fields={"workaround": "定期重启"})
        [tok] = self.links("13900000011", 1)
        rid = self.rounds(pid)[-1]["id"]
        r = self.srv.post("/api/v1/records/%d/approvals/%d/votes" % (pid, rid),
                          {"step": "workaround_only", "decision": "reject", "comment": "需根治"}, token=self.pm2)
        self.assertStatus(r, 200)
        # the step is decided: the link says so, naming the step (409)
        st, j = self.post_json(tok, decision="approve")
        self.assertEqual((st, j["status"], j["step"]), (409, "closed", "workaround_only"))
        self.assertIn("已结束", j["message"])
        self.assertIn("decided already: refused", j["message"])
        st, page = http(self.url(tok))
        self.assertEqual(st, 409)
        self.assertIn('data-state="closed"', page)
        self.assertNotIn('<form id="decide"', page)
        self.ok(pid, "decide_workaround_only", self.pm, reason="再次申请")
        self.assertEqual([x["round"] for x in self.rounds(pid)], [1, 2])
        st, j = self.post_json(tok, decision="approve")
        self.assertEqual((st, j["status"]), (410, "stale"))
        self.assertIn("旧的一轮", j["message"])
        self.assertIn("earlier round", j["message"])
        self.assertEqual(self.rounds(pid)[-1]["state"], "waiting")
        # the opener of round 2 (pm) gets no link for it; pm2 decides round 2 from its own
        toks = self.links("13900000012", 2)
        self.assertEqual(len(toks), 2)
        self.assertEqual(len(self.links("13900000011", 1)), 1)
        st, j = self.post_json(toks[0], decision="approve")  # pm2's round-1 link
        self.assertEqual((st, j["status"]), (410, "stale"))
        st, j = self.post_json(toks[-1], decision="approve")
        self.assertEqual((st, j["status"]), (200, "decided"))
        self.assertEqual(self.rounds(pid)[-1]["state"], "accepted")

    def test_more_info_and_abstain(self):
        pid = self.active()
        self.ok(pid, "decide_workaround_only", self.solver, reason="成本过高", fields={"workaround": "定期重启"})
        [tok] = self.links("13900000011", 1)
        [tok2] = self.links("13900000012", 1)
        st, page = http(self.url(tok))
        self.assertEqual(st, 200)
        for d in ("approve", "reject", "more_info", "abstain"):
            self.assertIn('name="decision" value="%s"' % d, page)
        self.assertIn("需补充信息", page)
        self.assertIn("弃权", page)
        # more_info needs a comment, like reject: refused, the link stays usable
        st, j = self.post_json(tok, decision="more_info")
        self.assertEqual((st, j["status"]), (422, "refused"))
        body = urllib.parse.urlencode({"comment": "请补充成本估算", "decision": "more_info"})
        st, page = http(self.url(tok), "POST", body, "application/x-www-form-urlencoded")
        self.assertEqual(st, 200, page)
        self.assertIn('data-state="decided"', page)
        # abstain without a comment
        st, j = self.post_json(tok2, decision="abstain")
        self.assertEqual((st, j["status"], j["decision"]), (200, "decided", "abstain"))
        rnd = self.rounds(pid)[-1]
        self.assertEqual(rnd["state"], "waiting")  # neither decides a step in mode any
        votes = sorted((v["user_id"], v["decision"], v["channel"], v["comment"])
                       for s in rnd["steps"] for v in s["votes"])
        self.assertEqual(votes, sorted([(self.pm_id, "more_info", "link", "请补充成本估算"),
                                        (self.pm2_id, "abstain", "link", "")]))
        # abstain is final for its voter (a second vote is refused): that link is used up, and the
        # web refuses a second vote as well
        st, j = self.post_json(tok2, decision="approve")
        self.assertEqual((st, j["status"]), (409, "already_used"))
        step = rnd["steps"][0]
        r = self.srv.post("/api/v1/records/%d/approvals/%d/votes" % (pid, rnd["id"]),
                          {"step": step["key"], "decision": "approve"}, token=self.pm2)
        self.assertEqual(r.status, 409, r)
        # more_info is not a decision: the step still waits for pm, so the same link stays usable —
        # the page offers the decisions again, and once the requester has answered it decides
        st, page = http(self.url(tok))
        self.assertEqual(st, 200)
        self.assertIn('data-state="ready"', page)
        st, j = self.post_json(tok, decision="approve")
        self.assertEqual((st, j["status"], j["decision"]), (200, "decided", "approve"))
        rnd = self.rounds(pid)[-1]
        self.assertEqual(rnd["state"], "accepted")
        votes = sorted((v["user_id"], v["decision"], v["channel"]) for s in rnd["steps"] for v in s["votes"])
        self.assertEqual(votes, sorted([(self.pm_id, "more_info", "link"), (self.pm_id, "approve", "link"),
                                        (self.pm2_id, "abstain", "link")]))
        # now used up: decided once
        st, j = self.post_json(tok, decision="approve")
        self.assertEqual((st, j["status"]), (409, "already_used"))

    def test_z_link_expires(self):
        pid = self.active()
        self.ok(pid, "decide_workaround_only", self.solver, reason="成本过高", fields={"workaround": "定期重启"})
        [tok] = self.links("13900000011", 1)
        sent = self.srv.now_ms()  # the test clock stands still: the link was minted at it
        try:
            self.srv.clock(set_to=utc(sent + 24 * HOUR))
            st, j = self.post_json(tok, decision="approve")
            self.assertEqual((st, j["status"]), (200, "decided"))
        finally:
            self.relogin()
        # a second one, used 1 ms after its lifetime
        self.rcv.reset()
        pid2 = self.active()
        self.ok(pid2, "decide_workaround_only", self.solver, reason="成本过高", fields={"workaround": "定期重启"})
        [tok2] = self.links("13900000012", 1)
        t1 = self.srv.now_ms()
        try:
            self.srv.clock(set_to=utc(t1 + 24 * HOUR + 1))
            st, j = self.post_json(tok2, decision="approve")
            self.assertEqual((st, j["status"]), (410, "expired"))
            self.relogin()
            self.assertEqual(self.rounds(pid2)[-1]["state"], "waiting")
        finally:
            self.relogin()

if __name__ == "__main__":
    harness.main()
