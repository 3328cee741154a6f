"""test_clock_step.py — a step of the machine's clock leaves nothing behind
that would not have happened (research/probe-security.md L3; R-ESC-2
escalation by time, R-NOT-5/R-NOT-6 deadlines, R-SEC-SYS-1 lockout,
R-SEC-SYS-3 audit; docs/internals/architecture.md "Time").

The server runs on the real clock (no --test-clock) under libfaketime
(Debian package faketime), which moves only its CLOCK_REALTIME at run time
(FAKETIME_TIMESTAMP_FILE + FAKETIME_NO_CACHE) and leaves CLOCK_MONOTONIC and
CLOCK_BOOTTIME alone (FAKETIME_DONT_FAKE_MONOTONIC), as an NTP step would.
The machine's own clock is never touched.

* +13 h for about two seconds, then back: an open R2 incident is not
  escalated, no deadline is marked missed, an incident reported during the
  step is dated by the monotonic clock, and /healthz says "degraded" with the
  reason while the step lasts.
* -2 h: a locked account's Retry-After does not grow by 2 h and a record
  made after the step is not dated before older ones.
* A step that lasts the confirmation period (--clock-step-confirm 2) is
  taken: the missed deadlines of the jump are caught up once.
* A server restarted after a backward step writes audit entries dated
  before older ones: `opsdesk audit verify` says so as a warning (exit 0).
"""
import datetime
import os
import subprocess
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

LIB = "/usr/lib/x86_64-linux-gnu/faketime/libfaketimeMT.so.1"
HOUR = 3600 * 1000
WRONG = "Wrong-pass-1"


def parse_time(s):
    return int(datetime.datetime.fromisoformat(s.replace("Z", "+00:00")).timestamp() * 1000 + 0.5)


def wait_for(what, fn, timeout=60.0):
    """Polls fn (a server-side process runs on its own) until it returns a true value."""
    end = time.monotonic() + timeout
    while True:
        v = fn()
        if v or time.monotonic() > end:
            return v
        time.sleep(0.2)


class FakeClockServer(harness.ServerTest):
    """A server on the real clock whose CLOCK_REALTIME the test can step."""

    test_clock = False
    extra_args = None

    @classmethod
    def setUpClass(cls):
        if not os.path.exists(LIB):
            raise unittest.SkipTest("libfaketime not installed (scripts/deps.sh installs faketime)")
        cls.rc = os.path.join(harness.tempfile.mkdtemp(prefix="opsdesk-faketime-"), "faketime.rc")
        cls.step("+0")
        env = {"LD_PRELOAD": LIB, "FAKETIME_TIMESTAMP_FILE": cls.rc, "FAKETIME_NO_CACHE": "1",
               "FAKETIME_DONT_FAKE_MONOTONIC": "1",
               # the ASan runtime is linked statically: the preload does not displace it
               "ASAN_OPTIONS": os.environ.get("ASAN_OPTIONS", "") + ":verify_asan_link_order=0"}
        # a real server; the initial-password change is tested elsewhere (test_initial_password.py)
        cls.srv = harness.Server(test_clock=False, extra_env=env, extra_args=cls.extra_args,
                                 policy=harness.policy_initial_change(False))
        cls.srv.init()
        cls.srv.start()
        try:
            cls.eng = cls.srv.make_user("eng", ["ops_engineer"], department="运行部")[1]
            r = cls.srv.post("/api/v1/cis", {"name": "app-L2", "category": "application", "grade": "L2",
                                             "department": "应用部", "attributes": {}}, token=cls.eng)
            if r.status != 201:
                raise AssertionError("CI: %r" % r)
            cls.ci = r.json["id"]
        except BaseException:
            cls.srv.cleanup()
            raise

    @classmethod
    def tearDownClass(cls):
        cls.step("+0")
        super().tearDownClass()
        harness.shutil.rmtree(os.path.dirname(cls.rc), ignore_errors=True)

    @classmethod
    def step(cls, offset):
        """Moves the server's real clock to the machine's clock + offset ("+13h", "-2h", "+0")."""
        with open(cls.rc + ".tmp", "w") as f:
            f.write(offset + "\n")
        os.replace(cls.rc + ".tmp", cls.rc)

    def create_r2(self, title, token=None):
        r = self.srv.post("/api/v1/incidents", {"title": title, "ci_ids": [self.ci], "severity": "moderate",
                                                "location": "机房A", "symptoms": "交易缓慢",
                                                "impact_scope": "柜面业务"}, token=token or self.eng)
        self.assertStatus(r, 201)
        self.assertEqual(r.json["response_level"], "R2")
        return r.json

    def incident(self, iid, token=None):
        r = self.srv.get("/api/v1/incidents/%d" % iid, token=token or self.eng)
        self.assertStatus(r, 200)
        return r.json

    def healthz(self):
        r = self.srv.get("/healthz")
        self.assertStatus(r, 200)
        return r.json

    def assertUntouched(self, g):
        self.assertEqual(g["response_level"], "R2")
        self.assertEqual(g["escalations"], [])
        self.assertEqual([t["text"] for t in g["timeline"] if t["kind"] in ("deadline_missed", "escalation")], [])
        self.assertEqual([d["kind"] for d in g["deadlines"] if d["missed"]], [])
        self.assertEqual([m["kind"] for m in g["messages"] if m["kind"] in ("escalation", "reminder")], [])


class TransientStepTest(FakeClockServer):

    def test_1_forward_13h_for_two_seconds_changes_nothing(self):
        inc = self.create_r2("正向跳变")
        t0 = parse_time(inc["detected_at"])
        self.assertEqual(self.healthz()["status"], "ok")
        self.step("+13h")
        try:
            # a new incident wakes the scheduler while the step lasts: before the
            # fix it fired every deadline of the first incident up to 13 h on at
            # once (and the session had expired: sign in again, as a user would)
            tok = self.srv.login("eng", harness.USER_PW)
            during = self.create_r2("跳变期间", token=tok)
            # the scheduler runs on its own thread: give it a second to do harm
            late = wait_for("escalation", lambda: self.incident(inc["id"], tok)["escalations"], timeout=1.0)
            self.assertEqual(late, [])
            self.assertUntouched(self.incident(inc["id"], tok))
            h = self.healthz()
            self.assertEqual(h["status"], "degraded", h)
            self.assertIn("ahead of application time", h["reason"])
        finally:
            self.step("+0")
        self.assertLess(parse_time(during["detected_at"]) - t0, 60 * 1000, during["detected_at"])
        self.assertEqual(self.healthz()["status"], "ok")
        self.assertIn("ignored", self.srv.read_log())
        self.srv.post("/api/v1/incidents/%d/comments" % inc["id"], {"text": "x"}, token=self.eng)  # wake again
        for iid in (inc["id"], during["id"]):
            self.assertUntouched(self.incident(iid))

    def test_2_backward_2h_keeps_lockout_and_order(self):
        uid, _ = self.srv.make_user("victim", ["ops_engineer"])
        for _ in range(5):
            r = self.srv.post("/api/v1/auth/login", {"username": "victim", "password": WRONG})
        r = self.srv.post("/api/v1/auth/login", {"username": "victim", "password": WRONG})
        self.assertError(r, 429, code="rate_limited")
        before = int(r.headers["Retry-After"])
        self.assertGreater(before, 800)
        older = self.create_r2("后退前")
        self.step("-2h")
        try:
            r = self.srv.post("/api/v1/auth/login", {"username": "victim", "password": WRONG})
            self.assertError(r, 429, code="rate_limited")
            after = int(r.headers["Retry-After"])
            self.assertLessEqual(after, before)  # before the fix: before + 7200
            newer = self.create_r2("后退后")
            self.assertGreaterEqual(parse_time(newer["detected_at"]), parse_time(older["detected_at"]))
            h = self.healthz()
            self.assertEqual(h["status"], "degraded", h)
            self.assertIn("behind application time", h["reason"])
        finally:
            self.step("+0")
        self.assertEqual(self.healthz()["status"], "ok")


class PersistentStepTest(FakeClockServer):
    """A step that lasts is taken after --clock-step-confirm (2 s here)."""

    extra_args = ["--clock-step-confirm", "2"]

    def test_step_that_lasts_is_taken_and_caught_up_once(self):
        inc = self.create_r2("持续跳变")
        t0 = parse_time(inc["detected_at"])
        self.step("+13h")
        try:
            # taken within a few seconds: /healthz is "ok" again, on the new time
            h = wait_for("step taken", lambda: self.healthz()["status"] == "ok")
            self.assertTrue(h, "the +13 h step was never taken")
            # sessions end by application time (12 h): sign in again
            self.eng = self.srv.login("eng", harness.USER_PW)
            g = wait_for("escalation", lambda: (lambda g: g if g["escalations"] else None)(self.incident(inc["id"])))
            self.assertTrue(g, "the incident was never escalated after the step was taken")
            self.assertEqual(g["response_level"], "R1")
            self.assertEqual(len(g["escalations"]), 1, g["escalations"])
            self.assertGreater(parse_time(g["escalations"][0]["at"]) - t0, 12 * HOUR)
            # one record per missed deadline: first report, handling, and the
            # 13 progress slots of the jump as one (od_deadline_fire_plan)
            missed = [t["text"] for t in g["timeline"] if t["kind"] == "deadline_missed"]
            self.assertEqual(len(missed), 3, missed)
            self.assertEqual(len([t for t in missed if "missed 13 progress reports" in t]), 1, missed)
            self.assertEqual(sorted(d["kind"] for d in g["deadlines"] if d["missed"]),
                             ["first_report", "handling", "progress"])
            self.assertIn("application time moves ahead", self.srv.read_log())
        finally:
            self.step("+0")


class RestartAfterBackwardStepTest(FakeClockServer):
    """A restart forgets application time: entries written after it are dated
    before older ones; audit verify warns and still says the chain is intact."""

    def test_audit_verify_warns_of_time_going_back(self):
        self.create_r2("重启前")
        self.assertEqual(self.srv.stop(), 0)
        self.step("-2h")
        self.srv.start()
        self.eng = self.srv.login("eng", harness.USER_PW)
        self.create_r2("重启后")
        r = self.srv.get("/api/v1/audit/verify", token=self.srv.admin("auditor"))
        self.assertStatus(r, 200)
        self.assertTrue(r.json["ok"], r.json)
        back = r.json["time_backwards"]
        self.assertGreaterEqual(back["entries"], 1, back)
        self.assertGreater(back["max_ms"], HOUR, back)
        self.assertEqual(self.srv.stop(), 0)
        out = subprocess.run([harness.BIN, "audit", "verify", "--db", self.srv.db], env=self.srv.env,
                             capture_output=True, text=True, timeout=120)
        self.assertEqual(out.returncode, 0, out.stdout + out.stderr)
        self.assertIn("audit chain OK", out.stdout)
        self.assertIn("warning", out.stdout)
        self.assertIn("dated before the entry before them", out.stdout)
        self.srv.start()


if __name__ == "__main__":
    harness.main()
