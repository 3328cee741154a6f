"""test_tls.py — HTTPS and security headers: `opsdesk serve
--tls-cert FILE --tls-key FILE` serves HTTPS (libmicrohttpd + GnuTLS) with a
self-signed certificate made here with openssl; plain HTTP to the TLS port
gets no answer; every response carries the security headers (CSP,
X-Content-Type-Options, Referrer-Policy, and HSTS over TLS only); serving
plain HTTP on a non-loopback address logs a warning (R-SEC-SYS-1: passwords
and tokens must not cross the network in clear)."""
import http.client
import os
import re
import shutil
import signal
import socket
import ssl
import subprocess
import tempfile
import time
import unittest

import harness

WARNING = "serving plain HTTP on a non-loopback address"
WARNING_ZH = "以明文 HTTP 提供服务"


def make_cert(d):
    cert, key = os.path.join(d, "cert.pem"), os.path.join(d, "key.pem")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert,
                    "-days", "2", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"],
                   check=True, capture_output=True, timeout=120)
    return cert, key


def https(port, cafile, method, path, body=None, headers=None):
    ctx = ssl.create_default_context(cafile=cafile)
    c = http.client.HTTPSConnection("127.0.0.1", port, context=ctx, timeout=60)
    try:
        c.request(method, path, body=body, headers=headers or {})
        r = c.getresponse()
        return harness.Response(r.status, r.read().decode("utf-8", "replace"), dict(r.getheaders()))
    finally:
        c.close()


def check_headers(t, r, tls):
    h = {k.lower(): v for k, v in r.headers.items()}
    t.assertIn("content-security-policy", h, r.headers)
    t.assertIn("frame-ancestors 'none'", h["content-security-policy"])
    t.assertEqual(h.get("x-content-type-options"), "nosniff")
    t.assertEqual(h.get("referrer-policy"), "no-referrer")
    if tls:
        t.assertTrue(h.get("strict-transport-security", "").startswith("max-age="), r.headers)
    else:
        t.assertNotIn("strict-transport-security", h, "HSTS on plain HTTP is meaningless")


class Tls(harness.ServerTest):
    @classmethod
    def setUpClass(cls):
        cls.certdir = tempfile.mkdtemp(prefix="opsdesk-tls-")
        cls.cert, cls.key = make_cert(cls.certdir)
        cls.srv = harness.Server(test_clock=True)
        cls.srv.extra_args = ["--tls-cert", cls.cert, "--tls-key", cls.key]
        cls.srv.init()
        cls.srv.start()

    @classmethod
    def tearDownClass(cls):
        super().tearDownClass()
        shutil.rmtree(cls.certdir, ignore_errors=True)

    def req(self, method, path, body=None, token=None):
        h = {"Content-Type": "application/json"}
        if token:
            h["Authorization"] = "Bearer " + token
        return https(self.srv.port, self.cert, method, path, body, h)

    def test_https_works_with_security_headers(self):
        r = self.req("GET", "/healthz")
        self.assertStatus(r, 200)
        check_headers(self, r, tls=True)
        r = self.req("POST", "/api/v1/auth/login", '{"username": "sysadmin", "password": "%s"}' % harness.ADMIN_PW)
        self.assertStatus(r, 200)
        check_headers(self, r, tls=True)
        me = self.req("GET", "/api/v1/auth/me", token=r.json["token"])
        self.assertStatus(me, 200)
        self.assertEqual(me.json["username"], "sysadmin")
        ui = self.req("GET", "/")
        self.assertStatus(ui, 200)
        check_headers(self, ui, tls=True)
        self.assertIn("default-src 'self'", ui.headers["Content-Security-Policy"])
        err = self.req("GET", "/api/v1/nope")
        self.assertStatus(err, 404)
        check_headers(self, err, tls=True)

    def test_log_says_https(self):
        self.assertIn("https://127.0.0.1:%d" % self.srv.port, self.srv.read_log())
        self.assertNotIn(WARNING, self.srv.read_log())

    def test_plain_http_to_tls_port_fails(self):
        c = http.client.HTTPConnection("127.0.0.1", self.srv.port, timeout=10)
        try:
            c.request("GET", "/healthz")
            r = c.getresponse()
            got = (r.status, r.read())
        except (http.client.HTTPException, OSError) as e:
            got = e
        finally:
            c.close()
        self.assertFalse(isinstance(got, tuple) and got[0] == 200, "plain HTTP answered on the TLS port: %r" % (got,))

    def test_untrusted_certificate_is_refused_by_a_verifying_client(self):
        # the client side of the picture: a verifying client without our CA refuses
        ctx = ssl.create_default_context()
        c = http.client.HTTPSConnection("127.0.0.1", self.srv.port, context=ctx, timeout=10)
        with self.assertRaises(ssl.SSLError):
            c.request("GET", "/healthz")
        c.close()

    def handshake(self, version=None, ciphers=None):
        """A TLS handshake with the server limited to one protocol version
        (and cipher list); returns the negotiated (version, cipher) or the
        ssl.SSLError / OSError of a refused handshake."""
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
        # the client may offer what it likes; the server must decide
        ctx.set_ciphers((ciphers or "DEFAULT") + ":@SECLEVEL=0")
        if version:
            ctx.minimum_version = ctx.maximum_version = version
        try:
            with socket.create_connection(("127.0.0.1", self.srv.port), timeout=10) as raw:
                with ctx.wrap_socket(raw) as tls:
                    return tls.version(), tls.cipher()[0]
        except (ssl.SSLError, OSError) as e:
            return e

    def test_old_protocols_refused(self):
        """probe-security L4: TLS 1.0 and 1.1 are refused, 1.2 and 1.3
        accepted; TLS 1.2 without forward secrecy (RSA key exchange) or with
        CBC-mode ciphers is refused."""
        for v in (ssl.TLSVersion.TLSv1, ssl.TLSVersion.TLSv1_1):
            got = self.handshake(v)
            self.assertNotIsInstance(got, tuple, "%s accepted: %r" % (v.name, got))
        self.assertEqual(self.handshake(ssl.TLSVersion.TLSv1_2)[0], "TLSv1.2")
        self.assertEqual(self.handshake(ssl.TLSVersion.TLSv1_3)[0], "TLSv1.3")
        self.assertEqual(self.handshake()[0], "TLSv1.3")
        for ciphers in ("AES128-SHA", "AES256-GCM-SHA384", "ECDHE-RSA-AES128-SHA"):
            got = self.handshake(ssl.TLSVersion.TLSv1_2, ciphers)
            self.assertNotIsInstance(got, tuple, "TLS 1.2 with %s accepted: %r" % (ciphers, got))
        v, cipher = self.handshake(ssl.TLSVersion.TLSv1_2, "ECDHE-RSA-AES128-GCM-SHA256")
        self.assertEqual((v, cipher), ("TLSv1.2", "ECDHE-RSA-AES128-GCM-SHA256"))


def served_cert(port):
    """The DER certificate the server presents to a new connection."""
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    with socket.create_connection(("127.0.0.1", port), timeout=10) as raw:
        with ctx.wrap_socket(raw) as tls:
            return tls.getpeercert(binary_form=True)


def der(pem_path):
    with open(pem_path, encoding="ascii") as f:
        return ssl.PEM_cert_to_DER_cert(f.read())


class TlsReload(harness.ServerTest):
    """SIGHUP re-reads --tls-cert and --tls-key (a renewed certificate)
    without a restart; a pair that does not match is refused and the
    certificate in force stays."""

    @classmethod
    def setUpClass(cls):
        cls.certdir = tempfile.mkdtemp(prefix="opsdesk-tlsr-")
        cls.cert, cls.key = os.path.join(cls.certdir, "server.crt"), os.path.join(cls.certdir, "server.key")
        a, b = os.path.join(cls.certdir, "a"), os.path.join(cls.certdir, "b")
        os.mkdir(a)
        os.mkdir(b)
        cls.a = make_cert(a)
        cls.b = make_cert(b)
        shutil.copy(cls.a[0], cls.cert)
        shutil.copy(cls.a[1], cls.key)
        cls.srv = harness.Server(test_clock=True)
        cls.srv.extra_args = ["--tls-cert", cls.cert, "--tls-key", cls.key]
        cls.srv.init()
        cls.srv.start()

    @classmethod
    def tearDownClass(cls):
        super().tearDownClass()
        shutil.rmtree(cls.certdir, ignore_errors=True)

    def hup_and_wait(self, text):
        before = self.srv.read_log().count(text)
        self.srv.proc.send_signal(signal.SIGHUP)
        deadline = time.time() + 30
        while time.time() < deadline:
            if self.srv.read_log().count(text) > before:
                return
            time.sleep(0.05)
        self.fail("no %r in the server log: %s" % (text, self.srv.read_log()[-2000:]))

    def test_reload(self):
        self.assertEqual(served_cert(self.srv.port), der(self.a[0]))
        # a connection open across the reload keeps working
        ctx = ssl.create_default_context(cafile=self.a[0])
        kept = http.client.HTTPSConnection("127.0.0.1", self.srv.port, context=ctx, timeout=60)
        kept.request("GET", "/healthz")
        self.assertEqual(kept.getresponse().read() != b"", True)
        # the renewed pair
        shutil.copy(self.b[0], self.cert)
        shutil.copy(self.b[1], self.key)
        self.hup_and_wait("TLS certificate reloaded")
        self.assertEqual(served_cert(self.srv.port), der(self.b[0]))
        self.assertStatus(https(self.srv.port, self.b[0], "GET", "/healthz"), 200)
        kept.request("GET", "/healthz")
        self.assertEqual(kept.getresponse().status, 200)
        kept.close()
        # a certificate with another's key: refused, b stays
        shutil.copy(self.a[0], self.cert)
        self.hup_and_wait("TLS certificate not reloaded")
        self.assertEqual(served_cert(self.srv.port), der(self.b[0]))
        # an unreadable pair: refused, b stays
        os.remove(self.key)
        self.hup_and_wait("TLS certificate not reloaded")
        self.assertEqual(served_cert(self.srv.port), der(self.b[0]))
        self.assertStatus(https(self.srv.port, self.b[0], "GET", "/healthz"), 200)


class PlainHeaders(harness.ServerTest):
    def test_security_headers_on_plain_http(self):
        for path in ("/healthz", "/", "/api/v1/auth/me", "/api/v1/nope"):
            r = self.srv.get(path)
            check_headers(self, r, tls=False)

    def test_no_warning_on_loopback(self):
        self.assertNotIn(WARNING, self.srv.read_log())


class Warnings(unittest.TestCase):
    def serve(self, listen, *extra):
        s = harness.Server(test_clock=False)
        s.init()
        args = [harness.BIN, "serve", "--db", s.db, "--listen", listen, *extra]
        p = subprocess.Popen(args, env=s.env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        return s, p

    def serve_all(self, *extra):
        """A server on 0.0.0.0 at a port the kernel chooses (HOST:0): no
        port is probed first, so none can be taken in between.  Returns the
        server, the process, the port its log line names and the lines
        printed up to it."""
        s, p = self.serve("0.0.0.0:0", *extra)
        head = []
        for line in p.stdout:
            head.append(line)
            m = re.search(r"serving on https?://0\.0\.0\.0:(\d+) ", line)
            if m:
                return s, p, int(m.group(1)), "".join(head)
        p.wait(timeout=60)
        s.cleanup()
        self.fail("server exited: %s" % "".join(head))

    def test_plain_http_on_all_addresses_warns(self):
        s, p, port, head = self.serve_all()
        try:
            self.assertIsNone(p.poll(), "server exited")
            self.assertNotEqual(port, 0)
        finally:
            p.terminate()
            out, _ = p.communicate(timeout=60)
            out = head + out
            s.cleanup()
        self.assertEqual(p.returncode, 0, out)
        line = [ln for ln in out.splitlines() if WARNING in ln]
        self.assertTrue(line, out)
        self.assertIn("warn", line[0])
        self.assertIn(WARNING_ZH, line[0])
        self.assertIn("--tls-cert", line[0])

    def test_tls_on_all_addresses_does_not_warn(self):
        d = tempfile.mkdtemp(prefix="opsdesk-tls-")
        cert, key = make_cert(d)
        s, p, port, head = self.serve_all("--tls-cert", cert, "--tls-key", key)
        try:
            r = https(port, cert, "GET", "/healthz")
            self.assertEqual(r.status, 200)
        finally:
            p.terminate()
            out, _ = p.communicate(timeout=60)
            out = head + out
            s.cleanup()
            shutil.rmtree(d, ignore_errors=True)
        self.assertNotIn(WARNING, out)

    def test_test_clock_refused_on_all_addresses(self):
        """--test-clock moves time for everyone: only on loopback (nothing is sent anywhere)."""
        s, p = self.serve("0.0.0.0:%d" % harness.free_port(), "--test-clock")
        try:
            out, _ = p.communicate(timeout=60)
        finally:
            s.cleanup()
        self.assertNotEqual(p.returncode, 0, out)
        self.assertIn("--test-clock 只允许在回环地址上使用", out)

    def test_missing_key_file_refuses_to_start(self):
        port = harness.free_port()
        s, p = self.serve("127.0.0.1:%d" % port, "--tls-cert", "/nonexistent/cert.pem", "--tls-key",
                          "/nonexistent/key.pem")
        out, _ = p.communicate(timeout=60)
        s.cleanup()
        self.assertEqual(p.returncode, 1, out)
        self.assertIn("TLS", out)


if __name__ == "__main__":
    harness.main()
