#!/usr/bin/env python3
"""test_gen_sets.py — the scale generator (bench/gen) writes the same rows,
with the same ids, whichever way it writes them (R-PERF, bench/results.md
"Scale"): one statement per row (--rows, SQLite's default) or a JSON array of
rows per statement (--sets, PostgreSQL's default), on SQLite and on
PostgreSQL (a throwaway cluster of tests/pg/pgtmp.py; that half is skipped,
with a note, when PostgreSQL 15 is not installed).

Each database gets the same small history (seed 20); per table the test
compares the row count and order-sensitive sums (ids, references, times
relative to the first incident, text lengths), requires the counts the
generator promises (3 recipients, messages, deliveries and 5 deadlines per
incident) and an intact audit chain (`opsdesk audit verify`).

    OPSDESK_BIN=build/opsdesk OPSDESK_GEN=build/bench/bench_gen python3 tests/bench/test_gen_sets.py
"""
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, 'tests', 'pg'))
import pgtmp  # noqa: E402

INCIDENTS, EVENTS = 400, 3000
# small sets and transactions: every table crosses several set statements and commits
ARGS = ['--incidents', str(INCIDENTS), '--events', str(EVENTS), '--cis', '300', '--relations', '600',
        '--users', '40', '--set-rows', '37', '--batch', '300', '--quiet']

# per table: the sums compared across the databases (R: a time relative to the first incident)
SUMS = {
    'incidents': 'count(*), sum(id), sum(registered_at - R), sum(length(title)), sum(length(number))',
    'incident_cis': 'count(*), sum(incident_id), sum(ci_id), sum((incident_id % 997) * ci_id)',
    'incident_timeline': 'count(*), sum(id), sum(incident_id), sum(at - R), sum((id % 997) * ((at - R) % 100000)), '
                         'sum(length(text)), sum(length(kind)), count(data), sum(length(actor))',
    'incident_reports': 'count(*), sum(id), sum((id % 997) * incident_id), sum(at - R), sum(author_id), '
                        'sum(length(body)), sum(length(desk)), sum(length(kind))',
    'incident_recipients': 'count(*), sum(id), sum((id % 997) * user_id), sum(acked_at - R), sum(ack_due - R), '
                           'sum(length(reason))',
    'deadlines': 'count(*), sum(id), sum((id % 997) * incident_id), sum(recipient_id), count(recipient_id), '
                 'sum(due_at - R), sum(met_at - R), count(met_at), sum(length(status)), count(fire_at), '
                 'sum(length(kind))',
    'outbox': 'count(*), sum(id), sum((id % 997) * incident_id), sum((id % 997) * recipient_id), '
              'sum(length(channel)), sum(length(cause)), sum(length(subject)), sum(length(body)), sum(length(desk)), '
              'sum(attempts), sum(next_attempt_at - R), sum(sent_at - R), sum(length(status))',
    'deliveries': 'count(*), sum(id), sum((id % 997) * outbox_id), sum(incident_id), sum(at - R), sum(http_status), '
                  'count(bot_id), sum(length(channel)), sum(length(vendor_code)), sum(length(error))',
    'events': 'count(*), sum(id), sum((id % 997) * ci_id), count(ci_id), sum(first_seen - R), sum(closed_at - R), '
              'count(closed_at), sum(key_hash % 1000), sum(length(labels)), sum(count), sum(length(summary)), '
              'sum(length(status)), sum(length(state)), sum(length(class)), count(incident_id), '
              'sum(length(group_key))',
    'cases': 'count(*), sum(incident_id)',
}
R = '(SELECT min(registered_at) FROM incidents)'
EXPECTED_COUNTS = {'incidents': INCIDENTS, 'incident_recipients': 3 * INCIDENTS, 'outbox': 3 * INCIDENTS,
                   'deliveries': 3 * INCIDENTS, 'deadlines': 5 * INCIDENTS, 'events': EVENTS}


def sums(db):
    out = {}
    for t, cols in SUMS.items():
        sql = 'SELECT %s FROM %s' % (cols.replace(' R)', ' %s)' % R), t)
        if db.startswith('postgres'):
            r = subprocess.run([os.path.join(pgtmp.BIN, 'psql'), '-X', '-q', '-A', '-t', '-v', 'ON_ERROR_STOP=1',
                                '-d', db, '-c', sql], check=True, capture_output=True, text=True)
            out[t] = r.stdout.strip()
        else:
            with sqlite3.connect(db) as c:
                out[t] = '|'.join('' if v is None else str(v) for v in c.execute(sql).fetchone())
    return out


def main():
    opsdesk = os.environ.get('OPSDESK_BIN', os.path.join(ROOT, 'build', 'opsdesk'))
    gen = os.environ.get('OPSDESK_GEN', os.path.join(ROOT, 'build', 'bench', 'bench_gen'))
    d = tempfile.mkdtemp(prefix='opsdesk-gen-sets-')
    os.chmod(d, 0o755)
    env = dict(os.environ, OPSDESK_ADMIN_PASSWORD='Gen-sets-admin-1!', OPSDESK_AUDIT_KEY_FILE=os.path.join(d, 'k'))
    pg = None
    failures = []
    try:
        dbs = [(os.path.join(d, 'rows.db'), [], 'one statement per row'),
               (os.path.join(d, 'sets.db'), ['--sets'], 'set inserts')]
        if pgtmp.available():
            pg = pgtmp.Pg().start()
            dbs += [(pg.createdb('pgsets'), [], 'set inserts'), (pg.createdb('pgrows'), ['--rows'],
                                                                 'one statement per row')]
        else:
            print('note: PostgreSQL 15 is not installed: SQLite only (scripts/deps.sh installs it)')
        res = []
        for db, extra, mode in dbs:
            subprocess.run([opsdesk, 'init', '--db', db], check=True, capture_output=True, env=env)
            r = subprocess.run([gen, '--db', db] + ARGS + extra, check=True, capture_output=True, text=True, env=env)
            print(r.stdout.strip())
            if '(%s' % mode not in r.stdout:
                failures.append('%s %s: expected "%s" in %r' % (db, extra, mode, r.stdout))
            v = subprocess.run([opsdesk, 'audit', 'verify', '--db', db], capture_output=True, text=True, env=env)
            if v.returncode != 0:
                failures.append('%s: audit verify failed: %s%s' % (db, v.stdout, v.stderr))
            res.append(sums(db))
        for t in SUMS:
            vals = [r[t] for r in res]
            if any(v != vals[0] for v in vals):
                failures.append('%s differs: %s' % (t, ' / '.join(vals)))
            else:
                print('same %s: %s' % (t, vals[0]))
            want = EXPECTED_COUNTS.get(t)
            if want is not None and int(vals[0].split('|')[0]) != want:
                failures.append('%s: %s rows, want %d' % (t, vals[0].split('|')[0], want))
    finally:
        if pg:
            pg.stop()
        shutil.rmtree(d, ignore_errors=True)
    for f in failures:
        print('FAIL', f)
    print('%d databases compared, %d failures' % (len(res), len(failures)))
    return 1 if failures else 0


if __name__ == '__main__':
    sys.exit(main())
