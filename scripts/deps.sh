#!/usr/bin/env bash
# Installs what opsdesk needs to build, run and test on a fresh Debian machine.
# Idempotent: installs only the packages that are missing. Run as root (or with sudo).
set -euo pipefail

pkgs=(build-essential pkg-config cmake ninja-build clang libclang-rt-14-dev
      libmicrohttpd-dev libjansson-dev libsqlite3-dev sqlite3 libsodium-dev
      libcurl4-openssl-dev libyaml-dev libcmocka-dev libpq-dev
      python3 python3-aiosmtpd curl ca-certificates clang-format)
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

# issue 7: openssl makes the self-signed certificate of tests/api/test_tls.py;
# valgrind runs the API suite under memcheck (docs/internals/testing.md).
for p in openssl valgrind; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    echo "deps: installing $p"
    [ "$(id -u)" -ne 0 ] && SUDO="sudo" || SUDO=""
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "$p"
  fi
done
