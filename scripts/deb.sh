#!/usr/bin/env bash
# deb.sh — `make deb`: a Debian package of the built binary with dpkg-deb:
# /usr/bin/opsdesk, the systemd unit in /lib/systemd/system, the
# configuration /etc/opsdesk/opsdesk.yaml (a conffile), the docs, and the
# maintainer scripts of packaging/ (service user opsdesk, /var/lib/opsdesk
# 0700).  Depends is computed from the binary's libraries (dpkg-shlibdeps).
#   scripts/deb.sh BINARY OUTDIR   → OUTDIR/opsdesk_<version>_<arch>.deb
set -euo pipefail
bin=$(readlink -f "$1")
out=$(mkdir -p "$2" && cd "$2" && pwd)
root=$(cd "$(dirname "$0")/.." && pwd)
version=$(head -n1 "$root/VERSION")
arch=$(dpkg --print-architecture)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
pkg=$work/pkg

PREFIX=/usr DESTDIR=$pkg UNITDIR=/lib/systemd/system bash "$root/scripts/install.sh" "$bin" >/dev/null
rm -f "$pkg/usr/share/doc/opsdesk/LICENSE"
install -m 0644 "$root/LICENSE" "$pkg/usr/share/doc/opsdesk/copyright"
strip --strip-unneeded -o "$work/opsdesk" "$pkg/usr/bin/opsdesk" && install -m 0755 "$work/opsdesk" "$pkg/usr/bin/opsdesk"

# the runtime libraries, as Debian package names with minimum versions
mkdir -p "$work/shl/debian"
printf 'Source: opsdesk\n\nPackage: opsdesk\nArchitecture: any\n' >"$work/shl/debian/control"
depends=$(cd "$work/shl" && dpkg-shlibdeps -O -e"$pkg/usr/bin/opsdesk" 2>/dev/null | sed -n 's/^shlibs:Depends=//p')
[ -n "$depends" ] || { echo "deb: dpkg-shlibdeps found no dependencies" >&2; exit 1; }

install -d -m 0755 "$pkg/DEBIAN"
cat >"$pkg/DEBIAN/control" <<CTL
Package: opsdesk
Version: $version
Architecture: $arch
Maintainer: opsdesk maintainers <opsdesk@localhost>
Section: admin
Priority: optional
Depends: adduser, $depends
Installed-Size: $(du -sk "$pkg" | cut -f1)
Homepage: https://opsdesk.invalid/
Description: incident and emergency-response desk for data-center operations
 opsdesk makes a data center's written incident policy executable: grading,
 reporting deadlines, escalation, closure by the authority, a case library
 and a hash-chained audit trail.  One binary: server (systemd unit
 opsdesk.service), administration tool and command-line client, with an
 embedded SQLite database and a bilingual (Chinese, English) web UI.
CTL
echo /etc/opsdesk/opsdesk.yaml >"$pkg/DEBIAN/conffiles"
install -m 0755 "$root/packaging/postinst" "$root/packaging/prerm" "$root/packaging/postrm" "$pkg/DEBIAN/"
deb=$out/opsdesk_${version}_${arch}.deb
dpkg-deb --root-owner-group --build "$pkg" "$deb" >/dev/null
echo "$deb"
