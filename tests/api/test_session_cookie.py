"""test_session_cookie.py — the browser session of the web UI
(R-SEC-SYS-1): login with {"cookie": true} sets an HttpOnly, SameSite=Strict,
Path=/ cookie (Secure over TLS) and returns a CSRF token instead of the
bearer token; every non-GET request authenticated by the cookie must carry
that token in X-CSRF-Token (missing or wrong → 403 and nothing written);
logout revokes the session and clears the cookie; an expired session → 401.
Bearer clients (the CLI) are unchanged."""
import json
import os
import ssl
import subprocess
import sys
import tempfile
import time
import unittest
import urllib.error
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import ADMIN_PW, BIN, USER_PW, Server, ServerTest, main  # noqa: E402


def cookie_attrs(set_cookie):
    """'od_session=v; Path=/; HttpOnly' → ('v', {'path': '/', 'httponly': True})."""
    parts = [p.strip() for p in set_cookie.split(";")]
    name, _, value = parts[0].partition("=")
    assert name == "od_session", set_cookie
    attrs = {}
    for p in parts[1:]:
        k, _, v = p.partition("=")
        attrs[k.lower()] = v if v else True
    return value, attrs


class SessionCookieTest(ServerTest):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.uid, cls.eng = cls.srv.make_user("web_eng", ["ops_engineer", "monitoring_engineer"])

    def browser_login(self, user="web_eng", pw=USER_PW):
        r = self.srv.post("/api/v1/auth/login", {"username": user, "password": pw, "cookie": True})
        self.assertStatus(r, 200)
        value, attrs = cookie_attrs(r.headers["Set-Cookie"])
        return r, value, attrs

    def with_cookie(self, method, path, cookie, body=None, csrf=None):
        h = {"Cookie": "od_session=" + cookie}
        if csrf is not None:
            h["X-CSRF-Token"] = csrf
        return self.srv.request(method, path, body, headers=h)

    def ci_count(self):
        return self.srv.get("/api/v1/cis", token=self.eng).json["total"]

    def test_login_sets_cookie_attributes_and_hides_token(self):
        r, value, attrs = self.browser_login()
        self.assertNotIn("token", r.json, "a browser session never sees its token")
        self.assertTrue(r.json["cookie"])
        self.assertGreaterEqual(len(r.json["csrf_token"]), 40)
        self.assertTrue(value.startswith("od_"))
        self.assertIs(attrs.get("httponly"), True)
        self.assertEqual(attrs.get("samesite"), "Strict")
        self.assertEqual(attrs.get("path"), "/")
        self.assertEqual(attrs.get("max-age"), str(12 * 3600), "policy login.session_ttl 12h")
        self.assertNotIn("secure", attrs, "plain HTTP on loopback: no Secure")
        self.assertNotEqual(r.json["csrf_token"], value)

    def test_bearer_login_unchanged(self):
        r = self.srv.post("/api/v1/auth/login", {"username": "web_eng", "password": USER_PW})
        self.assertStatus(r, 200)
        self.assertIn("token", r.json)
        self.assertNotIn("Set-Cookie", r.headers)
        # a bearer write needs no CSRF token
        before = self.ci_count()
        w = self.srv.post("/api/v1/cis", {"name": "bearer-ci", "category": "server", "grade": "L3"},
                          token=r.json["token"])
        self.assertStatus(w, 201)
        self.assertEqual(self.ci_count(), before + 1)
        me = self.srv.get("/api/v1/auth/me", token=r.json["token"])
        self.assertNotIn("csrf_token", me.json)

    def test_me_returns_csrf_token(self):
        r, cookie, _ = self.browser_login()
        me = self.with_cookie("GET", "/api/v1/auth/me", cookie)
        self.assertStatus(me, 200)
        self.assertEqual(me.json["username"], "web_eng")
        self.assertEqual(me.json["csrf_token"], r.json["csrf_token"])

    def test_write_without_or_with_wrong_csrf_is_refused_and_writes_nothing(self):
        r, cookie, _ = self.browser_login()
        body = {"name": "csrf-ci", "category": "server", "grade": "L2"}
        before = self.ci_count()
        for csrf in (None, "", "x" * 43, r.json["csrf_token"][:-1] + ("A" if r.json["csrf_token"][-1] != "A" else "B")):
            w = self.with_cookie("POST", "/api/v1/cis", cookie, body, csrf=csrf)
            self.assertError(w, 403, code="forbidden", field="X-CSRF-Token")
            self.assertEqual(self.ci_count(), before, "a refused write leaves nothing behind")
        # the token of another session does not fit this one
        r2, _, _ = self.browser_login()
        w = self.with_cookie("POST", "/api/v1/cis", cookie, body, csrf=r2.json["csrf_token"])
        self.assertError(w, 403, code="forbidden")
        self.assertEqual(self.ci_count(), before)
        ok = self.with_cookie("POST", "/api/v1/cis", cookie, body, csrf=r.json["csrf_token"])
        self.assertStatus(ok, 201)
        self.assertEqual(self.ci_count(), before + 1)

    def test_get_needs_no_csrf(self):
        _, cookie, _ = self.browser_login()
        self.assertStatus(self.with_cookie("GET", "/api/v1/cis", cookie), 200)

    def test_bad_cookie_is_unauthenticated(self):
        self.assertError(self.with_cookie("GET", "/api/v1/auth/me", "od_forged"), 401, code="unauthenticated")

    def test_logout_needs_csrf_then_clears_cookie_and_revokes(self):
        r, cookie, _ = self.browser_login()
        self.assertError(self.with_cookie("POST", "/api/v1/auth/logout", cookie), 403, code="forbidden")
        self.assertStatus(self.with_cookie("GET", "/api/v1/auth/me", cookie), 200)  # still signed in
        out = self.with_cookie("POST", "/api/v1/auth/logout", cookie, csrf=r.json["csrf_token"])
        self.assertStatus(out, 200)
        value, attrs = cookie_attrs(out.headers["Set-Cookie"])
        self.assertEqual(value, "")
        self.assertEqual(attrs.get("max-age"), "0")
        self.assertIs(attrs.get("httponly"), True)
        self.assertError(self.with_cookie("GET", "/api/v1/auth/me", cookie), 401)

    def test_bearer_wins_over_cookie(self):
        """A request with both is a bearer request: no CSRF token needed, the cookie is ignored."""
        _, cookie, _ = self.browser_login()
        before = self.ci_count()
        w = self.srv.request("POST", "/api/v1/cis", {"name": "both-ci", "category": "server", "grade": "L3"},
                             token=self.eng, headers={"Cookie": "od_session=" + cookie})
        self.assertStatus(w, 201)
        self.assertEqual(self.ci_count(), before + 1)

    def test_ui_headers(self):
        r = self.srv.get("/")
        self.assertStatus(r, 200)
        csp = r.headers["Content-Security-Policy"]
        self.assertIn("default-src 'self'", csp)
        self.assertNotIn("script-src", csp, "scripts fall back to default-src 'self': no inline, no eval")
        self.assertNotIn("unsafe-eval", csp)
        self.assertIn("frame-ancestors 'none'", csp)
        api = self.srv.get("/api/v1/auth/me", token=self.eng)
        self.assertEqual(api.headers["Cache-Control"], "no-store")
        self.assertTrue(int(api.headers["X-Opsdesk-Now"]) > 0)


class SessionExpiryTest(ServerTest):
    """Its own server: the clock moves past the session's lifetime."""

    def test_expired_session_is_401(self):
        self.srv.make_user("web_exp", ["ops_engineer"])
        r = self.srv.post("/api/v1/auth/login", {"username": "web_exp", "password": USER_PW, "cookie": True})
        self.assertStatus(r, 200)
        cookie = r.headers["Set-Cookie"].split(";")[0].split("=", 1)[1]
        h = {"Cookie": "od_session=" + cookie}
        self.assertStatus(self.srv.request("GET", "/api/v1/auth/me", headers=h), 200)
        self.srv.clock(advance_seconds=12 * 3600 + 1)
        self.assertError(self.srv.request("GET", "/api/v1/auth/me", headers=h), 401, code="unauthenticated")
        w = self.srv.request("POST", "/api/v1/cis", {"name": "late", "category": "server", "grade": "L3"},
                             headers=dict(h, **{"X-CSRF-Token": r.json["csrf_token"]}))
        self.assertError(w, 401)


class SessionTlsTest(unittest.TestCase):
    """Over TLS the cookie is Secure."""

    def test_secure_cookie_over_tls(self):
        tmp = tempfile.mkdtemp(prefix="opsdesk-tls-")
        cert, key = os.path.join(tmp, "cert.pem"), os.path.join(tmp, "key.pem")
        subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert,
                        "-days", "1", "-subj", "/CN=127.0.0.1"], check=True, capture_output=True)
        srv = Server(tmp=tmp)  # owns nothing: tmp is removed below
        self.addCleanup(__import__("shutil").rmtree, tmp, True)
        srv.init()
        try:
            # the harness has no TLS switch: start the binary here
            args = [BIN, "serve", "--db", srv.db, "--listen", "127.0.0.1:%d" % srv.port, "--tls-cert", cert,
                    "--tls-key", key]
            log = open(srv.log_path, "ab")
            proc = subprocess.Popen(args, env=srv.env, stdout=log, stderr=log)
            try:
                ctx = ssl.create_default_context()
                ctx.check_hostname = False
                ctx.verify_mode = ssl.CERT_NONE
                body = json.dumps({"username": "sysadmin", "password": ADMIN_PW, "cookie": True}).encode()
                deadline = time.time() + 30
                while True:
                    try:
                        req = urllib.request.Request("https://127.0.0.1:%d/api/v1/auth/login" % srv.port, data=body,
                                                     method="POST", headers={"Content-Type": "application/json"})
                        with urllib.request.urlopen(req, context=ctx, timeout=30) as r:
                            set_cookie = r.headers["Set-Cookie"]
                        break
                    except (urllib.error.URLError, ConnectionError):
                        if time.time() > deadline or proc.poll() is not None:
                            raise
                        time.sleep(0.1)
                _, attrs = cookie_attrs(set_cookie)
                self.assertIs(attrs.get("secure"), True)
                self.assertIs(attrs.get("httponly"), True)
                self.assertEqual(attrs.get("samesite"), "Strict")
            finally:
                proc.terminate()
                rc = proc.wait(timeout=60)
                log.close()
                self.assertEqual(rc, 0, srv.read_log()[-4000:])
        finally:
            srv.cleanup()


if __name__ == "__main__":
    main()
