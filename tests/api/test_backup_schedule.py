"""test_backup_schedule.py — scheduled daily backups in `opsdesk serve`
(R-SEC-SYS-4): --backup-dir, --backup-key-file, --backup-at,
--backup-keep.  Driven by the test clock: a day later a backup file appears;
it restores into a fresh path where `opsdesk audit verify` passes and every
table has the row count of the live database; retention keeps the newest N;
a failed run is logged and counted in /metrics and the next day works."""
import datetime
import os
import re
import shutil
import sqlite3
import subprocess
import unittest

import harness

NAME = re.compile(r"^opsdesk-\d{8}-\d{6}\.odbk$")
DAY = 86400
METRICS_TOKEN = "backup-metrics-token"


def run(*args):
    return subprocess.run([harness.BIN, *args], capture_output=True, text=True, timeout=300)


def metric(srv, name, labels=""):
    # /metrics needs the metrics token (or an admin session, which the test clock's days would expire)
    text = srv.get("/metrics", METRICS_TOKEN).raw
    m = re.search(r"^%s%s ([0-9.e+-]+)$" % (re.escape(name), re.escape(labels)), text, re.M)
    return float(m.group(1)) if m else None


def counts(db_path):
    with sqlite3.connect("file:%s?mode=ro" % db_path, uri=True) as db:
        # the od_bigram tables cannot be read here (Python's sqlite3 cannot load
        # the tokenizer); their shadow tables, which hold the index, are counted
        tables = [t for (t,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table' "
                                           "AND name NOT LIKE 'sqlite_%' AND sql NOT LIKE '%od_bigram%' "
                                           "ORDER BY name")]
        c = {t: db.execute('SELECT COUNT(*) FROM "%s"' % t).fetchone()[0] for t in tables}
        c["audit head"] = db.execute("SELECT value FROM meta WHERE key = 'audit_head'").fetchone()
        return c


def file_name(ms):
    d = datetime.datetime.fromtimestamp(ms / 1000, tz=datetime.timezone.utc)
    return d.strftime("opsdesk-%Y%m%d-%H%M%S.odbk")


class BackupSchedule(harness.ServerTest):
    KEEP = 3

    @classmethod
    def setUpClass(cls):
        cls.srv = harness.Server(test_clock=True, extra_env={"OPSDESK_METRICS_TOKEN": METRICS_TOKEN})
        cls.bdir = os.path.join(cls.srv.tmp, "backups")
        os.mkdir(cls.bdir)
        cls.keyfile = os.path.join(cls.srv.tmp, "backup.key")
        p = run("backup-key", "new", "--key-file", cls.keyfile)
        assert p.returncode == 0, p.stderr
        cls.shares = re.findall(r"(ODK1-S[12]-[0-9a-fA-F-]+)", p.stdout)
        assert len(cls.shares) == 2, p.stdout
        cls.srv.extra_args = ["--backup-dir", cls.bdir, "--backup-key-file", cls.keyfile,
                              "--backup-at", "02:00+08:00", "--backup-keep", str(cls.KEEP)]
        cls.srv.init()
        cls.srv.start()
        _, cls.eng = cls.srv.make_user("bs_eng", ["ops_engineer"])
        r = cls.srv.post("/api/v1/cis", {"name": "备份 CI", "category": "application", "grade": "L2",
                                         "department": "运行部"}, token=cls.eng)
        assert r.status == 201, r
        r = cls.srv.post("/api/v1/incidents", {"title": "备份事件", "ci_ids": [r.json["id"]], "severity": "minor",
                                               "location": "A", "symptoms": "B", "impact_scope": "C"},
                         token=cls.eng)
        assert r.status == 201, r

    def files(self):
        return sorted(f for f in os.listdir(self.bdir) if NAME.match(f))

    def next_run_ms(self):
        return int(metric(self.srv, "opsdesk_backup_next_run_timestamp_seconds") * 1000)

    def test_1_daily_backup_restores_with_every_row(self):
        s = self.srv
        self.assertIn("定时备份 scheduled backups", s.read_log())
        self.assertEqual(self.files(), [])
        nxt = self.next_run_ms()
        # 02:00 Beijing time is 18:00 UTC
        self.assertEqual((nxt // 1000) % DAY, 18 * 3600)
        now = s.now_ms()
        self.assertTrue(0 < nxt - now <= DAY * 1000)
        s.clock(set_to=harness_time(nxt - 1))
        self.assertEqual(self.files(), [], "no backup before its time")
        s.clock(set_to=harness_time(nxt))
        self.assertEqual(self.files(), [file_name(nxt)])
        self.assertEqual(metric(s, "opsdesk_backup_runs_total", '{result="ok"}'), 1)
        self.assertEqual(metric(s, "opsdesk_backup_last_success_timestamp_seconds"), nxt / 1000)
        self.assertGreater(metric(s, "opsdesk_backup_last_size_bytes"), 0)
        self.assertEqual(self.next_run_ms(), nxt + DAY * 1000)
        live = counts(s.db)
        self.assertGreater(live["incidents"], 0)
        # restore with the key file into a fresh path, and with the two shares
        for i, args in enumerate((["--key-file", self.keyfile],
                                  ["--share1", self.shares[1], "--share2", self.shares[0]])):
            dest = os.path.join(s.tmp, "restored%d.db" % i)
            p = run("restore", "--in", os.path.join(self.bdir, self.files()[0]), "--db", dest, *args)
            self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
            p = run("audit", "verify", "--db", dest)
            self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
            self.assertEqual(counts(dest), live)

    def test_2_retention_keeps_newest(self):
        s = self.srv
        for _ in range(self.KEEP + 2):
            s.clock(DAY)
        files = self.files()
        self.assertEqual(len(files), self.KEEP, files)
        nxt = self.next_run_ms()
        self.assertEqual(files[-1], file_name(nxt - DAY * 1000))
        # other files in the directory are never touched
        other = os.path.join(self.bdir, "notes.txt")
        with open(other, "w") as f:
            f.write("keep me")
        s.clock(DAY)
        self.assertTrue(os.path.exists(other))
        self.assertEqual(len(self.files()), self.KEEP)

    def test_3_failure_is_logged_and_counted(self):
        s = self.srv
        moved = self.bdir + ".away"
        shutil.move(self.bdir, moved)
        try:
            failed = metric(s, "opsdesk_backup_runs_total", '{result="error"}')
            s.clock(DAY)  # the run fails: the directory is gone
            self.assertEqual(metric(s, "opsdesk_backup_runs_total", '{result="error"}'), failed + 1)
            self.assertIn("scheduled backup failed", s.read_log())
        finally:
            shutil.move(moved, self.bdir)
        ok = metric(s, "opsdesk_backup_runs_total", '{result="ok"}')
        s.clock(DAY)  # and the next day works again
        self.assertEqual(metric(s, "opsdesk_backup_runs_total", '{result="ok"}'), ok + 1)

    def test_4_key_never_logged(self):
        with open(self.keyfile) as f:
            key = f.read().strip()
        log = self.srv.read_log()
        self.assertNotIn(key, log)
        self.assertNotIn(key.replace("-", "")[7:], log.replace("-", ""))
        for sh in self.shares:
            self.assertNotIn(sh, log)


def harness_time(ms):
    d = datetime.datetime.fromtimestamp(ms / 1000, tz=datetime.timezone.utc)
    return d.strftime("%Y-%m-%dT%H:%M:%S.") + "%03dZ" % (ms % 1000)


class BadOptions(unittest.TestCase):
    def serve(self, *extra):
        s = harness.Server(test_clock=True)
        s.init()
        p = subprocess.run([harness.BIN, "serve", "--db", s.db, "--listen", "127.0.0.1:%d" % s.port,
                            "--test-clock", *extra], env=s.env, capture_output=True, text=True, timeout=60)
        return s, p

    def test_refused_at_start(self):
        d = harness.Server().tmp
        key = os.path.join(d, "k.key")
        self.assertEqual(run("backup-key", "new", "--key-file", key).returncode, 0)
        # the key file is never overwritten
        self.assertEqual(run("backup-key", "new", "--key-file", key).returncode, 1)
        cases = [
            (["--backup-dir", os.path.join(d, "missing"), "--backup-key-file", key], "backup-dir"),
            (["--backup-dir", d], "backup-key-file"),
            (["--backup-dir", d, "--backup-key-file", os.path.join(d, "nokey")], "backup-key-file"),
            (["--backup-dir", d, "--backup-key-file", key, "--backup-keep", "0"], "backup-keep"),
            (["--backup-dir", d, "--backup-key-file", key, "--backup-keep", "x"], "backup-keep"),
            (["--backup-dir", d, "--backup-key-file", key, "--backup-at", "25:00"], "backup-at"),
            (["--backup-dir", d, "--backup-key-file", key, "--backup-at", "2:00"], "backup-at"),
        ]
        bad = os.path.join(d, "bad.key")
        with open(bad, "w") as f:
            f.write("ODK1-S1-00000000\n")
        cases.append((["--backup-dir", d, "--backup-key-file", bad], "backup-key-file"))
        for args, field in cases:
            s, p = self.serve(*args)
            s.cleanup()
            self.assertEqual(p.returncode, 1, (args, p.stdout, p.stderr))
            self.assertIn(field, p.stderr, (args, p.stderr))
        shutil.rmtree(d, ignore_errors=True)


if __name__ == "__main__":
    harness.main()
