"""test_initial_password.py — an initial password is changed at first
sign-in (probe-ui #28, R-SEC-SYS-1, docs/accounts.md "First sign-in"): the
bootstrap administrators and every account an administrator creates get a
session that answers 403 password_change_required to everything but
/auth/me, /auth/password and /auth/logout until the holder sets a new,
different password.  The policy key login.initial_password_change turns it
on here (a test-clock server leaves it off unless the policy says so).
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

NEW_ADMIN_PW = "Admin-new-pass-2"
NEW_USER_PW = "User-new-pass-2!"


class InitialPasswordTest(harness.ServerTest):
    policy = harness.policy_initial_change(True)

    def forced(self, r):
        err = self.assertError(r, 403, code="password_change_required")
        self.assertTrue(err["message"].startswith("请先修改初始密码 ("), err["message"])

    def change(self, tok, old, new):
        return self.srv.post("/api/v1/auth/password", {"old_password": old, "new_password": new}, token=tok)

    def test_1_bootstrap_admin_changes_first(self):
        tok = self.srv.login("sysadmin", harness.ADMIN_PW)
        r = self.srv.get("/api/v1/auth/me", token=tok)
        self.assertStatus(r, 200)
        self.assertIs(r.json["must_change_password"], True)
        self.forced(self.srv.get("/api/v1/users", token=tok))
        self.forced(self.srv.post("/api/v1/users", {"username": "x1", "password": harness.USER_PW}, token=tok))
        # the same password again is refused, nothing changes
        r = self.change(tok, harness.ADMIN_PW, harness.ADMIN_PW)
        self.assertError(r, 422, field="new_password", contains="新密码不能与初始密码相同")
        self.forced(self.srv.get("/api/v1/users", token=tok))
        self.assertStatus(self.change(tok, harness.ADMIN_PW, NEW_ADMIN_PW), 200)
        # the change ends the session; a new one works in full
        self.assertError(self.srv.get("/api/v1/users", token=tok), 401)
        tok = self.srv.login("sysadmin", NEW_ADMIN_PW)
        r = self.srv.get("/api/v1/auth/me", token=tok)
        self.assertIs(r.json["must_change_password"], False)
        self.assertStatus(self.srv.get("/api/v1/users", token=tok), 200)
        self.__class__.admin_tok = tok

    def test_2_created_account_changes_first(self):
        admin = self.admin_tok
        r = self.srv.post("/api/v1/users", {"username": "op1", "password": harness.USER_PW,
                                            "display_name": "值班员一"}, token=admin)
        self.assertStatus(r, 201)
        tok = self.srv.login("op1", harness.USER_PW)
        r = self.srv.get("/api/v1/auth/me", token=tok)
        self.assertStatus(r, 200)
        self.assertIs(r.json["must_change_password"], True)
        self.forced(self.srv.get("/api/v1/incidents", token=tok))
        self.forced(self.srv.get("/api/v1/cis", token=tok))
        # signing out is allowed
        self.assertIn(self.srv.post("/api/v1/auth/logout", None, token=tok).status, (200, 204))
        tok = self.srv.login("op1", harness.USER_PW)
        self.assertStatus(self.change(tok, harness.USER_PW, NEW_USER_PW), 200)
        tok = self.srv.login("op1", NEW_USER_PW)
        self.assertIs(self.srv.get("/api/v1/auth/me", token=tok).json["must_change_password"], False)
        # now only the roles decide (op1 has none yet)
        self.assertError(self.srv.get("/api/v1/incidents", token=tok), 403, code="forbidden")
        # a later change by the holder is not an initial one: the same password is allowed by policy
        self.assertStatus(self.change(tok, NEW_USER_PW, NEW_USER_PW), 200)


class TestClockDefaultTest(harness.ServerTest):
    """Without the key a test-clock server does not force the change."""

    def test_off_on_test_clock_without_the_key(self):
        tok = self.srv.admin()
        r = self.srv.get("/api/v1/auth/me", token=tok)
        self.assertIs(r.json["must_change_password"], False)
        self.assertStatus(self.srv.get("/api/v1/users", token=tok), 200)


if __name__ == "__main__":
    harness.main()
