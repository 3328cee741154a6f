#!/usr/bin/env python3
"""gen_lists.py — fills a SQLite database made by `opsdesk init` with list-sized
history, straight into the tables (not through the API), in large
transactions: CIs, incidents (one CI each) and events (repeats and resolves
spread over five years).  For bench/lists.sh (bench/results.md, "Lists at
scale"); a first part of issue 20's generator (no timelines, reports,
deliveries, relations or users yet).

    python3 bench/gen/gen_lists.py --db DB --ext build/od_bigram.so [--incidents 200000] [--events 1000000]
        [--cis 1000] [--seed 20]

The full-text triggers are dropped while the rows go in and put back after;
the indexes are then rebuilt by the sqlite3 shell with opsdesk's od_bigram
tokenizer loaded (--ext: Python's sqlite3 cannot load it).

The rows are deterministic for a seed.  Columns follow
src/store/migrations/0001, 0002 and 0005 (SQLite schema)."""
import argparse
import os
import json
import random
import sqlite3
import subprocess
import sys
import time

DAY = 86400000
YEARS5 = 5 * 365 * DAY
T0 = 1_640_995_200_000  # 2022-01-01T00:00:00Z

DEPTS = ['运行部', '网络部', '安全部', '开发一部', '开发二部', '数据部', '柜面运营部', '信用卡中心', '渠道部', '综合部']
CATS = ['application', 'network', 'database', 'server', 'storage']
GRADES = ['L1', 'L2', 'L3', 'L4']
LEVELS = ['L1', 'L2', 'L3', 'L4']
SEVER = ['critical', 'serious', 'moderate', 'minor']
RESP = ['R1', 'R2', 'R3', 'R4']
# most history is finished; a few are open
STATES = ['reviewed'] * 60 + ['closed'] * 30 + ['resolved'] * 5 + ['activated', 'confirmed', 'reported', 'detected'] * 1
EV_STATES = ['closed'] * 60 + ['open'] * 15 + ['filtered'] * 10 + ['silenced'] * 5 + ['suppressed'] * 5 + ['handled'] * 5
CLASSES = ['info', 'warning', 'exception', None]
SOURCES = ['alertmanager', 'zabbix', 'api']
WORDS = ['磁盘使用率', '温度', 'CPU 负载', '内存不足', '端口抖动', '连接超时', '证书到期', '备份失败', '延迟升高', '进程退出']


def gen_cis(c, rnd, n, now):
    rows = [(i, 'ci-%05d' % i, rnd.choice(CATS), rnd.choice(GRADES), DEPTS[i % len(DEPTS)], '机房%s' % 'ABC'[i % 3],
             now, now) for i in range(1, n + 1)]
    c.executemany('INSERT INTO cis(id, name, category, grade, department, location, created_at, updated_at) '
                  'VALUES(?,?,?,?,?,?,?,?)', rows)


def gen_incidents(c, rnd, n, n_cis, batch=50000):
    step = YEARS5 // max(n, 1)
    for start in range(1, n + 1, batch):
        rows, links = [], []
        for i in range(start, min(start + batch, n + 1)):
            at = T0 + i * step + rnd.randrange(step)
            ci = rnd.randrange(1, n_cis + 1)
            lv = rnd.choice(LEVELS)
            st = rnd.choice(STATES)
            year = time.gmtime(at / 1000).tm_year
            done = st in ('resolved', 'closed', 'reviewed')
            rows.append((i, 'INC-%d-%07d' % (year, i), '%s：%s' % (rnd.choice(WORDS), 'ci-%05d' % ci), st, lv,
                         rnd.choice(SEVER), RESP[LEVELS.index(lv)], RESP[LEVELS.index(lv)], RESP[LEVELS.index(lv)],
                         at, at + 60000, at + 4 * 3600000, at + 1800000, '机房A', '服务响应缓慢 %d' % i, '部分柜面',
                         json.dumps([DEPTS[ci % len(DEPTS)]], ensure_ascii=False), 1 if i % 50 == 0 else 0, 1,
                         at + 3600000 if done else None, at + 7200000 if st in ('closed', 'reviewed') else None,
                         at + 7200000))
            links.append((i, ci))
        c.executemany('INSERT INTO incidents(id, number, title, state, level, severity, base_response, '
                      'response_level, highest_response, detected_at, registered_at, handling_deadline, '
                      'first_report_due, location, symptoms, impact_scope, departments, drill, created_by, '
                      'resolved_at, closed_at, updated_at) VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)',
                      rows)
        c.executemany('INSERT INTO incident_cis(incident_id, ci_id) VALUES(?,?)', links)
        c.commit()


def gen_events(c, rnd, n, n_cis, batch=100000):
    step = YEARS5 // max(n, 1)
    used = set()
    for start in range(1, n + 1, batch):
        rows = []
        for i in range(start, min(start + batch, n + 1)):
            first = T0 + i * step
            count = 1 + (rnd.randrange(20) if rnd.random() < 0.3 else 0)  # repeats
            last = first + (count - 1) * 60000 + rnd.randrange(step)
            st = rnd.choice(EV_STATES)
            status = 'resolved' if st == 'closed' else 'firing'
            ci = rnd.randrange(1, n_cis + 1) if rnd.random() < 0.9 else None
            cls = rnd.choice(CLASSES)
            h = rnd.getrandbits(63)
            while h in used:
                h = rnd.getrandbits(63)
            used.add(h)
            w = rnd.choice(WORDS)
            labels = json.dumps({'alertname': w, 'instance': 'ci-%05d' % ci if ci else 'none'}, ensure_ascii=False)
            rows.append((rnd.choice(SOURCES), 'ev-%08d' % i, status, st, cls, 'warning', '%s %d' % (w, i), ci,
                         labels, '{}', '{}', count, 0, '[]', '', first, last, first, last,
                         last if status == 'resolved' else None, '[]', h))
        c.executemany('INSERT INTO events(source, dedup_key, status, state, class, severity, summary, ci_id, labels, '
                      'annotations, raw, count, flapping, changes, group_key, first_seen, last_seen, received_at, '
                      'updated_at, closed_at, decisions, key_hash) VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)',
                      rows)
        c.commit()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--db', required=True, help='a database made by opsdesk init (SQLite)')
    ap.add_argument('--incidents', type=int, default=200000)
    ap.add_argument('--events', type=int, default=1000000)
    ap.add_argument('--cis', type=int, default=1000)
    ap.add_argument('--seed', type=int, default=20)
    ap.add_argument('--ext', required=True, help="opsdesk's od_bigram.so (built beside the binary)")
    a = ap.parse_args()
    rnd = random.Random(a.seed)
    c = sqlite3.connect(a.db)
    c.execute('PRAGMA journal_mode=WAL')
    c.execute('PRAGMA synchronous=OFF')
    if c.execute('SELECT COUNT(*) FROM incidents').fetchone()[0] or c.execute('SELECT COUNT(*) FROM events').fetchone()[0]:
        sys.exit('gen_lists: %s already holds incidents or events (use a fresh `opsdesk init` database)' % a.db)
    t = time.time()
    now = int(t * 1000)
    triggers = c.execute("SELECT name, sql FROM sqlite_schema WHERE type = 'trigger' AND sql LIKE '%\\_fts%' "
                         "ESCAPE '\\'").fetchall()
    for name, _ in triggers:
        c.execute('DROP TRIGGER %s' % name)
    c.commit()
    gen_cis(c, rnd, a.cis, now)
    c.commit()
    gen_incidents(c, rnd, a.incidents, a.cis)
    t1 = time.time()
    gen_events(c, rnd, a.events, a.cis)
    t2 = time.time()
    for _, sql in triggers:
        c.execute(sql)
    c.commit()
    c.close()
    tables = [r[0] for r in sqlite3.connect(a.db).execute(
        "SELECT name FROM sqlite_schema WHERE type = 'table' AND sql LIKE 'CREATE VIRTUAL TABLE %fts5%'")]
    subprocess.run(['sqlite3', '-cmd', '.load %s' % os.path.splitext(os.path.abspath(a.ext))[0], a.db,
                    ''.join("INSERT INTO %s(%s) VALUES ('rebuild');" % (n, n) for n in tables) +
                    'PRAGMA wal_checkpoint(TRUNCATE);'], check=True, capture_output=True)
    print('gen_lists: %d CIs, %d incidents (%.1f s), %d events (%.1f s) into %s'
          % (a.cis, a.incidents, t1 - t, a.events, t2 - t1, a.db))


if __name__ == '__main__':
    main()
