#!/usr/bin/env python3
"""pgtmp.py — a throwaway PostgreSQL 15 for tests (study §4.1).

Runs the Debian binaries of /usr/lib/postgresql/15/bin explicitly (another
initdb may be first on PATH, e.g. /usr/local/bin).  initdb refuses to run as
root, so when root the cluster belongs to an unprivileged user (`nobody`, or
OPSDESK_PG_USER) and every server command runs through `runuser -u`.  The
data directory and the Unix socket live in one temporary directory; the
server listens on no TCP address (listen_addresses=''), so two clusters can
never collide on a port.  fsync is off unless fsync=True (contract and API
runs; crash and failover tests want it on).  Trust authentication over the
socket, superuser `postgres`; locale C (SQLite's binary text order).

As a module:
    pg = Pg(); pg.start()          # or Pg(dir).start()
    url = pg.createdb("t1")        # postgresql:///t1?host=...&port=...&user=postgres
    pg.stop()                      # stops the server, removes the directory
As a command (prints the URL of the database "opsdesk"):
    python3 tests/pg/pgtmp.py start DIR
    python3 tests/pg/pgtmp.py stop DIR
"""
import os
import pwd
import shutil
import subprocess
import sys
import tempfile
import time

BIN = os.environ.get("OPSDESK_PG_BIN", "/usr/lib/postgresql/15/bin")
PORT = 5432  # names the socket file only (no TCP)


def available():
    """Whether the PostgreSQL binaries are installed."""
    return os.path.exists(os.path.join(BIN, "initdb")) and os.path.exists(os.path.join(BIN, "pg_ctl"))


class Pg:
    def __init__(self, dir=None, fsync=False):
        self.dir = dir
        self.fsync = fsync
        self.owned_dir = dir is None
        self.user = None
        if os.geteuid() == 0:
            self.user = os.environ.get("OPSDESK_PG_USER", "nobody")
        self.started = False

    @property
    def data(self):
        return os.path.join(self.dir, "data")

    def _run(self, args, **kw):
        """Runs a server-side command as the cluster's owner."""
        cmd = list(args)
        if self.user:
            cmd = ["runuser", "-u", self.user, "--"] + cmd
        return subprocess.run(cmd, check=True, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, **kw)

    def _opts(self):
        return ("-c listen_addresses='' -c unix_socket_directories='%s' -c port=%d -c fsync=%s "
                "-c full_page_writes=%s -c synchronous_commit=%s -c shared_buffers=128MB "
                "-c max_connections=300 -c idle_in_transaction_session_timeout=15s"
                % (self.dir, PORT, "on" if self.fsync else "off", "on" if self.fsync else "off",
                   "on" if self.fsync else "off"))

    def url(self, db="opsdesk"):
        return "postgresql:///%s?host=%s&port=%d&user=postgres" % (db, self.dir, PORT)

    def start(self):
        if not available():
            raise RuntimeError("PostgreSQL 15 is not installed (%s): run scripts/deps.sh" % BIN)
        if self.dir is None:
            self.dir = tempfile.mkdtemp(prefix="pgtmp-")
        os.makedirs(self.dir, exist_ok=True)
        if self.user:
            pw = pwd.getpwnam(self.user)
            os.chown(self.dir, pw.pw_uid, pw.pw_gid)
        os.chmod(self.dir, 0o755)
        try:
            self._run([os.path.join(BIN, "initdb"), "-D", self.data, "-U", "postgres", "-A", "trust",
                       "-E", "UTF8", "--locale=C", "--no-sync"], cwd=self.dir)
            opts = self._opts()
            self._run([os.path.join(BIN, "pg_ctl"), "-D", self.data, "-l", os.path.join(self.dir, "log"),
                       "-o", opts, "-w", "-t", "60", "start"], cwd=self.dir)
        except subprocess.CalledProcessError as ex:
            out = ex.stdout.decode(errors="replace") if ex.stdout else ""
            log = ""
            try:
                with open(os.path.join(self.dir, "log")) as f:
                    log = f.read()[-2000:]
            except OSError:
                pass
            raise RuntimeError("pgtmp: %s failed:\n%s\n%s" % (ex.cmd, out, log))
        self.started = True
        self.createdb("opsdesk")
        return self

    def psql(self, sql, db="postgres"):
        """Runs sql (one statement) as the superuser; returns its output."""
        r = subprocess.run([os.path.join(BIN, "psql"), "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1",
                            "-h", self.dir, "-p", str(PORT), "-U", "postgres", "-d", db, "-c", sql],
                           check=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        return r.stdout.decode()

    def createdb(self, name):
        """Creates database name (template0, locale C) and returns its URL."""
        self.psql('CREATE DATABASE "%s" TEMPLATE template0 ENCODING \'UTF8\' LC_COLLATE \'C\' '
                  'LC_CTYPE \'C\'' % name)
        return self.url(name)

    def start_standby(self, primary, synchronous=True):
        """Makes this (not started) cluster a streaming-replication standby of
        primary (a started Pg): pg_basebackup -R -X stream over primary's
        socket, then starts it on its own socket directory.  synchronous:
        primary then waits for this standby at every commit
        (synchronous_standby_names = '*', needs synchronous_commit on, i.e.
        fsync=True).  Returns self."""
        if self.dir is None:
            self.dir = tempfile.mkdtemp(prefix="pgtmp-standby-")
        os.makedirs(self.dir, exist_ok=True)
        if self.user:
            pw = pwd.getpwnam(self.user)
            os.chown(self.dir, pw.pw_uid, pw.pw_gid)
        os.chmod(self.dir, 0o755)
        try:
            self._run([os.path.join(BIN, "pg_basebackup"), "-D", self.data, "-R", "-X", "stream", "-c", "fast",
                       "-h", primary.dir, "-p", str(PORT), "-U", "postgres"], cwd=self.dir)
            self.fsync = primary.fsync
            opts = self._opts()  # the primary's settings (a standby refuses lower max_connections)
            self._run([os.path.join(BIN, "pg_ctl"), "-D", self.data, "-l", os.path.join(self.dir, "log"),
                       "-o", opts, "-w", "-t", "60", "start"], cwd=self.dir)
        except subprocess.CalledProcessError as ex:
            raise RuntimeError("pgtmp standby: %s failed:\n%s" % (ex.cmd, ex.stdout.decode(errors="replace")))
        self.started = True
        if synchronous:
            primary.psql("ALTER SYSTEM SET synchronous_standby_names = '*'")
            primary.psql("SELECT pg_reload_conf()")
            deadline = time.time() + 30
            while time.time() < deadline:
                if primary.psql("SELECT sync_state FROM pg_stat_replication").strip() == "sync":
                    break
                time.sleep(0.2)
            else:
                raise RuntimeError("pgtmp standby: not synchronous within 30 s")
        return self

    def promote(self):
        """Promotes a standby to primary (pg_ctl promote -w)."""
        self._run([os.path.join(BIN, "pg_ctl"), "-D", self.data, "-w", "-t", "60", "promote"])

    def kill(self):
        """Stops the server at once (pg_ctl stop -m immediate: as a crash), keeping its files."""
        self.stop(remove=False)

    def stop(self, remove=True):
        if self.started or os.path.exists(os.path.join(self.data, "postmaster.pid")):
            try:
                self._run([os.path.join(BIN, "pg_ctl"), "-D", self.data, "-m", "immediate", "-w", "stop"])
            except subprocess.CalledProcessError:
                pass
            self.started = False
        if remove and self.dir and os.path.isdir(self.dir):
            shutil.rmtree(self.dir, ignore_errors=True)

    def __enter__(self):
        return self.start()

    def __exit__(self, *a):
        self.stop()


def main(argv):
    if len(argv) != 3 or argv[1] not in ("start", "stop"):
        sys.stderr.write("usage: pgtmp.py start|stop DIR\n")
        return 2
    d = os.path.abspath(argv[2])
    pg = Pg(d)
    if argv[1] == "start":
        pg.start()
        print(pg.url())
    else:
        pg.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
