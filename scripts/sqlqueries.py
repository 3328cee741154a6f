"""The query lists of src/store (X(NAME, "sql" ...) entries), shared by
check-sql-binds.py and check-query-plans.py."""
import glob
import os
import re

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# queries_pg.h holds PostgreSQL overrides of the portable lists (store_pg.c).
PG_OVERRIDES = os.path.join(ROOT, 'src/store/queries_pg.h')


def read_queries(text):
    """{name: sql} of every X(name, "..." "...") in text (C string pieces joined, escapes kept)"""
    out = {}
    for m in re.finditer(r'X\((\w+),((?:\s*\\?\s*"(?:[^"\\]|\\.)*"\s*\\?)+)\)', text):
        out[m.group(1)] = ''.join(re.findall(r'"((?:[^"\\]|\\.)*)"', m.group(2)))
    return out


def portable_files(root=ROOT):
    return sorted(f for f in glob.glob(os.path.join(root, 'src/store/queries*.h'))
                  if os.path.basename(f) != os.path.basename(PG_OVERRIDES))


def portable_queries(root=ROOT):
    """{name: sql} of every portable query list (not queries_pg.h)"""
    return read_queries(''.join(open(f).read() for f in portable_files(root)))


def pg_overrides(root=ROOT):
    """{name: sql} of queries_pg.h, its comments left out"""
    p = os.path.join(root, 'src/store/queries_pg.h')
    if not os.path.exists(p):
        return {}
    return read_queries(re.sub(r'^\s*(/\*.*?\*/|//[^\n]*)', '', open(p).read(), flags=re.S))


def placeholders(text):
    """the number of ? binds in text, those inside string literals left out"""
    return re.sub(r"'(?:[^']|'')*'", "''", text).count('?')


def unescape(text):
    """the SQL a C string literal's body stands for (\\\\ -> \\, \\" -> ")"""
    return re.sub(r'\\(.)', lambda m: {'n': '\n', 't': '\t'}.get(m.group(1), m.group(1)), text)
