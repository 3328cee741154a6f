"""test_admin_separation.py — least privilege among the three
administrators (R-SEC-SYS-2 三权分立; research/probe-security.md M6).  The
probe's acts, each refused (403), audited as user.refused, and without
effect; the acts that stay allowed still work.  The decision is
core/authz.c od_authz_user_act (tests/unit/test_core_authz.c)."""
import json
import sqlite3

import harness


class AdministratorSeparation(harness.ServerTest):
    extra_args = ["--bot-allow", "127.0.0.0/8"]  # the owner's bot below points at loopback
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        s = cls.srv
        cls.sys, cls.sec, cls.aud = s.admin("sysadmin"), s.admin("secadmin"), s.admin("auditor")
        users = s.get("/api/v1/users?limit=500", cls.sys).json["items"]
        cls.ids = {u["username"]: u["id"] for u in users}
        cls.lead_id, cls.lead = s.make_user("lead6", ["ops_leader"])

    def refused(self):
        with harness.db_connect("file:%s?mode=ro" % self.srv.db, uri=True) as c:
            return [(a, eid, json.loads(j)) for a, eid, j in
                    c.execute("SELECT actor, entity_id, after_json FROM audit WHERE action = 'user.refused' "
                              "ORDER BY id")]

    def user(self, name):
        return self.srv.get("/api/v1/users/%d" % self.ids[name], self.sys).json

    def roles(self, name, roles, token):
        return self.srv.request("PUT", "/api/v1/users/%d/roles" % self.ids[name], {"roles": roles}, token=token)

    def test_security_admin_cannot_take_operational_power(self):
        n = len(self.refused())
        r = self.roles("secadmin", ["security_admin", "ops_leader", "ops_engineer"], self.sec)
        self.assertError(r, 403, code="forbidden", field="roles")
        r = self.roles("secadmin", ["security_admin"], self.sec)
        self.assertError(r, 403, field="roles", contains="own roles")
        for other in ("sysadmin", "auditor"):
            own = self.user(other)["roles"]
            r = self.roles(other, own + ["ops_leader"], self.sec)
            self.assertError(r, 403, field="roles", contains="operational roles")
            r = self.roles(other, ["ops_leader"], self.sec)
            self.assertError(r, 403, field="roles")
            self.assertEqual(self.user(other)["roles"], own)
        self.assertEqual(self.user("secadmin")["roles"], ["security_admin"])
        # the security administrator still can not read incidents
        self.assertEqual(self.srv.get("/api/v1/incidents", self.sec).status, 403)
        got = self.refused()[n:]
        self.assertEqual(len(got), 6, got)
        self.assertEqual({a for a, _, _ in got}, {"secadmin"})
        self.assertEqual(got[0][1], self.ids["secadmin"])
        self.assertEqual(got[0][2]["act"], "set_roles")
        self.assertEqual(sorted(got[0][2]["roles"]), ["ops_engineer", "ops_leader", "security_admin"])
        # ordinary role work is unaffected
        r = self.srv.request("PUT", "/api/v1/users/%d/roles" % self.lead_id, {"roles": ["ops_leader", "liaison"]},
                             token=self.sec)
        self.assertStatus(r, 200)

    def test_system_admin_cannot_disable_or_edit_its_overseers(self):
        n = len(self.refused())
        for name in ("secadmin", "auditor"):
            r = self.srv.post("/api/v1/users/%d/disable" % self.ids[name], token=self.sys)
            self.assertError(r, 403, code="forbidden", contains="separation of duties")
            r = self.srv.request("PATCH", "/api/v1/users/%d" % self.ids[name], {"phone": "13900000000"},
                                 token=self.sys)
            self.assertError(r, 403, code="forbidden")
            self.assertFalse(self.user(name)["disabled"])
            self.assertEqual(self.user(name)["phone"], "")
        # their sessions survive
        self.assertEqual(self.srv.get("/api/v1/auth/me", self.sec).status, 200)
        self.assertEqual(self.srv.get("/api/v1/audit", self.aud).status, 200)
        got = self.refused()[n:]
        self.assertEqual([(a, g["act"]) for a, _, g in got],
                         [("sysadmin", "disable"), ("sysadmin", "edit"), ("sysadmin", "disable"), ("sysadmin", "edit")])
        # an ordinary account is still the system administrator's to manage
        uid, _ = self.srv.make_user("eng6", ["ops_engineer"])
        self.assertStatus(self.srv.request("PATCH", "/api/v1/users/%d" % uid, {"phone": "13900000001"},
                                           token=self.sys), 200)
        self.assertStatus(self.srv.post("/api/v1/users/%d/disable" % uid, token=self.sys), 200)
        self.assertStatus(self.srv.post("/api/v1/users/%d/enable" % uid, token=self.sys), 200)

    def test_nobody_redirects_another_users_personal_bot(self):
        n = len(self.refused())
        path = "/api/v1/users/%d/notify" % self.lead_id
        bot = {"bot_kind": "dingtalk", "bot_url": "http://127.0.0.1:9/robot/send?access_token=evil"}
        r = self.srv.request("PUT", path, bot, token=self.sys)
        self.assertError(r, 403, code="forbidden", field="bot_url")
        self.assertIsNone(self.srv.get(path, self.sys).json["bot"])
        got = self.refused()[n:]
        self.assertEqual([(a, eid, g["act"]) for a, eid, g in got], [("sysadmin", self.lead_id, "set_bot")])
        # the owner sets it; the administrator may still set channels and language, and clear the bot
        r = self.srv.request("PUT", "/api/v1/auth/me/notify", bot, token=self.lead)
        self.assertStatus(r, 200)
        self.assertEqual(self.srv.get(path, self.sys).json["bot"]["kind"], "dingtalk")
        self.assertStatus(self.srv.request("PUT", path, {"lang": "en"}, token=self.sys), 200)
        r = self.srv.request("PUT", path, {"bot_kind": ""}, token=self.sys)
        self.assertStatus(r, 200)
        self.assertIsNone(r.json["bot"])


if __name__ == "__main__":
    harness.main()
