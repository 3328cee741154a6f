"""test_reverse_proxy.py — docs/deploy/reverse-proxy.md's nginx site, as
written there, in front of a real server on loopback: nginx terminates TLS
(a self-signed certificate made here), redirects plain HTTP to HTTPS, and
passes X-Forwarded-For; opsdesk, configured as the page says
(`trusted_proxy: [127.0.0.1/32, ::1/128]`), sees each client's own address
(the test's clients connect from 127.0.0.5 and 127.0.0.6): a failed sign-in is
audited and logged with it, and the security headers pass through.

Only the paths and ports of the page's nginx block are replaced (and the
IPv6 listen lines, when the machine has no IPv6 loopback), nothing else.
"""
import json
import os
import re
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import time
import unittest
import http.client

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "api"))
import harness  # noqa: E402

NGINX = shutil.which("nginx") or ("/usr/sbin/nginx" if os.path.exists("/usr/sbin/nginx") else None)


def ipv6_loopback():
    try:
        with socket.socket(socket.AF_INET6) as s:
            s.bind(("::1", 0))
        return True
    except OSError:
        return False


def site_from_doc():
    with open(os.path.join(harness.ROOT, "docs", "deploy", "reverse-proxy.md"), encoding="utf-8") as f:
        text = f.read()
    m = re.search(r"```nginx\n(.*?)```", text, re.S)
    assert m, "no nginx block in reverse-proxy.md"
    return m.group(1)


@unittest.skipUnless(NGINX, "nginx is not installed (scripts/deps.sh installs nginx-light)")
class BehindNginx(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="opsdesk-nginx-")
        t = cls.tmp
        cls.cert, cls.key = os.path.join(t, "cert.pem"), os.path.join(t, "key.pem")
        subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                        "-days", "2", "-subj", "/CN=localhost", "-addext", "subjectAltName=IP:127.0.0.1",
                        "-keyout", cls.key, "-out", cls.cert], check=True, capture_output=True)
        os.chmod(t, 0o755)  # nginx's workers (nobody) read nothing here but the prefix
        cls.srv = harness.Server(extra_args=["--trusted-proxy", "127.0.0.1/32", "--trusted-proxy", "::1/128",
                                             "--log-format", "logfmt"])
        cls.srv.init()
        cls.srv.start()
        cls.https, cls.http = harness.free_port(), harness.free_port()
        site = site_from_doc()
        site = site.replace("listen 80;", "listen 127.0.0.1:%d;" % cls.http)
        site = site.replace("listen 443 ssl http2;", "listen 127.0.0.1:%d ssl http2;" % cls.https)
        site = site.replace("/etc/letsencrypt/live/opsdesk.example.com/fullchain.pem", cls.cert)
        site = site.replace("/etc/letsencrypt/live/opsdesk.example.com/privkey.pem", cls.key)
        site = site.replace("http://127.0.0.1:8080", "http://127.0.0.1:%d" % cls.srv.port)
        site = site.replace("return 301 https://$host$request_uri;",
                            "return 301 https://$host:%d$request_uri;" % cls.https)
        site = re.sub(r"(?m)^\s*listen \[::\]:\d+.*\n", "", site)  # the loopback test listens on 127.0.0.1 only
        conf = os.path.join(t, "nginx.conf")
        with open(conf, "w") as f:
            f.write("error_log %s/error.log;\npid %s/nginx.pid;\nevents {}\nhttp {\n"
                    "access_log %s/access.log;\nclient_body_temp_path %s/body;\nproxy_temp_path %s/proxy;\n"
                    "fastcgi_temp_path %s/fcgi;\nuwsgi_temp_path %s/uwsgi;\nscgi_temp_path %s/scgi;\n%s\n}\n"
                    % ((t,) * 8 + (site,)))
        cls.nginx = subprocess.Popen([NGINX, "-p", t, "-c", conf, "-g", "daemon off;"],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        deadline = time.time() + 20
        while True:
            try:
                socket.create_connection(("127.0.0.1", cls.https), timeout=0.2).close()
                break
            except OSError:
                if time.time() > deadline or cls.nginx.poll() is not None:
                    err = cls.nginx.stderr.read().decode() if cls.nginx.poll() is not None else ""
                    cls.tearDownClass()
                    raise RuntimeError("nginx did not start: " + err)
                time.sleep(0.05)

    @classmethod
    def tearDownClass(cls):
        if getattr(cls, "nginx", None) and cls.nginx.poll() is None:
            cls.nginx.send_signal(signal.SIGQUIT)
            try:
                cls.nginx.wait(timeout=30)
            except subprocess.TimeoutExpired:
                cls.nginx.kill()
        if getattr(cls, "srv", None):
            rc = cls.srv.stop()
            cls.srv.cleanup()
            assert rc == 0, rc
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def request(self, method, path, body=None, source="127.0.0.5", tls=True):
        ctx = ssl.create_default_context(cafile=self.cert)
        if tls:
            c = http.client.HTTPSConnection("127.0.0.1", self.https, timeout=30, context=ctx,
                                            source_address=(source, 0))
        else:
            c = http.client.HTTPConnection("127.0.0.1", self.http, timeout=30, source_address=(source, 0))
        try:
            hdrs = {"Content-Type": "application/json"} if body is not None else {}
            # a forged header: nginx appends the real peer, opsdesk reads from the right
            hdrs["X-Forwarded-For"] = "10.66.66.66"
            c.request(method, path, body=json.dumps(body) if body is not None else None, headers=hdrs)
            r = c.getresponse()
            return r.status, r.read().decode("utf-8", "replace"), dict(r.getheaders())
        finally:
            c.close()

    def test_https_health_and_headers(self):
        st, body, hdrs = self.request("GET", "/healthz")
        self.assertEqual(st, 200)
        self.assertIn('"status":"ok"', body)
        self.assertEqual(hdrs.get("Strict-Transport-Security"), "max-age=31536000")
        st, _body, hdrs = self.request("GET", "/")
        self.assertEqual(st, 200)
        self.assertEqual(hdrs.get("X-Frame-Options"), "DENY")
        self.assertIn("default-src 'self'", hdrs.get("Content-Security-Policy", ""))

    def test_plain_http_redirects(self):
        st, _body, hdrs = self.request("GET", "/api/v1/auth/me", tls=False)
        self.assertEqual(st, 301)
        self.assertEqual(hdrs.get("Location"), "https://127.0.0.1:%d/api/v1/auth/me" % self.https)

    def test_clients_keep_their_addresses(self):
        for src in ("127.0.0.5", "127.0.0.6"):
            st, _b, _h = self.request("POST", "/api/v1/auth/login", {"username": "ghost-" + src, "password": "x"},
                                      source=src)
            self.assertEqual(st, 401)
        r = self.srv.get("/api/v1/audit?limit=500", token=self.srv.admin("auditor"))  # both backends
        self.assertEqual(r.status, 200, r)
        addrs = [a["after"]["addr"] for a in sorted(r.json["items"], key=lambda a: a["id"])
                 if a["action"] == "login.fail"]
        self.assertEqual(addrs[-2:], ["127.0.0.5", "127.0.0.6"])
        log = self.srv.read_log()
        self.assertIn("event=login.fail user=ghost-127.0.0.5 addr=127.0.0.5", log)
        self.assertNotIn("10.66.66.66", log)
        # a correct sign-in through the proxy
        st, body, _h = self.request("POST", "/api/v1/auth/login", {"username": "sysadmin", "password": harness.ADMIN_PW})
        self.assertEqual(st, 200, body)


if __name__ == "__main__":
    unittest.main()
