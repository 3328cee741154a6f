#!/usr/bin/env bash
# test_systemd_unit.sh BINARY — the checks of the systemd unit that are
# possible without systemd running as PID 1 (docs/deploy/install.md):
#
# 1. `systemd-analyze verify` of packaging/opsdesk.service (the unit of
#    `make deb`) and of the unit `make install` writes (PREFIX=/opt/od), with
#    ExecStart pointed at BINARY.  verify exits 0 on a bad value or an unknown
#    key and only prints a line ("Unknown key …, ignoring"), so any line that
#    names the unit file fails the check; two broken copies of the unit prove
#    the check sees such lines.
# 2. `systemd-analyze security --offline=yes`: the unit's exposure level at
#    most 2.0 ("OK"), when this systemd-analyze has --offline (systemd >= 250).
#
# A static check only: nothing here starts the unit.  Without systemd-analyze
# the script prints why and exits 77, which CTest reports as Skipped (not
# Passed): the unit was then not verified.
set -euo pipefail
bin=$(readlink -f "$1")
root=$(cd "$(dirname "$0")/../.." && pwd)

if ! command -v systemd-analyze >/dev/null 2>&1; then
    echo "SKIPPED: systemd-analyze is not installed (Debian package systemd):" \
        "packaging/opsdesk.service was NOT verified. A skip is not a pass."
    exit 77
fi
echo "$(systemd-analyze --version | head -n 1); static checks only, the unit is not started"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0

# verify FILE: 0 when systemd-analyze verify exits 0 and says nothing about FILE
verify() {
    local out rc=0
    out=$(systemd-analyze verify "$1" 2>&1) || rc=$?
    if [ "$rc" -ne 0 ] || grep -qF "$(basename "$1")" <<<"$out"; then
        printf '%s\n' "$out"
        return 1
    fi
}

# 1a. the packaged unit
mkdir -p "$tmp/deb"
sed "s#/usr/bin/opsdesk#$bin#g" "$root/packaging/opsdesk.service" >"$tmp/deb/opsdesk.service"
if verify "$tmp/deb/opsdesk.service"; then
    echo "ok: systemd-analyze verify packaging/opsdesk.service"
else
    echo "FAIL: systemd-analyze verify packaging/opsdesk.service"
    fail=1
fi

# 1b. the unit `make install` writes
PREFIX=/opt/od DESTDIR="$tmp/inst" bash "$root/scripts/install.sh" "$bin" >/dev/null
unit="$tmp/inst/opt/od/lib/systemd/system/opsdesk.service"
grep -qx 'ExecStart=/opt/od/bin/opsdesk serve --config /etc/opsdesk/opsdesk.yaml' "$unit" || {
    echo "FAIL: make install's unit does not start /opt/od/bin/opsdesk"
    fail=1
}
sed -i "s#/opt/od/bin/opsdesk#$tmp/inst/opt/od/bin/opsdesk#g" "$unit"
if verify "$unit"; then
    echo "ok: systemd-analyze verify of the unit make install writes (PREFIX=/opt/od)"
else
    echo "FAIL: systemd-analyze verify of the unit make install writes"
    fail=1
fi

# 1c. the check itself: a bad value and an unknown key must be seen
mkdir -p "$tmp/bad"
sed 's/^Restart=on-failure$/Restart=sometimes/' "$tmp/deb/opsdesk.service" >"$tmp/bad/opsdesk.service"
sed 's/^ProtectHome=yes$/ProtectHome=yes\nProtectHomeDir=yes/' "$tmp/deb/opsdesk.service" >"$tmp/bad/opsdesk-key.service"
for b in "$tmp/bad/opsdesk.service" "$tmp/bad/opsdesk-key.service"; do
    if cmp -s "$b" "$tmp/deb/opsdesk.service"; then
        echo "FAIL: the broken copy $(basename "$b") is not broken (the unit changed?)"
        fail=1
    elif verify "$b" >/dev/null; then
        echo "FAIL: verify did not see the broken copy $(basename "$b")"
        fail=1
    else
        echo "ok: a broken copy is refused ($(basename "$b"))"
    fi
done

# 2. exposure level, offline
if systemd-analyze security --help 2>&1 | grep -q -- '--offline'; then
    rc=0
    out=$(systemd-analyze security --offline=yes --threshold=20 "$tmp/deb/opsdesk.service" 2>&1) || rc=$?
    level=$(grep -o 'Overall exposure level for opsdesk.service: [0-9.]*' <<<"$out" || true)
    if [ "$rc" -eq 0 ] && [ -n "$level" ]; then
        echo "ok: $level (at most 2.0)"
    else
        printf '%s\n' "$out"
        echo "FAIL: exposure level above 2.0 (or not reported)"
        fail=1
    fi
else
    echo "not checked: this systemd-analyze has no --offline, so the exposure level was not measured"
fi

exit "$fail"
