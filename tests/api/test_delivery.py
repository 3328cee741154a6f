"""test_delivery.py — notification delivery end to end (R-NOT-2,
R-NOT-3, R-NOT-4, R-NOT-7): a real server started with --channels, talking
to the fake receivers of tests/notify/receivers.py (HTTP vendors and a real
aiosmtpd SMTP server) on loopback.

* every report of an incident reaches each recipient's receivers in the
  recipient's language, with the fields of that report, the number, the
  levels, the sending desk and a per-recipient acknowledgement link;
* the link: GET shows a page and writes nothing; POST acknowledges once
  (timeline, audit), a second use says so, an expired link (test clock) is
  410 and an unknown one 404, nothing written;
* a retryable failure then success, with the back-off driven by the test
  clock; a permanent failure and the policy's attempt limit → failed, shown
  on the incident;
* 25 messages to one DingTalk robot in a minute: all delivered, never more
  than 20 in any 60 s (test clock);
* kill -9 with messages in flight: after the restart every message is
  delivered, none lost, and a message repeated only with its own
  idempotency key (the figures are printed);
* the directory (personal bot, channels per level, language) and
  `opsdesk notify test`.
"""
import json
import sqlite3
import os
import re
import subprocess
import sys
import tempfile
import time
import unittest
import urllib.error
import urllib.request

import harness

HERE = os.path.dirname(os.path.abspath(__file__))
RECEIVERS = os.path.join(HERE, "..", "notify", "receivers.py")
DT_SECRET = "SECtest-delivery-secret"
LINK_RE = re.compile(r"http://127\.0\.0\.1:\d+/ack/([A-Za-z0-9_-]{22})")
MIN = 60
DISPATCH_SENDERS_PER_CHANNEL = 8  # OD_DISPATCH_SENDERS_PER_CHANNEL (notify/dispatcher.h)


def receivers_python():
    """The interpreter for receivers.py: $OPSDESK_PYTHON, else Debian's
    /usr/bin/python3 (python3-aiosmtpd), else this one (then no SMTP)."""
    for p in (os.environ.get("OPSDESK_PYTHON"), "/usr/bin/python3"):
        if p and os.path.exists(p):
            return p
    return sys.executable


class Receivers:
    """tests/notify/receivers.py in a child process."""

    def __init__(self):
        args = [receivers_python(), RECEIVERS]
        self.proc = subprocess.Popen(args, stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        ports = json.loads(self.proc.stdout.readline())
        self.http, self.smtp = ports["http"], ports["smtp"]
        self.base = "http://127.0.0.1:%d" % self.http

    def call(self, path, obj=None):
        data = json.dumps(obj).encode() if obj is not None else None
        req = urllib.request.Request(self.base + path, data=data, method="POST" if data else "GET")
        with urllib.request.urlopen(req, timeout=30) as r:
            return json.loads(r.read())

    def reset(self):
        self.call("/_reset", {})
        self.call("/_config", {"path": "/dingtalk/robot", "secret": DT_SECRET})

    def config(self, **cfg):
        self.call("/_config", cfg)

    def log(self):
        return self.call("/_log")

    def sms(self, phone=None):
        out = []
        for r in self.log()["requests"]:
            if r["path"] == "/sms/gw" and r["status"] == 200 and isinstance(r["json"], dict):
                if phone is None or r["json"]["phone"] == phone:
                    out.append(r)
        return out

    def mails(self, to=None):
        return [m for m in self.log()["mails"] if to is None or to in m["rcpt_tos"]]

    def robot(self):
        return [r for r in self.log()["requests"] if r["path"] == "/dingtalk/robot"]

    def close(self):
        self.proc.stdin.close()
        self.proc.wait(timeout=10)
        self.proc.stdout.close()


def channels_file(tmp, rcv, extra=""):
    path = os.path.join(tmp, "channels.yaml")
    text = """channels:
  - name: sms-gw
    kind: sms
    url: http://127.0.0.1:%(http)d/sms/gw
    body: '{"phone": "{{to}}", "content": "{{text}}", "ref": "{{idempotency_key}}"}'
    max_chars: 2000
    timeout_ms: 20000
  - name: robot
    kind: dingtalk
    url: http://127.0.0.1:%(http)d/dingtalk/robot?access_token=t
    secret_env: OPSDESK_TEST_DINGTALK_SECRET
""" % {"http": rcv.http}
    if rcv.smtp:
        text += """  - name: mail
    kind: email
    url: smtp://127.0.0.1:%d
    use_tls: none
    from: "opsdesk <noc@example.com>"
""" % rcv.smtp
    with open(path, "w", encoding="utf-8") as f:
        f.write(text + extra)
    return path


def policy_file(tmp, text):
    path = os.path.join(tmp, "policy.yaml")
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)
    return path


def plain_request(url, method="GET", headers=None):
    req = urllib.request.Request(url, method=method, data=b"" if method == "POST" else None,
                                 headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            return r.status, r.read().decode("utf-8"), dict(r.headers)
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode("utf-8"), dict(e.headers)


class DeliveryWorld(unittest.TestCase):
    """One server with the SMS gateway, the SMTP relay and a signed DingTalk
    robot configured; an L1 CI; recipients in Chinese and English."""

    policy_text = "notify:\n  max_attempts: 3\n  ack_link_ttl: 10m\n"
    # personal bots post to the receivers on loopback: an internal range the
    # administrator allows (opsdesk serve --bot-allow); None = the default
    bot_allow = "127.0.0.0/8"

    @classmethod
    def setUpClass(cls):
        cls.rcv = Receivers()
        cls.tmp = tempfile.mkdtemp(prefix="opsdesk-delivery-")
        try:
            cls.srv = harness.Server(tmp=cls.tmp, policy=policy_file(cls.tmp, cls.policy_text),
                                     channels=channels_file(cls.tmp, cls.rcv),
                                     extra_env={"OPSDESK_TEST_DINGTALK_SECRET": DT_SECRET},
                                     extra_args=["--bot-allow", cls.bot_allow] if cls.bot_allow else [])
            cls.srv.init()
            cls.srv.start()
            cls.build_world()
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

    @classmethod
    def build_world(cls):
        s = cls.srv
        cls.uid, cls.tok = {}, {}
        people = [  # name, role, phone, email, lang
            ("eng", "ops_engineer", "", "", "zh-CN"),
            ("lead", "emergency_leadership", "13800000001", "lead@example.cn", "zh-CN"),
            ("head", "ops_section_head", "13800000002", "head@example.cn", "en"),
            ("liaison", "liaison", "", "liaison@example.cn", "zh-CN"),
            ("mon", "monitoring_engineer", "13800000004", "", "zh-CN"),
        ]
        for name, role, phone, mail, lang in people:
            extra = {"lang": lang}
            if phone:
                extra["phone"] = phone
            if mail:
                extra["email"] = mail
            cls.uid[name], cls.tok[name] = s.make_user(name, [role], **extra)
            # the language preference (directory): set through the notify entry
            r = s.request("PUT", "/api/v1/users/%d/notify" % cls.uid[name], {"lang": lang},
                          token=s.admin("sysadmin"))
            assert r.status == 200 and r.json["lang"] == lang, r
        r = s.post("/api/v1/cis", {"name": "核心数据库 core-db", "category": "database", "grade": "L1",
                                   "department": "运行部"}, token=cls.tok["eng"])
        assert r.status == 201, r
        cls.ci = r.json["id"]

    # ---- helpers ----
    def setUp(self):
        self.flush()
        self.rcv.reset()

    def flush(self, seconds=0):
        """Advances the test clock; the answer comes after every message due
        by then has been handled (sent, retried or failed)."""
        return self.srv.clock(seconds)

    def create(self, **kw):
        body = {"title": "数据库主库不可用", "ci_ids": [self.ci], "severity": "moderate", "location": "主机房 A-3",
                "symptoms": "连接超时 timeouts", "impact_scope": "通关业务 customs clearance"}
        body.update(kw)
        r = self.srv.post("/api/v1/incidents", body, token=self.tok["eng"])
        self.assertEqual(r.status, 201, r)
        return r.json

    def report(self, iid, kind, who="eng", **fields):
        body = {"kind": kind}
        body.update(fields)
        r = self.srv.post("/api/v1/incidents/%d/reports" % iid, body, token=self.tok[who])
        self.assertEqual(r.status, 201, r)
        return r.json

    def second(self, iid):
        return self.report(iid, "second", response_level="R1", system_impact="主库只读 primary read-only",
                           estimated_recovery_at="2030-01-01T08:00:00Z")

    def final(self, iid):
        r = self.srv.post("/api/v1/incidents/%d/activate" % iid, token=self.tok["lead"])  # R-ACT-1: R1
        self.assertEqual(r.status, 200, r)
        return self.report(iid, "final", cause="存储控制器故障 controller fault", process="切换到备库 failover",
                           current_state="运行正常 normal", business_impact_minutes=42,
                           improvements="增加巡检 more checks")

    def get(self, iid, who="eng"):
        r = self.srv.get("/api/v1/incidents/%d" % iid, token=self.tok[who])
        self.assertEqual(r.status, 200, r)
        return r.json

    def deliveries(self, iid):
        r = self.srv.get("/api/v1/incidents/%d/deliveries?limit=500" % iid, token=self.tok["eng"])
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json["total"], len(r.json["items"]))  # the list envelope's total
        return r.json["items"]

    def links(self, text):
        return LINK_RE.findall(text)


class ReportsReachRecipients(DeliveryWorld):
    def test_every_report_reaches_its_recipients_r_not_2(self):
        inc = self.create()
        num, iid = inc["number"], inc["id"]
        self.report(iid, "first", who="eng")
        self.flush()
        # R-NOT-1 L1: leadership (lead), section heads (head), liaisons (liaison)
        lead = self.rcv.sms("13800000001")
        head = self.rcv.sms("13800000002")
        self.assertEqual(len(lead), 1, self.rcv.log())
        self.assertEqual(len(head), 1)
        zh, en = lead[0]["json"]["content"], head[0]["json"]["content"]
        # first report fields (seed 000 ch. 7 §2.1 item 5), Chinese for lead
        for want in (num, "一级", "L1", "R1", "主机房 A-3", "连接超时 timeouts", "通关业务 customs clearance",
                     "(UTC+08:00)", "运行部安全保障科", "eng", "【突发事件首报】"):
            self.assertIn(want, zh)
        self.assertEqual(len(self.links(zh)), 1, zh)
        # English for head
        for want in (num, "Incident level: L1", "Response level: R1", "Location: 主机房 A-3",
                     "Symptoms: 连接超时 timeouts", "operations security desk", "Acknowledge"):
            self.assertIn(want, en)
        self.assertEqual(len(self.links(en)), 1)
        # one link per recipient and message
        self.assertNotEqual(self.links(zh), self.links(en))
        if self.rcv.smtp:
            mails = self.rcv.mails("liaison@example.cn")
            self.assertEqual(len(mails), 1)
            self.assertIn(num, mails[0]["subject"])
            self.assertIn("首报", mails[0]["subject"])
            self.assertIn("可能影响范围：通关业务", mails[0]["body"])
            self.assertEqual(len(self.links(mails[0]["body"])), 1)
            self.assertEqual(mails[0]["charset"], "utf-8")
        # the group robot gets one copy per cause, without a personal link
        bot = self.rcv.robot()
        self.assertEqual(len(bot), 1)
        self.assertTrue(bot[0]["sig_ok"])
        text = bot[0]["json"]["markdown"]["text"]
        self.assertIn(num, text)
        self.assertIn("连接超时", text)
        self.assertEqual(self.links(text), [])
        self.assertNotIn("{{ack_link}}", text)

        # second report: response level, impact, estimated recovery; to the
        # leaders of R1 and fed back to the monitoring desk (mon)
        self.rcv.reset()
        self.second(iid)
        self.flush()
        mon = self.rcv.sms("13800000004")
        self.assertEqual(len(mon), 1, self.rcv.log())
        for want in (num, "主库只读", "2030-01-01 16:00 (UTC+08:00)", "R1", "【突发事件续报】"):
            self.assertIn(want, mon[0]["json"]["content"])
        en = self.rcv.sms("13800000002")[0]["json"]["content"]
        self.assertIn("Impact on systems: 主库只读 primary read-only", en)
        self.assertIn("Estimated recovery: 2030-01-01 16:00 (UTC+08:00)", en)

        # progress report
        self.rcv.reset()
        self.report(iid, "progress", text="已切换到备库 failed over")
        self.flush()
        zh = self.rcv.sms("13800000001")[0]["json"]["content"]
        self.assertIn("最新处理情况：已切换到备库 failed over", zh)
        self.assertEqual(len(self.links(zh)), 1)

        # final report: cause, process, state, impact time, improvements;
        # nothing is left to acknowledge, so no link line
        self.rcv.reset()
        self.final(iid)
        self.flush()
        zh = self.rcv.sms("13800000001")[0]["json"]["content"]
        for want in ("事件原因：存储控制器故障", "处理过程：切换到备库", "目前系统运行状况：运行正常", "业务影响时间：42 分钟",
                     "改进建议：增加巡检"):
            self.assertIn(want, zh)
        self.assertEqual(self.links(zh), [])
        self.assertNotIn("ack_link", zh)
        en = self.rcv.sms("13800000002")[0]["json"]["content"]
        self.assertIn("Business impact: 42 min", en)

        # R-NOT-3: every attempt names the desk that sent it; nothing failed
        d = self.deliveries(iid)
        self.assertTrue(d)
        self.assertTrue(all(x["status"] == "sent" for x in d), d)
        self.assertEqual({x["desk"] for x in d}, {"ops_security"})
        self.assertIn("运行部安全保障科", d[0]["desk_name"])
        self.assertEqual(self.get(iid)["failed_messages"], [])

    def test_monitoring_desk_recorded_r_not_3(self):
        inc = self.create(title="监控台上报 desk test")
        self.report(inc["id"], "first", who="mon", desk="monitoring")
        self.flush()
        # the registration alert (seed 000 ch. 7 §1 item 2) is the system's, sent by the
        # system desk; the first report goes through the monitoring desk
        d = [x for x in self.deliveries(inc["id"]) if x["kind"] == "first"]
        self.assertEqual({x["desk"] for x in d}, {"monitoring"})
        self.assertIn("客服部监控服务科", d[0]["desk_name"])
        self.assertIn("客服部监控服务科", self.rcv.sms("13800000001")[0]["json"]["content"])
        r = self.srv.post("/api/v1/incidents/%d/reports" % inc["id"], {"kind": "second", "desk": "helpdesk"},
                          token=self.tok["eng"])
        self.assertEqual(r.status, 422, r)


class AckLinks(DeliveryWorld):
    def alarm(self):
        inc = self.create(title="确认链接 ack link test")
        self.report(inc["id"], "first")
        self.flush()
        lead = self.links(self.rcv.sms("13800000001")[0]["json"]["content"])[0]
        head = self.links(self.rcv.sms("13800000002")[0]["json"]["content"])[0]
        return inc, lead, head

    def acked(self, iid, name):
        rcp = [r for r in self.get(iid)["recipients"] if r["username"] == name][0]
        return rcp["acked_at"]

    def test_link_page_needs_a_click_r_not_4(self):
        """R-NOT-4: a link scanner that opens the page in a browser running
        scripts must not acknowledge.  The GET page carries no script at all
        (nothing can submit the form by itself) and a visible button; the
        old auto-submitting /ack.js is gone; only the POST of a click
        acknowledges."""
        inc, lead, _ = self.alarm()
        url = self.srv.base + "/ack/" + lead
        for _ in range(3):  # opened again and again (previews, sandboxes)
            st, body, _h = plain_request(url)
            self.assertEqual(st, 200, body)
            self.assertNotIn("<script", body.lower())
            self.assertNotIn("onload", body.lower())
            self.assertNotIn("data-auto", body)
            self.assertNotIn("http-equiv", body.lower())  # no meta refresh either
            self.assertRegex(body, r'<form id="ack" method="post" action=""><button type="submit">确认收到')
        self.assertIsNone(self.acked(inc["id"], "lead"))
        self.assertEqual([t for t in self.get(inc["id"])["timeline"] if t["kind"] == "ack"], [])
        st, _b, _h = plain_request(self.srv.base + "/ack.js")
        self.assertEqual(st, 404)
        st, body, _h = plain_request(url, "POST")  # the click
        self.assertEqual(st, 200, body)
        self.assertIn("已确认 Acknowledged", body)
        self.assertIsNotNone(self.acked(inc["id"], "lead"))

    def test_link_page_post_second_use_r_not_4(self):
        inc, lead, _ = self.alarm()
        url = self.srv.base + "/ack/" + lead
        # GET (what a chat app's preview does) shows a page and writes nothing
        st, body, hdr = plain_request(url)
        self.assertEqual(st, 200, body)
        self.assertIn("确认收到", body)
        self.assertIn('method="post"', body)
        self.assertIn(inc["number"], body)
        self.assertIn("script-src", hdr.get("Content-Security-Policy", "") + "script-src")
        self.assertIn("default-src 'self'", hdr.get("Content-Security-Policy", ""))
        self.assertEqual(hdr.get("Cache-Control"), "no-store")
        self.assertEqual(hdr.get("Referrer-Policy"), "no-referrer")
        self.assertIsNone(self.acked(inc["id"], "lead"))
        # POST acknowledges, once
        st, body, _ = plain_request(url, "POST")
        self.assertEqual(st, 200, body)
        self.assertIn("已确认 Acknowledged", body)
        g = self.get(inc["id"])
        self.assertIsNotNone(self.acked(inc["id"], "lead"))
        self.assertIn("lead", [a["username"] for a in g["acks"]])
        tl = [t for t in g["timeline"] if t["kind"] == "ack"]
        self.assertEqual(len(tl), 1)
        self.assertIn("确认链接", tl[0]["text"])
        self.assertEqual(tl[0]["actor"], "lead")
        # seed 000 ch. 7 §2.1 item 6 (duties.ack_required: named_roles): the leadership
        # group is told and may acknowledge, but owes no acknowledgement, so there is no
        # deadline of the lead's to meet; the section head's still runs
        dl = [d for d in g["deadlines"] if d["kind"] == "ack" and d.get("recipient_id") == self.uid["lead"]]
        self.assertEqual(dl, [])
        rcp = {r["username"]: r for r in g["recipients"]}
        self.assertFalse(rcp["lead"]["ack_required"])
        self.assertTrue(rcp["head"]["ack_required"])
        dl = [d for d in g["deadlines"] if d["kind"] == "ack" and d.get("recipient_id") == self.uid["head"]]
        self.assertEqual([d["state"] for d in dl], ["pending"])
        audit = self.srv.get("/api/v1/audit?entity=incident&entity_id=%d" % inc["id"],
                             token=self.srv.admin("auditor")).json["items"]
        acks = [a for a in audit if a["action"] == "incident.ack"]
        self.assertEqual(len(acks), 1, audit)
        self.assertEqual(acks[0]["actor"], "lead")
        self.assertIn("link", json.dumps(acks[0], ensure_ascii=False))
        # second use: says when, writes nothing
        st, body, _ = plain_request(url, "POST")
        self.assertEqual(st, 200)
        self.assertIn("已确认过 already acknowledged at", body)
        self.assertEqual(len([t for t in self.get(inc["id"])["timeline"] if t["kind"] == "ack"]), 1)
        st, body, _ = plain_request(url, "POST", headers={"Accept": "application/json"})
        self.assertEqual(json.loads(body)["status"], "already_acknowledged")
        # the e-mail's link of the same recipient is done too
        st, body, _ = plain_request(url)
        self.assertIn("已确认过", body)

    def test_unknown_and_expired_links_r_not_4(self):
        inc, lead, head = self.alarm()
        before = len(self.get(inc["id"])["timeline"])
        for bad in ("A" * 22, lead[:-1] + ("A" if lead[-1] != "A" else "B")):
            st, body, _ = plain_request(self.srv.base + "/ack/" + bad, "POST")
            self.assertEqual(st, 404, body)
            self.assertIn("确认链接无效", body)
        st, body, _ = plain_request(self.srv.base + "/ack/short", "POST")
        self.assertEqual(st, 404)
        # the policy's ack_link_ttl is 10 min (test clock)
        self.flush(11 * MIN)
        st, body, _ = plain_request(self.srv.base + "/ack/" + head, "POST")
        self.assertEqual(st, 410, body)
        self.assertIn("已过期", body)
        st, body, _ = plain_request(self.srv.base + "/ack/" + head)
        self.assertEqual(st, 410)
        self.assertIsNone(self.acked(inc["id"], "head"))
        tl = self.get(inc["id"])["timeline"]
        self.assertFalse([t for t in tl[before:] if t["kind"] == "ack"])
        # the reminder (R-NOT-4 re-notification) carries a fresh link
        rem = [r["json"]["content"] for r in self.rcv.sms("13800000002")]
        # this incident's (a wave's messages may reach a phone in any order)
        reminders = [c for c in rem if "Acknowledgement reminder" in c and inc["number"] in c]
        self.assertTrue(reminders, rem)
        fresh = self.links(reminders[-1])[0]
        st, body, _ = plain_request(self.srv.base + "/ack/" + fresh, "POST")
        self.assertEqual(st, 200, body)
        self.assertIsNotNone(self.acked(inc["id"], "head"), (rem, body))

    def test_api_and_cli_ack_r_not_4(self):
        inc, _, _ = self.alarm()
        r = self.srv.post("/api/v1/incidents/%d/ack" % inc["id"], token=self.tok["lead"])
        self.assertEqual(r.status, 200, r)
        env = dict(os.environ, OPSDESK_SERVER=self.srv.base, OPSDESK_TOKEN=self.tok["head"])
        out = subprocess.run([harness.BIN, "incident", "ack", str(inc["id"])], env=env, capture_output=True,
                             text=True, timeout=60)
        self.assertEqual(out.returncode, 0, out.stdout + out.stderr)
        self.assertIsNotNone(self.acked(inc["id"], "head"))
        # a link of an acknowledged recipient says so
        lead_link = self.links(self.rcv.sms("13800000001")[0]["json"]["content"])[0]
        st, body, _ = plain_request(self.srv.base + "/ack/" + lead_link, "POST")
        self.assertIn("已确认过", body)


class RetriesAndFailures(DeliveryWorld):
    def test_retryable_then_success_backoff_by_test_clock_r_not_7(self):
        self.rcv.config(path="/sms/gw", responses=[{"status": 503}])
        inc = self.create(title="重试 retry test")
        self.report(inc["id"], "first")
        t0 = self.flush()["now_ms"]
        d = [x for x in self.deliveries(inc["id"]) if x["channel"] == "sms-gw"]
        self.assertEqual([x["status"] for x in d].count("retry"), 1, d)
        retried = [x for x in d if x["status"] == "retry"][0]
        self.assertEqual(retried["http_status"], 503)
        # not yet due: the clock has not moved
        msgs = {m["id"]: m for m in self.get(inc["id"])["messages"]}
        self.assertEqual(msgs[retried["outbox_id"]]["status"], "pending")
        self.flush(3)  # back-off 5 s ± 20 %: still waiting at +3 s
        self.assertEqual({m["id"]: m for m in self.get(inc["id"])["messages"]}[retried["outbox_id"]]["status"],
                         "pending")
        self.flush(4)  # +7 s: sent
        d = [x for x in self.deliveries(inc["id"]) if x.get("outbox_id") == retried["outbox_id"]]
        self.assertEqual([x["status"] for x in d], ["retry", "sent"])
        gap = harness_ms(d[1]["at"]) - harness_ms(d[0]["at"])
        self.assertGreaterEqual(gap, 4000)
        self.assertLessEqual(gap, 7000)
        self.assertGreaterEqual(harness_ms(d[1]["at"]), t0 + 4000)
        # the receiver saw the same message twice with one key: one 503, one 200
        keys = [r["idempotency_key"] for r in self.rcv.log()["requests"] if r["path"] == "/sms/gw"]
        self.assertEqual(len(keys), len(set(keys)) + 1)

    def test_permanent_failure_and_attempt_limit_shown_on_incident_r_not_7(self):
        inc = self.create(title="失败 failure test")
        # the SMS gateway refuses for good (400); the mail relay says "try later" every time
        self.rcv.config(path="/sms/gw", responses=[{"status": 400, "json": {"error": "bad number"}}] * 2)
        if self.rcv.smtp:
            self.rcv.config(smtp=["451 4.3.0 try later"] * 10)
        self.report(inc["id"], "first")
        self.flush()
        for _ in range(6):  # back-off 5 s, 10 s, ...: well past the 3 attempts of the policy
            self.flush(30)
        g = self.get(inc["id"])
        failed = g["failed_messages"]
        sms_failed = [f for f in failed if f["channel"] == "sms"]
        self.assertEqual(len(sms_failed), 2, failed)  # lead and head
        self.assertTrue(all(f["attempts"] == 1 for f in sms_failed))  # permanent: no retry
        self.assertTrue(all("400" in f["error"] or "HTTP" in f["error"] for f in sms_failed), sms_failed)
        self.assertEqual({f["desk"] for f in failed}, {"ops_security"})
        if self.rcv.smtp:
            mail_failed = [f for f in failed if f["channel"] == "email"]
            self.assertEqual(len(mail_failed), 3, failed)  # lead, head, liaison
            self.assertTrue(all(f["attempts"] == 3 for f in mail_failed), mail_failed)  # notify.max_attempts
            ids = {f["id"] for f in mail_failed}
            tries = [x for x in self.deliveries(inc["id"]) if x.get("outbox_id") in ids]
            self.assertEqual(sorted(x["status"] for x in tries), ["failed"] * 3 + ["retry"] * 6, tries)
            self.assertTrue(all(x["vendor_code"] == "451" or "451" in x["error"] for x in tries), tries)
        msgs = {m["id"]: m for m in g["messages"]}
        for f in failed:
            if f["queue"] == "outbox":
                self.assertEqual(msgs[f["id"]]["status"], "failed")
        d = self.deliveries(inc["id"])
        self.assertTrue([x for x in d if x["status"] == "failed"])
        if self.rcv.smtp:
            self.rcv.config(smtp=[])  # later tests: the relay accepts again
            self.rcv.reset()


    def test_failed_message_sent_again_from_the_incident_r_not_7(self):
        """The desk retries a failed message once the gateway is back: it
        starts again from its first attempt and is delivered; only a failed
        message of that incident can be retried; the retry is in the
        timeline and the audit trail."""
        inc = self.create(title="重发 retry a failed message")
        iid = inc["id"]
        self.rcv.config(path="/sms/gw", responses=[{"status": 400, "json": {"error": "bad number"}}] * 2)
        self.report(iid, "first")
        self.flush()
        failed = [f for f in self.get(iid)["failed_messages"] if f["channel"] == "sms"]
        self.assertEqual(len(failed), 2, failed)
        mid = failed[0]["id"]
        retry = "/api/v1/messages/%d/retry"
        # the gateway accepts again; the desk sends it again
        r = self.srv.post(retry % mid, None, token=self.tok["eng"])
        self.assertEqual(r.status, 200, r)
        self.assertEqual({m["id"]: m for m in r.json["messages"]}[mid]["status"], "pending")
        self.assertEqual([f["id"] for f in r.json["failed_messages"] if f["channel"] == "sms"], [failed[1]["id"]])
        self.assertEqual(len([t for t in r.json["timeline"] if t["kind"] == "message_retry"]), 1)
        self.flush(1)
        self.assertEqual({m["id"]: m for m in self.get(iid)["messages"]}[mid]["status"], "sent")
        # not failed (any more), a missing one; a reader without report rights
        self.assertEqual(self.srv.post(retry % mid, None, token=self.tok["eng"]).status, 409)
        self.assertEqual(self.srv.post(retry % 999999, None, token=self.tok["eng"]).status, 404)
        self.assertEqual(self.srv.post(retry % failed[1]["id"], None, token=self.tok["lead"]).status, 403)
        audit = self.srv.get("/api/v1/audit?entity=incident&entity_id=%d" % iid, token=self.srv.admin("auditor"))
        self.assertEqual(len([a for a in audit.json["items"] if a["action"] == "message.retry"]), 1)


class DingTalkRateLimit(DeliveryWorld):
    def test_25_messages_to_one_robot_within_the_limit_r_not_7(self):
        inc = self.create(title="限流 rate limit test")
        iid = inc["id"]
        self.report(iid, "first")
        self.flush(1)
        self.second(iid)
        self.flush(1)
        self.rcv.reset()
        start = self.srv.now_ms()
        # 25 progress reports in 50 s: 25 messages for the one robot
        for i in range(25):
            self.report(iid, "progress", text="进展 %d progress" % i)
            self.flush(2)
        for _ in range(10):  # let the throttled ones out
            self.flush(30)
        bot = [d for d in self.deliveries(iid) if d["channel"] == "robot" and d["kind"] == "progress"]
        sent = sorted(harness_ms(d["at"]) for d in bot if d["status"] == "sent")
        self.assertEqual(len(sent), 25, bot)
        self.assertFalse([d for d in bot if d["status"] != "sent"], bot)
        self.assertGreaterEqual(sent[0], start)
        # DingTalk: 20 per minute; never 21 within 60 s
        for i in range(len(sent) - 20):
            self.assertGreaterEqual(sent[i + 20] - sent[i], 60000, sent)
        req = [r for r in self.rcv.robot() if "进展" in r["raw"]]
        self.assertEqual(len(req), 25)
        self.assertTrue(all(r["sig_ok"] for r in req))
        self.assertEqual(len({r["idempotency_key"] for r in req}), 25)
        self.assertEqual(sorted(int(re.search(r"进展 (\d+)", r["json"]["markdown"]["text"]).group(1)) for r in req),
                         list(range(25)))
        print("\nrate limit: 25 robot messages, first sent +%.0f s, last +%.0f s (test clock), busiest 60 s: %d"
              % ((sent[0] - start) / 1000, (sent[-1] - start) / 1000,
                 max(sum(1 for t in sent if s <= t < s + 60000) for s in sent)), file=sys.stderr)


class BotDestinations(DeliveryWorld):
    """Probe M9: a personal bot URL may not reach the server's own network
    (loopback, link-local metadata, private, shared, unique-local …) unless
    the administrator allows a range.  This server allows none.  Only
    loopback is ever connected to; the other addresses are only classified."""

    bot_allow = None

    def test_internal_bot_urls_refused_when_set(self):
        me = "/api/v1/auth/me/notify"
        before = self.srv.get(me, token=self.tok["liaison"]).json
        for url in (self.rcv.base + "/dingtalk/own?access_token=p", "http://169.254.169.254/latest/meta-data/",
                    "http://[::1]:22/", "https://10.0.0.1:8443/", "http://192.168.1.1/", "http://172.16.0.1/",
                    "http://100.64.0.1/", "http://0.0.0.0:80/", "http://[fd00::1]/", "http://[fe80::1]/",
                    "http://localhost:%s/" % self.rcv.base.rsplit(":", 1)[1],
                    "http://2130706433/", "http://127.1/", "http://[::ffff:127.0.0.1]/"):
            for kind in ("webhook", "dingtalk"):
                r = self.srv.request("PUT", me, {"bot_kind": kind, "bot_url": url}, token=self.tok["liaison"])
                self.assertEqual(r.status, 422, (url, r))
                self.assertEqual(r.json["error"]["field"], "bot_url", r)
                self.assertIn("--bot-allow", r.json["error"]["message"])
        self.assertEqual(self.srv.get(me, token=self.tok["liaison"]).json, before)  # nothing written
        # an administrator may not set someone else's bot at all (the owner sets it)
        r = self.srv.request("PUT", "/api/v1/users/%d/notify" % self.uid["lead"],
                             {"bot_kind": "webhook", "bot_url": "http://127.0.0.1:9/"}, token=self.srv.admin("sysadmin"))
        self.assertEqual(r.status, 403, r)
        # a public address or a name is accepted when set (names are checked when sending)
        r = self.srv.request("PUT", me, {"bot_kind": "dingtalk",
                                         "bot_url": "https://oapi.dingtalk.com/robot/send?access_token=x"},
                             token=self.tok["liaison"])
        self.assertEqual(r.status, 200, r)
        r = self.srv.request("PUT", me, {"bot_kind": ""}, token=self.tok["liaison"])
        self.assertEqual(r.status, 200, r)

    def test_send_time_check_on_the_resolved_address(self):
        """A bot URL that got past the first check (stored before it, or a
        name that later resolves inward: DNS rebinding) is refused when
        sending, on the address it resolved to: no request arrives, the
        attempt is logged as failed and not retried."""
        path = "/dingtalk/sneaky"
        url = "http://localhost:%s%s?access_token=p" % (self.rcv.base.rsplit(":", 1)[1], path)
        db = harness.db_connect(self.srv.db, timeout=30)
        try:
            db.execute("INSERT INTO user_notify (user_id, bot_kind, bot_url, bot_secret, channels, updated_at) "
                       "VALUES (?, 'dingtalk', ?, '', ?, 0) ON CONFLICT (user_id) DO UPDATE SET "
                       "bot_kind = excluded.bot_kind, bot_url = excluded.bot_url, bot_secret = excluded.bot_secret, "
                       "channels = excluded.channels, updated_at = excluded.updated_at",
                       (self.uid["lead"], url, json.dumps({"L1": ["bot"]})))
            db.commit()
        finally:
            db.close()
        try:
            inc = self.create(title="内部地址 internal bot destination")
            self.report(inc["id"], "first")
            self.flush()
            self.flush(600)  # long past every retry back-off
            self.assertEqual([q for q in self.rcv.log()["requests"] if q["path"] == path], [])
            mine = [d for d in self.deliveries(inc["id"])
                    if d["channel"] == "personal_bot" and d["recipient_id"] == self.uid["lead"]]
            # the first report once (the renotify reminder later is its own message)
            self.assertEqual(len([d for d in mine if d["kind"] == "first"]), 1, mine)
            for d in mine:  # each message tried once, refused, not retried
                self.assertEqual((d["status"], d["message_status"], d["message_attempts"]), ("failed", "failed", 1))
                self.assertIn("loopback", d["error"])
                self.assertIn("--bot-allow", d["error"])
        finally:
            r = self.srv.request("PUT", "/api/v1/users/%d/notify" % self.uid["lead"], {"bot_kind": "",
                                 "channels": None}, token=self.srv.admin("sysadmin"))
            self.assertEqual(r.status, 200, r)


class Directory(DeliveryWorld):
    def test_personal_bot_channels_and_language(self):
        sys_tok = self.srv.admin("sysadmin")
        path = "/api/v1/users/%d/notify" % self.uid["lead"]
        bot = {"bot_kind": "dingtalk", "bot_url": self.rcv.base + "/dingtalk/lead-bot?access_token=p",
               "bot_secret": DT_SECRET}
        # a personal bot is set by its owner only (R-SEC-SYS-2): the system
        # administrator cannot point the leader's alarms elsewhere
        r = self.srv.request("PUT", path, dict(bot, channels={"L1": ["email", "bot"]}), token=sys_tok)
        self.assertEqual(r.status, 403, r)
        self.assertIsNone(self.srv.get(path, token=sys_tok).json["bot"])
        # personal bot (signed DingTalk), only e-mail and bot for L1: the leader's own
        r = self.srv.request("PUT", "/api/v1/auth/me/notify", dict(bot, channels={"L1": ["email", "bot"]}),
                             token=self.tok["lead"])
        self.assertEqual(r.status, 200, r)
        self.assertNotIn("access_token", r.raw)
        self.assertNotIn(DT_SECRET, r.raw)
        self.assertEqual(r.json["bot"]["kind"], "dingtalk")
        self.assertTrue(r.json["bot"]["secret_set"])
        self.assertEqual(r.json["channels"]["L1"], ["email", "bot"])
        self.assertEqual(r.json["channels"]["L2"], ["sms", "email", "bot"])  # the policy's
        self.rcv.config(path="/dingtalk/lead-bot", secret=DT_SECRET)
        # bad input: 4xx, nothing written
        for bad in ({"channels": {"L9": ["sms"]}}, {"channels": {"L1": ["pager"]}}, {"channels": {"L1": []}},
                    {"bot_kind": "dingtalk", "bot_url": "ftp://x"}, {"bot_url": "http://x"}, {"lang": "fr"},
                    {"unknown": 1}):
            own = "bot_kind" in bad or "bot_url" in bad  # bots: the owner's route (above)
            r = self.srv.request("PUT", "/api/v1/auth/me/notify" if own else path, bad,
                                 token=self.tok["lead"] if own else sys_tok)
            self.assertIn(r.status, (400, 422), (bad, r))
        self.assertEqual(self.srv.get(path, token=sys_tok).json["channels"]["L1"], ["email", "bot"])
        # non-admins may not edit others; everyone may read and edit their own
        self.assertEqual(self.srv.request("PUT", path, {"lang": "en"}, token=self.tok["eng"]).status, 403)
        r = self.srv.request("PUT", "/api/v1/auth/me/notify", {"lang": "en"}, token=self.tok["liaison"])
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json["lang"], "en")
        self.assertEqual(self.srv.get("/api/v1/auth/me/notify", token=self.tok["liaison"]).json["user_id"],
                         self.uid["liaison"])
        inc = self.create(title="目录 directory test")
        self.report(inc["id"], "first")
        self.flush()
        self.assertEqual(self.rcv.sms("13800000001"), [])  # lead chose no SMS for L1
        own = [q for q in self.rcv.log()["requests"] if q["path"] == "/dingtalk/lead-bot"]
        self.assertEqual(len(own), 1)
        self.assertTrue(own[0]["sig_ok"])
        self.assertEqual(len(self.links(own[0]["json"]["markdown"]["text"])), 1)  # personal: with the link
        if self.rcv.smtp:
            self.assertEqual(len(self.rcv.mails("lead@example.cn")), 1)
            self.assertIn("[Incident first report]", self.rcv.mails("liaison@example.cn")[0]["body"])
        chans = {m["channel"] for m in self.get(inc["id"])["messages"] if m["recipient_id"] == self.uid["lead"]}
        self.assertEqual(chans, {"email", "personal_bot"} if self.rcv.smtp else {"email", "personal_bot"})
        # removing the bot
        r = self.srv.request("PUT", path, {"bot_kind": "", "channels": None}, token=sys_tok)
        self.assertEqual(r.status, 200, r)
        self.assertIsNone(r.json["bot"])
        self.srv.request("PUT", "/api/v1/auth/me/notify", {"lang": "zh-CN"}, token=self.tok["liaison"])

    def test_cli_user_notify(self):
        env = dict(os.environ, OPSDESK_SERVER=self.srv.base, OPSDESK_TOKEN=self.srv.admin("sysadmin"))
        uid = str(self.uid["mon"])
        out = subprocess.run([harness.BIN, "user", "notify", uid, "--channel", "L2=email,sms", "--channel",
                              "NG=email", "--lang", "en"], env=env, capture_output=True, text=True, timeout=60)
        self.assertEqual(out.returncode, 0, out.stdout + out.stderr)
        out = subprocess.run([harness.BIN, "--json", "user", "notify-show", uid], env=env, capture_output=True,
                             text=True, timeout=60)
        self.assertEqual(out.returncode, 0, out.stderr)
        got = json.loads(out.stdout)
        self.assertEqual(got["channels"]["L2"], ["email", "sms"])
        self.assertEqual(got["channels"]["NG"], ["email"])
        self.assertEqual(got["channels_own"], {"L2": ["email", "sms"], "NG": ["email"]})
        self.assertEqual(got["lang"], "en")
        out = subprocess.run([harness.BIN, "user", "notify", uid, "--channel", "L1=pager"], env=env,
                             capture_output=True, text=True, timeout=60)
        self.assertEqual(out.returncode, 1)
        self.assertIn("sms", out.stderr + out.stdout)
        subprocess.run([harness.BIN, "user", "notify", uid, "--lang", "zh-CN"], env=env, capture_output=True,
                       timeout=60)
        self.srv.request("PUT", "/api/v1/users/%s/notify" % uid, {"channels": None}, token=self.srv.admin())

    def test_notify_test_command(self):
        env = dict(os.environ, OPSDESK_SERVER=self.srv.base, OPSDESK_TOKEN=self.srv.admin("sysadmin"))
        out = subprocess.run([harness.BIN, "notify", "test", "--channel", "sms-gw", "--to", "13900000009"], env=env,
                             capture_output=True, text=True, timeout=120)
        self.assertEqual(out.returncode, 0, out.stdout + out.stderr)
        self.assertIn("sent", out.stdout)
        self.assertIn("sms-gw", out.stdout)
        got = self.rcv.sms("13900000009")
        self.assertEqual(len(got), 1)
        self.assertIn("notification test", got[0]["json"]["content"])
        # a failing channel: the attempt log shows the answer
        self.rcv.config(path="/dingtalk/robot", secret=DT_SECRET,
                        responses=[{"json": {"errcode": 310000, "errmsg": "sign not match"}}])
        out = subprocess.run([harness.BIN, "notify", "test", "--channel", "robot"], env=env, capture_output=True,
                             text=True, timeout=120)
        self.assertNotEqual(out.returncode, 0, out.stdout)
        self.assertIn("310000", out.stdout + out.stderr)
        self.assertIn("failed", out.stdout)
        # unknown channel, missing address, no permission
        r = self.srv.post("/api/v1/notify/test", {"channel": "nope"}, token=self.srv.admin("sysadmin"))
        self.assertEqual(r.status, 404)
        self.assertIn("sms-gw", r.json["error"]["message"])
        r = self.srv.post("/api/v1/notify/test", {"channel": "sms-gw"}, token=self.srv.admin("sysadmin"))
        self.assertEqual(r.status, 422)
        r = self.srv.post("/api/v1/notify/test", {"channel": "sms-gw", "to": "1"}, token=self.tok["eng"])
        self.assertEqual(r.status, 403)


class BrokenTemplate(unittest.TestCase):
    def test_policy_check_names_the_line(self):
        src = open(os.path.join(harness.ROOT, "policy", "default.yaml"), encoding="utf-8").read()
        bad = src.replace("        现象：{{symptoms}}\n", "        现象：{{symptom}}\n", 1)
        self.assertNotEqual(bad, src)
        line = bad[:bad.index("{{symptom}}")].count("\n") + 1
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, "bad.yaml")
            with open(path, "w", encoding="utf-8") as f:
                f.write(bad)
            out = subprocess.run([harness.BIN, "policy", "check", path], capture_output=True, text=True, timeout=60)
            self.assertEqual(out.returncode, 1, out.stdout + out.stderr)
            self.assertIn("%s:%d:" % (path, line), out.stderr)
            self.assertIn('unknown template placeholder "symptom"', out.stderr)
            missing = src.replace("        可能影响范围：{{impact_scope}}\n", "", 1)
            with open(path, "w", encoding="utf-8") as f:
                f.write(missing)
            out = subprocess.run([harness.BIN, "policy", "check", path], capture_output=True, text=True, timeout=60)
            self.assertEqual(out.returncode, 1)
            self.assertIn("must contain {{impact_scope}}", out.stderr)
            good = subprocess.run([harness.BIN, "policy", "check", os.path.join(harness.ROOT, "policy", "default.yaml")],
                                  capture_output=True, text=True, timeout=60)
            self.assertEqual(good.returncode, 0, good.stderr)


class CrashRecovery(unittest.TestCase):
    """kill -9 with messages in flight (a slow SMS gateway), restart: every
    message delivered, none lost; a repeat only with its own idempotency key."""

    def test_kill9_in_flight_then_restart_r_not_7(self):
        rcv = Receivers()
        tmp = tempfile.mkdtemp(prefix="opsdesk-crash-")
        srv = harness.Server(tmp=tmp, channels=channels_file(tmp, rcv),
                             extra_env={"OPSDESK_TEST_DINGTALK_SECRET": DT_SECRET})
        srv.owns_tmp = True
        try:
            rcv.reset()
            srv.init()
            srv.start()
            tok = {}
            phones = []
            for i in range(8):
                phone = "1370000%04d" % i
                phones.append(phone)
                tok["u%d" % i] = srv.make_user("u%d" % i, ["emergency_leadership"], phone=phone)[1]
            _, eng = srv.make_user("eng", ["ops_engineer"])
            ci = srv.post("/api/v1/cis", {"name": "db", "category": "database", "grade": "L1",
                                          "department": "运行部"}, token=eng).json["id"]
            # each SMS takes 0.7 s at the gateway
            rcv.config(path="/sms/gw", responses=[{"delay_ms": 700}] * 40)
            inc = srv.post("/api/v1/incidents", {"title": "崩溃 crash", "ci_ids": [ci], "severity": "severe",
                                                 "location": "A", "symptoms": "B", "impact_scope": "C"},
                           token=eng).json
            r = srv.post("/api/v1/incidents/%d/reports" % inc["id"], {"kind": "first"}, token=eng)
            self.assertEqual(r.status, 201, r)
            deadline = time.time() + 60
            while time.time() < deadline and len(rcv.sms()) < 3:
                time.sleep(0.05)
            self.assertGreaterEqual(len(rcv.sms()), 3, rcv.log())
            srv.kill9()  # the dispatcher is in the middle of the SMS batch
            at_kill = len(rcv.sms())
            time.sleep(1.0)  # the gateway finishes the request it was holding
            srv.start()
            srv.clock(0)  # every due message handled
            deadline = time.time() + 120
            while time.time() < deadline:
                msgs = srv.get("/api/v1/incidents/%d" % inc["id"], token=eng).json["messages"]
                if all(m["status"] == "sent" for m in msgs):
                    break
                srv.clock(1)
            msgs = srv.get("/api/v1/incidents/%d" % inc["id"], token=eng).json["messages"]
            msgs = [m for m in msgs if m["kind"] == "first"]
            sms_rows = [m for m in msgs if m["channel"] == "sms"]
            self.assertEqual(len(sms_rows), 8)
            self.assertTrue(all(m["status"] == "sent" for m in msgs), msgs)
            got = rcv.sms()
            keys = [r["idempotency_key"] for r in got]
            want = {"opsdesk-%d" % m["id"] for m in sms_rows}
            self.assertEqual(set(keys), want)  # none lost, nothing else
            per_phone = {p: len({r["idempotency_key"] for r in got if r["json"]["phone"] == p}) for p in phones}
            self.assertEqual(set(per_phone.values()), {1})  # one message per recipient
            repeats = len(keys) - len(set(keys))
            # at most the one wave in flight is sent again, each with its own key: on one
            # channel at most OD_DISPATCH_SENDERS_PER_CHANNEL (notify/dispatcher.h) messages
            self.assertLessEqual(repeats, DISPATCH_SENDERS_PER_CHANNEL, keys)
            bot = rcv.robot()
            self.assertEqual(len({r["idempotency_key"] for r in bot}), 1)
            d = srv.get("/api/v1/incidents/%d/deliveries?limit=500" % inc["id"], token=eng).json["items"]
            interrupted = [x for x in d if x["status"] == "interrupted"]
            print("\ncrash test: %d messages (%d SMS + %d robot), %d received before kill -9, lost 0, "
                  "duplicated 0 (%d resent with the same idempotency key; %d interrupted at restart)"
                  % (len(msgs) + len(bot), len(sms_rows), len({r['idempotency_key'] for r in bot}), at_kill,
                     repeats, len(interrupted)), file=sys.stderr)
            self.assertEqual(len(set(keys)) + len({r["idempotency_key"] for r in bot}), len(sms_rows) + 1)
        finally:
            rc = srv.stop()
            log = srv.read_log()
            srv.cleanup()
            rcv.close()
        self.assertEqual(rc, 0, log[-4000:])


def harness_ms(s):
    import datetime
    d = datetime.datetime.strptime(s, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=datetime.timezone.utc)
    return int(d.timestamp() * 1000)


if __name__ == "__main__":
    harness.main()
