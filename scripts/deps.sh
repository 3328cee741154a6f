#!/usr/bin/env bash
# Installs what opsdesk needs to build, run and test on a fresh Debian machine.
# Idempotent: installs only the packages that are missing. Run as root (or with sudo).
set -euo pipefail

# faketime: tests/api/test_clock_step.py steps the server's real clock with libfaketime
# postgresql-15: the throwaway clusters of tests/pg/pgtmp.py (the PostgreSQL store's tests);
# python3-psycopg2: API tests that look at a PostgreSQL database (tests/api/harness.py db_connect)
# dpkg-dev, openssl: make deb (dpkg-shlibdeps) and its test (a self-signed certificate);
# nginx-light: the reverse-proxy test runs docs/deploy/reverse-proxy.md's nginx site on loopback
# libcmark-dev: emergency plans' Markdown rendered to HTML
# zlib1g-dev, libbrotli-dev: the web UI's files served gzip / brotli compressed
# libxlsxwriter-dev: the XLSX export of O&M reports; python3-openpyxl reads it back in the tests
pkgs=(build-essential pkg-config cmake ninja-build clang libclang-rt-14-dev
      libmicrohttpd-dev libgnutls28-dev libjansson-dev libsqlite3-dev sqlite3 libsodium-dev
      libcurl4-openssl-dev libyaml-dev libcmocka-dev libpq-dev libre2-dev
      python3 python3-aiosmtpd curl ca-certificates clang-format faketime
      postgresql-15 python3-psycopg2 dpkg-dev openssl nginx-light libxlsxwriter-dev python3-openpyxl
      libcmark-dev zlib1g-dev libbrotli-dev)
[ "${OPSDESK_DEPS_EXTRA:-}" ] && read -r -a extra <<<"$OPSDESK_DEPS_EXTRA" && pkgs+=("${extra[@]}")

missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if [ ${#missing[@]} -gt 0 ]; then
  echo "deps: installing ${missing[*]}"
  SUDO=""
  [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq || true
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# ---- web UI ----
# node + npm build the UI's vendored ECharts and run the browser tests
# (playwright-core), which drive Debian's chromium; fonts-noto-cjk gives
# Chinese text (and the printed report) its glyphs.  npm ci installs the
# exact versions of package-lock.json (from the npm cache when it can).
web_pkgs=(chromium fonts-noto-cjk)
command -v node >/dev/null 2>&1 || web_pkgs+=(nodejs)
command -v npm >/dev/null 2>&1 || web_pkgs+=(npm)
web_missing=()
for p in "${web_pkgs[@]}"; do
  case "$p" in nodejs|npm) web_missing+=("$p"); continue;; esac
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || web_missing+=("$p")
done
if [ ${#web_missing[@]} -gt 0 ]; then
  echo "deps: installing ${web_missing[*]}"
  SUDO=""
  [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq || true
  $SUDO apt-get install -y -qq --no-install-recommends "${web_missing[@]}"
fi
web_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
if [ ! -f "$web_root/node_modules/.package-lock.json" ] ||
   [ "$web_root/package-lock.json" -nt "$web_root/node_modules/.package-lock.json" ] ||
   [ ! -f "$web_root/node_modules/echarts/dist/echarts.min.js" ]; then
  echo "deps: npm ci (echarts, playwright-core)"
  (cd "$web_root" && npm ci --prefer-offline --no-audit --no-fund --loglevel=error)
fi
# openssl makes the self-signed certificate of tests/api/test_tls.py;
# valgrind runs the API suite under memcheck (docs/internals/testing.md).
for p in openssl valgrind; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    echo "deps: installing $p"
    [ "$(id -u)" -ne 0 ] && SUDO="sudo" || SUDO=""
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "$p"
  fi
done
