"""test_trusted_proxy.py — behind a reverse proxy (`serve --trusted-proxy
CIDR`, docs/deploy/reverse-proxy.md): the client's address comes from
X-Forwarded-For only when the TCP peer is a trusted proxy, read from the
right (the rightmost address that is not a trusted proxy is the client), and
the login lockout then counts the real clients' networks (R-SEC-SYS-1): a
flood of failed logins for unknown names through the proxy locks the
attacker's network only, never `sysadmin` for everyone.

Loopback only: the proxy is 127.0.0.2, an untrusted client 127.0.1.1 (any
127.0.0.0/8 address is loopback on Linux); the "clients behind the proxy"
are X-Forwarded-For values, never contacted.
"""
import json
import os
import unittest

import harness
from test_lockout_attacks import from_addr

ADMIN_PW = harness.ADMIN_PW
PROXY = "127.0.0.2"
OUTSIDER = "127.0.1.1"


def login_via(srv, peer, xff, user, pw):
    import http.client

    c = http.client.HTTPConnection("127.0.0.1", srv.port, timeout=60, source_address=(peer, 0))
    try:
        hdrs = {"Content-Type": "application/json"}
        if xff is not None:
            hdrs["X-Forwarded-For"] = xff
        c.request("POST", "/api/v1/auth/login", body=json.dumps({"username": user, "password": pw}), headers=hdrs)
        r = c.getresponse()
        return harness.Response(r.status, r.read().decode("utf-8", "replace"), dict(r.getheaders()))
    finally:
        c.close()


def fail_addrs(srv):
    """The addresses the audit trail recorded for failed logins, in order
    (read through the API: the same on SQLite and PostgreSQL)."""
    r = srv.get("/api/v1/audit?limit=500", token=srv.admin("auditor"))
    assert r.status == 200, r
    return [a["after"]["addr"] for a in sorted(r.json["items"], key=lambda a: a["id"]) if a["action"] == "login.fail"]


class Proxied(harness.ServerTest):
    extra_args = ["--trusted-proxy", PROXY + "/32", "--trusted-proxy", "127.0.0.9"]

    n = 0

    def addr_of(self, peer, xff):
        """The address the server takes for one failed login from peer with xff
        (each for its own unknown name: five would lock one)."""
        Proxied.n += 1
        r = login_via(self.srv, peer, xff, "nobody%d" % Proxied.n, "Wrong-pass-1")
        self.assertStatus(r, 401)
        return fail_addrs(self.srv)[-1]

    def test_client_address_is_read_from_the_right(self):
        self.assertEqual(self.addr_of(PROXY, "10.20.0.5"), "10.20.0.5")
        # the client prepended a forged hop: the proxy appended the real one
        self.assertEqual(self.addr_of(PROXY, "10.99.0.1, 10.20.0.6"), "10.20.0.6")
        # two trusted proxies in a chain: the hop before them
        self.assertEqual(self.addr_of(PROXY, "10.20.0.7, 127.0.0.9"), "10.20.0.7")
        # several headers are one list, in order
        self.assertEqual(self.addr_of(PROXY, "10.20.0.8,127.0.0.9"), "10.20.0.8")
        # IPv6 hops
        self.assertEqual(self.addr_of(PROXY, "2001:db8::7"), "2001:db8::7")

    def test_a_hop_that_is_not_an_address_stops_at_the_proxy(self):
        self.assertEqual(self.addr_of(PROXY, "unknown"), PROXY)
        self.assertEqual(self.addr_of(PROXY, "10.20.0.9, garbage"), PROXY)
        self.assertEqual(self.addr_of(PROXY, ""), PROXY)
        self.assertEqual(self.addr_of(PROXY, None), PROXY)

    def test_an_untrusted_peer_cannot_choose_its_address(self):
        self.assertEqual(self.addr_of(OUTSIDER, "10.30.0.1"), OUTSIDER)

    def test_a_flood_through_the_proxy_locks_only_the_attackers_network(self):
        # 20 failed logins for unknown names from 20 addresses of one /24 behind the proxy
        for i in range(20):
            r = login_via(self.srv, PROXY, "10.40.0.%d" % (i + 1), "ghost%d" % i, "Wrong-pass-1")
            self.assertStatus(r, 401)
        # that network is locked, for every account
        r = login_via(self.srv, PROXY, "10.40.0.200", "sysadmin", ADMIN_PW)
        self.assertStatus(r, 429)
        self.assertEqual(r.headers.get("Retry-After"), "900")
        # everybody else behind the same proxy signs in: sysadmin and auditor
        self.assertStatus(login_via(self.srv, PROXY, "10.41.0.1", "sysadmin", ADMIN_PW), 200)
        self.assertStatus(login_via(self.srv, PROXY, "192.168.5.5", "auditor", ADMIN_PW), 200)
        # the log names the clients, not the proxy
        log = self.srv.read_log()
        self.assertIn("addr=10.40.0.20", log)
        self.assertIn("event=login.lockout", log)


class NotProxied(harness.ServerTest):
    def test_without_trusted_proxy_the_header_is_ignored(self):
        r = login_via(self.srv, PROXY, "10.50.0.1", "nobody-here", "Wrong-pass-1")
        self.assertStatus(r, 401)
        self.assertEqual(fail_addrs(self.srv)[-1], PROXY)


class BadRange(unittest.TestCase):
    def test_a_bad_range_is_refused_at_start(self):
        srv = harness.Server(extra_args=["--trusted-proxy", "10.0.0.1/8"])
        try:
            srv.init()
            with self.assertRaises(RuntimeError) as cm:
                srv.start()
            self.assertIn("trusted-proxy", str(cm.exception))
            self.assertIn("10.0.0.1/8", str(cm.exception))
        finally:
            srv.cleanup()


if __name__ == "__main__":
    unittest.main()
