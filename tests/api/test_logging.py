"""test_logging.py — the server's log (docs/logging.md): levels
(--log-level), formats (--log-format text|logfmt|json) with a timestamp on
every line, one access-log line per answer (method, path without the query,
status, bytes, duration, client address, user), failed sign-ins and
lockouts logged (R-SEC-SYS-1), no secret in it (no query string, no
acknowledgement-link token), and libmicrohttpd's own messages through the
same logger, never as raw lines.
"""
import json
import re
import socket
import unittest

import harness

TS = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")


def records(srv):
    """Every line of the server's log as a JSON object (all must parse)."""
    out = []
    for line in srv.read_log().splitlines():
        if not line.strip():
            continue
        rec = json.loads(line)  # a raw line would fail here
        out.append(rec)
    return out


class JsonLog(harness.ServerTest):
    extra_args = ["--log-format", "json"]

    def test_every_line_is_json_with_time_and_level(self):
        self.srv.get("/healthz")
        recs = records(self.srv)
        self.assertGreater(len(recs), 1)
        for r in recs:
            self.assertRegex(r["ts"], TS)
            self.assertIn(r["level"], ("debug", "info", "warn", "error"))
            self.assertIsInstance(r["msg"], str)

    def test_access_line_without_query_or_token(self):
        tok = self.srv.admin("auditor")
        self.srv.request("GET", "/api/v1/audit?limit=1&secret=hunter2", token=tok)
        self.srv.get("/ack/" + "S" * 22)
        recs = [r for r in records(self.srv) if r["msg"] == "access"]
        audit = [r for r in recs if r["path"] == "/api/v1/audit"]
        self.assertEqual(len(audit), 1)
        a = audit[0]
        self.assertEqual((a["method"], a["status"], a["addr"], a["user"]), ("GET", "200", "127.0.0.1", "auditor"))
        self.assertGreater(int(a["bytes"]), 0)
        self.assertGreaterEqual(float(a["ms"]), 0.0)
        ack = [r for r in recs if r["path"].startswith("/ack/")]
        self.assertEqual([r["path"] for r in ack], ["/ack/{token}"])
        log = self.srv.read_log()
        self.assertNotIn("hunter2", log)
        self.assertNotIn("S" * 22, log)

    def test_failed_sign_ins_and_the_lockout_are_logged(self):
        for i in range(5):
            self.assertStatus(self.srv.post("/api/v1/auth/login", {"username": "mallory", "password": "x%d" % i}),
                              401)
        recs = records(self.srv)
        fails = [r for r in recs if r.get("event") == "login.fail" and r.get("user") == "mallory"]
        self.assertEqual(len(fails), 5)
        self.assertTrue(all(r["level"] == "warn" and r["addr"] == "127.0.0.1" for r in fails))
        locks = [r for r in recs if r.get("event") == "login.lockout" and r.get("user") == "mallory"]
        self.assertEqual(len(locks), 1)
        self.assertEqual(locks[0]["locked"], "account")
        self.assertFalse(any("x0" in json.dumps(r) for r in recs))  # no password

    def test_library_messages_go_through_the_logger(self):
        # request headers past the connection's memory (32 KiB): libmicrohttpd complains
        with socket.create_connection(("127.0.0.1", self.srv.port), timeout=30) as s:
            s.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 40000 + b"\r\n\r\n")
            try:
                s.recv(4096)
            except OSError:
                pass
        lib = [r for r in records(self.srv) if r.get("component") == "libmicrohttpd"]
        self.assertGreater(len(lib), 0)
        self.assertTrue(all(r["level"] == "warn" and "\n" not in r["msg"] for r in lib))


class WarnLevel(harness.ServerTest):
    extra_args = ["--log-level", "warn", "--log-format", "logfmt"]

    def test_warn_level_drops_access_lines_keeps_failures(self):
        self.srv.get("/healthz")
        self.srv.post("/api/v1/auth/login", {"username": "eve", "password": "nope"})
        log = self.srv.read_log()
        self.assertNotIn("msg=access", log)
        self.assertNotIn("level=info", log)
        line = [l for l in log.splitlines() if "event=login.fail" in l]
        self.assertEqual(len(line), 1)
        self.assertRegex(line[0], r"^ts=\S+ level=warn msg=\"认证失败 \(authentication failure\)\" "
                                  r"event=login.fail user=eve addr=127.0.0.1$")


class TextDefault(harness.ServerTest):
    def test_text_lines_start_with_time_and_level(self):
        self.srv.get("/healthz")  # debug: not shown at info
        self.srv.post("/api/v1/auth/login", {"username": "trudy", "password": "nope"})
        lines = self.srv.read_log().splitlines()
        self.assertTrue(lines)
        for l in lines:
            self.assertRegex(l, r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z (debug|info |warn |error) ")
        self.assertFalse(any("path=/healthz" in l for l in lines))
        self.assertTrue(any("access method=POST path=/api/v1/auth/login status=401" in l for l in lines))


if __name__ == "__main__":
    unittest.main()
