"""test_display_key.py — a display key for the wall screen's kiosk (the
UI's #/wall): it reads GET /api/v1/dashboard and /api/v1/events/stats with
no user session (so no 12 h expiry), and nothing else — not another read,
not a write, not ingestion; an ingestion key cannot read the wall screen;
revoked, it stops at once."""
import harness

HOUR_S = 3600


class DisplayKeyTest(harness.ServerTest):
    def make_key(self, name, integration):
        r = self.srv.post("/api/v1/api-keys", {"name": name, "integration": integration},
                          token=self.srv.admin("sysadmin"))
        self.assertStatus(r, 201)
        return r.json

    def test_display_key_reads_the_wall_screen_only(self):
        k = self.make_key("wall-1", "display")
        key = k["key"]
        self.assertEqual(k["integration"], "display")
        d = self.srv.get("/api/v1/dashboard", token=key)
        self.assertStatus(d, 200)
        self.assertIn("open", d.json)
        self.assertStatus(self.srv.get("/api/v1/events/stats?hours=24", token=key), 200)
        # nothing else: other reads, writes, ingestion
        for method, path, body in (("GET", "/api/v1/incidents", None), ("GET", "/api/v1/auth/me", None),
                                   ("GET", "/api/v1/events", None), ("GET", "/api/v1/cis", None),
                                   ("POST", "/api/v1/incidents", {"title": "x"}),
                                   ("POST", "/api/v1/events", [{"summary": "x"}]),
                                   ("POST", "/api/v1/integrations/alertmanager", {"alerts": []})):
            r = self.srv.request(method, path, body, token=key)
            self.assertError(r, 403)
        # no session expiry: still good two days on
        self.srv.clock(48 * HOUR_S)
        self.srv.tokens = {}  # the people's sessions have expired meanwhile
        self.assertStatus(self.srv.get("/api/v1/dashboard", token=key), 200)
        # an ingestion key does not open the wall screen
        ing = self.make_key("am-1", "alertmanager")["key"]
        self.assertError(self.srv.get("/api/v1/dashboard", token=ing), 403)
        # revoked: refused at once
        self.assertStatus(self.srv.post("/api/v1/api-keys/%d/revoke" % k["id"], None,
                                        token=self.srv.admin("sysadmin")), 200)
        self.assertError(self.srv.get("/api/v1/dashboard", token=key), 401)

    def test_unknown_integration_refused(self):
        r = self.srv.post("/api/v1/api-keys", {"name": "bad-1", "integration": "kiosk"},
                          token=self.srv.admin("sysadmin"))
        self.assertError(r, 422)


if __name__ == "__main__":
    harness.main()
