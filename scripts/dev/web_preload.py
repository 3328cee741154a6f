#!/usr/bin/env python3
"""web_preload.py — index.html asks for every module of the UI at once.

The UI is plain ES modules (web/js, no bundler): the browser learns of a
module only when the module that imports it has arrived, so the first paint
waits for one round trip per level of the import graph.  index.html therefore
lists every module main.js reaches, statically, as <link rel="modulepreload">
between the two marker comments, and the catalogue of the default language
(zh-CN) as a preload.

    python3 scripts/dev/web_preload.py          # rewrite the block in web/index.html
    python3 scripts/dev/web_preload.py --check  # exit 1 naming the difference (lint/web-preload)
"""
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
WEB = os.path.join(ROOT, 'web')
INDEX = os.path.join(WEB, 'index.html')
BEGIN, END = '<!-- modulepreload: scripts/dev/web_preload.py -->', '<!-- /modulepreload -->'
IMPORT = re.compile(r'''^\s*(?:import|export)\b[^'"]*?\bfrom\s*['"](\.{1,2}/[^'"]+)['"]|^\s*import\s*['"](\.{1,2}/[^'"]+)['"]''',
                    re.M)


def graph(entry='js/main.js'):
    """Every module reachable from entry by static imports, in breadth-first order (paths under web/)."""
    seen, order, queue = {entry}, [entry], [entry]
    while queue:
        cur = queue.pop(0)
        with open(os.path.join(WEB, cur), encoding='utf-8') as f:
            text = f.read()
        for m in IMPORT.finditer(text):
            rel = m.group(1) or m.group(2)
            dep = os.path.normpath(os.path.join(os.path.dirname(cur), rel))
            if not os.path.exists(os.path.join(WEB, dep)):
                sys.exit('web_preload: %s imports %s, which does not exist' % (cur, rel))
            if dep not in seen:
                seen.add(dep)
                order.append(dep)
                queue.append(dep)
    return order


def block():
    lines = [BEGIN, '<link rel="preload" href="/i18n/zh-CN.json" as="fetch" crossorigin="anonymous">']
    lines += ['<link rel="modulepreload" href="/%s">' % m for m in graph()[1:]]
    return '\n'.join(lines + [END])


def main():
    with open(INDEX, encoding='utf-8') as f:
        html = f.read()
    i, j = html.find(BEGIN), html.find(END)
    if i < 0 or j < i:
        sys.exit('web_preload: the markers %s … %s are missing from web/index.html' % (BEGIN, END))
    have, want = html[i:j + len(END)], block()
    if '--check' in sys.argv[1:]:
        if have != want:
            a, b = set(have.splitlines()), set(want.splitlines())
            sys.exit('web_preload: web/index.html is out of date (run python3 scripts/dev/web_preload.py):\n'
                     + ''.join('  missing: %s\n' % x for x in sorted(b - a))
                     + ''.join('  extra:   %s\n' % x for x in sorted(a - b)) + ('  (order differs)\n' if a == b else ''))
        print('web_preload: %d modules listed' % (len(want.splitlines()) - 3))
        return
    with open(INDEX, 'w', encoding='utf-8') as f:
        f.write(html[:i] + want + html[j + len(END):])


if __name__ == '__main__':
    main()
