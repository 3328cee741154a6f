"""clusterlib.py — what the cluster tests share (docs/deploy/cluster.md):
a throwaway PostgreSQL ($OPSDESK_TEST_PG_URL, else tests/pg/pgtmp.py),
opsdesk nodes on it (tests/api/harness.py Server, each with --node-id),
psql queries, and threads.  A test class derives from Base and sets
NODES (and CHANNELS, a channels.yaml text with %(http)d for the loopback
receivers of tests/notify/receivers.py, when it sends messages)."""
import json
import os
import subprocess
import sys
import threading
import time
import unittest
import urllib.error
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "api"))
sys.path.insert(0, os.path.join(HERE, "..", "pg"))
import harness  # noqa: E402
import pgtmp  # noqa: E402


def psql_bin():
    p = os.path.join(pgtmp.BIN, "psql")
    return p if os.path.exists(p) else "psql"


class Base(unittest.TestCase):
    NODES = 3
    CHANNELS = None  # channels.yaml text; %(http)d = the receivers' HTTP port
    NODE_ENV = None  # more environment for every node
    PG_FSYNC = False

    @classmethod
    def setUpClass(cls):
        cls.pg = None
        cls.extra_pgs = []
        cls.nodes = []
        cls.rcv = None
        cls.tmp = None
        url = None if cls.OWN_DATABASE else os.environ.get("OPSDESK_TEST_PG_URL")
        if not url and not pgtmp.available():
            raise unittest.SkipTest("PostgreSQL 15 is not installed (scripts/deps.sh installs postgresql-15) "
                                    "and OPSDESK_TEST_PG_URL is unset: several nodes need PostgreSQL")
        try:
            cls.url = url or cls.start_database()
            cls.tmp = harness.tempfile.mkdtemp(prefix="opsdesk-cluster-")
            os.environ["OPSDESK_AUDIT_KEY_FILE"] = os.path.join(cls.tmp, "opsdesk-audit.key")
            cls.channels = None
            if cls.CHANNELS:
                from test_delivery import Receivers
                cls.rcv = Receivers()
                cls.channels = os.path.join(cls.tmp, "channels.yaml")
                with open(cls.channels, "w") as f:
                    f.write(cls.CHANNELS % {"http": cls.rcv.http})
            for i in range(cls.NODES):
                cls.nodes.append(cls.node("n%d" % (i + 1)))
            cls.nodes[0].init()
            for n in cls.nodes:
                n.start()
            cls.sysadmin = cls.nodes[0].admin("sysadmin")
            cls.prepare()
        except BaseException:
            cls.tearDownClass()
            raise

    OWN_DATABASE = False  # True: always a throwaway cluster of its own (start_database)

    @classmethod
    def start_database(cls):
        """Starts the throwaway PostgreSQL (cls.pg, and any more in cls.extra_pgs); its URL."""
        cls.pg = pgtmp.Pg(fsync=cls.PG_FSYNC)
        cls.pg.start()
        return cls.pg.url()

    @classmethod
    def prepare(cls):
        """More set-up once the nodes run."""

    @classmethod
    def node(cls, name, env=None):
        e = dict(cls.NODE_ENV or {})
        e.update(env or {})
        n = harness.Server(tmp=harness.tempfile.mkdtemp(prefix="opsdesk-node-"), extra_env=e,
                           channels=cls.channels, extra_args=["--node-id", name])
        n.owns_tmp = True
        n.db = cls.url  # the shared database: no file beside the node
        return n

    @classmethod
    def tearDownClass(cls):
        bad = []
        for n in getattr(cls, "nodes", []):
            for line in n.read_log().splitlines():  # what the nodes warned of, for the reader of the test log
                if " warn " in line or " error " in line or "WARN" in line or "ERROR" in line:
                    sys.stderr.write("%s: %s\n" % (n.extra_args[-1], line[:300]))
            if n.proc:
                rc = n.stop()
                if rc != 0:
                    bad.append((n.extra_args, rc, n.read_log()[-3000:]))
            n.cleanup()
        if getattr(cls, "rcv", None):
            cls.rcv.close()
        for p in getattr(cls, "extra_pgs", []):
            p.stop()
        if cls.pg:
            cls.pg.stop()
        if getattr(cls, "tmp", None):
            harness.shutil.rmtree(cls.tmp, ignore_errors=True)
        if bad:
            raise AssertionError("a node exited badly: %r" % bad)

    # ---- helpers ----
    @classmethod
    def sql(cls, q):
        r = subprocess.run([psql_bin(), "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-d", cls.url, "-c", q],
                           check=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=60)
        return [line.split("|") for line in r.stdout.decode().splitlines() if line]

    @classmethod
    def one(cls, q):
        return int(cls.sql(q)[0][0])

    @staticmethod
    def call(node, method, path, body=None, token=None, timeout=120, raw=None):
        """(status, parsed JSON or None); a refused or cut connection is (0, None)."""
        data = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
        req = urllib.request.Request(node.base + path, data=data, method=method,
                                     headers={"Content-Type": "application/json"})
        if token:
            req.add_header("Authorization", "Bearer " + token)
        try:
            with urllib.request.urlopen(req, timeout=timeout) as r:
                return r.status, json.loads(r.read() or b"null")
        except urllib.error.HTTPError as ex:
            try:
                return ex.code, json.loads(ex.read() or b"null")
            except ValueError:
                return ex.code, None
        except (OSError, ValueError):
            return 0, None

    def parallel(self, n, fn, threads=6):
        """fn(i) for i in range(n) on `threads` threads; the results, in order."""
        out, errors = [None] * n, []

        def run(k):
            try:
                for i in range(k, n, threads):
                    out[i] = fn(i)
            except Exception as ex:  # noqa: BLE001 - reported below
                errors.append(ex)
        ts = [threading.Thread(target=run, args=(k,)) for k in range(threads)]
        for t in ts:
            t.start()
        for t in ts:
            t.join()
        self.assertEqual(errors, [])
        return out

    def wait_until(self, fn, timeout, what):
        deadline = time.time() + timeout
        while time.time() < deadline:
            v = fn()
            if v:
                return v
            time.sleep(0.25)
        self.fail("%s: not within %d s" % (what, timeout))


def main():
    res = unittest.main(verbosity=2, exit=False).result
    if res.testsRun == 0 or (res.skipped and len(res.skipped) == res.testsRun and res.wasSuccessful()):
        sys.exit(77)  # ctest: skipped (no PostgreSQL)
    sys.exit(0 if res.wasSuccessful() else 1)
