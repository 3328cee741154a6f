"""test_http_edge.py — what the HTTP edge refuses before a handler runs
(probe-security L1, L6, L7; R-SEC-SYS-1):

- a request body on an API route must be declared `Content-Type:
  application/json` (parameters such as charset allowed), else 415 with the
  JSON error shape and nothing done; this closes login CSRF through a
  cross-site `<form enctype="text/plain">`, which cannot send that type;
- a message with two Content-Length fields, two Transfer-Encoding fields, or
  Content-Length with Transfer-Encoding is refused with 400 and the connection
  is closed, so no smuggled request behind it is answered (RFC 9112 6.3); so
  is an HTTP/1.1 request without Host or with two (3.2);
- GET /metrics needs the metrics token ($OPSDESK_METRICS_TOKEN, as a bearer
  token) or a system administrator's session, unless the server runs with
  --metrics-public.
"""
import json
import re
import socket
import sqlite3

import harness

METRICS_TOKEN = "mt-" + "k7" * 20


def raw_exchange(port, data, timeout=5):
    """Sends raw bytes, reads until the server closes (or `timeout` passes
    without a byte); returns (bytes read, closed by the server)."""
    s = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    out = b""
    closed = False
    try:
        s.sendall(data)
        while True:
            try:
                b = s.recv(65536)
            except socket.timeout:
                break
            except ConnectionResetError:
                closed = True
                break
            if not b:
                closed = True
                break
            out += b
    finally:
        s.close()
    return out, closed


def statuses(raw):
    """Status codes of the answers in raw (an answer may follow a body directly)."""
    return [int(m) for m in re.findall(rb"HTTP/1\.1 (\d{3}) ", raw)]


class ContentType(harness.ServerTest):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        r = cls.srv.post("/api/v1/api-keys", {"name": "ct-key", "integration": "api"}, token=cls.srv.admin())
        assert r.status == 201, r
        cls.key = r.json["key"]
        cls.srv.make_user("ct_eng", ["ops_engineer"])

    def login(self, raw, ctype):
        headers = {"Content-Type": ctype} if ctype is not None else {}
        return self.srv.request("POST", "/api/v1/auth/login", raw=raw, headers=headers)

    def test_login_csrf_form_refused(self):
        """The probe's form: name and value joined by "=" into a JSON text,
        sent as text/plain (also urlencoded, multipart, or no type)."""
        body = b'{"username":"ct_eng","cookie":true,"password":"User-pass-1!"}'
        for ctype in ("text/plain", "text/plain;charset=UTF-8", "application/x-www-form-urlencoded",
                      "multipart/form-data; boundary=x", "application/jsonp", "application/json-patch+json",
                      "application/x-json", ""):
            r = self.login(body, ctype)
            what = "login body as %r" % ctype
            err = self.assertError(r, 415, code="unsupported_media_type", field="Content-Type")
            self.assertIn("application/json", err["message"], what)
            self.assertNotIn("Set-Cookie", r.headers, what)
        out, _ = raw_exchange(self.srv.port, b"POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
                                             b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self.assertEqual(statuses(out), [415], "login body without a Content-Type: %r" % out[:300])
        self.assertNotIn(b"Set-Cookie", out)

    def test_json_types_accepted(self):
        body = json.dumps({"username": "ct_eng", "password": harness.USER_PW}).encode()
        for ctype in ("application/json", "application/json; charset=utf-8", "Application/JSON",
                      "application/json;charset=UTF-8", " application/json "):
            r = self.login(body, ctype)
            self.assertStatus(r, 200, "login as %r" % ctype)

    def test_ingestion_refused_without_json_type(self):
        ev = json.dumps({"source": "ct", "dedup_key": "ct-1", "status": "firing", "severity": "warning",
                         "summary": "类型", "ci": "ct-ci"}).encode()
        db = harness.db_connect("file:%s?mode=ro" % self.srv.db, uri=True, timeout=30)
        try:
            before = db.execute("SELECT COUNT(*) FROM events").fetchone()[0]
            r = self.srv.request("POST", "/api/v1/events", raw=ev, token=self.key, headers={"Content-Type": "text/plain"})
            self.assertError(r, 415, code="unsupported_media_type")
            self.assertEqual(db.execute("SELECT COUNT(*) FROM events").fetchone()[0], before)
            r = self.srv.request("POST", "/api/v1/events", raw=ev, token=self.key)
            self.assertStatus(r, 202)
        finally:
            db.close()

    def test_bodyless_actions_need_no_type(self):
        """A POST without a body (logout, disable, verify …) has nothing to
        declare."""
        _, tok = self.srv.make_user("ct_out", ["ops_engineer"])
        r = self.srv.request("POST", "/api/v1/auth/logout", token=tok)
        self.assertStatus(r, 200)


class Framing(harness.ServerTest):
    SMUGGLED = b"GET /api/v1/users HTTP/1.1\r\nHost: x\r\n\r\n"

    def check_refused(self, what, head, body):
        out, closed = raw_exchange(self.srv.port, head + body + self.SMUGGLED)
        self.assertEqual(statuses(out), [400], "%s: %r" % (what, out[:400]))
        self.assertTrue(closed, "%s: connection left open" % what)
        text = out.split(b"\r\n\r\n", 1)[1]
        self.assertEqual(json.loads(text)["error"]["code"], "invalid", text)

    def test_duplicate_content_length(self):
        self.check_refused("Content-Length 0 then 44",
                           b"POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                           b"Content-Length: 0\r\nContent-Length: %d\r\n\r\n" % len(self.SMUGGLED), b"")
        self.check_refused("Content-Length twice, equal",
                           b"POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                           b"Content-Length: 2\r\nContent-Length: 2\r\n\r\n", b"{}")

    def test_content_length_with_chunked(self):
        self.check_refused("Content-Length with chunked",
                           b"POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                           b"Content-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n", b"0\r\n\r\n")
        self.check_refused("chunked, then Content-Length",
                           b"POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                           b"Transfer-Encoding: chunked\r\nContent-Length: 4\r\n\r\n", b"0\r\n\r\n")

    def test_two_transfer_encodings(self):
        self.check_refused("Transfer-Encoding twice",
                           b"POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                           b"Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n", b"0\r\n\r\n")

    def test_host_missing_or_repeated(self):
        """RFC 9112 3.2: an HTTP/1.1 request has exactly one Host."""
        self.check_refused("no Host", b"GET /healthz HTTP/1.1\r\n\r\n", b"")
        self.check_refused("two Hosts", b"GET /healthz HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", b"")
        out, _ = raw_exchange(self.srv.port, b"GET /healthz HTTP/1.0\r\n\r\n")  # HTTP/1.0 needs no Host
        self.assertEqual(statuses(out), [200], out[:200])

    def test_well_framed_pipelining_still_works(self):
        """The control: one Content-Length, then a second request on the same
        connection — both answered (401: the second has no token)."""
        body = json.dumps({"username": "sysadmin", "password": harness.ADMIN_PW}).encode()
        head = (b"POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                b"Content-Length: %d\r\n\r\n" % len(body))
        out, _ = raw_exchange(self.srv.port, head + body + self.SMUGGLED.replace(b"\r\n\r\n",
                                                                                 b"\r\nConnection: close\r\n\r\n"))
        self.assertEqual(statuses(out), [200, 401], out[:600])


class MetricsToken(harness.ServerTest):
    @classmethod
    def setUpClass(cls):
        cls.srv = harness.Server(extra_env={"OPSDESK_METRICS_TOKEN": METRICS_TOKEN})
        cls.srv.init()
        cls.srv.start()

    def test_who_may_read_metrics(self):
        s = self.srv
        _, eng = s.make_user("m_eng", ["ops_engineer"])
        self.assertError(s.get("/metrics"), 401, code="unauthenticated")
        self.assertError(s.get("/metrics", METRICS_TOKEN[:-1] + "x"), 401)
        self.assertError(s.get("/metrics", METRICS_TOKEN + "x"), 401)
        self.assertError(s.get("/metrics", eng), 403, code="forbidden")
        self.assertError(s.get("/metrics", s.admin("auditor")), 403)
        for tok in (METRICS_TOKEN, s.admin("sysadmin")):
            r = s.get("/metrics", tok)
            self.assertStatus(r, 200)
            self.assertIn("opsdesk_http_requests_total{", r.raw)

    def test_healthz_stays_public(self):
        self.assertStatus(self.srv.get("/healthz"), 200)


class MetricsPublic(harness.ServerTest):
    @classmethod
    def setUpClass(cls):
        cls.srv = harness.Server(extra_args=["--metrics-public"])
        cls.srv.init()
        cls.srv.start()

    def test_anyone_reads_metrics(self):
        r = self.srv.get("/metrics")
        self.assertStatus(r, 200)
        self.assertIn("opsdesk_http_request_duration_seconds_bucket", r.raw)


if __name__ == "__main__":
    harness.main()
