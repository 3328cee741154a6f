"""test_permissions.py — walks the route table (src/http/routes.c) and the
permission table (src/core/authz.c): anonymous → 401, no permission → 403,
holders of the permission get past the check; and department scopes
(R-SEC-SYS-2) on CIs."""
import os
import re

import harness
from harness import ROOT

PUBLIC = {"PUBLIC"}
NO_AUTH = {"PUBLIC", "TEST_CLOCK"}


def load_routes():
    src = open(os.path.join(ROOT, "src", "http", "routes.c"), encoding="utf-8").read()
    rows = re.findall(r'\{\s*"([A-Z]+)",\s*"([^"]+)",\s*P\((\w+)\)', src)
    assert len(rows) >= 30, rows
    return rows


def load_perms():
    """{perm name: set of role keys} expanded from authz.c's table and macros."""
    src = open(os.path.join(ROOT, "src", "core", "authz.c"), encoding="utf-8").read()
    flat = src.replace("\\\n", " ")
    macros = dict(re.findall(r"^#define (OPS_ALL|LEADS)\s+(.*)$", flat, re.M))
    table = {}
    for name, expr in re.findall(r'\[OD_PERM_(\w+)\]\s*=\s*\{"[^"]+",\s*([^}]*)\}', flat, re.S):
        for m, body in macros.items():
            expr = re.sub(r"\b%s\b" % m, body, expr)
        table[name] = {r.lower() for r in re.findall(r"R\((\w+)\)", expr)}
    assert "CI_WRITE" in table and table["CI_WRITE"], table
    return table


ROUTES = load_routes()
PERMS = load_perms()
ALL_ROLES = sorted(set().union(*PERMS.values()))
ADMIN_ACCOUNTS = {"system_admin": "sysadmin", "security_admin": "secadmin", "auditor": "auditor"}


def concrete(path):
    path = re.sub(r"\{(action|item_key)\}", "x", path)  # key segments
    return re.sub(r"\{(\w*id|n)\}", "1", path)  # {id}, {link_id}, {ci_id}, {n} (a version number)


class RouteTable(harness.ServerTest):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.noroles_id, cls.noroles = cls.srv.make_user("noroles", [])
        # a password reset of user 1 would be the system administrator's own (refused as such): another target
        cls.reset_target = cls.srv.make_user("reset_target", [])[0]
        cls.role_tokens = {}
        for role in ALL_ROLES:
            if role in ADMIN_ACCOUNTS:
                cls.role_tokens[role] = cls.srv.admin(ADMIN_ACCOUNTS[role])
            else:
                cls.role_tokens[role] = cls.srv.make_user("r_" + role, [role])[1]

    def test_tables_parsed(self):
        self.assertEqual(len(ROUTES), len(set((m, p) for m, p, _ in ROUTES)))
        for _, _, perm in ROUTES:
            self.assertIn(perm, PERMS, perm)
        # 16: the engineering group (应急工程小组, seed 000 ch. 7 §1 item 6) joined
        self.assertEqual(len(ALL_ROLES), 16, ALL_ROLES)

    def test_me_lists_the_permissions_of_my_roles(self):
        """GET /auth/me names exactly the permissions the caller's roles hold
        (the web UI builds its navigation from them); none for no role."""
        keys = {name: name.lower().replace("_", ".", 1) for name in PERMS}
        keys.update({"APIKEY_ADMIN": "apikey.admin", "TEST_CLOCK": "test.clock"})
        for role, tok in self.role_tokens.items():
            me = self.srv.get("/api/v1/auth/me", token=tok).json
            want = sorted(keys[p] for p, roles in PERMS.items() if role in roles)
            self.assertEqual(sorted(me["permissions"]), want, role)
        self.assertEqual(self.srv.get("/api/v1/auth/me", token=self.noroles).json["permissions"], [])

    def test_refusal_names_roles_for_people(self):
        """A refusal names the roles by name in Chinese and keeps the keys
        for the English part (people do not read role keys)."""
        r = self.srv.get("/api/v1/incidents", token=self.noroles)
        self.assertError(r, 403)
        zh, _, en = r.json["error"]["message"].partition(" (")
        self.assertIn("监控工程师", zh)
        self.assertNotRegex(zh, r"[a-z]+_[a-z]+|incident\.read")
        self.assertIn("incident.read needs one of: ", en)
        self.assertIn("monitoring_engineer", en)

    def test_anonymous_gets_401(self):
        for method, path, perm in ROUTES:
            r = self.srv.request(method, concrete(path))
            if perm in NO_AUTH:
                self.assertNotIn(r.status, (401, 403), (method, path, r))
            else:
                self.assertError(r, 401, code="unauthenticated")
                self.assertIn("WWW-Authenticate", r.headers, (method, path))

    def test_no_roles_gets_403(self):
        for method, path, perm in ROUTES:
            if path == "/api/v1/auth/logout":
                continue  # would revoke the session; checked below
            r = self.srv.request(method, concrete(path), token=self.noroles)
            if perm in NO_AUTH or perm == "AUTHENTICATED":
                self.assertNotIn(r.status, (401, 403), (method, path, r))
            else:
                err = self.assertError(r, 403, code="forbidden")
                self.assertIn("permission", err["message"], (method, path))
        tok = self.srv.login("noroles", harness.USER_PW)
        self.assertStatus(self.srv.post("/api/v1/auth/logout", token=tok), 200)

    def test_each_role_against_every_route(self):
        """A role outside the route's permission gets 403; a holder is let through the check."""
        for role, tok in sorted(self.role_tokens.items()):
            for method, path, perm in ROUTES:
                if perm in NO_AUTH or perm == "AUTHENTICATED":
                    continue
                where = concrete(path)
                if path == "/api/v1/users/{id}/reset-password":
                    where = path.replace("{id}", str(self.reset_target))
                r = self.srv.request(method, where, token=tok)
                if role in PERMS[perm]:
                    self.assertNotIn(r.status, (401, 403), (role, method, path, r))
                else:
                    self.assertError(r, 403, code="forbidden")

    def test_admin_separation_in_table(self):
        """The three administrators: sysadmin writes accounts, secadmin assigns roles, auditor reads the audit."""
        self.assertEqual(PERMS["USER_WRITE"], {"system_admin"})
        self.assertEqual(PERMS["ROLE_ASSIGN"], {"security_admin"})
        self.assertEqual(PERMS["AUDIT_READ"], {"auditor"})
        for perm, roles in PERMS.items():
            if perm.startswith(("CI_WRITE", "INCIDENT_")) and perm != "INCIDENT_READ":
                self.assertFalse(roles & set(ADMIN_ACCOUNTS), perm)


A, B = "运行部", "网络部"


class Scopes(harness.ServerTest):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        s = cls.srv
        _, cls.unscoped = s.make_user("ops_all", ["ops_engineer"])
        _, cls.scoped = s.make_user("ops_a", ["ops_engineer"], scopes=[A])

        def ci(name, dept):
            r = s.post("/api/v1/cis", {"name": name, "category": "server", "grade": "L2", "department": dept},
                       cls.unscoped)
            assert r.status == 201, r
            return r.json["id"]

        cls.ca = ci("scope-a-1", A)
        cls.cb = ci("scope-b-1", B)
        cls.ca2 = ci("scope-a-2", A)
        # ca2 depends on cb, cb depends on ca: impact(ca) = {cb, ca2}
        for src, dst in ((cls.cb, cls.ca), (cls.ca2, cls.cb)):
            r = s.post("/api/v1/cis/%d/relations" % src, {"type": "depends_on", "target_id": dst}, cls.unscoped)
            assert r.status == 201, r

    def test_scoped_cannot_read_other_department(self):
        s = self.srv
        self.assertStatus(s.get("/api/v1/cis/%d" % self.ca, self.scoped), 200)
        r = s.get("/api/v1/cis/%d" % self.cb, self.scoped)
        self.assertIn(r.status, (403, 404), r)
        self.assertNotIn("scope-b-1", r.raw)
        r = s.get("/api/v1/cis/%d/impact" % self.cb, self.scoped)
        self.assertIn(r.status, (403, 404), r)
        r = s.get("/api/v1/grading?ci_id=%d&severity=minor" % self.cb, self.scoped)
        self.assertIn(r.status, (403, 404), r)

    def test_scoped_cannot_change_other_department(self):
        s = self.srv
        audit_before = s.get("/api/v1/audit/verify", s.admin("auditor")).json["rows"]
        r = s.request("PATCH", "/api/v1/cis/%d" % self.cb, {"location": "x"}, token=self.scoped)
        self.assertIn(r.status, (403, 404), r)
        r = s.post("/api/v1/cis/%d/verify" % self.cb, token=self.scoped)
        self.assertIn(r.status, (403, 404), r)
        r = s.post("/api/v1/cis/%d/relations" % self.cb, {"type": "depends_on", "target_id": self.ca}, self.scoped)
        self.assertIn(r.status, (403, 404), r)
        # moving an own CI out of scope, or creating one outside it, is refused too
        r = s.request("PATCH", "/api/v1/cis/%d" % self.ca, {"department": B}, token=self.scoped)
        self.assertIn(r.status, (403, 404), r)
        r = s.post("/api/v1/cis", {"name": "scope-b-new", "category": "server", "grade": "L2", "department": B},
                   self.scoped)
        self.assertIn(r.status, (403, 404), r)
        self.assertEqual(s.get("/api/v1/audit/verify", s.admin("auditor")).json["rows"], audit_before)
        self.assertEqual(s.get("/api/v1/cis/%d" % self.cb, self.unscoped).json["location"], "")

    def test_scoped_cannot_relate_to_other_department(self):
        """A target outside the scope is as unknown as a missing one (no existence oracle)."""
        r = self.srv.post("/api/v1/cis/%d/relations" % self.ca, {"type": "runs_on", "target_id": self.cb},
                          self.scoped)
        missing = self.srv.post("/api/v1/cis/%d/relations" % self.ca, {"type": "runs_on", "target_id": 99999},
                                self.scoped)
        self.assertEqual(missing.status, 422, missing)
        self.assertEqual(r.status, missing.status, r)

    def test_lists_filtered(self):
        s = self.srv
        r = s.get("/api/v1/cis?q=scope-", self.scoped)
        self.assertStatus(r, 200)
        names = {c["name"] for c in r.json["items"]}
        self.assertEqual(names, {"scope-a-1", "scope-a-2"})
        self.assertEqual(r.json["total"], 2)
        r = s.get("/api/v1/cis?q=scope-&limit=1&offset=1", self.scoped)
        self.assertEqual([c["name"] for c in r.json["items"]], ["scope-a-2"])
        self.assertEqual(r.json["total"], 2)
        r = s.get("/api/v1/cis/unverified?period=week", self.scoped)
        self.assertStatus(r, 200)
        self.assertNotIn("scope-b-1", {c["name"] for c in r.json["items"]})
        # pages are cut after the filter: scope-b-1 (between the two) takes no place
        r = s.get("/api/v1/cis/unverified?period=week&limit=1&offset=1", self.scoped)
        self.assertEqual([c["name"] for c in r.json["items"]], ["scope-a-2"])
        r = s.get("/api/v1/cis?q=scope-", self.unscoped)
        self.assertEqual({c["name"] for c in r.json["items"]}, {"scope-a-1", "scope-a-2", "scope-b-1"})
        self.assertEqual(r.json["total"], 3)

    def test_incident_list_counts_only_visible(self):
        """Page and total of GET /incidents for a scoped user count only incidents in scope (R-SEC-SYS-2)."""
        s = self.srv

        def incident(title, ci):
            r = s.post("/api/v1/incidents", {"title": title, "ci_ids": [ci], "severity": "minor",
                                             "location": "机房", "symptoms": "x", "impact_scope": "y"}, self.unscoped)
            assert r.status == 201, r
            return r.json["number"]

        mine = [incident("scope-inc-a%d" % i, self.ca) for i in range(3)]
        for i in range(4):  # newer than the visible ones, so a page cut before the filter would show fewer
            incident("scope-inc-b%d" % i, self.cb)
        r = s.get("/api/v1/incidents?q=scope-inc-&limit=2", self.scoped)
        self.assertStatus(r, 200)
        self.assertEqual(r.json["total"], 3, r.json)
        self.assertEqual([x["number"] for x in r.json["items"]], [mine[2], mine[1]])
        r = s.get("/api/v1/incidents?q=scope-inc-&limit=2&offset=2", self.scoped)
        self.assertEqual([x["number"] for x in r.json["items"]], [mine[0]])
        self.assertEqual(r.json["total"], 3)
        self.assertNotIn("scope-inc-b", r.raw)
        r = s.get("/api/v1/incidents?q=scope-inc-&limit=2", self.unscoped)
        self.assertEqual(r.json["total"], 7)
        self.assertEqual(len(r.json["items"]), 2)

    def test_impact_hides_other_department(self):
        r = self.srv.get("/api/v1/cis/%d/impact" % self.ca, self.unscoped)
        self.assertStatus(r, 200)
        self.assertEqual({c["name"] for c in r.json["impacted"]}, {"scope-b-1", "scope-a-2"})
        r = self.srv.get("/api/v1/cis/%d/impact" % self.ca, self.scoped)
        self.assertStatus(r, 200)
        self.assertNotIn("scope-b-1", r.raw)
        # what lies in scope beyond a hidden CI is still reported
        self.assertEqual({c["name"] for c in r.json["impacted"]}, {"scope-a-2"})

    def test_unscoped_sees_and_changes_both(self):
        s = self.srv
        for cid in (self.ca, self.cb):
            self.assertStatus(s.get("/api/v1/cis/%d" % cid, self.unscoped), 200)
        r = s.request("PATCH", "/api/v1/cis/%d" % self.cb, {"environment": "test"}, token=self.unscoped)
        self.assertStatus(r, 200)
        self.assertStatus(s.post("/api/v1/cis/%d/verify" % self.cb, token=self.unscoped), 200)


class EventAndWindowScopes(harness.ServerTest):
    """Department scope (R-SEC-SYS-2) over every event and maintenance-window
    route of the route table: for a 网络部 user, each route answers a 运行部
    event or window (or CI named in a window) exactly as a missing one, and
    no list, statistic or review shows it.  A new route under /events or
    /maintenance-windows without a case here fails test_every_route_has_a_case."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        s = cls.srv
        roles = ["ops_engineer", "monitoring_engineer"]
        _, cls.root = s.make_user("ew_all", roles)
        _, cls.net = s.make_user("ew_net", roles, department=B, scopes=[B])
        r = s.post("/api/v1/cis", {"name": "ew-db-a", "category": "server", "grade": "L2", "department": A},
                   cls.root)
        assert r.status == 201, r
        cls.ci_a = r.json["id"]
        r = s.post("/api/v1/api-keys", {"name": "ew", "integration": "api"}, s.admin("sysadmin"))
        cls.key = r.json["key"]
        r = s.request("POST", "/api/v1/events", {"status": "firing", "dedup_key": "ew-a", "severity": "warning",
                                                 "summary": "ew-secret-summary", "ci": "ew-db-a"}, token=cls.key)
        assert r.status == 202, r
        cls.ev_a = r.json["events"][0]["id"]
        now = s.now_ms()
        r = s.post("/api/v1/maintenance-windows", {"name": "ew-secret-window", "ci_id": cls.ci_a,
                                                   "starts_at": "2030-01-01T00:00:00Z",
                                                   "ends_at": "2030-01-02T00:00:00Z"}, cls.root)
        assert r.status == 201, r
        cls.win_a = r.json["id"]
        del now

    CASES = {
        ("GET", "/api/v1/events"): "list",
        ("GET", "/api/v1/events/stats"): "stats",
        ("GET", "/api/v1/events/review"): "list",
        ("GET", "/api/v1/events/{id}"): "event",
        ("GET", "/api/v1/maintenance-windows"): "list",
        ("POST", "/api/v1/maintenance-windows"): "create",
        ("GET", "/api/v1/maintenance-windows/{id}"): "window",
        ("PATCH", "/api/v1/maintenance-windows/{id}"): "window",
        ("DELETE", "/api/v1/maintenance-windows/{id}"): "window",
        ("GET", "/api/v1/events/{id}/known-errors"): "event",
    }

    def scoped_routes(self):
        return [(m, p) for m, p, perm in ROUTES if perm.startswith("EVENT_")]

    def test_every_route_has_a_case(self):
        routes = self.scoped_routes()
        self.assertGreaterEqual(len(routes), 9)
        self.assertEqual([r for r in routes if r not in self.CASES], [])

    def test_scan(self):
        s = self.srv
        secrets = ("ew-db-a", "ew-secret-summary", "ew-secret-window")
        for method, path in self.scoped_routes():
            kind = self.CASES[(method, path)]
            where = "%s %s" % (method, path)
            if kind in ("event", "window"):
                target = self.ev_a if kind == "event" else self.win_a
                body = {"comment": "x"} if method == "PATCH" else None
                hidden = s.request(method, path.replace("{id}", str(target)), body, token=self.net)
                missing = s.request(method, path.replace("{id}", "999999"), body, token=self.net)
                self.assertEqual((hidden.status, hidden.json["error"]["code"]),
                                 (missing.status, missing.json["error"]["code"]), where)
                self.assertEqual(hidden.status, 404, where)
                # the owner department's user (here unscoped) still reaches it
                if method == "GET":
                    self.assertStatus(s.get(path.replace("{id}", str(target)), self.root), 200, where)
            elif kind == "create":
                body = {"name": "ew-b", "ci_id": self.ci_a, "starts_at": "2030-01-01T00:00:00Z",
                        "ends_at": "2030-01-02T00:00:00Z"}
                hidden = s.post(path, body, self.net)
                missing = s.post(path, dict(body, ci_id=999999), self.net)
                self.assertEqual((hidden.status, hidden.json["error"]["field"]),
                                 (missing.status, missing.json["error"]["field"]), where)
                self.assertEqual(hidden.status, 422, where)
                r = s.post(path, {k: v for k, v in body.items() if k != "ci_id"} |
                           {"matchers": [{"name": "a", "value": "b"}]}, self.net)
                self.assertEqual(r.status, 403, where)
            elif kind == "stats":
                r = s.get(path, self.net)
                self.assertStatus(r, 200, where)
                self.assertEqual(sum(b["warning"] + b["exception"] for b in r.json["buckets"]), 0, where)
                r = s.get(path, self.root)
                self.assertEqual(sum(b["warning"] for b in r.json["buckets"]), 1, where)
            else:
                r = s.get(path + "?limit=500" if path != "/api/v1/events/review" else path, self.net)
                self.assertStatus(r, 200, where)
                for x in secrets:
                    self.assertNotIn(x, r.raw, where)
                if "total" in r.json:
                    self.assertEqual(r.json["total"], 0, where)
            for x in secrets:
                self.assertNotIn(x, hidden.raw if kind in ("event", "window", "create") else "", where)
        # nothing of 运行部's was changed
        got = s.get("/api/v1/maintenance-windows/%d" % self.win_a, self.root)
        self.assertEqual(got.json["comment"], "")


if __name__ == "__main__":
    harness.main()
