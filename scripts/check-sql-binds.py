#!/usr/bin/env python3
# Checks every od_tx_exec/query/scalar/insert call: its binds (OD_BINDS(...)
# or OD_NOBINDS, store.h) are as many as the SQL has placeholders, the old
# format-string form is gone, and string-looking arguments are not bound as
# integers nor integer-looking ones as text (the compiler checks the types of
# the constructors; this catches a right type in the wrong place).  An insert
# needing an id runs by od_tx_insert on an INSERT without RETURNING (the
# backend gives the id), never by od_tx_scalar over RETURNING id.
import re,glob,os,sys
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from sqlqueries import ROOT as root, portable_queries, pg_overrides, placeholders
bad=0
sql=portable_queries(root)
# An override (queries_pg.h, store_pg.c) binds as many parameters as its
# portable twin, and neither carries RETURNING id (store_pg.c adds it for
# od_tx_insert).
pg=pg_overrides(root)
for name,text in pg.items():
    if name not in sql:
        bad+=1; print(f"queries_pg.h {name}: overrides no portable query"); continue
    if placeholders(text)!=placeholders(sql[name]):
        bad+=1; print(f"queries_pg.h {name}: binds {placeholders(text)} parameters, its portable twin {placeholders(sql[name])}")
    if re.search(r'RETURNING\s+id\b', text) and not re.search(r'RETURNING\s+id\b', sql[name]):
        bad+=1; print(f"queries_pg.h {name}: RETURNING id is added by the backend, not written")
def split_args(call):
    """the top-level comma-separated arguments of call, stripped"""
    args=[];d=0;cur='';k=0
    while k<len(call):
        c=call[k]
        if c in '"\'':
            e=k+1
            while call[e]!=c:
                if call[e]=='\\': e+=1
                e+=1
            cur+=call[k:e+1]; k=e+1; continue
        if c in '([{': d+=1
        if c in ')]}': d-=1
        if c==',' and d==0: args.append(cur.strip()); cur=''
        else: cur+=c
        k+=1
    args.append(cur.strip())
    return args if any(args) else []

files=[f for f in glob.glob(os.path.join(root,'src/**/*.c'), recursive=True) if not f.endswith(('store_sqlite.c', 'store/store.c'))]
for f in files:
    s=open(f).read()
    for m in re.finditer(r'od_tx_(exec|query|scalar|insert)\(', s):
        i=m.end(); depth=1; j=i
        while depth:
            c=s[j]
            if c=='(': depth+=1
            elif c==')': depth-=1
            elif c=='"':
                j+=1
                while s[j]!='"':
                    if s[j]=='\\': j+=1
                    j+=1
            j+=1
        call=s[i:j-1]
        args=split_args(call)
        q=args[1].replace('OD_Q_','')
        fi = 2 if m.group(1)=='exec' else 3
        line=s[:m.start()].count('\n')+1
        n=sql.get(q,'').count('?')
        if q not in sql:
            bad+=1; print(f"{f}:{line} {q}: unknown query"); continue
        is_insert=re.match(r'\s*INSERT\b', sql[q]) is not None
        if m.group(1)=='insert' and (not is_insert or 'RETURNING' in sql[q]):
            bad+=1; print(f"{f}:{line} {q}: od_tx_insert needs an INSERT without RETURNING")
        if m.group(1)=='scalar' and is_insert and re.search(r'RETURNING\s+id\b', sql[q]):
            bad+=1; print(f"{f}:{line} {q}: an insert giving its id runs by od_tx_insert, without RETURNING id")
        if m.group(1)=='scalar' and is_insert and 'RETURNING' not in sql[q]:
            bad+=1; print(f"{f}:{line} {q}: od_tx_scalar on an INSERT without RETURNING: od_tx_insert")
        if len(args)!=fi+2:
            bad+=1; print(f"{f}:{line} {q}: binds must be OD_BINDS(...) or OD_NOBINDS, got {args[fi:]}"); continue
        b=args[fi+1]
        if b=='OD_NOBINDS':
            binds=[]
        elif b.startswith('OD_BINDS(') and b.endswith(')'):
            binds=split_args(b[len('OD_BINDS('):-1])
        else:
            bad+=1; print(f"{f}:{line} {q}: binds must be OD_BINDS(...) or OD_NOBINDS, got {b[:40]}"); continue
        if len(binds)!=n:
            bad+=1; print(f"{f}:{line} {q}: binds {len(binds)} sql ? {n}")
        for x in binds:
            mm=re.match(r'(OD_\w+)\((.*)\)$', x, re.S)
            if not mm or mm.group(1) not in ('OD_TEXT','OD_INT','OD_INT_OR_NULL','OD_INT_NONZERO','OD_BOOL','OD_REAL','OD_NULL'):
                bad+=1; print(f"{f}:{line} {q}: not a bind constructor: {x[:40]}"); continue
            ctor=mm.group(1); a=(split_args(mm.group(2)) or [''])[0]
            looks_str = a.startswith('"') or 'S(' in a or 'text' in a or '_key(' in a or a in('th','h','sc','b','d','attrs','like','qq','st','lv','rs','c','g','en','ac','cause','kind','desk','reason','subject','body','number','year_key','depstr','v','cs','ns','clike','cat')
            if ctor in ('OD_INT','OD_INT_OR_NULL','OD_INT_NONZERO','OD_BOOL') and looks_str and not a.startswith('(int64_t)'):
                bad+=1; print(f"{f}:{line} {q}: {ctor} given {a}?")
            if ctor=='OD_TEXT' and (a.startswith('(int64_t)') or a in ('now','id','x->id','x.id','uid','deadline_id','recipient')):
                bad+=1; print(f"{f}:{line} {q}: OD_TEXT given {a}?")

print('sql binds: %d problems' % bad)
sys.exit(1 if bad else 0)
