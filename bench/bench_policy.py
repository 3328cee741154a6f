#!/usr/bin/env python3
"""bench_policy.py — the policy a benchmark's server runs with: policy/default.yaml
with login.initial_password_change off, so the benchmark's own accounts (the
bootstrap administrators, its users) work at once on a real-clock server
(docs/accounts.md "First sign-in").  `python3 bench/bench_policy.py DIR`
writes DIR/bench-policy.yaml and prints its path; `path(dir)` does the same
from Python."""
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def path(directory):
    with open(os.path.join(ROOT, "policy", "default.yaml"), encoding="utf-8") as f:
        text = f.read()
    anchor = "  session_ttl: 12h\n"
    if anchor not in text:
        raise SystemExit("bench_policy: policy/default.yaml has no login.session_ttl line")
    out = os.path.join(directory, "bench-policy.yaml")
    with open(out, "w", encoding="utf-8") as f:
        f.write(text.replace(anchor, anchor + "  initial_password_change: false\n", 1))
    return out


if __name__ == "__main__":
    print(path(sys.argv[1] if len(sys.argv) > 1 else "."))
