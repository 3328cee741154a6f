#!/usr/bin/env python3
"""crash.py — crash consistency of opsdesk (R-NOT-7, R-SEC-SYS-3,
DESIGN.md "Time" and "Data").

Starts the server on loopback with --test-clock and channels pointing at the
fake receivers (tests/notify/receivers.py: an SMS gateway and a webhook
bot), drives concurrent load (tests/crash/load.py: incidents, reports, acks,
CI writes — pluggable), and kill -9s the server at a random moment, N times.
After each kill, with the server down, it checks from the client's log of
2xx answers that every acknowledged write is in the database and that
`opsdesk audit verify` passes, notes the deadlines pending at the kill,
restarts the server, advances the test clock past them and checks that each
fired (escalation row or deadline_missed timeline row at its own time, the
row marked done/missed).  At the end it drains the outbox and compares with
what the receivers got: every message delivered (none lost), none delivered
twice except a resend after a kill with the same idempotency key (counted
apart; the delivery log must show the row was 'interrupted').

    tests/crash/crash.py [--rounds 100] [--seed N] [--budget SECONDS] [--workers 4]

Prints a summary (rounds, acknowledged writes, lost, duplicated) and exits 1
on any violation.  OPSDESK_BIN selects the binary.  `make crash` runs 100
rounds; CTest runs 5 (crash/short).
"""
import argparse
import json
import os
import random
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import shutil

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "tests", "api"))
sys.path.insert(0, HERE)
import harness  # noqa: E402
import load  # noqa: E402

ADVANCE_S = 6 * 60   # test-clock step after each restart: past first-report (5/10 min) and renotify (5 min)
STEP_MAX_S = 90      # clock steps during the load (worker 0 only)
DISPATCH_SENDERS = 16  # OD_DISPATCH_SENDERS: messages the dispatcher sends at once


class Ctx:
    """One worker's view: sends requests, keeps its log."""

    def __init__(self, srv, world, worker, stop):
        self.srv, self.world, self.worker, self.stop = srv, world, worker, stop
        self.acked = []
        self.killed = False
        self.pending_ci = None
        self.last_gen = None
        self.errors = []
        self._seq = 0

    def next_seq(self):
        self._seq += 1
        return self._seq

    def call(self, method, path, body, user):
        try:
            r = self.srv.request(method, path, body, token=self.world.tok[user])
        except Exception as e:  # connection refused/reset, remote closed: the server is gone
            raise load.Killed(str(e))
        if r.status >= 500:
            raise load.ServerError("%s %s -> %r" % (method, path, r))
        return r


def worker_loop(ctx, gens, rng):
    while not ctx.stop.is_set():
        g = load.choose(rng, gens)
        ctx.last_gen = g.name
        ctx.pending_ci = None
        try:
            if ctx.worker == 0 and rng.random() < 0.05:
                ctx.call("POST", "/api/v1/test/clock", {"advance_seconds": rng.randint(1, STEP_MAX_S)}, "eng")
                continue
            rec = g.step(ctx, rng)
        except load.Killed:
            ctx.killed = True
            return
        except load.ServerError as e:
            ctx.errors.append(str(e))
            continue
        if rec:
            rec["worker"] = ctx.worker
            ctx.acked.append(rec)


class Run:
    def __init__(self, a):
        self.a = a
        self.rng = random.Random(a.seed)
        self.gens = [g for g in load.GENERATORS if not a.gens or g.name in a.gens.split(",")]
        self.tmp = tempfile.mkdtemp(prefix="opsdesk-crash-")
        self.acked = []     # every acknowledged write
        self.failures = []
        self.deadlines_checked = 0
        self.stats = {"rounds": 0, "killed_in_flight": 0}

    def fail(self, msg):
        self.failures.append(msg)
        print("FAIL:", msg, flush=True)

    # ---- receivers and server ----
    def start_receivers(self):
        self.rcv = subprocess.Popen([sys.executable, os.path.join(ROOT, "tests", "notify", "receivers.py"),
                                     "--no-smtp"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                    stderr=subprocess.DEVNULL, text=True)
        line = self.rcv.stdout.readline()
        self.rport = json.loads(line)["http"]
        ch = os.path.join(self.tmp, "channels.yaml")
        with open(ch, "w") as f:
            f.write("channels:\n"
                    "  - name: sms\n"
                    "    kind: sms\n"
                    "    url: 'http://127.0.0.1:%d/sms/crash'\n"
                    "    body: '{\"phone\": \"{{to}}\", \"content\": \"{{text}}\"}'\n"
                    "  - {name: hook, kind: webhook, url: 'http://127.0.0.1:%d/webhook/crash'}\n"
                    % (self.rport, self.rport))
        return ch

    def receiver_log(self):
        import urllib.request
        with urllib.request.urlopen("http://127.0.0.1:%d/_log" % self.rport, timeout=60) as r:
            return json.loads(r.read())

    def relogin(self):
        self.srv.tokens = {}
        for name, _, _ in load.USERS:  # API keys (event ingestion) need no sign-in
            self.world.tok[name] = self.srv.login(name, harness.USER_PW)

    # ---- checks with the server down ----
    def db(self):
        return sqlite3.connect(self.srv.db, timeout=30)

    def check_acked(self, recs):
        with self.db() as db:
            for rec in recs:
                if rec.get("superseded"):
                    continue
                gen = next(g for g in self.gens if g.name == rec["gen"])
                msg = gen.check(db, rec)
                if msg:
                    self.fail("lost acknowledged write: " + msg)

    def check_audit(self):
        p = subprocess.run([harness.BIN, "audit", "verify", "--db", self.srv.db], capture_output=True, text=True,
                           timeout=300)
        if p.returncode != 0:
            self.fail("audit verify: " + p.stdout + p.stderr)

    def pending_deadlines(self):
        with self.db() as db:
            return db.execute("SELECT id, kind, incident_id, fire_at FROM deadlines WHERE fire_at IS NOT NULL"
                              ).fetchall()

    def check_fired(self, pending, restart_ms, now_ms):
        """Each row pending at the kill with fire_at <= now must have fired:
        rows due before the restart fire at the restart time, later ones at
        their own time (the test clock walks due rows in order)."""
        with self.db() as db:
            for (did, kind, inc, fire_at) in pending:
                if fire_at > now_ms:
                    continue
                self.deadlines_checked += 1
                at = max(fire_at, restart_ms)
                row = db.execute("SELECT status, fire_at FROM deadlines WHERE id = ?", (did,)).fetchone()
                if row is None or row[1] == fire_at or (row[1] is not None and row[1] <= now_ms):
                    self.fail("deadline %d (%s, incident %d, fire_at %d) did not fire after restart: %r"
                              % (did, kind, inc, fire_at, row))
                    continue
                if kind == "escalation" and row[0] == "done":
                    n = db.execute("SELECT COUNT(*) FROM incident_escalations WHERE incident_id = ? AND at >= ?",
                                   (inc, at)).fetchone()[0]
                    st = db.execute("SELECT state FROM incidents WHERE id = ?", (inc,)).fetchone()[0]
                    if n == 0 and st not in ("resolved", "closed", "reviewed"):
                        # an escalation at the top level has nothing to raise: only then no row
                        lvl = db.execute("SELECT response_level FROM incidents WHERE id = ?", (inc,)).fetchone()[0]
                        if lvl != "R1":
                            self.fail("escalation deadline %d of incident %d fired without an escalation row"
                                      % (did, inc))
                elif kind in ("first_report", "ack", "progress", "handling") and row[0] == "missed":
                    n = db.execute("SELECT COUNT(*) FROM incident_timeline WHERE incident_id = ? AND "
                                   "kind = 'deadline_missed' AND at >= ?", (inc, at)).fetchone()[0]
                    if n == 0:
                        self.fail("missed %s deadline %d of incident %d has no timeline row" % (kind, did, inc))

    # ---- one round ----
    def round(self, n):
        stop = threading.Event()
        ctxs = [Ctx(self.srv, self.world, w, stop) for w in range(self.a.workers)]
        threads = [threading.Thread(target=worker_loop, args=(c, self.gens, random.Random(self.rng.random())))
                   for c in ctxs]
        for t in threads:
            t.start()
        time.sleep(self.rng.uniform(self.a.min_ms, self.a.max_ms) / 1000)
        self.srv.kill9()
        stop.set()
        for t in threads:
            t.join(120)
        recs = []
        for c in ctxs:
            for e in c.errors:
                self.fail("5xx during load: " + e)
            if c.killed:
                self.stats["killed_in_flight"] += 1
            # CI patches: only the worker's last acknowledged one must be
            # present, or the one in flight at the kill if it committed
            last = None
            for rec in c.acked:
                if rec["gen"] == "ci" and rec["op"] == "patch":
                    if last:
                        last["superseded"] = True
                    last = rec
            if last:
                for old in self.acked:
                    if old.get("gen") == "ci" and old.get("op") == "patch" and old["id"] == last["id"]:
                        old["superseded"] = True
                last["allowed"] = {last["value"]} | ({c.pending_ci} if c.pending_ci else set())
            elif c.pending_ci:
                for old in self.acked:
                    if old.get("gen") == "ci" and old.get("op") == "patch" and old["id"] == c.world.own_ci[
                            c.worker] and not old.get("superseded"):
                        old["allowed"] = set(old.get("allowed") or {old["value"]}) | {c.pending_ci}
            recs += c.acked
        self.acked += recs
        self.check_acked(recs)
        self.check_audit()
        pending = self.pending_deadlines()
        self.srv.start()  # a kill -9 leaves no lock behind
        self.relogin()
        if n == 1:
            self.check_second_server_refused()
        restart_ms = self.srv.now_ms()
        now = self.srv.clock(ADVANCE_S)["now_ms"]
        self.check_fired(pending, restart_ms, now)
        self.relogin()  # sessions expire by the test clock
        self.stats["rounds"] = n
        if not self.a.quiet:
            print("round %3d: %3d acknowledged writes, %3d deadlines pending at the kill" % (n, len(recs),
                                                                                            len(pending)),
                  flush=True)

    def check_second_server_refused(self):
        """One process per database: a second server on the live database
        exits at once (two servers made one alert two open events)."""
        p = subprocess.run([harness.BIN, "serve", "--db", self.srv.db, "--listen",
                            "127.0.0.1:%d" % harness.free_port(), "--test-clock"],
                           env=self.srv.env, capture_output=True, text=True, timeout=60)
        if p.returncode == 0 or "in use by another opsdesk process" not in p.stderr + p.stdout:
            self.fail("a second server on the live database was not refused: rc %d %s" % (p.returncode, p.stderr))

    # ---- outbox against receivers ----
    def check_outbox(self):
        # drain: everything due now is sent before the clock answer returns
        self.srv.clock(0)
        with self.db() as db:
            rows = db.execute("SELECT id, status FROM outbox WHERE channel = 'sms'").fetchall()
            bots = db.execute("SELECT id, status FROM bot_outbox").fetchall()
            causes = {c for (c,) in db.execute("SELECT DISTINCT cause FROM outbox WHERE incident_id IS NOT NULL")}
            bot_causes = {c for (c,) in db.execute("SELECT cause FROM bot_outbox WHERE channel_name = 'hook'")}
            interrupted_o = {i for (i,) in db.execute(
                "SELECT DISTINCT outbox_id FROM deliveries WHERE status = 'interrupted' AND outbox_id IS NOT NULL")}
            interrupted_b = {i for (i,) in db.execute(
                "SELECT DISTINCT bot_id FROM deliveries WHERE status = 'interrupted' AND bot_id IS NOT NULL")}
        log = self.receiver_log()
        seen = {}
        for req in log["requests"]:
            k = req.get("idempotency_key")
            if k:
                seen[k] = seen.get(k, 0) + 1
        want = {"opsdesk-%d" % i: (st, i in interrupted_o) for (i, st) in rows}
        want.update({"opsdesk-bot-%d" % i: (st, i in interrupted_b) for (i, st) in bots})
        lost = [k for k, (st, _) in want.items() if st != "sent" or k not in seen]
        resent = [k for k, c in seen.items() if c > 1 and want.get(k, (None, False))[1]]
        dup = [k for k, c in seen.items() if c > 1 and not want.get(k, (None, False))[1]]
        stray = [k for k in seen if k not in want]
        missing_bot = causes - bot_causes
        for k in lost[:20]:
            self.fail("message %s lost (status %s, received %d times)" % (k, want[k][0], seen.get(k, 0)))
        for k in dup[:20]:
            self.fail("message %s delivered %d times without an interrupted send" % (k, seen[k]))
        for k in stray[:20]:
            self.fail("receivers got %s which is no outbox row" % k)
        for c in sorted(missing_bot)[:20]:
            self.fail("cause %s has no copy for the webhook bot" % c)
        # the dispatcher sends a wave of at most OD_DISPATCH_SENDERS (16,
        # notify/dispatcher.h) messages at once and records the wave at once:
        # a kill can repeat at most the one wave in flight
        kills = self.stats["rounds"] + 1
        if len(resent) > kills * DISPATCH_SENDERS:
            self.fail("%d messages re-sent after %d kills: more than one wave (%d) in flight per kill"
                      % (len(resent), kills, DISPATCH_SENDERS))
        return {"messages": len(want), "lost": len(lost) + len(missing_bot), "duplicated": len(dup),
                "resent_after_kill": len(resent)}

    def main(self):
        t0 = time.time()
        ch = self.start_receivers()
        self.srv = harness.Server(test_clock=True, tmp=self.tmp)
        self.srv.extra_args = ["--channels", ch]
        self.srv.init()
        self.srv.start()
        self.world = load.world_setup(self.srv, self.gens, harness.USER_PW)
        n = 0
        try:
            for n in range(1, self.a.rounds + 1):
                self.round(n)
                if time.time() - t0 > self.a.budget:
                    print("time budget of %d s reached after %d rounds" % (self.a.budget, n), flush=True)
                    break
            # every write acknowledged in any round is still there at the end
            self.srv.kill9()
            self.check_acked(self.acked)
            self.check_audit()
            self.srv.start()
            self.relogin()
            out = self.check_outbox()
            rc = self.srv.stop()
            if rc != 0:
                self.fail("server exited with %d at the end:\n%s" % (rc, self.srv.read_log()[-4000:]))
        finally:
            if self.srv.proc:
                self.srv.kill9()
            self.rcv.stdin.close()
            self.rcv.wait(10)
        by_gen = {}
        for r in self.acked:
            by_gen[r["gen"]] = by_gen.get(r["gen"], 0) + 1
        lost_writes = sum(1 for f in self.failures if f.startswith("lost acknowledged write"))
        print("\ncrash summary: rounds %d, acknowledged writes %d (%s), lost %d, duplicated %d; "
              "messages %d, lost %d, re-sent after a kill (same idempotency key) %d; "
              "deadlines pending at a kill and checked after restart %d; %d s; %s"
              % (self.stats["rounds"], len(self.acked), ", ".join("%s %d" % kv for kv in sorted(by_gen.items())),
                 lost_writes, out["duplicated"], out["messages"], out["lost"], out["resent_after_kill"],
                 self.deadlines_checked, time.time() - t0,
                 "OK" if not self.failures else "%d FAILURES" % len(self.failures)), flush=True)
        if self.failures:
            print("kept for inspection: " + self.tmp)
            return 1
        shutil.rmtree(self.tmp, ignore_errors=True)
        return 0


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--rounds", type=int, default=100)
    ap.add_argument("--seed", type=int, default=None)
    ap.add_argument("--budget", type=int, default=1500, help="stop after this many seconds")
    ap.add_argument("--workers", type=int, default=4)
    ap.add_argument("--min-ms", type=int, default=30, help="shortest load before the kill")
    ap.add_argument("--max-ms", type=int, default=900, help="longest load before the kill")
    ap.add_argument("--gens", default="", help="comma-separated generator names (default: all)")
    ap.add_argument("--quiet", action="store_true")
    a = ap.parse_args()
    if a.seed is None:
        a.seed = random.randrange(1 << 30)
    print("crash: %d rounds, seed %d, %d workers, binary %s" % (a.rounds, a.seed, a.workers, harness.BIN),
          flush=True)
    return Run(a).main()


if __name__ == "__main__":
    sys.exit(main())
