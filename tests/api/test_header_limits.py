"""test_header_limits.py — request header fields over 16 KiB (the Cookie field
counted twice) or more than 100 of them are answered 431 Request Header
Fields Too Large with the usual bilingual JSON error, never by closing the
connection without an answer (libmicrohttpd did so when the headers filled
its connection memory: 15.5-15.8 KB of headers, a 16 KB cookie).  Up to the
limits a request is served.  R-API-1 (every error answers JSON in Chinese
and English)."""
import json
import re
import socket
import unittest

import harness

LIMIT = 16 * 1024  # the header fields' bytes, "Name: value\r\n" each, the Cookie field twice
FIELDS = 100


def fields_bytes(headers):
    return sum(len(k) + len(v) + 4 + (len(v) if k.lower() == "cookie" else 0) for k, v in headers)


def raw_request(srv, path, headers):
    """Sends GET path with exactly these header fields; returns (status,
    headers dict, body bytes) read until the server closes or the body is
    complete; status 0 when the server closed with no answer."""
    req = "GET %s HTTP/1.1\r\n" % path + "".join("%s: %s\r\n" % (k, v) for k, v in headers) + "\r\n"
    with socket.create_connection(("127.0.0.1", srv.port), timeout=30) as s:
        s.sendall(req.encode())
        data = b""
        while True:
            try:
                d = s.recv(65536)
            except ConnectionResetError:
                break
            if not d:
                break
            data += d
            head, sep, body = data.partition(b"\r\n\r\n")
            if sep:
                m = re.search(rb"(?im)^content-length:\s*(\d+)", head)
                if m and len(body) >= int(m.group(1)):
                    break
    if not data:
        return 0, {}, b""
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ")[1])
    hdrs = {}
    for ln in lines[1:]:
        k, _, v = ln.partition(":")
        hdrs[k.strip().lower()] = v.strip()
    return status, hdrs, body


def padded(srv, total, name="X-Pad"):
    """Host plus one pad field so that the fields take exactly `total` bytes."""
    host = ("Host", "127.0.0.1:%d" % srv.port)
    pad = total - fields_bytes([host]) - len(name) - 4
    return [host, (name, "a" * pad)]


class HeaderLimits(harness.ServerTest):
    def assert_431_json(self, status, hdrs, body):
        self.assertEqual(status, 431, body[:200])
        self.assertTrue(hdrs.get("content-type", "").startswith("application/json"), hdrs)
        self.assertEqual(hdrs.get("connection", "").lower(), "close", hdrs)
        err = json.loads(body)["error"]
        self.assertEqual(err["code"], "too_large")
        self.assertEqual(err["field"], "headers")
        # Chinese first, then English
        self.assertRegex(
            err["message"], r"^请求头字段合计超过 16384 字节或多于 100 个.*\(request header fields over 16384 bytes")

    def test_at_the_limit_served(self):
        h = padded(self.srv, LIMIT)
        self.assertEqual(fields_bytes(h), LIMIT)
        status, _, body = raw_request(self.srv, "/healthz", h)
        self.assertEqual(status, 200, body[:200])

    def test_one_byte_over_the_limit(self):
        h = padded(self.srv, LIMIT + 1)
        self.assertEqual(fields_bytes(h), LIMIT + 1)
        self.assert_431_json(*raw_request(self.srv, "/healthz", h))

    def test_cookie_counts_twice(self):
        host = ("Host", "127.0.0.1:%d" % self.srv.port)
        cookie = "a=" + "b" * 5998  # 6000 bytes, counted twice
        rest = LIMIT - fields_bytes([host, ("Cookie", cookie)])
        h = [host, ("Cookie", cookie), ("X", "y" * (rest - 5))]
        self.assertEqual(fields_bytes(h), LIMIT)
        status, _, body = raw_request(self.srv, "/api/v1/auth/me", h)
        self.assertEqual(status, 401, body[:200])  # served: the session is unknown
        h[1] = ("Cookie", h[1][1] + "b")
        self.assertEqual(fields_bytes(h), LIMIT + 2)
        self.assert_431_json(*raw_request(self.srv, "/api/v1/auth/me", h))

    def test_sixteen_kb_cookie(self):
        # the reported case: a 16 KB cookie closed the connection unanswered
        r = self.srv.request("GET", "/api/v1/auth/me", headers={"Cookie": "od_session=" + "b" * 16000})
        err = self.assertError(r, 431, code="too_large", field="headers")
        self.assertRegex(err["message"], r"^请求头字段合计超过 16384 字节.*\(request header fields over 16384 bytes")
        r = self.srv.request("GET", "/api/v1/auth/me", headers={"Cookie": "od_session=" + "b" * 7000})
        self.assertError(r, 401)

    def test_field_count(self):
        host = ("Host", "127.0.0.1:%d" % self.srv.port)
        h = [host] + [("X-F%03d" % i, "v") for i in range(FIELDS - 1)]
        status, _, body = raw_request(self.srv, "/healthz", h)
        self.assertEqual(status, 200, body[:200])
        h.append(("X-Last", "v"))
        self.assertEqual(len(h), FIELDS + 1)
        self.assert_431_json(*raw_request(self.srv, "/healthz", h))

    def test_many_small_fields(self):
        host = ("Host", "127.0.0.1:%d" % self.srv.port)
        h = [host] + [("X-F%03d" % i, "v" * 400) for i in range(45)]  # 45 x 410 bytes
        self.assertGreater(fields_bytes(h), LIMIT)
        self.assert_431_json(*raw_request(self.srv, "/api/v1/auth/me", h))

    def test_no_size_closes_unanswered(self):
        # the sizes where the headers fit the connection's memory but left
        # no room for the answer: every one gets a 431 now
        host = ("Host", "127.0.0.1:%d" % self.srv.port)
        for n in range(15800, 16400, 8):
            status, _, _ = raw_request(self.srv, "/api/v1/auth/me", [host, ("Cookie", "a=" + "b" * n)])
            self.assertEqual(status, 431, "cookie of %d bytes" % n)
        for n in range(31700, 32700, 8):
            status, _, _ = raw_request(self.srv, "/healthz", [host, ("X-Pad", "b" * n)])
            self.assertEqual(status, 431, "field of %d bytes" % n)

    def test_larger_than_connection_memory_still_answered(self):
        # past the connection's memory libmicrohttpd answers 431 itself (its
        # own HTML body); what matters is that the client gets an answer
        for total in (40 * 1024, 100 * 1024):
            status, hdrs, _ = raw_request(self.srv, "/healthz", padded(self.srv, total))
            self.assertEqual(status, 431, total)

    def test_server_serves_after_refusals(self):
        for total in (LIMIT + 1, 24 * 1024, 40 * 1024):
            raw_request(self.srv, "/healthz", padded(self.srv, total))
        self.assertStatus(self.srv.get("/healthz"), 200)


if __name__ == "__main__":
    unittest.main()
