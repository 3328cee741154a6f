#!/usr/bin/env python3
"""convert_binds.py — rewrites store calls to the typed-bind interface (store.h).

Re-runnable and idempotent: a call already in the new form is left alone, so
it can be run again over files changed since (e.g. after a merge):

    python3 scripts/dev/convert_binds.py [--check] [FILE|DIR ...]   (default: src tests bench)

run from the top of the repository (it reads src/store/queries*.h).

What it rewrites (each only where the old shape is recognised; anything else
is reported as "left alone" with file:line, to be fixed by hand):

  binds   od_tx_exec/query/scalar/insert(..., "fmt", a, b, ...) ->
          od_tx_exec(..., OD_BINDS(OD_TEXT(a), OD_INT(b), ...)); "" -> OD_NOBINDS.
          Letters: s OD_TEXT, i OD_INT, b OD_BOOL, d OD_REAL,
          I OD_INT_OR_NULL(x, x != 0) (the old "0 means NULL", spelled out;
          OD_INT_NONZERO(expr) for an expression, OD_NULL() for a literal 0).
  rows    od_rows_next(r, e) (1 row / 0 done / -1 error, easy to read as "no
          row") -> od_rows_step(r, &row) (od_err, *row), the error going to the
          function's `od_err rc`:
            while (!rc && (s = od_rows_next(r, e)) == 1)   (also if, also without s)
              -> bool row = false;  while (!rc && !(rc = od_rows_step(r, &row)) && row)
            int s = rc ? -1 : od_rows_next(r, e);   (or without "rc ? -1 :")
              -> bool row = false;  if (!rc) rc = od_rows_step(r, &row);
          and the later reads of s in the function: s == 1 -> row,
          s < 0 -> rc, s == 0 -> (!rc && !row), s <= 0 -> !row; "if (!rc && s < 0) rc = ...;"
          and "s < 0 ? OD_E_STORE :" vanish, the declaration of s goes when
          nothing reads it any more.  Calls in other shapes (or in functions
          without `od_err rc`) are reported, to be fixed by hand.
  insert  an INSERT query ending in `RETURNING id` (src/store/queries*.h) loses
          it, and od_tx_scalar on an INSERT query becomes od_tx_insert (the
          new id by the backend, a conflict OD_E_CONFLICT); after a call on
          an `ON CONFLICT ... DO NOTHING` insert, `rc == OD_E_NOT_FOUND`
          ("nothing inserted", a few lines on) becomes `rc == OD_E_CONFLICT`.
With --check nothing is written; the exit status says whether anything
would change.
"""
import os
import re
import sys

CALL = re.compile(r'\bod_tx_(exec|query|scalar|insert)\s*\(')
FMT_AT = {'exec': 3, 'query': 4, 'scalar': 4, 'insert': 4}
SIMPLE = re.compile(r'^[A-Za-z_][\w]*(?:(?:\.|->)[A-Za-z_]\w*|\[\w+\])*$')
SKIP = ('src/store/store.c', 'src/store/store.h', 'src/store/store_sqlite.c', 'src/store/store_int.h')


def skip_lit(s, k):
    """s[k] is a quote: index after the closing quote."""
    q = s[k]
    k += 1
    while s[k] != q:
        if s[k] == '\\':
            k += 1
        k += 1
    return k + 1


def skip_comment(s, k):
    """s[k:k+2] opens a comment: index after it (or k if none)."""
    if s.startswith('/*', k):
        return s.index('*/', k + 2) + 2
    if s.startswith('//', k):
        n = s.find('\n', k)
        return len(s) if n < 0 else n
    return k


def split_call(s, i):
    """s[i] is just after '(': (list of (start, end) of top-level args, index of ')')."""
    args, start, depth, k = [], i, 0, i
    while True:
        c = s[k]
        if c in '"\'':
            k = skip_lit(s, k)
            continue
        if c == '/' and s[k + 1:k + 2] in ('*', '/'):
            k = skip_comment(s, k)
            continue
        if c in '([{':
            depth += 1
        elif c in ')]}':
            if depth == 0:
                args.append((start, k))
                return args, k
            depth -= 1
        elif c == ',' and depth == 0:
            args.append((start, k))
            start = k + 1
        k += 1


def parse_literal(text):
    """The value of one or more adjacent string literals, or None."""
    t = text.strip()
    if not t.startswith('"'):
        return None
    parts = re.findall(r'"((?:[^"\\]|\\.)*)"', t)
    if re.sub(r'"((?:[^"\\]|\\.)*)"', '', t).strip():
        return None
    return ''.join(parts)


def wrap(letter, core):
    if letter == 's':
        return 'OD_TEXT(%s)' % core
    if letter == 'i':
        return 'OD_INT(%s)' % core
    if letter == 'b':
        return 'OD_BOOL(%s)' % core
    if letter == 'd':
        return 'OD_REAL(%s)' % core
    if letter == 'I':
        if re.fullmatch(r'(?:\(int64_t\))?0', core):
            return 'OD_NULL()'
        if SIMPLE.match(core):
            return 'OD_INT_OR_NULL(%s, %s != 0)' % (core, core)
        return 'OD_INT_NONZERO(%s)' % core
    raise ValueError(letter)


def ws_split(piece):
    """(leading whitespace, core, trailing whitespace)"""
    core = piece.strip()
    if not core:
        return piece, '', ''
    a = piece.index(core)
    return piece[:a], core, piece[a + len(core):]


def convert_binds(s, path, notes):
    out, pos, n = [], 0, 0
    for m in CALL.finditer(s):
        if m.start() < pos:
            continue
        line = s.count('\n', 0, m.start()) + 1
        try:
            args, close = split_call(s, m.end())
        except (IndexError, ValueError):
            notes.append('%s:%d: cannot parse the call, left alone' % (path, line))
            continue
        fi = FMT_AT[m.group(1)]
        if len(args) <= fi:
            continue  # a prototype or a call in the new form without binds
        ftext = s[args[fi][0]:args[fi][1]]
        core = ftext.strip()
        if core.startswith(('OD_BINDS', 'OD_NOBINDS')):
            continue  # already converted
        fmt = parse_literal(ftext)
        if fmt is None:
            notes.append('%s:%d: bind format is not a literal (%s), left alone' % (path, line, core[:40]))
            continue
        rest = args[fi + 1:]
        if len(rest) != len(fmt) or any(c not in 'sibdI' for c in fmt):
            notes.append('%s:%d: format "%s" does not match %d arguments, left alone' % (path, line, fmt, len(rest)))
            continue
        lead = ftext[:len(ftext) - len(ftext.lstrip())]
        if not fmt:
            rep = lead + 'OD_NOBINDS'
        else:
            pieces = []
            for j, (letter, (a, b)) in enumerate(zip(fmt, rest)):
                l, c, t = ws_split(s[a:b])
                if j == 0 and '\n' not in l:
                    l = ''
                if j == len(fmt) - 1:
                    pieces.append(l + wrap(letter, c) + ')' + t)
                else:
                    pieces.append(l + wrap(letter, c) + t)
            rep = lead + 'OD_BINDS(' + ','.join(pieces)
        out.append(s[pos:args[fi][0]])
        out.append(rep)
        pos = close
        n += 1
    out.append(s[pos:])
    return ''.join(out), n


NEXT = re.compile(r'\bod_rows_next\(\s*(\w+)\s*,\s*&?\w+\s*\)')


def func_bounds(s, pos):
    """(start, end) of the function body around pos: '{' and '}' at column 0."""
    a = s.rfind('\n{', 0, pos)
    b = s.find('\n}', pos)
    return (a + 1 if a >= 0 else 0), (b + 2 if b >= 0 else len(s))


def code_only(text):
    """text with string and character literals and comments blanked (same length)."""
    return re.sub(r'"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\'|/\*.*?\*/|//[^\n]*',
                  lambda m: m.group(0)[0] + ' ' * (len(m.group(0)) - 2) + m.group(0)[-1], text, flags=re.S)


def indent_of(line):
    return len(line) - len(line.lstrip())


def in_scope(text, decl_at, site_at):
    """Whether a declaration at decl_at is still in scope at site_at (no line
    between them is indented less than the declaration)."""
    ls = text.rfind('\n', 0, decl_at) + 1
    ind = indent_of(text[ls:text.find('\n', ls)])
    for line in text[ls:site_at].split('\n')[1:]:
        if line.strip() and not line.lstrip().startswith('#') and indent_of(line) < ind:
            return False
    return True


def row_var(s, fa, ls):
    """(name, reuse): a bool row variable in scope at ls to reuse, else a new name."""
    body = s[fa:ls]
    decls = list(re.finditer(r'\bbool (row\d*) = false;', body))
    for d in reversed(decls):
        if in_scope(s, fa + d.start(), ls):
            return d.group(1), True
    sig = s.rfind('\n}', 0, fa)
    used = set(re.findall(r'\b(row\d*)\b', code_only(s[sig + 1 if sig >= 0 else 0:s.find('\n}', ls)])))
    n = 1
    while True:
        name = 'row' if n == 1 else 'row%d' % n
        if name not in used:
            return name, False
        n += 1


def unbraced(s, line_start):
    """Whether the statement at line_start is the body of an if/else/for/while without braces."""
    prev = s[:line_start].rstrip()
    return prev.endswith(')') or prev.endswith('else')


def tidy_rc_blocks(body):
    """Inside `if (rc) {` blocks (rc is an error there), the store error is rc itself."""
    out, pos = [], 0
    for m in re.finditer(r'(?m)^([ \t]*)(?:\} else )?if \(rc\) \{\n', body):
        ind = m.group(1)
        end = body.find('\n' + ind + '}', m.end())
        if end < 0:
            continue
        blk = body[m.end():end]
        blk = re.sub(r'(?m)^[ \t]*rc = OD_E_STORE;\n', '', blk)
        blk = re.sub(r'\breturn OD_E_STORE;', 'return rc;', blk)
        blk = re.sub(r'\brc \? rc : OD_E_STORE\b', 'rc', blk)
        out.append(body[pos:m.end()] + blk)
        pos = end
    out.append(body[pos:])
    return ''.join(out)


def fix_reads(body, v, row):
    """Rewrites the reads of int v (1/0/-1 from od_rows_next) in body, where a
    store error is now in rc and *row says whether a row was read."""
    w = re.escape(v)
    body = re.sub(r'\n[ \t]*(?:else )?if \((?:!rc && )?%s < 0\)\n[ \t]*rc = OD_E_STORE;' % w, '', body)
    body = re.sub(r'(?m)^([ \t]*)if \(%s < 0\)\n([ \t]*)return OD_E_STORE;' % w, r'\1if (rc)\n\2return rc;', body)
    body = re.sub(r'\brc \? rc : %s < 0 \? OD_E_STORE : ' % w, 'rc ? rc : ', body)
    body = re.sub(r'\breturn %s < 0 \? OD_E_STORE : ' % w, 'return rc ? rc : ', body)
    body = re.sub(r'\(rc \|\| %s < 0\)' % w, '(rc)', body)
    body = re.sub(r'\b%s == 1\b' % w, row, body)
    body = re.sub(r'\b%s != 1\b' % w, '!' + row, body)
    body = re.sub(r'\b%s == 0\b' % w, '(!rc && !%s)' % row, body)
    body = re.sub(r'\b%s <= 0\b' % w, '!' + row, body)
    body = re.sub(r'\b%s > 0\b' % w, row, body)
    body = re.sub(r'\b%s != 0\b' % w, '(rc || %s)' % row, body)
    body = re.sub(r'\b%s < 0\b' % w, 'rc', body)
    body = re.sub(r'\b%s >= 0\b' % w, '!rc', body)
    body = re.sub(r'!rc && !rc\b', '!rc', body)
    body = re.sub(r'\brc \? rc : OD_OK\b', 'rc', body)
    body = re.sub(r'(if \(rc\)\n[ \t]*return )rc \? rc : OD_E_STORE;', r'\1rc;', body)
    body = re.sub(r'\brc \|\| rc\b', 'rc', body)
    body = re.sub(r'!rc && \(!rc && !(\w+)\)', r'!rc && !\1', body)
    body = re.sub(r'\(\(!rc && !(\w+)\)\)', r'(!rc && !\1)', body)
    body = re.sub(r'\(\(rc \|\| (\w+)\)\)', r'(rc || \1)', body)
    body = re.sub(r'^\(!rc && !(\w+)\)', r'!rc && !\1', body)
    return tidy_rc_blocks(body)


def reads_end(tail, v):
    """Where the reads of v that belong to this call end: its next assignment or declaration."""
    m = re.search(r'\bint %s\b|\b%s = |, %s\b' % ((re.escape(v),) * 3), code_only(tail))
    return m.start() if m else len(tail)


def drop_decl(s, fa, fb, v):
    """Removes the declaration of v in s[fa:fb] when nothing else names it."""
    w = re.escape(v)
    for m in re.finditer(r'(?m)^[ \t]*int [^;\n]*\b%s\b[^;\n]*;\n' % w, s[fa:fb]):
        region = code_only(s[fa + m.end():fb])
        nd = re.search(r'\bint %s\b' % w, region)
        if nd:
            region = region[:nd.start()]
        if re.search(r'\b%s\b' % w, region):
            continue
        line = m.group(0)
        if re.fullmatch(r'[ \t]*int %s(?: = -?\d+)?;\n' % w, line):
            new = ''
        else:
            new = re.sub(r', %s(?: = -?\d+)?(?=[,;])' % w, '', line)
            new = re.sub(r'\bint %s(?: = -?\d+)?, ' % w, 'int ', new)
        return s[:fa + m.start()] + new + s[fa + m.end():]
    return s


def convert_rows_one(s, m, path, notes):
    """Converts the od_rows_next call at m; the new text, or None."""
    line = s.count('\n', 0, m.start()) + 1
    fa, fb = func_bounds(s, m.start())
    sig = s.rfind('\n}', 0, fa)
    if not re.search(r'\bod_err rc\b', s[sig + 1 if sig >= 0 else 0:m.start()]):
        notes.append('%s:%d: od_rows_next in a function without od_err rc, left alone' % (path, line))
        return None
    ls = s.rfind('\n', 0, m.start()) + 1
    le = s.find('\n', m.start())
    stmt = s[ls:le]
    indent = stmt[:indent_of(stmt)]
    r = m.group(1)
    row, reuse = row_var(s, fa, ls)
    call = re.escape(m.group(0))
    decl = indent + ('%s = false;\n' if reuse else 'bool %s = false;\n') % row
    # int s = rc ? -1 : od_rows_next(r, e);   int s = od_rows_next(r, e);   s = od_rows_next(r, e);
    mm = re.match(r'^[ \t]*(int )?(\w+) = (rc \? -1 : )?%s;[ \t]*$' % call, stmt)
    if mm:
        v = mm.group(2)
        new = decl + indent + ('if (!rc)\n' + indent + '    ' if mm.group(3) else '') + \
            'rc = od_rows_step(%s, &%s);' % (r, row)
        rest = s[le:fb]
        cut = reads_end(rest, v)
        nx = re.search(r'\brc = |\breturn\b|\bgoto\b', rest)
        if nx and not re.search(r'\brc\b|%s < 0' % re.escape(v), rest[:nx.start()]) and \
                not rest[nx.start():].startswith('return rc'):
            notes.append('%s:%d: the error of od_rows_step may be dropped after it (check by hand)' % (path, line))
        nd = re.search(r'\bint %s\b' % re.escape(v), code_only(rest))
        scope = code_only(rest[:nd.start() if nd else len(rest)])
        if re.search(r'\b%s (?:[-+*/|&]?=) (?!od_rows_next)|\b%s(?:\+\+|--)' % (re.escape(v), re.escape(v)), scope):
            # v is also set otherwise: keep it, with its old meaning
            new += '\n' + indent + '%s%s = rc ? -1 : %s;' % (mm.group(1) or '', v, row)
            notes.append('%s:%d: %s is set otherwise too (kept as rc ? -1 : %s)' % (path, line, v, row))
            out = s[:ls] + new + rest + s[fb:]
            return out
        reads = fix_reads(rest[:cut], v, row)
        if re.search(r'\b%s\b' % re.escape(v), code_only(reads)):  # read otherwise: keep v, as it was
            new += '\n' + indent + '%s%s = rc ? -1 : %s;' % (mm.group(1) or '', v, row)
            notes.append('%s:%d: %s is still read as 1/0/-1 (kept as rc ? -1 : %s)' % (path, line, v, row))
        out = s[:ls] + new + reads + rest[cut:] + s[fb:]
        return drop_decl(out, fa, fa + (fb - fa) + len(out) - len(s), v)
    # (v = od_rows_next(r, e)) == 1  or  od_rows_next(r, e) == 1, in an if or while condition
    mm = re.match(r'^[ \t]*(if|while) \(', stmt)
    if not mm or unbraced(s, ls):
        notes.append('%s:%d: od_rows_next in a shape not handled, left alone' % (path, line))
        return None
    kind = mm.group(1)
    v = None
    a, b = m.start(), m.end()
    mv = re.search(r'\((\w+) = $', s[:a])
    post = s[b:]
    if mv and post.startswith(') == 1'):
        v = mv.group(1)
        a -= len(mv.group(0))
        b += len(') == 1')
    elif post.startswith(' == 1'):
        b += len(' == 1')
    else:
        notes.append('%s:%d: od_rows_next compared otherwise, left alone' % (path, line))
        return None
    repl = '!(rc = od_rows_step(%s, &%s)) && %s' % (r, row, row)
    cond_start = ls + indent_of(stmt) + len(kind) + 2
    # the loop or test stops at an error already in rc instead of overwriting it
    guard = '' if s[cond_start:].startswith('!rc &&') else '!rc && '
    head = (decl if (not reuse or v) else '') + s[ls:cond_start] + guard + s[cond_start:a] + repl
    tail = s[b:fb]
    if v:
        cut = reads_end(tail, v)
        tail = fix_reads(tail[:cut], v, row) + tail[cut:]
    out = s[:ls] + head + tail + s[fb:]
    if v:
        out = drop_decl(out, fa, fb + len(out) - len(s), v)
    return out


def convert_rows(s, path, notes):
    n, skip = 0, 0
    while True:
        ms = list(NEXT.finditer(s))
        if len(ms) <= skip:
            return s, n
        t = convert_rows_one(s, ms[skip], path, notes)
        if t is None:
            skip += 1
        else:
            s = t
            n += 1


RETURNING_ID = re.compile(r'(X\((\w+),\s*"INSERT\b(?:[^"\\]|\\.|"\s*\\?\s*")*?)\s*RETURNING id"')


def queries_sql(root):
    """{name: sql} of the named queries in src/store/queries*.h."""
    out = {}
    for f in sorted(os.listdir(os.path.join(root, 'src/store'))):
        if f.startswith('queries') and f.endswith('.h'):
            t = open(os.path.join(root, 'src/store', f), encoding='utf-8').read()
            for m in re.finditer(r'X\((\w+),((?:\s*"(?:[^"\\]|\\.)*"\s*\\?)+)\)', t):
                out[m.group(1)] = ''.join(re.findall(r'"((?:[^"\\]|\\.)*)"', m.group(2)))
    return out


OWN_LINE = re.compile(r' ?"[ \t]*\\\n[ \t]*"RETURNING id"$')


def strip_returning(t):
    """queries*.h text: ` RETURNING id` dropped from INSERT queries."""
    n = len(RETURNING_ID.findall(t))
    t = RETURNING_ID.sub(lambda m: OWN_LINE.sub('"', m.group(0)) if OWN_LINE.search(m.group(0))
                         else m.group(1) + '"', t)
    return t, n


def convert_inserts(s, sql):
    n = 0
    out, pos = [], 0
    for m in re.finditer(r'\bod_tx_scalar(\s*\(\s*[^,()]+,\s*OD_Q_(\w+)\b)', s):
        q = sql.get(m.group(2), '')
        if not re.match(r'\s*INSERT\b', q) or re.search(r'RETURNING\s+(?!id\b)', q):
            continue  # not an insert, or one returning something other than its id
        out.append(s[pos:m.start()] + 'od_tx_insert' + m.group(1))
        pos = m.end()
        n += 1
        if re.search(r'DO NOTHING', q):
            nl = [i for i, c in enumerate(s[pos:]) if c == '\n'][:8]
            end = pos + (nl[-1] if nl else len(s) - pos)
            seg = s[pos:end].replace('rc == OD_E_NOT_FOUND', 'rc == OD_E_CONFLICT')
            out.append(seg)
            pos = end
    out.append(s[pos:])
    return ''.join(out), n


def files(paths):
    for p in paths:
        if os.path.isdir(p):
            for d, _, fs in os.walk(p):
                for f in sorted(fs):
                    if f.endswith(('.c', '.h')):
                        yield os.path.join(d, f)
        else:
            yield p


def main(argv):
    check = '--check' in argv
    paths = [a for a in argv if not a.startswith('--')] or ['src', 'tests', 'bench']
    total, notes, changed = {}, [], 0
    root = os.getcwd()
    for f in sorted(os.listdir(os.path.join(root, 'src/store'))):
        if f.startswith('queries') and f.endswith('.h'):
            p = os.path.join(root, 'src/store', f)
            t = open(p, encoding='utf-8').read()
            u, n = strip_returning(t)
            total['RETURNING id'] = total.get('RETURNING id', 0) + n
            if u != t:
                changed += 1
                if not check:
                    with open(p, 'w', encoding='utf-8') as fh:
                        fh.write(u)
    sql = {k: re.sub(r'\s*RETURNING id$', '', v) for k, v in queries_sql(root).items()}
    for f in files(paths):
        if f.replace(os.sep, '/').endswith(SKIP):
            continue
        s = open(f, encoding='utf-8').read()
        t, n = convert_binds(s, f, notes)
        total['binds'] = total.get('binds', 0) + n
        t, n = convert_rows(t, f, notes)
        total['rows'] = total.get('rows', 0) + n
        t, n = convert_inserts(t, sql)
        total['inserts'] = total.get('inserts', 0) + n
        if t != s:
            changed += 1
            if not check:
                with open(f, 'w', encoding='utf-8') as fh:
                    fh.write(t)
    for x in notes:
        print(x)
    print('%s: %s in %d files' % ('would convert' if check else 'converted',
                                  ', '.join('%d %s' % (v, k) for k, v in total.items()), changed))
    return 1 if check and changed else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
