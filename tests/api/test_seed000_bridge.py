"""test_seed000_bridge.py — seed 000 ch. 7 §2.1 item 6 (audit #32; R-NOT-2,
R-NOT-4): on an L1/L2 alarm the people told call into the 应急处理电话会议
within 5 min and go to the designated place as needed.  The policy names
both (notify.bridge, notify.place) and the alarm templates print them with
{{bridge}} and {{place}}: the first report, the escalation notice and the
acknowledgement reminder, in Chinese and in English.  Unset, they read
"未设置" / "not set", so a missing bridge number is visible in every alarm.
`opsdesk policy check` knows both keys and both placeholders.

Seed 000 ch. 7 §2.1 item 3 (audit #24): the desk group-sends the report from
its dedicated phone (专用手机): a desk may name it (notify.desks[].phone) and
the first report prints it with {{desk_phone}}.
Every wait is done by the test clock.
"""
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
import test_incidents as ti  # noqa: E402

MIN = ti.MIN
DEFAULT = os.path.join(harness.ROOT, "policy", "default.yaml")
BRIDGE = "010-6519 0000 转 8000#"
PLACE = "运行部应急指挥室（B座3层）"
DESK_PHONE = "13800009999"


def policy_with(extra_notify):
    """default.yaml with lines added at the end of its notify: section."""
    with open(DEFAULT, encoding="utf-8") as f:
        text = f.read()
    anchor = '    en: "[DRILL] "\n'
    assert text.count(anchor) == 1
    return text.replace(anchor, anchor + extra_notify)


def outbox(srv, iid, kind):
    """(username, lang-free body) of the outbox rows of kind for incident iid
    (the in-app copy excepted: the text is the same)."""
    con = harness.db_connect(srv.db)
    try:
        rows = con.execute("SELECT u.username, o.body FROM outbox o JOIN users u ON u.id = o.recipient_id "
                           "WHERE o.incident_id = ? AND o.kind = ? AND o.channel = 'sms' ORDER BY o.id",
                           (iid, kind)).fetchall()
    finally:
        con.close()
    return [(r[0], r[1]) for r in rows]


class BridgeSetTest(ti.IncidentWorld):
    """notify.bridge and notify.place set: every alarm carries them."""

    @classmethod
    def setUpClass(cls):
        cls.pdir = tempfile.mkdtemp(prefix="od-bridge-")
        cls.policy = os.path.join(cls.pdir, "policy.yaml")
        with open(cls.policy, "w", encoding="utf-8") as f:
            f.write(policy_with('  bridge: "%s"\n  place: "%s"\n' % (BRIDGE, PLACE)).replace(
                "      name_en: operations security desk\n",
                "      name_en: operations security desk\n      phone: \"%s\"\n" % DESK_PHONE, 1))
        try:
            super().setUpClass()
        except BaseException:
            shutil.rmtree(cls.pdir, ignore_errors=True)
            raise
        # the section head reads English (directory language)
        r = cls.srv.request("PUT", "/api/v1/users/%d/notify" % cls.uid["sechead"], {"lang": "en"},
                            token=cls.srv.admin("sysadmin"))
        assert r.status == 200, r

    @classmethod
    def tearDownClass(cls):
        super().tearDownClass()
        shutil.rmtree(cls.pdir, ignore_errors=True)

    ZH = "应急电话会议：%s　指定地点：%s" % (BRIDGE, PLACE)
    EN = "Conference bridge: %s  Designated place: %s" % (BRIDGE, PLACE)

    def test_first_report_names_bridge_and_place_in_both_languages_r_not_2(self):
        inc = self.create("L1", "moderate")
        self.first(inc["id"])
        rows = outbox(self.srv, inc["id"], "first")
        self.assertEqual({u for u, _ in rows}, ti.RECIPIENTS["L1"])
        for user, body in rows:
            with self.subTest(user=user):
                want = self.EN if user == "sechead" else self.ZH
                self.assertEqual(sum(1 for line in body.split("\n") if line == want), 1, body)

    def test_first_report_names_the_desk_phone_r_not_3(self):
        inc = self.create("L1", "moderate")
        self.first(inc["id"], who="eng")  # through the operations security desk, which has a phone
        self.first(self.create("L1", "moderate", who="mon")["id"], who="mon")  # monitoring desk: none
        rows = outbox(self.srv, inc["id"], "first")
        self.assertEqual(len(rows), len(ti.RECIPIENTS["L1"]))
        for user, body in rows:
            with self.subTest(user=user):
                want = ("Reported by: eng, operations security desk (desk phone: %s)" % DESK_PHONE
                        if user == "sechead" else "上报接口：运行部安全保障科（专用手机：%s）　上报人：eng" % DESK_PHONE)
                self.assertIn(want, body.split("\n"))
        rows = outbox(self.srv, inc["id"] + 1, "first")
        self.assertTrue(rows)
        for user, body in rows:
            if user != "sechead":
                self.assertIn("上报接口：客服部监控服务科（专用手机：未设置）　上报人：mon", body.split("\n"))

    def test_ack_reminder_names_bridge_and_place_r_not_4(self):
        inc = self.create("L2", "moderate")
        self.first(inc["id"])
        self.advance(5 * MIN + 1)  # 1 s past the 5-minute acknowledgement window: reminders
        rows = outbox(self.srv, inc["id"], "reminder")
        reminded = {u for u, _ in rows}
        self.assertEqual(reminded, ti.ACKERS["L2"])  # the ops leader owes no ack (item 6)
        for user, body in rows:
            with self.subTest(user=user):
                self.assertIn(self.EN if user == "sechead" else self.ZH, body.split("\n"))

    def test_escalation_notice_names_bridge_and_place_r_esc_1(self):
        inc = self.create("L3", "moderate")  # R3: 8 h; raised to R2 at 4 h
        self.first(inc["id"])
        self.advance(4 * 60 * MIN)
        rows = outbox(self.srv, inc["id"], "escalation")
        self.assertTrue(rows)
        for user, body in rows:
            with self.subTest(user=user):
                self.assertIn(self.EN if user == "sechead" else self.ZH, body.split("\n"))


class BridgeUnsetTest(ti.IncidentWorld):
    """The default policy names no bridge: the alarm says so."""

    def test_unset_bridge_reads_not_set_r_not_2(self):
        inc = self.create("L1", "moderate")
        self.first(inc["id"])
        rows = outbox(self.srv, inc["id"], "first")
        self.assertEqual(len(rows), len(ti.RECIPIENTS["L1"]))
        for _, body in rows:
            self.assertIn("应急电话会议：未设置　指定地点：未设置", body.split("\n"))


class PolicyCheckTest(unittest.TestCase):
    """`opsdesk policy check` knows notify.bridge, notify.place and the
    placeholders {{bridge}} and {{place}}."""

    def check(self, text):
        d = tempfile.mkdtemp(prefix="od-bridge-check-")
        try:
            p = os.path.join(d, "p.yaml")
            with open(p, "w", encoding="utf-8") as f:
                f.write(text)
            r = subprocess.run([harness.BIN, "policy", "check", p], capture_output=True, text=True, timeout=60)
            return r.returncode, r.stdout + r.stderr
        finally:
            shutil.rmtree(d, ignore_errors=True)

    def test_keys_and_placeholders_known(self):
        rc, out = self.check(policy_with('  bridge: "%s"\n  place: "%s"\n' % (BRIDGE, PLACE)))
        self.assertEqual(rc, 0, out)

    def test_too_long_bridge_refused_with_its_line(self):
        text = policy_with('  bridge: "%s"\n' % ("8" * 200))
        line = text.split("\n").index('  bridge: "%s"' % ("8" * 200)) + 1
        rc, out = self.check(text)
        self.assertNotEqual(rc, 0, out)
        self.assertRegex(out, r":%d:\d+: notify\.bridge" % line)

    def test_misspelt_placeholder_refused(self):
        text = policy_with("").replace("应急电话会议：{{bridge}}", "应急电话会议：{{brige}}", 1)
        rc, out = self.check(text)
        self.assertNotEqual(rc, 0, out)
        self.assertIn('unknown template placeholder "brige"', out)


if __name__ == "__main__":
    harness.main()
