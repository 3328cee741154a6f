"""test_password_reset.py — the system administrator resets an account's
password through the API (POST /api/v1/users/{id}/reset-password): a new
random password shown once, to be changed at the next sign-in (always, even
where initial passwords are not forced), the account's sessions revoked, the
old password dead, audited as the administrator without the password.
Not one's own password, not the security administrator's or the auditor's
(separation of duties: theirs is reset on the server machine), and nobody
but the system administrator; every refusal changes nothing.
R-SEC-SYS-1, R-SEC-SYS-2."""
import json

import harness
from harness import USER_PW

NEW_PW = "Reset-new-pass-3!"


class PasswordReset(harness.ServerTest):
    def reset(self, uid, token=None, body=None):
        return self.srv.post("/api/v1/users/%d/reset-password" % uid, body, token=token or self.srv.admin())

    def audit(self, action, uid):
        r = self.srv.get("/api/v1/audit?entity_id=%d&limit=200" % uid, self.srv.admin("auditor"))
        self.assertStatus(r, 200)
        return [x for x in r.json["items"] if x["action"] == action]

    def user_id(self, name):
        users = self.srv.get("/api/v1/users?limit=500", self.srv.admin()).json["items"]
        return next(u["id"] for u in users if u["username"] == name)

    def test_reset_an_engineer(self):
        uid, old_tok = self.srv.make_user("resetme", ["ops_engineer"])
        r = self.reset(uid)
        self.assertStatus(r, 200)
        self.assertEqual(r.json["id"], uid)
        self.assertEqual(r.json["username"], "resetme")
        self.assertIs(r.json["must_change_password"], True)
        tmp = r.json["temporary_password"]
        self.assertGreaterEqual(len(tmp), 12)
        self.assertEqual(r.headers.get("Cache-Control"), "no-store")
        # the old session and the old password are dead
        self.assertError(self.srv.get("/api/v1/auth/me", old_tok), 401)
        self.assertError(self.srv.post("/api/v1/auth/login", {"username": "resetme", "password": USER_PW}), 401)
        # the temporary one signs in, but to change it first (this server does not force initial passwords)
        tok = self.srv.login("resetme", tmp)
        self.assertIs(self.srv.get("/api/v1/auth/me", tok).json["must_change_password"], True)
        self.assertError(self.srv.get("/api/v1/incidents", tok), 403, code="password_change_required")
        r = self.srv.post("/api/v1/auth/password", {"old_password": tmp, "new_password": NEW_PW}, token=tok)
        self.assertStatus(r, 200)
        tok = self.srv.login("resetme", NEW_PW)
        self.assertIs(self.srv.get("/api/v1/auth/me", tok).json["must_change_password"], False)
        self.assertStatus(self.srv.get("/api/v1/incidents", tok), 200)
        # audited once, as the system administrator, without the password
        rows = self.audit("user.reset_password", uid)
        self.assertEqual(len(rows), 1, rows)
        self.assertEqual(rows[0]["actor"], "sysadmin")
        self.assertNotIn(tmp, json.dumps(rows[0], ensure_ascii=False))
        self.assertEqual(rows[0]["after"], {"username": "resetme", "via": "api"})
        r = self.srv.get("/api/v1/audit/verify", self.srv.admin("auditor"))
        self.assertIs(r.json["ok"], True, r.json)

    def test_each_reset_is_new(self):
        uid, _ = self.srv.make_user("twice", ["ops_engineer"])
        a = self.reset(uid).json["temporary_password"]
        b = self.reset(uid).json["temporary_password"]
        self.assertNotEqual(a, b)
        self.assertError(self.srv.post("/api/v1/auth/login", {"username": "twice", "password": a}), 401)
        self.srv.login("twice", b)
        self.assertEqual(len(self.audit("user.reset_password", uid)), 2)

    def test_refusals_change_nothing(self):
        uid, tok = self.srv.make_user("keepme", ["ops_engineer"])
        sys_id, sec_id, aud_id = (self.user_id(n) for n in ("sysadmin", "secadmin", "auditor"))
        cases = [
            (sec_id, None, 403, "三权分立：不能重置安全管理员或审计员的密码"),
            (aud_id, None, 403, "三权分立：不能重置安全管理员或审计员的密码"),
            (sys_id, None, 403, "不能重置自己的密码"),
            (uid, self.srv.admin("secadmin"), 403, "没有权限"),
            (uid, self.srv.admin("auditor"), 403, "没有权限"),
            (uid, tok, 403, "没有权限"),
            (999999, None, 404, "用户 999999 不存在"),
        ]
        for target, token, status, text in cases:
            err = self.assertError(self.reset(target, token), status)
            self.assertTrue(err["message"].startswith(text), err["message"])
        err = self.assertError(self.reset(uid, body={"password": "x"}), 400)
        # the refused acts on the overseers are audited as refusals, never as resets
        for target in (sec_id, aud_id, sys_id):
            self.assertEqual(self.audit("user.reset_password", target), [])
        refused = self.audit("user.refused", sec_id)
        self.assertEqual([x["after"]["act"] for x in refused], ["reset_password"])
        # keepme's session and password still work; the administrators' too
        self.assertStatus(self.srv.get("/api/v1/auth/me", tok), 200)
        self.srv.login("keepme", USER_PW)
        self.srv.login("secadmin", harness.ADMIN_PW)
        self.assertEqual(self.audit("user.reset_password", uid), [])


if __name__ == "__main__":
    import unittest
    unittest.main()
