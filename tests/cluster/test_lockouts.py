"""test_lockouts.py — login lockouts shared by the nodes of one database
(R-SEC-SYS-1; docs/deploy/cluster.md "What is per node, what is shared";
app/login_limits.h, migration 0039).

Two nodes on one PostgreSQL; the default policy allows 5 failures of one
account from one client network (/24) per window:
  * failures spread over both nodes (3 + 2) lock the account on BOTH nodes
    once the total reaches 5 (per node, 3 and 2 locked nothing);
  * 4 failures sent to both nodes at once are all counted (the row's lock:
    no lost update): the shared row holds 4, a 5th locks;
  * a right password on one node clears the count for both;
  * an administrator's unlock (`opsdesk user unlock USER --db URL`) lifts
    the lockout on both nodes, and is used up once.
Exact counts; skipped (ctest code 77) without PostgreSQL 15.
"""
import http.client
import json
import os
import subprocess
import sys
import threading

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import clusterlib  # noqa: E402
from clusterlib import harness  # noqa: E402

ACCOUNT = 0  # od_limit_kind OD_LIMIT_LOGIN_ACCOUNT (app/limiter.h)


def login(node, ip, user, pw):
    """The status of one sign-in sent from source address ip (loopback)."""
    c = http.client.HTTPConnection("127.0.0.1", node.port, timeout=60, source_address=(ip, 0))
    try:
        c.request("POST", "/api/v1/auth/login", body=json.dumps({"username": user, "password": pw}).encode(),
                  headers={"Content-Type": "application/json"})
        r = c.getresponse()
        r.read()
        return r.status
    finally:
        c.close()


class SharedLockouts(clusterlib.Base):
    NODES = 2

    @classmethod
    def prepare(cls):
        s = cls.nodes[0]
        for u in ("lk1", "lk2", "lk3", "lk4"):
            s.make_user(u, ["ops_engineer"], department="应用部")

    def failures(self, user, net):
        rows = self.sql("SELECT failures, locked_until > 0 FROM login_lockouts WHERE kind = %d AND key = '%s %s'"
                        % (ACCOUNT, net, user))
        return (int(rows[0][0]), rows[0][1] == "t") if rows else None

    def test_1_failures_on_two_nodes_lock_on_both(self):
        n1, n2 = self.nodes
        ip = "127.0.21.1"
        for i, node in enumerate([n1, n2, n1, n2]):
            self.assertEqual(login(node, ip, "lk1", "guess-%d" % i), 401)
        self.assertEqual(self.failures("lk1", "4:127.0.21.0/24"), (4, False))
        self.assertEqual(login(n1, ip, "lk1", "guess-4"), 401)  # the 5th: locked, 3 on n1 + 2 on n2
        self.assertEqual(self.failures("lk1", "4:127.0.21.0/24"), (0, True))
        self.assertEqual(login(n1, ip, "lk1", harness.USER_PW), 429)
        self.assertEqual(login(n2, ip, "lk1", harness.USER_PW), 429)
        self.assertEqual(login(n2, "127.0.22.1", "lk1", harness.USER_PW), 200)  # another network: not locked
        self.assertEqual(self.one("SELECT COUNT(*) FROM audit WHERE action = 'login.lockout' AND "
                                  "after_json LIKE '%\"lk1\"%'"), 1)

    def test_2_concurrent_failures_are_all_counted(self):
        n1, n2 = self.nodes
        ip = "127.0.23.1"
        out = []

        def one(k):
            out.append(login([n1, n2][k % 2], ip, "lk2", "guess-%d" % k))
        ts = [threading.Thread(target=one, args=(k,)) for k in range(4)]
        for t in ts:
            t.start()
        for t in ts:
            t.join()
        self.assertEqual(sorted(out), [401] * 4)
        self.assertEqual(self.failures("lk2", "4:127.0.23.0/24"), (4, False))
        self.assertEqual(login(n2, ip, "lk2", "guess-4"), 401)
        self.assertEqual(login(n1, ip, "lk2", harness.USER_PW), 429)

    def test_3_right_password_clears_the_count_on_both(self):
        n1, n2 = self.nodes
        ip = "127.0.24.1"
        for i in range(4):
            self.assertEqual(login(n1, ip, "lk3", "guess-%d" % i), 401)
        self.assertEqual(login(n2, ip, "lk3", harness.USER_PW), 200)
        self.assertIsNone(self.failures("lk3", "4:127.0.24.0/24"))
        for i in range(4):  # 4 more: still not locked (the count started again)
            self.assertEqual(login(n2, ip, "lk3", "again-%d" % i), 401)
        self.assertEqual(login(n1, ip, "lk3", harness.USER_PW), 200)

    def test_4_administrator_unlock_lifts_on_both(self):
        n1, n2 = self.nodes
        ip = "127.0.25.1"
        for i in range(5):
            self.assertEqual(login([n1, n2][i % 2], ip, "lk4", "guess-%d" % i), 401)
        self.assertEqual(login(n1, ip, "lk4", harness.USER_PW), 429)
        self.assertEqual(login(n2, ip, "lk4", harness.USER_PW), 429)
        out = subprocess.run([harness.BIN, "user", "unlock", "lk4", "--db", self.url], env=n1.env,
                             capture_output=True, text=True, timeout=120)
        self.assertEqual(out.returncode, 0, out.stdout + out.stderr)
        self.assertEqual(login(n2, ip, "lk4", harness.USER_PW), 200)
        self.assertEqual(login(n1, ip, "lk4", harness.USER_PW), 200)
        self.assertEqual(self.one("SELECT COUNT(*) FROM login_unlocks WHERE username = 'lk4'"), 0)  # used up
        self.assertIsNone(self.failures("lk4", "4:127.0.25.0/24"))


if __name__ == "__main__":
    clusterlib.main()
