"""test_foundation.py — accounts, sessions, password policy, rate limiting,
role separation, the JSON error shape (nothing written on any error),
health/metrics, routing errors, `opsdesk init`, security headers.
R-SEC-SYS-1, R-SEC-SYS-2."""
import os
import re
import subprocess
import unittest

import harness
from harness import ADMIN_PW, USER_PW, BIN


def counts(srv):
    """(users, cis, audit rows) as seen by sysadmin / an ops reader / the auditor."""
    users = srv.get("/api/v1/users?limit=1", srv.admin("sysadmin")).json["total"]
    audit = srv.get("/api/v1/audit/verify", srv.admin("auditor")).json["rows"]
    cis = srv.get("/api/v1/cis?limit=1", srv.admin("auditor")).json["total"]
    return users, cis, audit


class Sessions(harness.ServerTest):
    def test_login_good(self):
        r = self.srv.post("/api/v1/auth/login", {"username": "sysadmin", "password": ADMIN_PW})
        self.assertStatus(r, 200)
        self.assertTrue(r.json["token"].startswith("od_"))
        self.assertIn("expires_at", r.json)
        me = self.srv.get("/api/v1/auth/me", r.json["token"])
        self.assertStatus(me, 200)
        self.assertEqual(me.json["username"], "sysadmin")

    def test_login_bad_password(self):
        r = self.srv.post("/api/v1/auth/login", {"username": "secadmin", "password": "Wrong-pass-1"})
        self.assertError(r, 401, code="unauthenticated")

    def test_login_unknown_user(self):
        r = self.srv.post("/api/v1/auth/login", {"username": "nobody", "password": ADMIN_PW})
        self.assertError(r, 401, code="unauthenticated")

    def test_login_disabled_user(self):
        uid, tok = self.srv.make_user("disme", ["ops_engineer"])
        r = self.srv.post("/api/v1/users/%d/disable" % uid, token=self.srv.admin())
        self.assertStatus(r, 200)
        # the existing session is revoked and a new login is refused
        self.assertError(self.srv.get("/api/v1/auth/me", tok), 401)
        r = self.srv.post("/api/v1/auth/login", {"username": "disme", "password": USER_PW})
        self.assertError(r, 401)
        self.assertStatus(self.srv.post("/api/v1/users/%d/enable" % uid, token=self.srv.admin()), 200)
        self.srv.login("disme", USER_PW)

    def test_logout_revokes(self):
        tok = self.srv.post("/api/v1/auth/login", {"username": "auditor", "password": ADMIN_PW}).json["token"]
        self.assertStatus(self.srv.get("/api/v1/auth/me", tok), 200)
        self.assertStatus(self.srv.post("/api/v1/auth/logout", token=tok), 200)
        self.assertError(self.srv.get("/api/v1/auth/me", tok), 401)
        self.assertIn("Bearer", self.srv.get("/api/v1/auth/me", tok).headers.get("WWW-Authenticate", ""))

    def test_bad_tokens(self):
        for tok in ["od_nonsense", "x" * 500, ""]:
            r = self.srv.request("GET", "/api/v1/auth/me", headers={"Authorization": "Bearer " + tok})
            self.assertError(r, 401)
        r = self.srv.request("GET", "/api/v1/auth/me", headers={"Authorization": "Basic abc"})
        self.assertError(r, 401)

    def test_zz_token_expiry(self):
        """session_ttl 12h: valid at 12h - 1s, refused at 12h + 1s (runs last: moves the clock)."""
        tok = self.srv.post("/api/v1/auth/login", {"username": "secadmin", "password": ADMIN_PW}).json["token"]
        self.srv.clock(12 * 3600 - 1)
        self.assertStatus(self.srv.get("/api/v1/auth/me", tok), 200)
        self.srv.clock(2)
        self.assertError(self.srv.get("/api/v1/auth/me", tok), 401)
        self.srv.tokens.clear()  # cached tokens have expired too

    def test_change_password(self):
        uid, tok = self.srv.make_user("pwchg", ["ops_engineer"])
        r = self.srv.post("/api/v1/auth/password", {"old_password": "Wrong-1!x", "new_password": "New-pass-2!"}, tok)
        self.assertError(r, 403, field="old_password")
        r = self.srv.post("/api/v1/auth/password", {"old_password": USER_PW, "new_password": "short"}, tok)
        self.assertError(r, 422, field="password")
        r = self.srv.post("/api/v1/auth/password", {"old_password": USER_PW, "new_password": "New-pass-2!"}, tok)
        self.assertStatus(r, 200)
        self.srv.login("pwchg", "New-pass-2!")


class PasswordPolicy(harness.ServerTest):
    CASES = [
        ("Ab1!", "at least 8 characters"),
        ("abcdefg1!", "an upper-case letter"),
        ("ABCDEFG1!", "a lower-case letter"),
        ("Abcdefgh!", "a digit"),
        ("Abcdefgh1", "a special character"),
    ]

    def test_each_missing_class_named(self):
        before = counts(self.srv)
        for i, (pw, need) in enumerate(self.CASES):
            r = self.srv.post("/api/v1/users", {"username": "pp%d" % i, "password": pw}, self.srv.admin())
            err = self.assertError(r, 422, code="unprocessable", field="password", contains=need)
            for _, other in self.CASES:
                if other != need:
                    self.assertNotIn(other, err["message"], (pw, err))
        r = self.srv.post("/api/v1/users", {"username": "ppall", "password": "abc"}, self.srv.admin())
        err = self.assertError(r, 422, field="password")
        for need in ("at least 8 characters", "an upper-case letter", "a digit", "a special character"):
            self.assertIn(need, err["message"])
        self.assertEqual(counts(self.srv), before)

    def test_eight_chars_is_enough(self):
        r = self.srv.post("/api/v1/users", {"username": "pp8", "password": "Abcde1!x"}, self.srv.admin())
        self.assertStatus(r, 201)
        r = self.srv.post("/api/v1/users", {"username": "pp7", "password": "Abcd1!x"}, self.srv.admin())
        self.assertError(r, 422, field="password", contains="at least 8 characters")


class AccountRateLimit(harness.ServerTest):
    def test_lockout_per_account(self):
        s = self.srv
        bad = {"username": "secadmin", "password": "Wrong-pass-1"}
        for _ in range(5):
            self.assertError(s.post("/api/v1/auth/login", bad), 401)
        r = s.post("/api/v1/auth/login", bad)
        self.assertError(r, 429, code="rate_limited")
        self.assertGreater(int(r.headers.get("Retry-After", "0")), 0, r.headers)
        self.assertLessEqual(int(r.headers["Retry-After"]), 15 * 60)
        # the right password is refused while locked
        r = s.post("/api/v1/auth/login", {"username": "secadmin", "password": ADMIN_PW})
        self.assertError(r, 429)
        self.assertIn("Retry-After", r.headers)
        # another account is not affected
        s.login("sysadmin", ADMIN_PW)
        s.clock(15 * 60)
        s.login("secadmin", ADMIN_PW)


class AddressRateLimit(harness.ServerTest):
    def test_lockout_per_address(self):
        s = self.srv
        for i in range(20):
            r = s.post("/api/v1/auth/login", {"username": "ghost%d" % i, "password": "Wrong-pass-1"})
            self.assertError(r, 401)
        r = s.post("/api/v1/auth/login", {"username": "ghost-new", "password": "Wrong-pass-1"})
        self.assertError(r, 429, code="rate_limited")
        self.assertIn("Retry-After", r.headers)
        r = s.post("/api/v1/auth/login", {"username": "sysadmin", "password": ADMIN_PW})
        self.assertError(r, 429)
        s.clock(15 * 60)
        s.login("sysadmin", ADMIN_PW)


class RoleSeparation(harness.ServerTest):
    def test_two_admin_roles_refused(self):
        s = self.srv
        uid, _ = s.make_user("sep1", ["ops_engineer"])
        user_before = s.get("/api/v1/users/%d" % uid, s.admin()).json
        before = counts(s)
        for pair in (["system_admin", "security_admin"], ["system_admin", "auditor"],
                     ["security_admin", "auditor"], ["system_admin", "security_admin", "auditor"]):
            r = s.request("PUT", "/api/v1/users/%d/roles" % uid, {"roles": pair}, token=s.admin("secadmin"))
            err = self.assertError(r, 409, code="conflict", field="roles", contains="separation of duties")
            self.assertIn("三权分立", err["message"])
        self.assertEqual(s.get("/api/v1/users/%d" % uid, s.admin()).json, user_before)
        self.assertEqual(counts(s), before)
        # one of them alone is fine; with an operational role it is not: an
        # administrator account holds no operational power (least privilege,
        # tests/api/test_admin_separation.py)
        r = s.request("PUT", "/api/v1/users/%d/roles" % uid, {"roles": ["auditor", "ops_engineer"]},
                      token=s.admin("secadmin"))
        self.assertError(r, 403, field="roles", contains="operational roles")
        r = s.request("PUT", "/api/v1/users/%d/roles" % uid, {"roles": ["auditor"]}, token=s.admin("secadmin"))
        self.assertStatus(r, 200)
        self.assertEqual(r.json["roles"], ["auditor"])

    def test_unknown_role(self):
        s = self.srv
        uid, _ = s.make_user("sep2", ["ops_engineer"])
        before = counts(s)
        r = s.request("PUT", "/api/v1/users/%d/roles" % uid, {"roles": ["ops_engineer", "king"]},
                      token=s.admin("secadmin"))
        self.assertError(r, 422, field="roles", contains="king")
        r = s.request("PUT", "/api/v1/users/%d/roles" % uid, {"roles": [7]}, token=s.admin("secadmin"))
        self.assertEqual(r.status // 100, 4, r)
        self.assertEqual(counts(s), before)
        self.assertEqual(s.get("/api/v1/users/%d" % uid, s.admin()).json["roles"], ["ops_engineer"])

    def test_role_change_signs_out(self):
        s = self.srv
        uid, tok = s.make_user("sep3", ["ops_engineer"])
        r = s.request("PUT", "/api/v1/users/%d/roles" % uid, {"roles": ["monitoring_engineer"]},
                      token=s.admin("secadmin"))
        self.assertStatus(r, 200)
        self.assertError(s.get("/api/v1/auth/me", tok), 401)


class ErrorShapes(harness.ServerTest):
    """Every error class: status, {"error":{"code","message","field"}}, and nothing written."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        _, cls.ops = cls.srv.make_user("ops1", ["ops_engineer"])

    def check(self, path, raw, status, field=None, token=None):
        s = self.srv
        before = counts(s)
        r = s.request("POST", path, raw=raw, token=token or s.admin())
        self.assertStatus(r, status, path)
        self.assertIsNotNone(r.json, r.raw[:200])
        self.assertEqual(set(r.json), {"error"})
        err = r.json["error"]
        self.assertEqual(set(err), {"code", "message", "field"})
        self.assertTrue(err["message"])
        if field is not None:
            self.assertEqual(err["field"], field, r.raw)
        self.assertTrue(r.headers.get("Content-Type", "").startswith("application/json"))
        self.assertEqual(counts(s), before, "something was written by %r" % r)
        return err

    def both(self, raw_user, raw_ci, status, field=None):
        self.check("/api/v1/users", raw_user, status, field)
        self.check("/api/v1/cis", raw_ci, status, field, token=self.ops)

    def test_malformed_json(self):
        self.both(b'{"username": "x", ', b'{"name": "x" "category": 1}', 400)
        self.both(b'', b'', 400)
        self.both(b'[]', b'"x"', 400)

    def test_unknown_field(self):
        err = self.check("/api/v1/users", b'{"username":"u1","password":"User-pass-1!","bogus":1}', 400, "bogus")
        self.assertIn("bogus", err["message"])
        err = self.check("/api/v1/cis", b'{"name":"c","category":"server","grade":"L1","colour":"red"}', 400,
                         "colour", token=self.ops)
        self.assertIn("colour", err["message"])

    def test_wrong_type(self):
        self.check("/api/v1/users", b'{"username":5,"password":"User-pass-1!"}', 400, "username")
        self.check("/api/v1/cis", b'{"name":"c","category":"server","grade":"L1","attributes":[1]}', 400,
                   "attributes", token=self.ops)
        self.check("/api/v1/cis/1/relations", b'{"type":"depends_on","target_id":"2"}', 400, "target_id",
                   token=self.ops)

    def test_missing_required(self):
        self.check("/api/v1/users", b'{"username":"u2"}', 422, "password")
        self.check("/api/v1/cis", b'{"name":"c","category":"server"}', 422, "grade", token=self.ops)
        self.check("/api/v1/users", b'{"username":"","password":"User-pass-1!"}', 422, "username")

    def test_body_too_large(self):
        body = b'{"username":"big","password":"' + b"A" * (1024 * 1024) + b'"}'
        self.assertGreater(len(body), 1024 * 1024)
        self.check("/api/v1/users", body[: 1024 * 1024 + 1], 413)
        self.check("/api/v1/cis", b" " * (1024 * 1024 + 1), 413, token=self.ops)

    def test_body_exactly_at_limit_is_parsed(self):
        body = b'{"username":"u3"}' + b" " * (1024 * 1024 - len(b'{"username":"u3"}'))
        self.assertEqual(len(body), 1024 * 1024)
        self.check("/api/v1/users", body, 422, "password")

    def test_invalid_utf8(self):
        self.both(b'{"username":"a\xff\xfe","password":"User-pass-1!"}',
                  b'{"name":"\xc3\x28","category":"server","grade":"L1"}', 400)

    def test_nul_in_string(self):
        self.both(b'{"username":"a\\u0000b","password":"User-pass-1!"}',
                  b'{"name":"x\\u0000","category":"server","grade":"L1"}', 400)

    def test_deep_nesting(self):
        self.both(b"[" * 10000, b'{"attributes":' + b"[" * 10000, 400)

    def test_huge_numbers(self):
        for num in (b"1e400", b"123456789012345678901234567890", b"-1e99999"):
            for path, tok in (("/api/v1/users", None), ("/api/v1/cis", self.ops)):
                s = self.srv
                before = counts(s)
                r = s.request("POST", path, raw=b'{"name":"n","category":"server","grade":"L1","x":' + num + b"}",
                              token=tok or s.admin())
                self.assertIn(r.status, (400, 422), r)
                self.assertIn("error", r.json)
                self.assertEqual(counts(s), before)
        r = self.srv.request("POST", "/api/v1/cis/1/relations",
                             raw=b'{"type":"depends_on","target_id":99999999999999999999}', token=self.ops)
        self.assertIn(r.status, (400, 422), r)

    def test_duplicate_keys(self):
        self.check("/api/v1/users", b'{"username":"d1","username":"d2","password":"User-pass-1!"}', 400)

    def test_too_long_field(self):
        self.check("/api/v1/users", ('{"username":"u4","password":"User-pass-1!","phone":"%s"}' % ("1" * 33)).encode(),
                   413, "phone")

    def test_errors_are_json_without_token(self):
        r = self.srv.request("POST", "/api/v1/users", raw=b"{")
        self.assertError(r, 401, code="unauthenticated")
        self.assertIsNone(r.json["error"]["field"])


class Routing(harness.ServerTest):
    def test_healthz(self):
        r = self.srv.get("/healthz")
        self.assertStatus(r, 200)
        self.assertEqual(r.json["status"], "ok")

    def test_metrics(self):
        self.srv.get("/healthz")
        r = self.srv.get("/metrics", self.srv.admin())  # an admin session, or the metrics token (test_http_edge.py)
        self.assertStatus(r, 200)
        self.assertTrue(r.headers["Content-Type"].startswith("text/plain"), r.headers)
        self.assertIn("opsdesk_http_requests_total{", r.raw)
        self.assertIn('route="/healthz"', r.raw)
        self.assertIn("opsdesk_http_request_duration_seconds_bucket", r.raw)
        m = re.search(r"^opsdesk_database_size_bytes (\d+)$", r.raw, re.M)
        self.assertIsNotNone(m, r.raw)
        self.assertGreater(int(m.group(1)), 0)

    def test_404(self):
        tok = self.srv.admin()
        for path in ("/nope", "/api/v1/nope", "/api/v1/users/abc", "/api/v1/users/0", "/api/v1/users/1/x"):
            self.assertError(self.srv.get(path, tok), 404, code="not_found")
        self.assertError(self.srv.get("/api/v1/users/999999", tok), 404)

    def test_405(self):
        tok = self.srv.admin()
        for method, path in (("DELETE", "/api/v1/users"), ("GET", "/api/v1/auth/login"),
                             ("PUT", "/api/v1/cis/1"), ("POST", "/healthz")):
            self.assertError(self.srv.request(method, path, token=tok), 405, code="method_not_allowed")

    def test_security_headers(self):
        for path in ("/healthz", "/api/v1/nope", "/api/v1/auth/me"):
            r = self.srv.get(path)
            self.assertEqual(r.headers.get("X-Content-Type-Options"), "nosniff", path)
            self.assertIn("Referrer-Policy", r.headers)
            self.assertEqual(r.headers.get("X-Frame-Options"), "DENY")
        r = self.srv.get("/api/v1/auth/me", self.srv.admin())
        self.assertEqual(r.headers.get("Cache-Control"), "no-store")

    def test_header_sizes(self):
        """The connection's memory pool (server.c CONN_MEMORY, 16 KiB) takes 8 KiB of headers
        with a token; more than the pool is refused with 431 and the server goes on serving."""
        tok = self.srv.admin()
        r = self.srv.request("GET", "/api/v1/auth/me", token=tok, headers={"X-Filler": "a" * 8192})
        self.assertStatus(r, 200)
        self.assertEqual(r.json["username"], "sysadmin")
        r = self.srv.request("GET", "/healthz", headers={"X-Filler": "a" * 20000})
        self.assertEqual(r.status, 431, r)
        self.assertStatus(self.srv.get("/healthz"), 200)


class TestClockGuard(harness.ServerTest):
    test_clock = False

    def test_clock_route_absent_without_flag(self):
        r = self.srv.post("/api/v1/test/clock", {"advance_seconds": 10})
        self.assertError(r, 404)


class Init(unittest.TestCase):
    def test_init_twice_keeps_accounts(self):
        srv = harness.Server()
        try:
            srv.init()
            srv.env["OPSDESK_ADMIN_PASSWORD"] = "Other-pass-9!"
            out = srv.init()
            self.assertNotIn("initial password", out.stdout)
            srv.start()
            for name in ("sysadmin", "secadmin", "auditor"):
                srv.login(name, ADMIN_PW)
            users = srv.get("/api/v1/users", srv.admin()).json
            self.assertEqual(users["total"], 3)
            self.assertEqual(srv.stop(), 0)
        finally:
            srv.cleanup()

    def test_init_random_passwords(self):
        srv = harness.Server()
        try:
            del srv.env["OPSDESK_ADMIN_PASSWORD"]
            out = subprocess.run([BIN, "init", "--db", srv.db], env=srv.env, capture_output=True, text=True,
                                 timeout=120)
            self.assertEqual(out.returncode, 0, out.stderr)
            pws = dict(re.findall(r"initial password\s+(sysadmin|secadmin|auditor)\s+(\S+)", out.stdout))
            self.assertEqual(set(pws), {"sysadmin", "secadmin", "auditor"}, out.stdout)
            self.assertEqual(len(set(pws.values())), 3)
            srv.start()
            for name, pw in pws.items():
                self.assertGreaterEqual(len(pw), 8)
                srv.login(name, pw)
            r = srv.post("/api/v1/auth/login", {"username": "sysadmin", "password": ADMIN_PW})
            self.assertEqual(r.status, 401)
            self.assertEqual(srv.stop(), 0)
        finally:
            srv.cleanup()

    def test_sigint_clean_exit(self):
        srv = harness.Server()
        try:
            srv.init()
            srv.start()
            srv.login("sysadmin", ADMIN_PW)
            import signal
            self.assertEqual(srv.stop(signal.SIGINT), 0, srv.read_log())
            log = srv.read_log()
            self.assertIn("stopped cleanly", log)
            # quiescing (stop accepting, finish in-flight requests) must actually work
            self.assertNotIn("MHD_quiesce_daemon", log)
        finally:
            srv.cleanup()


if __name__ == "__main__":
    harness.main()
