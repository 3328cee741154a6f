"""test_admin_commands.py — the administration side of the binary for
production (docs/configuration.md, docs/upgrade.md):

* `opsdesk --version`: version, commit and schema.
* serve and init refuse unknown options; the configuration file
  (--config FILE) takes the options as keys, refuses unknown keys with their
  line, and the command line overrides it.
* serve never creates a database (only init does) and says how to create one.
* Migrations run only by `opsdesk migrate` (after a backup) or at `serve`
  start (with a log line); read-only commands (`audit verify`, `user
  unlock`) refuse a database that needs migrating and leave it unchanged; a
  database from a newer schema is refused by every command.

Run: OPSDESK_BIN=build/opsdesk python3 tests/cli/test_admin_commands.py
"""
import os
import re
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "api"))
import harness  # noqa: E402

BIN = harness.BIN
ENV = dict(os.environ, OPSDESK_ADMIN_PASSWORD=harness.ADMIN_PW, OPSDESK_PWHASH_COST="min")


def run(*args, timeout=120):
    return subprocess.run([BIN] + list(args), env=ENV, capture_output=True, text=True, timeout=timeout)


def schema_rows(db):
    with sqlite3.connect("file:%s?mode=ro" % db, uri=True) as c:
        return [r[0] for r in c.execute("SELECT version FROM schema_migrations ORDER BY version")]


def newest():
    m = re.search(r"schema (\d+)\)", run("--version").stdout)
    return int(m.group(1))


def set_back_one_schema(db):
    """Makes db look like one written by the previous release: the newest
    migrations (0013, the workflow kernel applied and problems; 0015,
    PostgreSQL's unique event key index, nothing on SQLite) not applied.
    Returns the schema version the database then has."""
    from test_problems import Downgrade
    Downgrade.downgrade(db)
    con = sqlite3.connect(db)
    con.execute("DELETE FROM schema_migrations WHERE version = 15")
    con.commit()
    con.close()
    return schema_rows(db)[-1]


class Base(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="opsdesk-admin-")
        self.db = os.path.join(self.tmp, "opsdesk.db")

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def init(self):
        out = run("init", "--db", self.db, "--test-clock")
        self.assertEqual(out.returncode, 0, out.stderr)

    def write(self, name, text):
        p = os.path.join(self.tmp, name)
        with open(p, "w") as f:
            f.write(text)
        return p


class Version(Base):
    def test_version(self):
        out = run("--version")
        self.assertEqual(out.returncode, 0)
        with open(os.path.join(harness.ROOT, "VERSION")) as f:
            ver = f.read().strip()
        self.assertRegex(ver, r"^\d+\.\d+\.\d+$")
        m = re.fullmatch(r"opsdesk (\S+) \(commit (\S+), schema (\d+)\)\n", out.stdout)
        self.assertIsNotNone(m, out.stdout)
        self.assertEqual(m.group(1), ver)
        self.assertRegex(m.group(2), r"^([0-9a-f]{12}(-dirty)?|unknown)$")
        migrations = os.listdir(os.path.join(harness.ROOT, "src", "store", "migrations"))
        self.assertEqual(int(m.group(3)), max(int(n[:4]) for n in migrations if n.endswith(".sql")))
        self.assertEqual(run("version").stdout, out.stdout)

    def test_changelog_names_the_version(self):
        with open(os.path.join(harness.ROOT, "VERSION")) as f:
            ver = f.read().strip()
        with open(os.path.join(harness.ROOT, "CHANGELOG.md")) as f:
            self.assertIn("## [%s]" % ver, f.read())


class Options(Base):
    def test_unknown_options_are_refused(self):
        for args in (["serve", "--db", self.db, "--chanels", "x"], ["init", "--db", self.db, "--threads"],
                     ["serve", "stray"]):
            out = run(*args)
            self.assertEqual(out.returncode, 2, args)
        out = run("serve", "--db", self.db, "--chanels", "x")
        self.assertIn("unknown option --chanels", out.stderr)
        self.assertIn("不认识选项 --chanels", out.stderr)
        out = run("init", "--db", self.db, "--threads")
        self.assertIn("--threads needs a value", out.stderr)
        self.assertFalse(os.path.exists(self.db))

    def test_bad_log_options_are_refused(self):
        self.init()
        for args in (["--log-level", "loud"], ["--log-format", "xml"]):
            out = run("serve", "--db", self.db, *args)
            self.assertEqual(out.returncode, 2)
            self.assertIn("--log-level must be debug|info|warn|error", out.stderr)

    def test_config_file_unknown_and_malformed_keys(self):
        cfg = self.write("opsdesk.yaml", "db: x.db\n# a comment\nchanels: /etc/c.yaml\nmetrics_public: yes\n"
                         "db: again\ntls-cert: c.pem\n")
        out = run("serve", "--config", cfg)
        self.assertEqual(out.returncode, 2)
        lines = [l for l in out.stderr.splitlines() if l.startswith(cfg + ":")]
        self.assertEqual(len(lines), 4, out.stderr)
        self.assertIn(":3:1: 未知配置项 chanels", lines[0])
        self.assertIn("unknown key chanels", lines[0])
        self.assertIn(":4:17: config.metrics_public: expected true or false, got 'yes'", lines[1])
        self.assertIn(":5:1: 重复的配置项 db", lines[2])
        self.assertIn("duplicate key db, first at line 1", lines[2])
        self.assertIn(":6:1: 未知配置项 tls-cert", lines[3])  # keys are written with _

    def test_config_file_not_a_mapping_and_missing(self):
        out = run("serve", "--config", self.write("list.yaml", "- db\n"))
        self.assertEqual(out.returncode, 2)
        self.assertIn("list.yaml:1:1:", out.stderr)
        out = run("serve", "--config", os.path.join(self.tmp, "absent.yaml"))
        self.assertEqual(out.returncode, 1)
        self.assertIn("cannot open configuration file", out.stderr)

    def test_config_file_serves_and_flags_override(self):
        self.init()
        port = harness.free_port()
        cfg = self.write("opsdesk.yaml", "# opsdesk\ndb: %s\nlisten: 127.0.0.1:1\ntest_clock: true\n"
                         "log_format: json\nlog_level: info\ntrusted_proxy:\n  - 127.0.0.2/32\n  - ::1\n"
                         "metrics_public: false\n" % self.db)
        log = os.path.join(self.tmp, "server.log")
        with open(log, "wb") as lf:
            p = subprocess.Popen([BIN, "serve", "--config", cfg, "--listen", "127.0.0.1:%d" % port],
                                 env=ENV, stdout=lf, stderr=lf)
        try:
            deadline = time.time() + 30
            while time.time() < deadline:
                try:
                    socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                    break
                except OSError:
                    time.sleep(0.05)
            else:
                self.fail("server did not start: " + open(log).read())
        finally:
            p.send_signal(signal.SIGTERM)
            self.assertEqual(p.wait(timeout=60), 0)
        text = open(log).read()
        self.assertIn('"msg":"opsdesk serving on http://127.0.0.1:%d' % port, text)
        self.assertIn("TEST CLOCK", text)

    def test_empty_config_file_sets_nothing(self):
        out = run("serve", "--config", self.write("empty.yaml", "# nothing\n"))
        self.assertEqual(out.returncode, 2)
        self.assertIn("--db PATH is required", out.stderr)


class Documented(unittest.TestCase):
    def test_every_option_is_a_documented_key(self):
        """Every entry of main.c's option table is in docs/configuration.md
        as a key and an option, and in --help."""
        with open(os.path.join(harness.ROOT, "src", "main.c")) as f:
            src = f.read()
        table = src[src.index("server_keys[] = {"):]
        table = table[:table.index("};")]
        names = re.findall(r'\{"([a-z-]+)", OD_CONFIG_(VALUE|BOOL|LIST)\}', table)
        self.assertGreaterEqual(len(names), 25)
        with open(os.path.join(harness.ROOT, "docs", "configuration.md")) as f:
            doc = f.read()
        usage = run("--help").stdout
        for name, _kind in names:
            self.assertIn("| `%s` | `--%s" % (name.replace("-", "_"), name), doc, name)
            self.assertIn("--" + name, usage, name)


class NoSilentCreate(Base):
    def test_serve_does_not_create_a_missing_database(self):
        out = run("serve", "--db", self.db, "--listen", "127.0.0.1:1")
        self.assertEqual(out.returncode, 1)
        self.assertIn("database %s does not exist" % self.db, out.stderr)
        self.assertIn("opsdesk init --db %s" % self.db, out.stderr)
        self.assertEqual(os.listdir(self.tmp), [])  # no database, lock or key file

    def test_serve_refuses_an_empty_file(self):
        open(self.db, "w").close()
        out = run("serve", "--db", self.db, "--listen", "127.0.0.1:1")
        self.assertEqual(out.returncode, 1)
        self.assertIn("is empty, not an initialized opsdesk database", out.stderr)
        self.assertEqual(os.path.getsize(self.db), 0)

    def test_read_only_commands_do_not_create(self):
        for args in (["audit", "verify", "--db", self.db], ["user", "unlock", "sysadmin", "--db", self.db]):
            out = run(*args)
            self.assertEqual(out.returncode, 1, args)
            self.assertRegex(out.stderr, "does not exist|not found")
        self.assertFalse(os.path.exists(self.db))

    def test_init_creates_private_files(self):
        self.init()
        self.assertEqual(os.stat(self.db).st_mode & 0o777, 0o600)
        self.assertEqual(os.stat(os.path.join(self.tmp, "opsdesk-audit.key")).st_mode & 0o777, 0o600)


class Migrations(Base):
    def test_read_only_commands_refuse_and_leave_an_old_database(self):
        self.init()
        set_back_one_schema(self.db)
        before = schema_rows(self.db)
        for args in (["audit", "verify", "--db", self.db], ["user", "unlock", "sysadmin", "--db", self.db]):
            out = run(*args)
            self.assertEqual(out.returncode, 1, args)
            self.assertIn("needs migrating to %d: run opsdesk migrate --db %s" % (newest(), self.db), out.stderr)
        self.assertEqual(schema_rows(self.db), before)

    def test_migrate_takes_a_backup_first(self):
        self.init()
        old_v = set_back_one_schema(self.db)
        old_rows = schema_rows(self.db)
        key = os.path.join(self.tmp, "backup.key")
        self.assertEqual(run("backup-key", "new", "--key-file", key).returncode, 0)
        out = run("migrate", "--db", self.db, "--key-file", key)
        self.assertEqual(out.returncode, 0, out.stderr)
        bak = self.db + ".schema-%d.odbk" % old_v
        self.assertIn("backup before migrating written: " + bak, out.stdout)
        self.assertIn("database schema migrated from %d to %d" % (old_v, newest()), out.stdout)
        self.assertEqual(schema_rows(self.db)[-1], newest())
        self.assertEqual(os.stat(bak).st_mode & 0o777, 0o600)
        # the backup holds the database as it was: restored, it is at the old schema again
        old = os.path.join(self.tmp, "old.db")
        self.assertEqual(run("restore", "--in", bak, "--db", old, "--key-file", key).returncode, 0)
        self.assertEqual(schema_rows(old), old_rows)
        # a second run has nothing to do and writes no backup
        os.unlink(bak)
        out = run("migrate", "--db", self.db, "--key-file", key)
        self.assertEqual(out.returncode, 0)
        self.assertIn("nothing to migrate", out.stdout)
        self.assertFalse(os.path.exists(bak))
        self.assertIn("audit chain OK", run("audit", "verify", "--db", self.db).stdout)

    def test_migrate_usage(self):
        self.assertEqual(run("migrate", "--db", self.db).returncode, 2)
        out = run("migrate", "--db", self.db, "--split-key")
        self.assertEqual(out.returncode, 1)
        self.assertIn("does not exist", out.stderr)

    def test_serve_migrates_with_a_log_line(self):
        self.init()
        old_v = set_back_one_schema(self.db)
        srv = harness.Server(tmp=self.tmp)
        srv.db = self.db
        try:
            srv.start()
            self.assertEqual(srv.get("/healthz").json["schema_version"], newest())
        finally:
            srv.stop()
        self.assertIn("database schema migrated from %d to %d" % (old_v, newest()), srv.read_log())

    def test_a_newer_schema_is_refused_by_every_command(self):
        self.init()
        with sqlite3.connect(self.db) as c:
            c.execute("INSERT INTO schema_migrations(version, name, applied_at) VALUES (99, '0099_future.sql', 0)")
        msg = "has schema 99, newer than this binary's %d" % newest()
        for args in (["serve", "--db", self.db, "--listen", "127.0.0.1:1"], ["init", "--db", self.db],
                     ["audit", "verify", "--db", self.db], ["user", "unlock", "sysadmin", "--db", self.db],
                     ["migrate", "--db", self.db, "--split-key"]):
            out = run(*args)
            self.assertEqual(out.returncode, 1, args)
            self.assertIn(msg, out.stderr, args)


if __name__ == "__main__":
    unittest.main()
