#!/usr/bin/env python3
# Checks every od_tx_exec/query/scalar call: the bind format has as many
# letters as arguments and as the SQL has placeholders, and string-looking
# arguments are not bound as integers (a varargs mismatch is undefined behaviour).
import re,glob,os,sys
root=os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
bad=0
qs=''.join(open(f).read() for f in glob.glob(os.path.join(root,'src/store/queries*.h')))
sql={}
for m in re.finditer(r'X\((\w+),((?:\s*"(?:[^"\\]|\\.)*"\s*\\?)+)\)', qs):
    sql[m.group(1)]=''.join(re.findall(r'"((?:[^"\\]|\\.)*)"', m.group(2)))
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
        # split args at top level
        args=[];d=0;cur='';k=0
        while k<len(call):
            c=call[k]
            if c=='"':
                e=k+1
                while call[e]!='"':
                    if call[e]=='\\': e+=1
                    e+=1
                cur+=call[k:e+1]; k=e+1; continue
            if c in '([{': d+=1
            if c in ')]}': d-=1
            if c==',' and d==0: args.append(cur.strip()); cur=''
            else: cur+=c
            k+=1
        args.append(cur.strip())
        q=args[1].replace('OD_Q_','')
        fi = 3 if m.group(1)=='exec' else 4
        fmt=args[fi].strip('"')
        rest=args[fi+1:]
        n=sql.get(q,'').count('?')
        line=s[:m.start()].count('\n')+1
        if len(fmt)!=len(rest) or len(fmt)!=n:
            bad+=1; print(f"{f}:{line} {q}: fmt {len(fmt)} args {len(rest)} sql ? {n}")
        for ch,a in zip(fmt,rest):
            looks_str = a.startswith('"') or 'S(' in a or 'text' in a or '_key(' in a or a in('th','h','sc','b','d','attrs','like','qq','st','lv','rs','c','g','en','ac','cause','kind','desk','reason','subject','body','number','year_key','depstr','v','cs','ns','clike','cat')
            if ch in 'iIb' and looks_str and not a.startswith('(int64_t)'):
                bad+=1; print(f"{f}:{line} {q}: '{ch}' given {a}?")
            if ch=='s' and (a.startswith('(int64_t)') or a in ('now','id','x->id','x.id','uid','deadline_id','recipient')):
                bad+=1; print(f"{f}:{line} {q}: 's' given {a}?")

print('sql binds: %d problems' % bad)
sys.exit(1 if bad else 0)
