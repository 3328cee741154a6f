#!/usr/bin/env python3
"""scale.py — every list and search the UI offers, timed on generated history
(issue "fast at scale"; bench/results.md "Scale").  `make bench-scale`.

Makes a database with `opsdesk init`, fills it with bench/gen (build target
bench_gen: users, CIs with an impact tree of 9 900 dependents, incidents
with their timelines, reports, deliveries, audit entries and cases, events),
serves it (`opsdesk serve` on 127.0.0.1) and times each request from one
keep-alive client: one warm-up, then N requests; prints the median and the
99th percentile (nearest rank) of each as a Markdown table, with the targets
of the issue (lists and searches p99 <= 50 ms, the dashboard <= 100 ms).

    python3 bench/scale.py --opsdesk BIN --gen BIN [--scale 0.1] [--n 100] [--dir /tmp]
    python3 bench/scale.py --opsdesk BIN --db DB     (an already generated SQLite database)
    python3 bench/scale.py --opsdesk BIN --gen BIN --pg [--scale 0.01]   (PostgreSQL 15 of
        tests/pg/pgtmp.py: a throwaway cluster, fsync off, the same tables and requests)
    python3 bench/scale.py --opsdesk BIN --db URL --pg [--n 0]   (the cluster kept by --pg --keep:
        its plans again, e.g. after a migration; --n 0: no timing)

The clock starts when the server is ready: its port open and, on SQLite, the
event de-duplication keys loaded (the log line "loaded N event
de-duplication keys", which a server with events writes once its ingestion
thread has read them; until then the start-up load shares the machine with
the first rows).  "server start" is that time.

--scale 1 is 1 M incidents and 10 M events (bench/gen's defaults); the
default 0.1 a tenth.  Timings are wall-clock from this client, loopback only;
nothing asserts on them."""
import argparse
import http.client
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench_policy  # noqa: E402
from lists import ADMIN_PW, USER_PW, free_port  # noqa: E402

# (name, path, target p99 ms); {hub} is the CI the impact tree hangs on,
# {after} / {before} the cursors of the answer before
CASES = [
    ('incidents, page 1', '/api/v1/incidents?limit=50', 50),
    ('incidents, state=activated', '/api/v1/incidents?limit=50&state=activated', 50),
    ('incidents, level=L1', '/api/v1/incidents?limit=50&level=L1', 50),
    # the incident list's 待我处理 (web/js/views/incidents.js loadMine), every 10 s on the screen
    ('incidents, awaiting my acknowledgement', '/api/v1/incidents?limit=100&awaiting_my_ack=true', 50),
    ('incidents, owner=me', '/api/v1/incidents?limit=100&owner=me', 50),
    ('incidents, state=resolved (100)', '/api/v1/incidents?limit=100&state=resolved', 50),
    ('incidents, response_level=R1 (residual)', '/api/v1/incidents?limit=50&response_level=R1', 50),
    ('incidents, deep page by cursor', '/api/v1/incidents?limit=50&before_id={half_inc}', 50),
    ('incidents, text q (3+ chars, full-text)', '/api/v1/incidents?limit=50&q=' + urllib.parse.quote('机房温度'), 50),
    ('incidents, text q rare (full-text)', '/api/v1/incidents?limit=50&q=' + urllib.parse.quote('第 4242 号'), 50),
    ('incidents, text q = a CI name (full-text)', '/api/v1/incidents?limit=50&q=ci-000042', 50),
    ('incidents, text q 2 chars (pairs index)', '/api/v1/incidents?limit=50&q=' + urllib.parse.quote('机房'), 50),
    ('incidents, text q 2 chars rare (pairs index)', '/api/v1/incidents?limit=50&q=' + urllib.parse.quote('宕机'), 50),
    ('incidents, text q + state', '/api/v1/incidents?limit=50&state=closed&q=' + urllib.parse.quote('证书即将'), 50),
    ('case library, page 1', '/api/v1/cases?limit=20', 50),
    ('case library, search', '/api/v1/cases?limit=20&q=' + urllib.parse.quote('配置变更 磁盘使用率'), 50),
    ('events, page 1', '/api/v1/events?limit=100', 50),
    ('events, status=firing', '/api/v1/events?limit=100&status=firing', 50),
    ('events, ci=ci-000042', '/api/v1/events?limit=100&ci=ci-000042', 50),
    ('events, deep page by cursor', '/api/v1/events?limit=100&after={ev_after}', 50),
    ('CIs, page 1', '/api/v1/cis?limit=50', 50),
    ('CIs, category=database', '/api/v1/cis?limit=50&category=database', 50),
    ('CIs, search q', '/api/v1/cis?limit=50&q=ci-0999', 50),
    ('CI impact (the tree root: 9 900 dependents at --scale 1)', '/api/v1/cis/{hub}/impact', 50),
    ('audit, page 1', '/api/v1/audit?limit=50', 50),
    ('audit, entity=incident', '/api/v1/audit?limit=50&entity=incident', 50),
    ('deliveries of an incident', '/api/v1/incidents/{half_inc}/deliveries', 50),
    ('incident detail', '/api/v1/incidents/{half_inc}', 50),
    ('dashboard', '/api/v1/dashboard', 100),
]


class Client:
    def __init__(self, port):
        self.c = http.client.HTTPConnection('127.0.0.1', port, timeout=600)

    def req(self, method, path, body=None, token=None):
        h = {'Content-Type': 'application/json'}
        if token:
            h['Authorization'] = 'Bearer ' + token
        self.c.request(method, path, json.dumps(body) if body is not None else None, h)
        r = self.c.getresponse()
        data = r.read()
        try:
            js = json.loads(data) if data else None
        except ValueError:
            js = None
        return r.status, js

    def must(self, method, path, body=None, token=None):
        st, js = self.req(method, path, body, token)
        if st // 100 != 2:
            sys.exit('scale: %s %s -> %d %s' % (method, path, st, js))
        return js


def pct(v, p):
    s = sorted(v)
    k = max(0, min(len(s) - 1, -(-len(s) * p // 100) - 1))
    return s[k]


def rss_mb(pid):
    try:
        for line in open('/proc/%d/status' % pid):
            if line.startswith('VmRSS:'):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return float('nan')


KEYS_LOADED = 'event de-duplication keys in'


def wait_keys(log, start, timeout=3600):
    """Waits until the server's log (from offset start: this server's part)
    says the event keys are loaded (SQLite with events); False when the
    timeout passed first."""
    t = time.time()
    while time.time() - t < timeout:
        log.flush()
        with open(log.name, 'rb') as f:
            f.seek(start)
            text = f.read().decode('utf-8', 'replace')
        if KEYS_LOADED in text or 'event ingestion:' in text:
            return True
        time.sleep(0.1)
    return False


def serve(binary, db, log):
    port = free_port()
    env = dict(os.environ, OPSDESK_ADMIN_PASSWORD=ADMIN_PW, OPSDESK_PWHASH_COST='min')
    policy = bench_policy.path(os.path.dirname(log.name))
    t = time.time()
    p = subprocess.Popen([binary, 'serve', '--db', db, '--listen', '127.0.0.1:%d' % port, '--policy', policy],
                         env=env, stdout=log, stderr=log)
    import socket
    for _ in range(36000):
        try:
            socket.create_connection(('127.0.0.1', port), timeout=1).close()
            break
        except OSError:
            if p.poll() is not None:
                sys.exit('scale: %s exited (log in %s)' % (binary, log.name))
            time.sleep(0.1)
    return p, port, time.time() - t


def ui_paint(port, n):
    """The UI's first meaningful paint of the dashboard and the incident list
    (bench/ui_paint.mjs, headless Chromium), signed in as bench-ops: a list of
    dicts, one per screen."""
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    out = subprocess.run(['node', os.path.join(root, 'bench', 'ui_paint.mjs'), '--base', 'http://127.0.0.1:%d' % port,
                          '--user', 'bench-ops', '--password', USER_PW, '--n', str(n)],
                         check=True, capture_output=True, text=True, cwd=root)
    return [json.loads(line) for line in out.stdout.splitlines() if line.startswith('{')]


def run(binary, db, n, log, only=None, pg=False, ui=0):
    t0 = time.time()
    log.seek(0, os.SEEK_END)
    log.write('--- scale.py: serving %s\n' % db)
    log.flush()
    start = log.tell()
    p, port, started = serve(binary, db, log)
    try:
        c = Client(port)
        login = lambda u, pw: c.must('POST', '/api/v1/auth/login', {'username': u, 'password': pw})['token']
        sys_t = login('sysadmin', ADMIN_PW)
        st, _ = c.req('POST', '/api/v1/auth/login', {'username': 'bench-ops', 'password': USER_PW})
        if st != 200:
            sec_t = login('secadmin', ADMIN_PW)
            uid = c.must('POST', '/api/v1/users', {'username': 'bench-ops', 'password': USER_PW,
                                                  'display_name': 'bench ops', 'department': '运行部1'}, sys_t)['id']
            c.must('PUT', '/api/v1/users/%d/roles' % uid,
                   {'roles': ['ops_engineer', 'monitoring_engineer']}, sec_t)
            st, _ = c.req('POST', '/api/v1/auth/login', {'username': 'bench-ops', 'password': USER_PW})
        tok = login('bench-ops', USER_PW)
        # the auditor role may not be combined with operational ones: audit read by the auditor
        aud = login('auditor', ADMIN_PW)
        first = c.must('GET', '/api/v1/incidents?limit=1', token=tok)
        top = first['items'][0]['id'] if first['items'] else 1
        hub = c.must('GET', '/api/v1/cis?limit=1', token=tok)['items'][0]['id']
        # ready: on SQLite the ingestion thread loads every event key first (only
        # PostgreSQL's unique index needs no such load)
        if not pg and c.must('GET', '/api/v1/events?limit=1', token=tok)['items']:
            if not wait_keys(log, start):
                sys.exit('scale: the event keys were not loaded within an hour (log in %s)' % log.name)
        started = time.time() - t0
        evs = c.must('GET', '/api/v1/events?limit=100&offset=%d' % 5000, token=tok)
        subst = {'half_inc': str(max(1, top // 2)), 'hub': str(hub), 'ev_after': urllib.parse.quote(
            evs.get('next_after') or '')}
        out = []
        for name, path, target in CASES:
            if only and only not in name:
                continue
            for k, v in subst.items():
                path = path.replace('{%s}' % k, v)
            t_ = aud if path.startswith('/api/v1/audit') else tok
            st, js = c.req('GET', path, token=t_)  # warm-up
            times = []
            for _ in range(n):
                t = time.perf_counter()
                st, js = c.req('GET', path, token=t_)
                times.append((time.perf_counter() - t) * 1000)
            total = js.get('total') if isinstance(js, dict) else None
            est = js.get('total_estimated') if isinstance(js, dict) else None
            items = len(js['items']) if isinstance(js, dict) and isinstance(js.get('items'), list) else None
            out.append((name, path, target, st, pct(times, 50), pct(times, 99), total, est, items))
        paint = ui_paint(port, ui) if ui else []
        return started, rss_mb(p.pid), out, paint
    finally:
        p.terminate()
        p.wait()


GROWING = re.compile(r'^(incidents|events|audit|cases|cis|ci_relations|deadlines|deliveries|outbox|bot_outbox|'
                     r'records|record_\w+|incident_\w+|event_\w+|approval_\w+|checklist_\w+|sessions|ack_links|'
                     r'search_docs)$')


def pg_rewrite(sql):
    """store_pg.c's rewrite(): `?` -> `$n`, LIKE -> ILIKE, LIMIT ? / OFFSET ? kept negative-safe"""
    out, n, quote, i = [], 0, False, 0
    while i < len(sql):
        ch = sql[i]
        if ch == "'":
            quote = not quote
            out.append(ch)
        elif not quote and sql.startswith('LIMIT ?', i):
            n += 1
            out.append('LIMIT NULLIF(GREATEST($%d::bigint, -1), -1)' % n)
            i += 6
        elif not quote and sql.startswith('OFFSET ?', i):
            n += 1
            out.append('OFFSET GREATEST($%d::bigint, 0)' % n)
            i += 7
        elif not quote and ch == '?':
            n += 1
            out.append('$%d' % n)
        elif (not quote and (i == 0 or not (sql[i - 1].isalnum() or sql[i - 1] == '_'))
              and sql[i:i + 4].upper() == 'LIKE' and not (sql[i + 4:i + 5].isalnum() or sql[i + 4:i + 5] == '_')):
            out.append('ILIKE')
            i += 3
        else:
            out.append(ch)
        i += 1
    return ''.join(out)


def pg_names():
    """{the statement as PostgreSQL runs it, whitespace collapsed: its name in src/store/queries*.h}"""
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), 'scripts'))
    import sqlqueries
    qs = sqlqueries.portable_queries()
    qs.update(sqlqueries.pg_overrides())
    return {' '.join(pg_rewrite(sqlqueries.unescape(sql)).split()): name for name, sql in qs.items()}


def explain(a, pg, db, d):
    """PostgreSQL: every statement the requests run, planned on the generated
    data (auto_explain logs each plan; one request per row); prints the
    statements whose plan reads a growing table whole (Seq Scan), with the
    most rows one run of it read there (auto_explain.log_analyze: the rows
    returned and removed by its filter, times its loops; a scan under a LIMIT
    stops early) against the table's rows."""
    name = urllib.parse.urlparse(db).path.lstrip('/')
    pg.psql("ALTER DATABASE \"%s\" SET session_preload_libraries = 'auto_explain'" % name)
    pg.psql("ALTER DATABASE \"%s\" SET auto_explain.log_min_duration = 0" % name)
    pg.psql("ALTER DATABASE \"%s\" SET auto_explain.log_analyze = on" % name)
    logpath = os.path.join(pg.dir, 'log')
    start = os.path.getsize(logpath)
    with open(os.path.join(d, 'server-explain.log'), 'a+') as log:
        run(a.opsdesk, db, 1, log, a.only, pg=True)
    pg.psql("ALTER DATABASE \"%s\" RESET session_preload_libraries" % name)
    pg.psql("ALTER DATABASE \"%s\" RESET auto_explain.log_analyze" % name)
    sizes = dict(line.split('|') for line in pg.psql(
        "SELECT relname, reltuples::bigint FROM pg_class WHERE relkind = 'r' AND relnamespace = "
        "'public'::regnamespace", db=name).split())
    with open(logpath, 'rb') as f:
        f.seek(start)
        text = f.read().decode('utf-8', 'replace')
    plans = text.split('plan:')[1:]
    names = pg_names()
    seq = {}
    for p in plans:
        m = re.search(r'Query Text: (.*?)\n\s*\S.*?\(cost', p, re.S)
        q = ' '.join((m.group(1) if m else p[:200]).split())
        name = names.get(q, '?')
        for m in re.finditer(r'Seq Scan on (\w+)[^\n]*?(?:rows=(\d+) loops=(\d+)\))?\n((?:[ \t]+(?!->)[^\n]*\n)*)', p):
            t = m.group(1)
            if GROWING.match(t):
                removed = re.search(r'Rows Removed by Filter: (\d+)', m.group(4))
                read = (int(m.group(2) or 0) + int(removed.group(1) if removed else 0)) * int(m.group(3) or 1)
                n, most = seq.get((t, name, q[:160]), (0, 0))
                seq[(t, name, q[:160])] = (n + 1, max(most, read))
    print()
    print('PostgreSQL plans of the requests above (auto_explain, %d statements planned): %d read a growing '
          'table whole' % (len(plans), len(seq)))
    for (t, name, q), (n, most) in sorted(seq.items()):
        print('- Seq Scan on %s (%d×, at most %d of its ~%s rows read) %s: `%s`'
              % (t, n, most, sizes.get(t, '?'), name, q))


def generate(a, state):
    """Makes the database: state['db'], ['d'] (its directory), ['pg'], ['gen_s']."""
    if a.pg:
        sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), 'tests', 'pg'))
        import pgtmp
        state['d'] = tempfile.mkdtemp(prefix='opsdesk-scale-pg-', dir=a.dir)
        os.chmod(state['d'], 0o755)
        state['pg'] = pgtmp.Pg().start()
        # LC_CTYPE: docs/deploy/postgresql.md advises 'C.UTF-8' for Chinese text search at scale (pg_trgm takes
        # trigrams only from the characters LC_CTYPE classes as letters or digits: none of the Chinese under 'C')
        state['pg'].psql("CREATE DATABASE scale TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE '%s'"
                         % a.pg_ctype.replace("'", "''"))
        state['db'] = state['pg'].url('scale')
        os.environ['OPSDESK_AUDIT_KEY_FILE'] = os.path.join(state['d'], 'audit.key')
    else:
        state['d'] = tempfile.mkdtemp(prefix='opsdesk-scale-', dir=a.dir)
        state['db'] = os.path.join(state['d'], 'scale.db')
    env = dict(os.environ, OPSDESK_ADMIN_PASSWORD=ADMIN_PW)
    subprocess.run([a.opsdesk, 'init', '--db', state['db']], check=True, capture_output=True, env=env)
    t = time.time()
    subprocess.run([a.gen, '--db', state['db'], '--scale', str(a.scale)], check=True, env=env)
    state['gen_s'] = time.time() - t
    if a.pg:
        # the state autovacuum leaves a while after a bulk load: statistics and the visibility map (an
        # index-only scan reads no table page); not in the generation's time
        t = time.time()
        state['pg'].psql('VACUUM (ANALYZE)', db='scale')
        print('scale: VACUUM (ANALYZE) after the generator: %.0f s' % (time.time() - t))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--opsdesk', required=True)
    ap.add_argument('--gen', help='bench_gen binary (not needed with --db)')
    ap.add_argument('--db', help='an already generated SQLite database, or the URL of a PostgreSQL one '
                    '(nothing generated)')
    ap.add_argument('--scale', type=float, default=0.1)
    ap.add_argument('--n', type=int, default=100, help='requests per case (after one warm-up); with --db URL --pg, '
                    '0: the plans only')
    ap.add_argument('--dir', default='/tmp')
    ap.add_argument('--keep', action='store_true', help='keep the generated database')
    ap.add_argument('--only', help='time only the rows whose name holds this text (e.g. dashboard)')
    ap.add_argument('--ui', type=int, default=0, metavar='N',
                    help='also time the UI\'s first meaningful paint of the dashboard and the incident list, '
                    'N visits each (bench/ui_paint.mjs, headless Chromium; target <= 1 s)')
    ap.add_argument('--pg-ctype', default='C.UTF-8', help="--pg: the database's LC_CTYPE (C.UTF-8, as "
                    "docs/deploy/postgresql.md advises; 'C' as the test clusters)")
    ap.add_argument('--pg', action='store_true', help='generate and serve on a throwaway PostgreSQL 15 '
                    '(then list the plans that read a growing table whole)')
    a = ap.parse_args()
    if not a.db and not a.gen:
        sys.exit('scale: --gen BIN or --db DB')
    state = {'db': a.db, 'd': None, 'pg': None, 'gen_s': None}
    load0 = os.getloadavg()[0]
    try:
        if not a.db:
            generate(a, state)
        db, d, pg, gen_s = state['db'], state['d'], state['pg'], state['gen_s']
        url = db.startswith('postgres')  # --db URL: a PostgreSQL database generated before (--pg --keep)
        if pg:
            size = int(pg.psql("SELECT pg_database_size('scale')").strip())
            print('PostgreSQL database scale: LC_COLLATE C, LC_CTYPE %s' % a.pg_ctype)
            logname = os.path.join(d, 'server.log')
        elif url:
            size = float('nan')
            logname = os.path.join(a.dir, 'server-pg.log')
        else:
            size = sum(os.path.getsize(os.path.join(os.path.dirname(db), f))
                       for f in os.listdir(os.path.dirname(db)) if f.startswith(os.path.basename(db)))
            logname = os.path.join(os.path.dirname(db), 'server.log')
        if url and a.pg and not pg:
            # a cluster kept by --pg --keep: its plans again (e.g. after a migration), timing only with --n
            sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), 'tests',
                                            'pg'))
            import pgtmp
            kept = pgtmp.Pg(urllib.parse.parse_qs(urllib.parse.urlparse(db).query)['host'][0])
            kept.started = True
            if a.n > 0:
                with open(logname, 'a+') as log:
                    print_times(a, run(a.opsdesk, db, a.n, log, a.only, pg=True), None, float('nan'), True, load0)
            explain(a, kept, db, a.dir)
            return
        with open(logname, 'a+') as log:
            print_times(a, run(a.opsdesk, db, a.n, log, a.only, pg=bool(pg) or url, ui=a.ui), gen_s, size, pg or url,
                        load0)
        if pg:
            explain(a, pg, db, d)
    finally:
        pg, d = state['pg'], state['d']
        if pg and not a.keep:
            pg.stop()
        elif pg:
            print('PostgreSQL cluster kept running in %s: %s (stop: python3 tests/pg/pgtmp.py stop %s; serve it '
                  'with OPSDESK_AUDIT_KEY_FILE=%s)' % (pg.dir, state['db'], pg.dir, os.environ['OPSDESK_AUDIT_KEY_FILE']))
        if d and not a.keep:
            shutil.rmtree(d)
        elif d:
            print('database kept in', state['db'])


def print_times(a, res, gen_s, size, pg, load0):
    started, rss, out, paint = res
    print()
    if gen_s is not None:
        print('generated (--scale %g) in %.0f s; ' % (a.scale, gen_s), end='')
    print('%sdatabase %.0f MB; server start (ready) %.1f s; RSS after the run %.0f MB; %d requests per row; '
          'load average %.1f at the start, %.1f at the end (1 min)'
          % ('PostgreSQL 15; ' if pg else 'SQLite; ', size / 1e6, started, rss, a.n, load0,
             os.getloadavg()[0]))
    print()
    print('| request | median ms | p99 ms | target p99 | total (estimated), items |')
    print('|---|---|---|---|---|')
    for name, path, target, st, med, p99, total, est, items in out:
        ok = '' if st == 200 else ' (HTTP %d)' % st
        mark = '' if p99 <= target else ' ✗'
        print('| %s `%s` | %.1f | %.1f%s | %d | %s%s, %s |' % (name, path, med, p99, mark, target, total,
                                                              ' (est.)' if est else '', items, ) + ok)
    if paint:
        print()
        print('UI, headless Chromium, %d visits per screen (ms from the navigation\'s start; target: meaningful '
              '<= 1 000 ms)' % a.ui)
        print()
        print('| screen | first contentful paint, median | meaningful, new context: median / max | '
              'meaningful, cache warm: median / max |')
        print('|---|---|---|---|')
        for r in paint:
            mark = '' if r['meaningful_cold_max_ms'] <= 1000 and r['meaningful_warm_max_ms'] <= 1000 else ' ✗'
            print('| %s | %s | %s / %s%s | %s / %s |' % (r['screen'], r['fcp_median_ms'], r['meaningful_cold_median_ms'],
                  r['meaningful_cold_max_ms'], mark, r['meaningful_warm_median_ms'], r['meaningful_warm_max_ms']))
    sys.stdout.flush()


if __name__ == '__main__':
    main()
