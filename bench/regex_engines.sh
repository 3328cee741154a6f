#!/usr/bin/env bash
# regex_engines.sh — builds and runs bench/regex_engines.cc: compile and match
# cost of glibc POSIX regcomp (the engine before), RE2 and PCRE2 on a normal and
# on catastrophic matcher patterns (bench/results.md "Window matchers").
# Needs g++, libre2-dev and libpcre2-dev (PCRE2 only for this comparison:
# apt-get install libpcre2-dev).  Prints a Markdown table; the POSIX rows of the
# nested repetitions take seconds and a few hundred MB.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT
g++ -O2 -std=c++17 -o "$OUT/regex_engines" "$ROOT/bench/regex_engines.cc" $(pkg-config --cflags --libs re2 libpcre2-8)
"$OUT/regex_engines"
