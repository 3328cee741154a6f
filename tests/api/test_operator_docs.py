"""test_operator_docs.py — the operator documentation stays true:

* every metric a server exposes on /metrics (with scheduled backups on) is
  listed in docs/metrics.md;
* every relative link in README.md and docs/ (but docs/internals/) points at
  a file of the repository;
* the operator pages carry no internal project notes (issue numbers,
  links outside the repository).
"""
import os
import re
import subprocess
import tempfile
import unittest

import harness

ROOT = harness.ROOT


def user_docs():
    yield os.path.join(ROOT, "README.md")
    for d, _dirs, files in os.walk(os.path.join(ROOT, "docs")):
        if os.sep + "internals" in d:
            continue
        for f in files:
            if f.endswith(".md"):
                yield os.path.join(d, f)


class Metrics(harness.ServerTest):
    @classmethod
    def setUpClass(cls):
        cls.bdir = tempfile.mkdtemp(prefix="opsdesk-bk-")
        cls.key = os.path.join(cls.bdir, "k")
        subprocess.run([harness.BIN, "backup-key", "new", "--key-file", cls.key], check=True, capture_output=True)
        cls.extra_args = ["--metrics-public"]
        if not harness.PG:  # scheduled backups (and their metrics) are the SQLite file's
            cls.extra_args += ["--backup-dir", cls.bdir, "--backup-key-file", cls.key]
        super().setUpClass()

    def test_every_metric_is_documented(self):
        self.srv.get("/healthz")
        r = self.srv.get("/metrics")
        self.assertStatus(r, 200)
        names = re.findall(r"(?m)^# TYPE (\w+) ", r.raw)
        self.assertGreaterEqual(len(names), 10 if harness.PG else 12)  # no backup metrics on PostgreSQL
        with open(os.path.join(ROOT, "docs", "metrics.md"), encoding="utf-8") as f:
            doc = f.read()
        missing = [n for n in names if "| `%s` |" % n not in doc]
        self.assertEqual(missing, [], "metrics not in docs/metrics.md")
        self.assertRegex(r.raw, r'opsdesk_build_info\{version="\d+\.\d+\.\d+",commit="[^"]+",schema="\d+"\} 1')


class Links(unittest.TestCase):
    def test_relative_links_resolve(self):
        bad = []
        for path in user_docs():
            with open(path, encoding="utf-8") as f:
                text = f.read()
            text = re.sub(r"```.*?```", "", text, flags=re.S)
            for target in re.findall(r"\]\(([^)\s]+)\)", text):
                if re.match(r"^[a-z]+:", target) or target.startswith("#"):
                    continue
                file = target.split("#")[0]
                if not os.path.exists(os.path.normpath(os.path.join(os.path.dirname(path), file))):
                    bad.append("%s: %s" % (os.path.relpath(path, ROOT), target))
        self.assertEqual(bad, [])

    def test_no_internal_notes(self):
        bad = []
        for path in user_docs():
            with open(path, encoding="utf-8") as f:
                for n, line in enumerate(f, 1):
                    if re.search(r"\bissue \d|\.\./shared/|research anchors|first brief", line):
                        bad.append("%s:%d: %s" % (os.path.relpath(path, ROOT), n, line.strip()[:80]))
        self.assertEqual(bad, [])


if __name__ == "__main__":
    unittest.main()
