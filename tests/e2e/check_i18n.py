#!/usr/bin/env python3
"""check_i18n.py — the web UI's message catalogue: web/i18n/zh-CN.json
and en.json have the same keys, non-empty texts and the same {placeholders};
every key the code asks for exists; and no visible text bypasses the
catalogue: no CJK text in the HTML/JS/CSS (comments aside), every text in
index.html sits in a data-i18n element, no innerHTML, no English sentence
literals in the JS, no inline script or handler (the CSP forbids them).
Text people read has no machine text: no raw keys or requirement IDs in the
Chinese catalogue, no time shown in the browser's zone or as an ISO string
(times go through dom.js fmtTime, Beijing time with its label), and no API
error message shown without bi() (which picks the reader's language).
tests/e2e/phone.test.mjs checks the rendered pages for the same."""
import glob
import html.parser
import json
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
WEB = os.path.join(ROOT, "web")
problems = []


def bad(msg):
    problems.append(msg)


def load(name):
    with open(os.path.join(WEB, "i18n", name), encoding="utf-8") as f:
        return json.load(f)


zh, en = load("zh-CN.json"), load("en.json")
for k in sorted(set(zh) ^ set(en)):
    bad("key %s is in only one catalogue" % k)
for k in sorted(set(zh) & set(en)):
    for lang, d in (("zh-CN", zh), ("en", en)):
        if not isinstance(d[k], str) or not d[k].strip():
            bad("%s: %s is empty" % (lang, k))
    if set(re.findall(r"\{(\w+)\}", zh[k])) != set(re.findall(r"\{(\w+)\}", en[k])):
        bad("%s: placeholders differ between zh-CN and en" % k)
CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]")
for k, v in en.items():
    if CJK.search(v) and k not in ("lang.zh",):
        bad("en: %s holds Chinese text" % k)


def strip_js_comments(src):
    out, i, n = [], 0, len(src)
    while i < n:
        c = src[i]
        if c in "'\"`":
            j = i + 1
            while j < n and src[j] != c:
                j += 2 if src[j] == "\\" else 1
            out.append(src[i:j + 1])
            i = j + 1
        elif src.startswith("//", i):
            while i < n and src[i] != "\n":
                i += 1
        elif src.startswith("/*", i):
            end = src.find("*/", i + 2)
            i = n if end < 0 else end + 2
        elif c == "/" and re.search(r"[(,=:!&|?{};]\s*$", "".join(out[-3:])):  # a regex literal
            j = i + 1
            while j < n and src[j] != "/":
                j += 2 if src[j] == "\\" else 1
            out.append(src[i:j + 1])
            i = j + 1
        else:
            out.append(c)
            i += 1
    return "".join(out)


keys = set(zh)
for path in sorted(glob.glob(os.path.join(WEB, "**", "*.js"), recursive=True)):
    rel = os.path.relpath(path, ROOT)
    code = strip_js_comments(open(path, encoding="utf-8").read())
    if CJK.search(code):
        bad("%s: Chinese text outside the catalogue: %r" % (rel, CJK.search(code).group(0)))
    for m in re.finditer(r"\b(?:t|tOr)\('([\w.]+)'\s*([,)+])", code):
        key, nxt = m.groups()
        if nxt == "+":
            if not any(k.startswith(key) for k in keys):
                bad("%s: no catalogue key starts with %s" % (rel, key))
        elif key not in keys:
            bad("%s: unknown catalogue key %s" % (rel, key))
    for word in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write"):
        if word in code:
            bad("%s: %s (build nodes with h(), text from the catalogue)" % (rel, word))
    for m in re.finditer(r"'([^'\\\n]*)'|\"([^\"\\\n]*)\"", code):
        s = m.group(1) or m.group(2) or ""
        if re.fullmatch(r"[A-Z][a-z]+(?: [A-Za-z,]+){1,}[.!?:]?", s):
            bad("%s: English text %r bypasses the catalogue" % (rel, s))


class Page(html.parser.HTMLParser):
    VOID = {"meta", "link", "input", "br", "img", "hr", "source"}

    def __init__(self):
        super().__init__()
        self.stack = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        for k in a:
            if k.startswith("on"):
                bad("index.html: inline handler %s on <%s>" % (k, tag))
            if k.startswith("data-i18n") and a[k] not in keys:
                bad("index.html: unknown catalogue key %s" % a[k])
        if "style" in a:
            bad("index.html: inline style on <%s>" % tag)
        if tag == "script" and "src" not in a:
            bad("index.html: inline <script>")
        if tag not in self.VOID:
            self.stack.append((tag, "data-i18n" in a))

    def handle_endtag(self, tag):
        while self.stack:
            t, _ = self.stack.pop()
            if t == tag:
                break

    def handle_data(self, data):
        if not data.strip() or not self.stack:
            return
        if self.stack[-1][0] == "title":
            return  # set from the catalogue (app.title) at start
        if not self.stack[-1][1]:
            bad("index.html: text %r outside a data-i18n element" % data.strip())


for path in glob.glob(os.path.join(WEB, "*.html")):
    Page().feed(open(path, encoding="utf-8").read())
for path in glob.glob(os.path.join(WEB, "**", "*.css"), recursive=True):
    css = re.sub(r"/\*.*?\*/", "", open(path, encoding="utf-8").read(), flags=re.S)
    if CJK.search(css) or re.search(r"content:\s*['\"][^'\"]+['\"]", css):
        bad("%s: visible text in CSS" % os.path.relpath(path, ROOT))

# ---- machine text in what people read ----
SNAKE = re.compile(r"\b[a-z]+_[a-z_]+\b")
REQ_ID = re.compile(r"\bR-[A-Z]+(?:-[A-Z]+)*-\d")
ISO = re.compile(r"\d{4}-\d\d-\d\dT\d\d")
for k, v in zh.items():
    if SNAKE.search(v):
        bad("zh-CN: %s shows a raw key %r" % (k, SNAKE.search(v).group(0)))
    if REQ_ID.search(v):
        bad("zh-CN: %s shows a requirement ID %r" % (k, REQ_ID.search(v).group(0)))
    if ISO.search(v):
        bad("zh-CN: %s holds an ISO time" % k)
TIME_HELPERS = ("js/dom.js", "js/api.js")
for path in sorted(glob.glob(os.path.join(WEB, "**", "*.js"), recursive=True)):
    rel = os.path.relpath(path, WEB)
    code = strip_js_comments(open(path, encoding="utf-8").read())
    for n, line in enumerate(code.split("\n"), 1):
        if rel not in TIME_HELPERS:
            m = re.search(r"\.(toLocale\w*|toISOString|getTimezoneOffset|getHours|getDate|getMonth|getFullYear)\(", line)
            if m:
                bad("%s:%d: %s() shows a time in the browser's zone or as ISO; use fmtTime()" % (rel, n, m.group(1)))
            if re.search(r"\.message\b", line) and not re.search(r"bi\([^()]*\.message", line):
                bad("%s:%d: an API message shown without bi()" % (rel, n))
        if ISO.search(line):
            bad("%s:%d: an ISO time literal" % (rel, n))
        if re.search(r"\broles\.join\(", line):
            bad("%s:%d: role keys joined for display; map them through roleName()" % (rel, n))

for p in problems:
    print("i18n:", p)
print("web i18n: %d keys, %d problems" % (len(zh), len(problems)))
sys.exit(1 if problems else 0)
