#!/usr/bin/env python3
"""convert_binds.py — rewrites store calls to the typed-bind interface (store.h).

Re-runnable and idempotent: a call already in the new form is left alone, so
it can be run again over files changed since (e.g. after a merge):

    python3 scripts/dev/convert_binds.py [--check] [FILE|DIR ...]   (default: src tests bench)

What it rewrites (each only where the old shape is recognised; anything else
is reported as "left alone" with file:line, to be fixed by hand):

  binds   od_tx_exec/query/scalar/insert(..., "fmt", a, b, ...) ->
          od_tx_exec(..., OD_BINDS(OD_TEXT(a), OD_INT(b), ...)); "" -> OD_NOBINDS.
          Letters: s OD_TEXT, i OD_INT, b OD_BOOL, d OD_REAL,
          I OD_INT_OR_NULL(x, x != 0) (the old "0 means NULL", spelled out).
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
    for f in files(paths):
        if f.replace(os.sep, '/').endswith(SKIP):
            continue
        s = open(f, encoding='utf-8').read()
        t, n = convert_binds(s, f, notes)
        total['binds'] = total.get('binds', 0) + n
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
