"""test_conn_limits.py — one client hoarding connections does not stop the
server (R-EVT-1 alert intake stays up; probe-security H3): connections are
limited per address (--max-conns-per-ip, default 64) well below the global
limit (sized to the descriptor limit), and a request must arrive whole within
--request-timeout seconds of its connection's start or of the previous
answer, however slowly its bytes trickle in (slowloris).

Before: 1000 connections filled the global limit, the queued ones took over
as each batch timed out, and /healthz and event ingestion timed out for 70 s.
The attacker's sockets come from 127.0.0.2/127.0.0.3, the legitimate client
from 127.0.0.1 (all loopback).
"""
import http.client
import json
import resource
import selectors
import socket
import time

import harness

IDLE = 3000
SLOW = 100
TIMEOUT = 3  # --request-timeout of the server under test
PER_IP = 64  # the default --max-conns-per-ip


def raise_nofile():
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]


def open_from(src, port, n):
    """n TCP connections to the server from source address src (nothing sent)."""
    socks = []
    for _ in range(n):
        s = socket.socket()
        s.bind((src, 0))
        s.setblocking(False)
        try:
            s.connect(("127.0.0.1", port))
        except BlockingIOError:
            pass
        socks.append(s)
    return socks


def wait_closed(socks, seconds):
    """Waits until the server has closed every socket (EOF or reset); returns
    the number still open when `seconds` ran out."""
    sel = selectors.DefaultSelector()
    for s in socks:
        sel.register(s, selectors.EVENT_READ)
    open_ = len(socks)
    deadline = time.monotonic() + seconds
    while open_ and time.monotonic() < deadline:
        for key, _ in sel.select(timeout=0.5):
            s = key.fileobj
            try:
                data = s.recv(4096)
            except BlockingIOError:
                continue
            except OSError:
                data = b""
            if data == b"":  # a 408 or other answer is not expected before the close; EOF counts
                sel.unregister(s)
                open_ -= 1
    sel.close()
    return open_


class ConnLimits(harness.ServerTest):
    @classmethod
    def setUpClass(cls):
        raise_nofile()
        cls.srv = harness.Server(extra_args=["--request-timeout", str(TIMEOUT)])
        cls.srv.init()
        cls.srv.start()
        s = cls.srv
        r = s.post("/api/v1/api-keys", {"name": "conn-key", "integration": "api"}, token=s.admin("sysadmin"))
        assert r.status == 201, r
        cls.key = r.json["key"]
        s.make_user("conn_eng", ["ops_engineer"])
        cls.seq = 0

    def timed(self, method, path, body=None, token=None):
        """One request from 127.0.0.1 on a fresh connection; (status, seconds).
        A 5 s socket timeout stands for "no answer"."""
        t0 = time.monotonic()
        c = http.client.HTTPConnection("127.0.0.1", self.srv.port, timeout=5, source_address=("127.0.0.1", 0))
        try:
            headers = {"Content-Type": "application/json"}
            if token:
                headers["Authorization"] = "Bearer " + token
            c.request(method, path, body=json.dumps(body) if body is not None else None, headers=headers)
            status = c.getresponse().status
        except OSError as e:  # socket.timeout included
            status = repr(e)
        finally:
            c.close()
        return status, time.monotonic() - t0

    def legit_client_served(self, what):
        ConnLimits.seq += 1
        ev = {"source": "conn", "dedup_key": "conn-%d" % self.seq, "status": "firing", "severity": "warning",
              "summary": "连接测试", "ci": "conn-ci"}
        for name, (method, path, body, token) in (
                ("healthz", ("GET", "/healthz", None, None)),
                ("ingestion", ("POST", "/api/v1/events", ev, self.key)),
                ("login", ("POST", "/api/v1/auth/login", {"username": "conn_eng", "password": harness.USER_PW},
                           None))):
            status, secs = self.timed(method, path, body, token)
            self.assertEqual(status, 202 if name == "ingestion" else 200, "%s while %s" % (name, what))
            self.assertLess(secs, 1.0, "%s took %.2f s while %s" % (name, secs, what))

    def test_idle_sockets_from_one_address(self):
        nofile = raise_nofile()
        self.assertGreater(nofile, IDLE + 200, "RLIMIT_NOFILE hard limit too low for this test")
        socks = open_from("127.0.0.2", self.srv.port, IDLE)
        try:
            time.sleep(0.5)  # let the server accept (and refuse) the batch before the legitimate client comes
            self.legit_client_served("%d idle sockets are held from 127.0.0.2" % IDLE)
            left = wait_closed(socks, TIMEOUT + 30)
            self.assertEqual(left, 0, "idle sockets the server never closed")
        finally:
            for s in socks:
                s.close()
        self.legit_client_served("after the idle sockets")

    def test_slowloris_is_cut_at_the_deadline(self):
        """Connections that send one header line every 0.5 s are closed
        within the request deadline: activity does not restart it."""
        socks = open_from("127.0.0.3", self.srv.port, SLOW)
        try:
            time.sleep(0.2)
            for s in socks:
                try:
                    s.send(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")
                except OSError:
                    pass
            t0 = time.monotonic()
            alive = list(socks)
            served = False
            while alive and time.monotonic() - t0 < TIMEOUT + 20:
                time.sleep(0.5)
                still = []
                for s in alive:
                    try:
                        s.send(b"X-Slow: 1\r\n")
                        if s.recv(1, socket.MSG_PEEK) == b"":
                            continue
                        still.append(s)
                    except BlockingIOError:
                        still.append(s)
                    except OSError:
                        continue
                alive = still
                if not served and alive:
                    self.legit_client_served("%d slow requests are trickling in" % len(alive))
                    served = True
            self.assertEqual(alive, [], "slow requests still open after %d s" % (TIMEOUT + 20))
            self.assertLess(time.monotonic() - t0, TIMEOUT + 5, "slow requests were not cut at the deadline")
        finally:
            for s in socks:
                s.close()

    def test_per_address_limit_spares_others(self):
        """65 idle connections from one address: the 65th is closed at once
        (default --max-conns-per-ip 64); 64 more from another address are
        all held."""
        a = open_from("127.0.0.4", self.srv.port, PER_IP + 1)
        b = open_from("127.0.0.5", self.srv.port, PER_IP)
        try:
            self.assertEqual(wait_closed(a, 1.5), PER_IP, "connections from 127.0.0.4 left open")
            self.assertEqual(wait_closed(b, 0.5), PER_IP, "connections from 127.0.0.5 left open")
            self.legit_client_served("two addresses hold 64 connections each")
        finally:
            for s in a + b:
                s.close()


if __name__ == "__main__":
    harness.main()
