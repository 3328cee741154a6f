#!/usr/bin/env python3
# Every SELECT/UPDATE/DELETE of the portable query lists (src/store/queries*.h,
# not queries_pg.h) is planned by SQLite (EXPLAIN QUERY PLAN) on a fresh
# database made by `opsdesk init`.  A full scan (SCAN <table>, with or without
# an index to walk) of a table that grows without bound fails the check,
# unless the statement is in ALLOW below with a one-line reason (R-PERF, issue
# "fast at scale").  Statements of the allowlist that no longer scan are
# reported too, so the list only shrinks.
#   usage: check-query-plans.py <opsdesk binary>
import os
import re
import sqlite3
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from sqlqueries import placeholders, portable_queries, unescape  # noqa: E402

# tables whose rows grow with the years: incidents, events, audit, ...
GROWING = re.compile(r'^(incidents|events|audit|cases|cis|ci_relations|deadlines|deliveries|outbox|bot_outbox|'
                     r'records|record_\w+|incident_\w+|event_\w+|approval_\w+|checklist_\w+|sessions|ack_links)$')

NOT_YET = 'issue 20: not yet indexed'
CI_NAME_SEARCH = ('text search q of 1-2 characters over CI names (a LIKE reads the CI name index); '
                  'q of 3 or more goes to INC_LIST_TEXT / INC_COUNT_TEXT (full-text, migration 0030)')
ALLOW = {
    # statement: reason (one line, true)
    'AUDIT_LAST': 'rowid order with LIMIT 1: reads one row',
    'EV_KEYS_ALL': 'once at start: loads every event key into the in-memory dedup map (must read all rows)',
    'EV_CI_COUNT': 'ingestion cache: counts the CIs once per CMDB version change, before loading them',
    'EV_CI_ALL': 'ingestion cache: loads every CI once per CMDB version change (only when few enough)',
    'CASE_COUNT': NOT_YET,
    'CASE_SEARCH': 'walks cases_created newest first (0030): a page without filters reads its rows; a text query '
                   'goes to CASE_SEARCH_FTS / CASE_SEARCH_LIKE (queries_cases.h), a scope is applied in C',
    'CI_UNVERIFIED': NOT_YET,
    'CI_UNVERIFIED_COUNT': NOT_YET,
    'DL_FIRED_COUNT': NOT_YET,
    'EV_BY_KEY': 'PostgreSQL only, by its unique (source, dedup_key) index (0015); SQLite keeps the keys in memory',
    'EV_ABSENT_IDS': 'PostgreSQL only (several nodes), by its unique (source, dedup_key) index (0015); SQLite keeps '
                     'the keys in memory',
    'INC_LIST': CI_NAME_SEARCH,
    'INC_LIST_STATE': CI_NAME_SEARCH,
    'INC_LIST_LEVEL': CI_NAME_SEARCH,
    'INC_COUNT': CI_NAME_SEARCH,
    'INC_COUNT_STATE': CI_NAME_SEARCH,
    'INC_COUNT_LEVEL': CI_NAME_SEARCH,
    'INC_LIST_MINE': CI_NAME_SEARCH,
    'INC_LIST_OWNED': CI_NAME_SEARCH,
    'INC_COUNT_MINE': CI_NAME_SEARCH,
    'INC_COUNT_OWNED': CI_NAME_SEARCH,
    'INC_SORT_ID_ASC': CI_NAME_SEARCH,
    'INC_SORT_DETECTED_DESC': CI_NAME_SEARCH,
    'INC_SORT_DETECTED_ASC': CI_NAME_SEARCH,
    'INC_SORT_LEVEL_ASC': CI_NAME_SEARCH,
    'INC_SORT_LEVEL_DESC': CI_NAME_SEARCH,
    'INC_LIST_RESP': CI_NAME_SEARCH,
    'INC_COUNT_RESP': CI_NAME_SEARCH,
    'KE_LIST': NOT_YET,
    'PC_CI_COUNTS': 'the daily candidates job groups every incident-CI pair (a background sweep; issue 20: by date)',
    'PC_CI_R1_COUNTS': 'the daily candidates job groups every incident-CI pair (a background sweep; issue 20: by date)',
    'PC_RULE_COUNTS': 'the daily candidates job groups the events that opened incidents by rule (a background sweep)',
    'PC_RULE_INCIDENTS': 'the daily candidates job: one event rule\'s incidents, once a day per rule over its threshold',
    'PC_RULE_CIS': 'the daily candidates job: one event rule\'s CIs, once a day per rule over its threshold',
}


KEYWORDS = {'where', 'on', 'left', 'right', 'inner', 'outer', 'cross', 'join', 'group', 'order', 'limit', 'using',
            'set', 'natural', 'union', 'as'}


def aliases(q):
    """{name as the plan shows it: table} for every FROM/JOIN/UPDATE table of q"""
    out = {}
    for m in re.finditer(r'\b(?:FROM|JOIN|UPDATE)\s+(\w+)(?:\s+(?:AS\s+)?(\w+))?', q, re.I):
        t, a = m.group(1), m.group(2)
        out[t] = t
        if a and a.lower() not in KEYWORDS:
            out[a] = t
    return out


def scans(q, plan):
    """the plan lines of q that read a growing table whole"""
    names = aliases(q)
    out = []
    for row in plan:
        m = re.match(r'SCAN (\w+)(?: AS \w+)?(?: USING (?:COVERING )?INDEX \w+)?$', row[3])
        if m and GROWING.match(names.get(m.group(1), m.group(1))):
            out.append(row[3])
    return out


def main():
    if len(sys.argv) != 2:
        print('usage: check-query-plans.py <opsdesk binary>', file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as d:
        db = os.path.join(d, 'plans.db')
        env = dict(os.environ, OPSDESK_ADMIN_PASSWORD='Plan-check-1!')
        subprocess.run([sys.argv[1], 'init', '--db', db], check=True, capture_output=True, env=env)
        c = sqlite3.connect(db)
        # Python's sqlite3 cannot load opsdesk's od_bigram tokenizer (migration
        # 0052); a plan does not depend on the tokenizer, so its tables are
        # planned with the built-in trigram one in their place.
        c.execute('PRAGMA writable_schema = ON')
        c.execute("UPDATE sqlite_schema SET sql = replace(sql, 'od_bigram', 'trigram') WHERE sql LIKE '%od_bigram%'")
        c.commit()
        c.close()
        c = sqlite3.connect(db)
        bad = 0
        checked = 0
        for name, text in sorted(portable_queries().items()):
            q = unescape(text)
            if not re.match(r'\s*(SELECT|UPDATE|DELETE|WITH)\b', q, re.I):
                continue
            checked += 1
            try:
                plan = c.execute('EXPLAIN QUERY PLAN ' + q, [None] * placeholders(q)).fetchall()
            except sqlite3.Error as ex:
                bad += 1
                print('%s: cannot be planned: %s' % (name, ex))
                continue
            found = scans(q, plan)
            if found and name not in ALLOW:
                bad += 1
                print('%s: full scan: %s' % (name, '; '.join(found)))
            elif not found and name in ALLOW:
                bad += 1
                print('%s: in the allowlist but no longer scans: take it out' % name)
        for name in sorted(set(ALLOW) - set(portable_queries())):
            bad += 1
            print('%s: in the allowlist but no such query' % name)
        print('query plans: %d statements, %d allowed scans, %d problems' % (checked, len(ALLOW), bad))
        return 1 if bad else 0


if __name__ == '__main__':
    sys.exit(main())
