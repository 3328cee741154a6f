#!/usr/bin/env python3
"""lists.py — the incident and event lists at scale (issue 20, first part):
generates N incidents and M events straight into a SQLite database
(bench/gen/gen_lists.py), then for each binary given (before, after) starts
`opsdesk serve` on that database (the later binary migrates it) and times
each list request: the median of 5 requests after one warm-up, one run,
loopback only.  Prints a Markdown table for bench/results.md.

    python3 bench/lists.py [--incidents 200000] [--events 1000000] [--dir /tmp] BIN [BIN ...]

The first binary makes the database (`opsdesk init`), so give the older one
first.  Timings are wall-clock from this client over one keep-alive
connection; no assertion depends on them."""
import argparse
import http.client
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench_policy  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
ADMIN_PW = 'Admin-pass-1!'
USER_PW = 'User-pass-1!'

CASES = [
    ('incidents, page 1', '/api/v1/incidents?limit=50'),
    ('incidents, deep page (offset 150 000)', '/api/v1/incidents?limit=50&offset=150000'),
    ('incidents, deep page (before_id 50 001)', '/api/v1/incidents?limit=50&before_id=50001'),
    ('incidents, state=activated', '/api/v1/incidents?limit=50&state=activated'),
    ('events, page 1', '/api/v1/events?limit=100'),
    ('events, status=open', '/api/v1/events?limit=100&status=open'),
    ('events, ci=ci-00042', '/api/v1/events?limit=100&ci=ci-00042'),
    ('events, deep page (offset 500 000)', '/api/v1/events?limit=100&offset=500000'),
    # the page after that one by its cursor (next_after of the answer above; a
    # binary without cursors has none: n/a)
    ('events, deep page (after = the cursor at 500 100)', '/api/v1/events?limit=100&after={next_after}'),
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
        return r.status, (json.loads(data) if data else None)

    def must(self, method, path, body=None, token=None):
        st, js = self.req(method, path, body, token)
        if st // 100 != 2:
            sys.exit('lists: %s %s -> %d %s' % (method, path, st, js))
        return js


def free_port():
    s = socket.socket()
    s.bind(('127.0.0.1', 0))
    p = s.getsockname()[1]
    s.close()
    return p


def serve(binary, db, log):
    port = free_port()
    env = dict(os.environ, OPSDESK_ADMIN_PASSWORD=ADMIN_PW, OPSDESK_PWHASH_COST='min')
    t = time.time()
    policy = bench_policy.path(os.path.dirname(db))
    p = subprocess.Popen([binary, 'serve', '--db', db, '--listen', '127.0.0.1:%d' % port, '--policy', policy], env=env,
                         stdout=log, stderr=log)
    for _ in range(6000):
        try:
            socket.create_connection(('127.0.0.1', port), timeout=1).close()
            break
        except OSError:
            if p.poll() is not None:
                sys.exit('lists: %s exited (log in %s)' % (binary, log.name))
            time.sleep(0.1)
    return p, port, time.time() - t


def measure(binary, db, log, first):
    p, port, started = serve(binary, db, log)
    try:
        c = Client(port)
        login = lambda u, pw: c.must('POST', '/api/v1/auth/login', {'username': u, 'password': pw})['token']
        if first:
            sys_t, sec_t = login('sysadmin', ADMIN_PW), login('secadmin', ADMIN_PW)
            uid = c.must('POST', '/api/v1/users', {'username': 'bench-ops', 'password': USER_PW,
                                                  'display_name': 'bench ops', 'department': '运行部'}, sys_t)['id']
            c.must('PUT', '/api/v1/users/%d/roles' % uid, {'roles': ['ops_engineer', 'monitoring_engineer']}, sec_t)
        tok = login('bench-ops', USER_PW)
        out = []
        js = {}
        for name, path in CASES:
            if '{next_after}' in path:
                if not isinstance(js, dict) or not js.get('next_after'):
                    out.append((name, path, None, 0, None, None, None))
                    continue
                path = path.replace('{next_after}', js['next_after'])
            st, js = c.req('GET', path, token=tok)  # warm-up (and the answer's shape)
            times = []
            for _ in range(5):
                t = time.perf_counter()
                st, js = c.req('GET', path, token=tok)
                times.append((time.perf_counter() - t) * 1000)
            out.append((name, path, st, statistics.median(times), js.get('total') if isinstance(js, dict) else None,
                        js.get('total_estimated') if isinstance(js, dict) else None,
                        len(js.get('items', [])) if isinstance(js, dict) else None))
        return started, out
    finally:
        p.terminate()
        p.wait()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--incidents', type=int, default=200000)
    ap.add_argument('--events', type=int, default=1000000)
    ap.add_argument('--dir', default='/tmp')
    ap.add_argument('--keep', action='store_true', help='keep the database')
    ap.add_argument('bins', nargs='+')
    a = ap.parse_args()
    d = tempfile.mkdtemp(prefix='opsdesk-lists-', dir=a.dir)
    db = os.path.join(d, 'lists.db')
    try:
        env = dict(os.environ, OPSDESK_ADMIN_PASSWORD=ADMIN_PW)
        subprocess.run([a.bins[0], 'init', '--db', db], check=True, capture_output=True, env=env)
        t = time.time()
        subprocess.run([sys.executable, os.path.join(HERE, 'gen', 'gen_lists.py'), '--db', db, '--incidents',
                        str(a.incidents), '--events', str(a.events), '--ext',
                        os.path.join(os.path.dirname(a.bins[-1]), 'od_bigram.so')], check=True)
        print('generated in %.0f s; database %.0f MB' % (time.time() - t, os.path.getsize(db) / 1e6))
        results = []
        with open(os.path.join(d, 'server.log'), 'w') as log:
            for i, b in enumerate(a.bins):
                results.append(measure(b, db, log, i == 0))
        print()
        print('| request | ' + ' | '.join('%s (ms, median of 5)' % os.path.relpath(b) for b in a.bins) +
              ' | total / estimated (last) |')
        print('|---|' + '---|' * len(a.bins) + '---|')
        for k, (name, path, *_rest) in enumerate(CASES):
            cells = []
            for started, out in results:
                _, _, st, ms, total, est, n = out[k]
                cells.append('n/a' if st is None else '%.1f' % ms if st == 200 else 'HTTP %d' % st)
            _, _, st, ms, total, est, n = results[-1][1][k]
            print('| %s `%s` | %s | %s%s, %s items |' % (name, path, ' | '.join(cells), total,
                                                        ' (estimated)' if est else '', n))
        print('| server start (migrations included), s | ' +
              ' | '.join('%.1f' % s for s, _ in results) + ' | |')
    finally:
        if a.keep:
            print('database kept in', db)
        else:
            shutil.rmtree(d)


if __name__ == '__main__':
    main()
