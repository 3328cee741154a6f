"""harness.py — starts a real opsdesk server on 127.0.0.1 with a temporary
database and drives it over HTTP (stdlib only).  Used by every tests/api/test_*.py.

OPSDESK_BIN selects the binary (CTest passes the plain or the -asan build).
OPSDESK_TEST_DB=pg runs every Server on PostgreSQL instead of a SQLite file:
one throwaway cluster per test process (tests/pg/pgtmp.py), a fresh database
per Server (srv.db is then its URL, srv.pg the cluster); tests that only make
sense on a SQLite file are skipped by the list PG_SKIP below, with a reason.
The server is stopped with SIGTERM at the end; a non-zero exit (e.g. a leak
found by LeakSanitizer, exit code 23) fails the test that owned it.
"""
import contextlib
import json
import os
import shlex
import shutil
import signal
import socket
import sqlite3
import subprocess
import tempfile
import time
import unittest
import urllib.error
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PG = os.environ.get("OPSDESK_TEST_DB") == "pg"

# ---- PostgreSQL runs (OPSDESK_TEST_DB=pg) ----
# What does not run on PostgreSQL, and why: a test module name, or
# "module.Class.method".  Keep it short: a test that reads or writes the
# database behind the server's back, or exercises the SQLite file itself
# (its lock, its backup, its WAL), has nothing to test on a server database.
PG_SKIP = {
    "test_clock_step.PersistentStepTest.test_step_that_lasts_is_taken_and_caught_up_once":
        "时钟跳变只作用于本进程：PostgreSQL 上到期按数据库时钟判断，与数据库时钟相差超过 1 秒的节点不就绪、不认领 "
        "(faketime steps this process only: on PostgreSQL due times are judged by the database clock, and a node "
        "more than 1 s off it is not ready and claims nothing, docs/deploy/cluster.md)",
    "test_backup_cli": "备份与恢复是 SQLite 文件的 (opsdesk backups copy the SQLite file; PostgreSQL: pg_dump)",
    "test_backup_schedule": "计划备份是 SQLite 文件的 (scheduled backups copy the SQLite file; --backup-dir is refused "
                            "on PostgreSQL)",
    "test_db_lock": "锁文件只属于 SQLite 文件 (the single-instance lock file is the SQLite file's; several nodes may "
                    "serve one PostgreSQL database)",
    "test_audit.AuditTrail.test_zz_tampering_caught_offline":
        "篡改数据库文件的副本 (tampers with copies of the SQLite file, shutil.copyfile)",
    "test_audit_anchor.AuditAnchor.test_zz_consistent_rewrite_caught":
        "篡改数据库文件的副本 (tampers with copies of the SQLite file, shutil.copyfile)",
    "test_audit_anchor.AnchorLog.test_rollback_and_keyholder_forgery_caught":
        "把数据库文件回退到旧副本 (rolls the SQLite file back to an older copy)",
    "test_audit_anchor.AnchorAdoption.test_adopt_existing_chain":
        "删除数据库文件旁的审计密钥 (removes the audit key beside the SQLite file; PostgreSQL has no default key path)",
    "test_events.QueueFull.test_503_when_full":
        "用 BEGIN IMMEDIATE 占住 SQLite 的写锁来塞满队列 (fills the queue by holding SQLite's write lock)",
    "test_policy_reload.PolicyReload.test_reload":
        "policy reload --db 经 SQLite 锁文件找到服务进程；PostgreSQL 用 --pid-file (finds the server by the SQLite "
        "lock file; with PostgreSQL use --pid-file)",
    "test_records.Backfill.test_incidents_before_and_after":
        "把 SQLite 文件的表结构退回到迁移 0012 之前 (takes the SQLite file's schema back to before migration 0012; "
        "the backfill SQL itself runs on PostgreSQL at every init)",
    "test_runbooks.Restore.test_restore_runbook":
        "恢复操作手册恢复的是 SQLite 文件 (the restore runbook restores the SQLite file)",
    "test_health.HealthTest.test_corrupted_page_is_503_with_reason":
        "损坏 SQLite 文件的页 (corrupts a page of the SQLite file; PostgreSQL's check is SELECT 1)",
}
# Correct on PostgreSQL but too slow for `make test`: run by `make test-pg`
# (OPSDESK_TEST_PG_FULL=1).
PG_SLOW = {
}

_pg_cluster = None
_pg_seq = 0


def pg_cluster():
    """The test process's throwaway PostgreSQL (started on first use)."""
    global _pg_cluster
    if _pg_cluster is None:
        import atexit
        import sys
        sys.path.insert(0, os.path.join(ROOT, "tests", "pg"))
        import pgtmp
        _pg_cluster = pgtmp.Pg().start()
        atexit.register(_pg_cluster.stop)
        # a server database has no directory for the default audit key file:
        # one key for every server and command of this test process
        os.environ["OPSDESK_AUDIT_KEY_FILE"] = os.path.join(_pg_cluster.dir, "opsdesk-audit.key")
    return _pg_cluster


def pg_new_db():
    """A fresh database in the shared cluster: its URL."""
    global _pg_seq
    _pg_seq += 1
    return pg_cluster().createdb("t%d_%d" % (os.getpid(), _pg_seq))


def db_connect(addr, **kw):
    """A DB-API connection to the database at addr (srv.db), for tests that
    look behind the server: sqlite3.connect(addr, **kw) for a file (a
    "file:…?mode=ro" URI too), or on PostgreSQL a psycopg2 connection in
    autocommit whose execute() takes sqlite3's `?` placeholders."""
    import sqlite3
    if "postgres" not in addr:
        return sqlite3.connect(addr, **kw)
    if addr.startswith("file:"):
        addr = addr[len("file:"):]
    if addr.endswith("?mode=ro"):
        addr = addr[:-len("?mode=ro")]
    return _PgConn(addr)


def db_tables(db):
    """The names of the tables of a db_connect connection (opsdesk's own)."""
    if isinstance(db, _PgConn):
        sql = "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1"
    else:
        # the od_bigram tables cannot be read here (Python's sqlite3 cannot load the
        # tokenizer: tokenizer_stand_in); their shadow tables, which hold the index, are listed
        sql = ("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
               "AND sql NOT LIKE '%od_bigram%' ORDER BY 1")
    return [t for (t,) in db.execute(sql)]


class _PgCursor:
    """A psycopg2 cursor whose lastrowid is sqlite3's: the id the last
    INSERT drew from its table's identity (lastval())."""

    def __init__(self, cur, conn):
        self._cur, self._conn = cur, conn

    @property
    def lastrowid(self):
        cur = self._conn.cursor()
        cur.execute("SELECT lastval()")
        return cur.fetchone()[0]

    def __getattr__(self, name):
        return getattr(self._cur, name)

    def __iter__(self):
        return iter(self._cur)


class _PgConn:
    """Enough of sqlite3.Connection over psycopg2 for the tests."""

    def __init__(self, url):
        try:
            import psycopg2
        except ImportError:  # a Python that does not see Debian's packages (pyenv)
            import sys
            sys.path.append("/usr/lib/python3/dist-packages")
            import psycopg2
        self.c = psycopg2.connect(url)
        self.c.autocommit = True

    def execute(self, sql, args=()):
        cur = self.c.cursor()
        cur.execute(sql.replace("%", "%%").replace("?", "%s"), tuple(args))
        return _PgCursor(cur, self.c)

    def executemany(self, sql, seq):
        cur = self.c.cursor()
        cur.executemany(sql.replace("%", "%%").replace("?", "%s"), [tuple(a) for a in seq])
        return cur

    def commit(self):
        pass

    def rollback(self):
        pass

    def close(self):
        self.c.close()

    def __enter__(self):
        return self

    def __exit__(self, *a):
        return False


def pg_apply_skips(module_name, module):
    """Skips what PG_SKIP names in module (a whole module: exit 77)."""
    import sys
    if module_name in PG_SKIP:
        print("skipped on PostgreSQL: %s" % PG_SKIP[module_name])
        sys.exit(77)
    skips = dict(PG_SKIP)
    if not os.environ.get("OPSDESK_TEST_PG_FULL"):
        skips.update(PG_SLOW)
    for key, reason in skips.items():
        parts = key.split(".")
        if len(parts) == 3 and parts[0] == module_name:
            cls = getattr(module, parts[1])
            setattr(cls, parts[2], unittest.skip("PostgreSQL: " + reason)(getattr(cls, parts[2])))
BIN = os.environ.get("OPSDESK_BIN") or os.path.join(ROOT, "build", "opsdesk")
ADMIN_PW = "Admin-pass-1"


@contextlib.contextmanager
def tokenizer_stand_in(path):
    """Python's sqlite3 cannot load opsdesk's od_bigram tokenizer (migration
    0052), and a schema change (ALTER TABLE) re-reads every trigger, some of
    which write the tables it tokenizes.  Inside the block those tables are
    declared with the built-in trigram tokenizer; after it, as they were.
    For schema changes and reads only: a row written inside the block to a
    table they index would be indexed with the wrong tokens."""
    db = sqlite3.connect(path)
    saved = db.execute("SELECT name, sql FROM sqlite_master WHERE type = 'table' AND sql LIKE '%od_bigram%'").fetchall()

    def declare(rows):
        version = db.execute("PRAGMA schema_version").fetchone()[0]
        db.execute("PRAGMA writable_schema = ON")
        for name, sql in rows:
            db.execute("UPDATE sqlite_master SET sql = ? WHERE type = 'table' AND name = ?", (sql, name))
        db.execute("PRAGMA schema_version = %d" % (version + 1))
        db.execute("PRAGMA writable_schema = OFF")
        db.commit()

    declare([(n, sql.replace("'od_bigram'", "'trigram'")) for n, sql in saved])
    db.close()
    try:
        yield
    finally:
        db = sqlite3.connect(path)
        declare(saved)
        db.close()
USER_PW = "User-pass-1!"


# what `opsdesk serve` says when its port is taken
PORT_TAKEN = "端口被占用"


class PortTaken(RuntimeError):
    pass


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class Response:
    def __init__(self, status, body, headers):
        self.status = status
        self.raw = body
        self.headers = headers
        try:
            self.json = json.loads(body) if body else None
        except ValueError:
            self.json = None

    def __repr__(self):
        return "<%d %s>" % (self.status, self.raw[:300])


class Server:
    """One opsdesk process over one temporary database directory."""

    def __init__(self, test_clock=True, policy=None, tmp=None, extra_env=None, channels=None, extra_args=None):
        self.tmp = tmp or tempfile.mkdtemp(prefix="opsdesk-api-")
        self.owns_tmp = tmp is None
        self.db = os.path.join(self.tmp, "opsdesk.db")
        self.pg = None
        if PG:
            self.pg = pg_cluster()
            self.db = pg_new_db()
        self.port = free_port()
        self.base = "http://127.0.0.1:%d" % self.port
        self.test_clock = test_clock
        self.policy = policy
        self.env = dict(os.environ, OPSDESK_ADMIN_PASSWORD=ADMIN_PW, OPSDESK_PWHASH_COST="min")
        self.env.update(extra_env or {})
        self.proc = None
        self.log_path = os.path.join(self.tmp, "server.log")
        self.tokens = {}
        self.channels = channels  # --channels FILE (notification channels, docs/notify.md)
        self.extra_args = list(extra_args or [])  # more `serve` arguments, e.g. ["--public-url", URL]

    def init(self):
        args = [BIN, "init", "--db", self.db]
        if self.test_clock:
            args.append("--test-clock")  # a test database: OPSDESK_PWHASH_COST=min is honoured
        if self.policy:
            args += ["--policy", self.policy]
        out = subprocess.run(args, env=self.env, capture_output=True, text=True, timeout=120)
        if out.returncode != 0:
            raise RuntimeError("init failed: " + out.stdout + out.stderr)
        return out

    def start(self):
        # free_port() only finds a port free now: another process (a parallel
        # test) may take it before the server binds.  A server that could not
        # listen is started again on another port.
        for _ in range(5):
            try:
                return self._start()
            except PortTaken:
                self.port = free_port()
                self.base = "http://127.0.0.1:%d" % self.port
        return self._start()

    def _start(self):
        args = [BIN, "serve", "--db", self.db, "--listen", "127.0.0.1:%d" % self.port]
        if self.test_clock:
            args.append("--test-clock")
        if self.policy:
            args += ["--policy", self.policy]
        if self.channels:
            args += ["--channels", self.channels]
        args += self.extra_args  # e.g. --public-url, --tls-cert (tests/crash sets it too)
        # OPSDESK_WRAP="valgrind --leak-check=full --error-exitcode=1" runs the server under a tool
        args = shlex.split(os.environ.get("OPSDESK_WRAP", "")) + args
        self.log = open(self.log_path, "ab")
        self.proc = subprocess.Popen(args, env=self.env, stdout=self.log, stderr=self.log)
        deadline = time.time() + 30
        while time.time() < deadline:
            if self.proc.poll() is not None:
                log = self.read_log()
                self.proc = None
                self.log.close()
                if PORT_TAKEN in log.rsplit("opsdesk serving", 1)[-1]:
                    raise PortTaken(log)
                raise RuntimeError("server exited: " + log)
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                    return self
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("server did not start")

    def stop(self, sig=signal.SIGTERM):
        """Stops the server; returns its exit code."""
        if not self.proc:
            return 0
        self.proc.send_signal(sig)
        try:
            rc = self.proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            rc = self.proc.wait()
        self.proc = None
        self.log.close()
        return rc

    def kill9(self):
        return self.stop(signal.SIGKILL)

    def read_log(self):
        try:
            with open(self.log_path, "r", errors="replace") as f:
                return f.read()
        except OSError:
            return ""

    def cleanup(self):
        if self.proc:
            self.stop()
        if self.owns_tmp:
            shutil.rmtree(self.tmp, ignore_errors=True)

    # ---- HTTP ----
    def request(self, method, path, body=None, token=None, raw=None, headers=None):
        data = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
        req = urllib.request.Request(self.base + path, data=data, method=method)
        if data is not None:
            req.add_header("Content-Type", "application/json")
        if token:
            req.add_header("Authorization", "Bearer " + token)
        for k, v in (headers or {}).items():
            req.add_header(k, v)
        try:
            with urllib.request.urlopen(req, timeout=60) as r:
                return Response(r.status, r.read().decode("utf-8", "replace"), dict(r.headers))
        except urllib.error.HTTPError as e:
            return Response(e.code, e.read().decode("utf-8", "replace"), dict(e.headers))

    def get(self, path, token=None):
        return self.request("GET", path, token=token)

    def post(self, path, body=None, token=None):
        return self.request("POST", path, body=body, token=token)

    def login(self, username, password):
        r = self.post("/api/v1/auth/login", {"username": username, "password": password})
        if r.status != 200:
            raise AssertionError("login %s: %r" % (username, r))
        self.tokens[username] = r.json["token"]
        return r.json["token"]

    def admin(self, name="sysadmin"):
        return self.tokens.get(name) or self.login(name, ADMIN_PW)

    def make_user(self, username, roles, department="运行部", scopes=None, **extra):
        """Creates a user (as sysadmin), assigns roles (as secadmin), logs in; returns (id, token)."""
        body = {"username": username, "password": USER_PW, "display_name": username, "department": department}
        body.update(extra)
        r = self.post("/api/v1/users", body, token=self.admin("sysadmin"))
        if r.status != 201:
            raise AssertionError("create user %s: %r" % (username, r))
        uid = r.json["id"]
        rb = {"roles": roles}
        if scopes is not None:
            rb["scopes"] = scopes
        r = self.request("PUT", "/api/v1/users/%d/roles" % uid, rb, token=self.admin("secadmin"))
        if r.status != 200:
            raise AssertionError("roles %s: %r" % (username, r))
        return uid, self.login(username, USER_PW)

    def clock(self, advance_seconds=None, set_to=None):
        body = {"advance_seconds": advance_seconds} if advance_seconds is not None else {"set": set_to}
        r = self.post("/api/v1/test/clock", body)
        if r.status != 200:
            raise AssertionError("clock: %r" % r)
        return r.json

    def now_ms(self):
        return self.clock(0)["now_ms"]


def policy_initial_change(on):
    """A copy of policy/default.yaml with login.initial_password_change set:
    a server without the test clock holds new accounts and the bootstrap
    administrators to changing their initial password first unless told
    otherwise (docs/accounts.md "First sign-in"); returns the file's path."""
    with open(os.path.join(ROOT, "policy", "default.yaml"), encoding="utf-8") as f:
        text = f.read()
    assert "  session_ttl: 12h\n" in text
    text = text.replace("  session_ttl: 12h\n", "  session_ttl: 12h\n  initial_password_change: %s\n"
                        % ("true" if on else "false"), 1)
    fd, path = tempfile.mkstemp(suffix=".yaml", prefix="opsdesk-policy-")
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(text)
    return path


class ServerTest(unittest.TestCase):
    """A test case with a fresh initialized server per class."""

    test_clock = True
    policy = None
    extra_args = None  # more `opsdesk serve` arguments

    @classmethod
    def setUpClass(cls):
        cls.srv = Server(test_clock=cls.test_clock, policy=cls.policy, extra_args=cls.extra_args)
        cls.srv.init()
        cls.srv.start()

    @classmethod
    def tearDownClass(cls):
        rc = cls.srv.stop()
        log = cls.srv.read_log()
        cls.srv.cleanup()
        if rc != 0:
            raise AssertionError("server exited with %d (sanitizer report?)\n%s" % (rc, log[-6000:]))

    def assertStatus(self, r, status, msg=None):
        if r.status != status:
            self.fail("expected %d, got %r %s" % (status, r, msg or ""))

    def assertError(self, r, status, code=None, field=None, contains=None):
        self.assertStatus(r, status)
        self.assertIn("error", r.json or {}, r.raw)
        err = r.json["error"]
        if code:
            self.assertEqual(err["code"], code, r.raw)
        if field is not None:
            self.assertEqual(err["field"], field, r.raw)
        if contains:
            self.assertIn(contains, err["message"], r.raw)
        return err


def main():
    if PG:
        import __main__
        name = os.path.splitext(os.path.basename(getattr(__main__, "__file__", "")))[0]
        pg_apply_skips(name, __main__)
    unittest.main(verbosity=2)
