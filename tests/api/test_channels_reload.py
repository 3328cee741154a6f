"""test_channels_reload.py — SIGHUP puts a changed --channels file in force
without a restart (docs/configuration.md "Signals"): a channel added is
usable at once, a changed URL is where the next message goes, a bad file is
refused and the channels in force stay.  Every send goes to a receiver on
loopback."""
import http.server
import json
import os
import signal
import tempfile
import threading
import time
import unittest

import harness

CHANNEL = """  - name: %(name)s
    kind: sms
    url: http://127.0.0.1:%(port)d%(path)s
    body: '{"phone": "{{to}}", "content": "{{text}}"}'
    timeout_ms: 20000
"""


class Sink(http.server.BaseHTTPRequestHandler):
    got = []

    def do_POST(self):
        n = int(self.headers.get("Content-Length", "0"))
        Sink.got.append((self.path, json.loads(self.rfile.read(n) or b"{}")))
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(b'{"ok": true}')

    def log_message(self, *a):
        pass


class ChannelsReload(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.sink = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Sink)
        threading.Thread(target=cls.sink.serve_forever, daemon=True).start()
        cls.tmp = tempfile.mkdtemp(prefix="opsdesk-chreload-")
        cls.path = os.path.join(cls.tmp, "channels.yaml")
        cls.write(CHANNEL % {"name": "sms-gw", "port": cls.sink.server_port, "path": "/old"})
        # a real server; the initial-password change is tested elsewhere (test_initial_password.py)
        cls.srv = harness.Server(test_clock=False, channels=cls.path, policy=harness.policy_initial_change(False))
        cls.srv.init()
        cls.srv.start()
        cls.admin = cls.srv.admin("sysadmin")

    @classmethod
    def tearDownClass(cls):
        cls.srv.stop()
        cls.srv.cleanup()
        cls.sink.shutdown()

    @classmethod
    def write(cls, channels):
        tmp = cls.path + ".tmp"
        with open(tmp, "w", encoding="utf-8") as f:
            f.write("channels:\n" + channels)
        os.replace(tmp, cls.path)

    def hup_and_wait(self, text):
        before = self.srv.read_log().count(text)
        self.srv.proc.send_signal(signal.SIGHUP)
        deadline = time.time() + 30
        while time.time() < deadline:
            if self.srv.read_log().count(text) > before:
                return
            time.sleep(0.05)
        self.fail("no %r in the server log: %s" % (text, self.srv.read_log()[-2000:]))

    def send(self, channel, to):
        r = self.srv.post("/api/v1/notify/test", {"channel": channel, "to": to}, token=self.admin)
        return r

    def wait_sink(self, n):
        deadline = time.time() + 30
        while time.time() < deadline and len(Sink.got) < n:
            time.sleep(0.05)
        self.assertEqual(len(Sink.got), n, Sink.got)

    def test_reload(self):
        port = self.sink.server_port
        self.assertStatus(self.send("sms-gw", "13900000001"), 202)
        self.wait_sink(1)
        self.assertEqual(Sink.got[0][0], "/old")
        self.assertEqual(self.send("sms-new", "13900000002").status, 404)

        # sms-gw moves, sms-new appears
        self.write(CHANNEL % {"name": "sms-gw", "port": port, "path": "/moved"} +
                   CHANNEL % {"name": "sms-new", "port": port, "path": "/new"})
        self.hup_and_wait("channels reloaded")
        self.assertStatus(self.send("sms-gw", "13900000003"), 202)
        self.wait_sink(2)
        self.assertStatus(self.send("sms-new", "13900000004"), 202)
        self.wait_sink(3)
        self.assertEqual(sorted(p for p, _ in Sink.got[1:]), ["/moved", "/new"])

        # a bad file is refused; the channels in force stay
        with open(self.path, "w", encoding="utf-8") as f:
            f.write("channels:\n  - name: broken\n    kind: pager\n")
        self.hup_and_wait("channels file %s refused" % self.path)
        self.assertStatus(self.send("sms-new", "13900000005"), 202)
        self.wait_sink(4)
        self.assertEqual(Sink.got[3][0], "/new")
        self.assertEqual(self.send("broken", "1").status, 404)
        # the server kept serving throughout
        self.assertStatus(self.srv.get("/healthz"), 200)

    def assertStatus(self, r, want):
        self.assertEqual(r.status, want, r.body if hasattr(r, "body") else r)


if __name__ == "__main__":
    unittest.main(verbosity=2)
