"""test_lockout_attacks.py — the login lockout holds against the attacks of
the security probe (R-SEC-SYS-1; research/probe-security.md H2, M5, L2).

* H2: failures from other keys cannot push a locked account (or an
  account's failure count) out of the limiter.  4200 acknowledgement-link
  failures from 4200 different networks (127.x.y.1: any 127.0.0.0/8 address
  is loopback on Linux) used to evict a locked account's entry from the one
  shared 4096-slot table; now every purpose has its own table and live keys
  are never forgotten for room.
* Per-address limits count a whole /24: twenty failures spread over 20
  addresses of one /24 lock that network.
* One network never locks an account out for everyone: five guesses lock
  the account from the guessing network only; guesses spread over many
  networks (20 in a window) lock it from networks it has not signed in from
  in 90 days, so its owner at the usual desk still gets in; failures for
  unknown names never count against a real account.
* M5: a wrong old password on POST /api/v1/auth/password counts against the
  same lockout as a failed login and is audited (password.fail).
* L2 recovery: `opsdesk user unlock USER --db PATH` on the server machine
  lifts a running server's lockout of USER, and is audited (user.unlock).
"""
import http.client
import json
import os
import sqlite3
import subprocess
import unittest

import harness

ADMIN_PW = harness.ADMIN_PW
WRONG = "Wrong-pass-1"
ACK_TOKEN = "A" * 22


def from_addr(srv, ip, method, path, body=None, token=None):
    """One request sent from source address `ip` (a loopback address)."""
    c = http.client.HTTPConnection("127.0.0.1", srv.port, timeout=60, source_address=(ip, 0))
    try:
        hdrs = {}
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            hdrs["Content-Type"] = "application/json"
        if token:
            hdrs["Authorization"] = "Bearer " + token
        c.request(method, path, body=data, headers=hdrs)
        r = c.getresponse()
        return harness.Response(r.status, r.read().decode("utf-8", "replace"), dict(r.getheaders()))
    finally:
        c.close()


def audit_actions(db, action):
    with harness.db_connect("file:%s?mode=ro" % db, uri=True) as c:
        return c.execute("SELECT actor, after_json FROM audit WHERE action = ? ORDER BY id", (action,)).fetchall()


def login(srv, ip, user, pw):
    return from_addr(srv, ip, "POST", "/api/v1/auth/login", {"username": user, "password": pw})


class Flood:
    """H2: 4200 ack-link failures from 4200 networks (each test class has
    its own server: two floods in one would fill the 8192-key table, whose
    answer to a new network is then 429)."""

    def lock(self, user, ip):
        for i in range(5):
            self.assertError(login(self.srv, ip, user, "guess-%d" % i), 401)
        r = login(self.srv, ip, user, harness.USER_PW)
        self.assertError(r, 429, code="rate_limited")
        self.assertEqual(r.headers.get("Retry-After"), "900")

    def flood_ack(self, n, second_octet_base):
        statuses = set()
        for i in range(n):
            ip = "127.%d.%d.1" % (second_octet_base + i // 256, i % 256)
            statuses.add(from_addr(self.srv, ip, "GET", "/ack/" + ACK_TOKEN).status)
        self.assertEqual(statuses, {404})


class EvictionOfALock(Flood, harness.ServerTest):
    def test_ack_flood_does_not_evict_a_locked_account(self):
        self.srv.make_user("victim", ["ops_engineer"])
        self.lock("victim", "127.0.1.1")
        self.flood_ack(4200, 100)
        # the right password from the guessing network: still locked
        r = login(self.srv, "127.0.1.2", "victim", harness.USER_PW)
        self.assertError(r, 429, code="rate_limited")
        # and no fresh allowance of guesses there either
        self.assertError(login(self.srv, "127.0.1.3", "victim", WRONG), 429)
        # another network was never locked
        self.assertStatus(login(self.srv, "127.0.2.1", "victim", harness.USER_PW), 200)


class EvictionOfACount(Flood, harness.ServerTest):
    def test_ack_flood_does_not_reset_a_failure_count(self):
        """Four failures, a flood, one more failure: the fifth locks."""
        self.srv.make_user("victim2", ["ops_engineer"])
        for i in range(4):
            self.assertError(login(self.srv, "127.0.4.1", "victim2", "guess-%d" % i), 401)
        self.flood_ack(4200, 100)
        self.assertError(login(self.srv, "127.0.4.2", "victim2", "guess-4"), 401)
        self.assertError(login(self.srv, "127.0.4.3", "victim2", harness.USER_PW), 429)


class AddressesCountPerNetwork(harness.ServerTest):
    def test_twenty_addresses_of_one_slash24_lock_the_network(self):
        for i in range(20):
            self.assertError(login(self.srv, "127.7.7.%d" % (i + 1), "ghost%d" % i, WRONG), 401)
        # another address of the same /24, a real account and the right password
        self.assertError(login(self.srv, "127.7.7.200", "sysadmin", ADMIN_PW), 429, code="rate_limited")
        # a neighbouring /24 is not affected
        r = login(self.srv, "127.7.8.1", "sysadmin", ADMIN_PW)
        self.assertStatus(r, 200)


class OneNetworkCannotLockAnAccountForEveryone(harness.ServerTest):
    def test_guesses_from_one_network_lock_it_there_only(self):
        s = self.srv
        for i in range(5):
            self.assertError(login(s, "127.0.20.1", "sysadmin", "guess-%d" % i), 401)
        self.assertError(login(s, "127.0.20.9", "sysadmin", ADMIN_PW), 429, code="rate_limited")
        self.assertStatus(login(s, "127.0.21.1", "sysadmin", ADMIN_PW), 200)
        locks = [j for j in map(json.loads, (j for _, j in audit_actions(s.db, "login.lockout")))
                 if j["username"] == "sysadmin"]
        self.assertEqual(locks, [{"username": "sysadmin", "addr": "127.0.20.1"}])

    def test_unknown_names_never_count_against_a_real_account(self):
        s = self.srv
        # 19 failures for names that do not exist, each network under its own allowance
        for i in range(19):
            self.assertError(login(s, "127.0.%d.1" % (30 + i), "sysadmin%d" % i, WRONG), 401)
        self.assertError(login(s, "127.0.30.1", "sysadmln", WRONG), 401)
        self.assertStatus(login(s, "127.0.60.1", "sysadmin", ADMIN_PW), 200)

    def test_guesses_spread_over_networks_spare_the_owners_network(self):
        s = self.srv
        s.make_user("owner", ["ops_engineer"])
        # the owner signs in from the usual desk
        self.assertStatus(login(s, "127.0.70.5", "owner", harness.USER_PW), 200)
        # 20 guesses from 20 networks: no network reaches its own allowance of 5
        for i in range(20):
            self.assertError(login(s, "127.0.%d.1" % (80 + i), "owner", "guess-%d" % i), 401)
        # a new network is refused, the right password included, and gets no more guesses
        self.assertError(login(s, "127.0.120.1", "owner", harness.USER_PW), 429, code="rate_limited")
        self.assertError(login(s, "127.0.121.1", "owner", WRONG), 429)
        # the owner's network (another address of its /24) is not
        self.assertStatus(login(s, "127.0.70.77", "owner", harness.USER_PW), 200)
        locks = [j["addr"] for j in map(json.loads, (j for _, j in audit_actions(s.db, "login.lockout")))
                 if j["username"] == "owner"]
        self.assertEqual(locks, ["127.0.99.1"])
        # the window runs out: new networks may try again
        s.clock(15 * 60)
        self.assertStatus(login(s, "127.0.120.1", "owner", harness.USER_PW), 200)


class PasswordChangeGuessing(harness.ServerTest):
    """M5: the password-change endpoint is limited and audited like login."""

    def test_wrong_old_passwords_lock_the_account_and_are_audited(self):
        s = self.srv
        s.make_user("pwguess", ["ops_engineer"])
        tok = login(s, "127.0.9.1", "pwguess", harness.USER_PW).json["token"]
        for i in range(5):
            r = from_addr(s, "127.0.9.1", "POST", "/api/v1/auth/password",
                          {"old_password": "guess-%d" % i, "new_password": "New-pass-1!x"}, token=tok)
            self.assertError(r, 403, field="old_password")
        r = from_addr(s, "127.0.9.1", "POST", "/api/v1/auth/password",
                      {"old_password": harness.USER_PW, "new_password": "New-pass-1!x"}, token=tok)
        self.assertError(r, 429, code="rate_limited")
        self.assertIn("Retry-After", r.headers)
        # the account is locked for login too, from that network (not from others)
        self.assertError(login(s, "127.0.9.2", "pwguess", harness.USER_PW), 429)
        self.assertStatus(login(s, "127.0.10.1", "pwguess", harness.USER_PW), 200)
        fails = audit_actions(s.db, "password.fail")
        self.assertEqual(len(fails), 5, fails)
        self.assertEqual({a for a, _ in fails}, {"pwguess"})
        self.assertEqual(json.loads(fails[0][1]), {"username": "pwguess", "addr": "127.0.9.1"})
        self.assertEqual([json.loads(j)["username"] for _, j in audit_actions(s.db, "login.lockout")],
                         ["pwguess"])
        # after the lockout the old password still works (nothing was changed)
        s.clock(15 * 60)
        self.assertStatus(login(s, "127.0.10.1", "pwguess", harness.USER_PW), 200)


class AdministratorUnlock(harness.ServerTest):
    """L2 recovery: `opsdesk user unlock USER --db` on the server machine."""

    def unlock(self, user):
        return subprocess.run([harness.BIN, "user", "unlock", user, "--db", self.srv.db], env=self.srv.env,
                              capture_output=True, text=True, timeout=120)

    def test_unlock_lifts_a_running_servers_lockout(self):
        s = self.srv
        for i in range(5):
            self.assertError(login(s, "127.0.11.1", "secadmin", "guess-%d" % i), 401)
        self.assertError(login(s, "127.0.11.1", "secadmin", ADMIN_PW), 429)
        out = self.unlock("secadmin")
        self.assertEqual(out.returncode, 0, out.stdout + out.stderr)
        self.assertIn("secadmin", out.stdout)
        self.assertStatus(login(s, "127.0.11.2", "secadmin", ADMIN_PW), 200)
        rows = audit_actions(s.db, "user.unlock")
        self.assertEqual(len(rows), 1, rows)
        self.assertTrue(rows[0][0].startswith("cli:"), rows)
        self.assertEqual(json.loads(rows[0][1])["username"], "secadmin")
        # an unlock does not lift a LATER lockout
        for i in range(5):
            self.assertError(login(s, "127.0.13.1", "secadmin", "again-%d" % i), 401)
        self.assertError(login(s, "127.0.13.1", "secadmin", ADMIN_PW), 429)

    def test_unlock_of_an_unknown_user_fails(self):
        out = self.unlock("nobody-here")
        self.assertEqual(out.returncode, 1, out.stdout + out.stderr)
        self.assertIn("nobody-here", out.stderr)

    def test_unlock_usage(self):
        out = subprocess.run([harness.BIN, "user", "unlock", "--db", self.srv.db], env=self.srv.env,
                             capture_output=True, text=True, timeout=60)
        self.assertEqual(out.returncode, 2, out.stdout + out.stderr)


if __name__ == "__main__":
    harness.main()
