"""test_login_load.py — password hashing does not stall the rest of the
server (research/probe-security.md M10).

Logins and password changes run argon2id (64 MiB, ~0.1 s at the
interactive cost) on a small pool of their own (src/app/pwpool.c), not on
the HTTP threads.  Twelve concurrent logins, repeated, while /healthz is
polled: /healthz keeps answering within a generous 1 s (it took 5-12 s
when the logins ran on the HTTP threads), and every login gets its 401.
A server stopped with sign-ins in flight answers them and exits cleanly
(the pool drains before the HTTP server stops; a suspended connection left
behind would abort libmicrohttpd).
"""
import http.client
import json
import sqlite3
import threading
import time
import unittest

import harness

LOGINS_PER_CLIENT = 3
CLIENTS = 12
BOUND_S = 1.0


def call(port, method, path, body=None, ip="127.0.0.1", headers=None):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=120, source_address=(ip, 0))
    try:
        h = dict(headers or {})
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            h["Content-Type"] = "application/json"
        t0 = time.monotonic()
        c.request(method, path, body=data, headers=h)
        r = c.getresponse()
        r.read()
        return r.status, time.monotonic() - t0, dict(r.getheaders())
    finally:
        c.close()


class LoginFloodKeepsHealthz(harness.ServerTest):
    @classmethod
    def setUpClass(cls):
        cls.srv = harness.Server(extra_env={"OPSDESK_PWHASH_COST": "interactive"})
        cls.srv.init()
        cls.srv.start()

    def test_concurrent_logins_do_not_stall_healthz(self):
        port = self.srv.port
        statuses, lock = [], threading.Lock()

        def client(i):
            for j in range(LOGINS_PER_CLIENT):
                ip = "127.0.%d.%d" % (100 + i, 1 + j)  # one /24 per client: no address lockout
                st, _, _ = call(port, "POST", "/api/v1/auth/login",
                                {"username": "ghost-%d-%d" % (i, j), "password": "Wrong-pass-1"}, ip=ip)
                with lock:
                    statuses.append(st)

        workers = [threading.Thread(target=client, args=(i,)) for i in range(CLIENTS)]
        for w in workers:
            w.start()
        health = []
        while any(w.is_alive() for w in workers):
            st, dt, _ = call(port, "GET", "/healthz")
            self.assertEqual(st, 200)
            health.append(dt)
            time.sleep(0.05)  # a poll interval, not a wait for a result
        for w in workers:
            w.join()
        self.assertEqual(statuses, [401] * (CLIENTS * LOGINS_PER_CLIENT))
        self.assertGreater(len(health), 3, "the flood ended before /healthz was polled")
        self.assertLess(max(health), BOUND_S, "slowest /healthz %.3f s of %d" % (max(health), len(health)))


def failures(db):
    with harness.db_connect("file:%s?mode=ro" % db, uri=True) as c:
        return c.execute("SELECT COUNT(*) FROM audit WHERE action = 'login.fail'").fetchone()[0]


class StopWithSignInsInFlight(unittest.TestCase):
    def test_stop_answers_queued_sign_ins_and_exits_cleanly(self):
        s = harness.Server(extra_env={"OPSDESK_PWHASH_COST": "interactive"})
        results, lock = [], threading.Lock()

        def client(i):
            try:
                st, _, _ = call(s.port, "POST", "/api/v1/auth/login",
                                {"username": "ghost%d" % i, "password": "Wrong-pass-1"}, ip="127.0.%d.1" % (150 + i))
            except OSError as e:  # connected after the server stopped listening
                st = type(e).__name__
            with lock:
                results.append(st)

        try:
            s.init()
            s.start()
            workers = [threading.Thread(target=client, args=(i,)) for i in range(CLIENTS)]
            for w in workers:
                w.start()
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline and failures(s.db) == 0:
                time.sleep(0.05)  # until the first sign-in has been answered: the rest are queued or running
            rc = s.stop()
            for w in workers:
                w.join(timeout=120)
            self.assertEqual(rc, 0, s.read_log()[-4000:])
            self.assertEqual(len(results), CLIENTS)
            self.assertTrue(set(results) <= {401, "ConnectionRefusedError", "ConnectionResetError",
                                             "RemoteDisconnected"}, results)
            self.assertIn(401, results)
        finally:
            s.cleanup()


if __name__ == "__main__":
    harness.main()
