#!/usr/bin/env bash
# install.sh — `make install`: the binary (and beside it the sqlite3 shell's
# tokenizer extension od_bigram.so), the systemd unit, an example
# configuration, the default policy and the operator documentation under
# DESTDIR + PREFIX (docs/deploy/install.md).  Files are installed with the
# modes they must have; the configuration is never overwritten.
#   scripts/install.sh BINARY            (PREFIX=/usr/local, DESTDIR="", SYSCONFDIR=/etc,
#                                         UNITDIR=$PREFIX/lib/systemd/system)
set -euo pipefail
bin=$1
root=$(cd "$(dirname "$0")/.." && pwd)
prefix=${PREFIX:-/usr/local}
dest=${DESTDIR:-}
sysconf=${SYSCONFDIR:-/etc}
unitdir=${UNITDIR:-$prefix/lib/systemd/system}

install -d -m 0755 "$dest$prefix/bin" "$dest$unitdir" "$dest$prefix/share/opsdesk" \
    "$dest$prefix/share/doc/opsdesk"
install -m 0755 "$bin" "$dest$prefix/bin/opsdesk"
# the full-text tokenizer for the sqlite3 shell (docs/operations.md)
install -D -m 0644 "$(dirname "$bin")/od_bigram.so" "$dest$prefix/lib/opsdesk/od_bigram.so"
sed "s|/usr/bin/opsdesk|$prefix/bin/opsdesk|; s|/usr/share/doc/opsdesk|$prefix/share/doc/opsdesk|" \
    "$root/packaging/opsdesk.service" >"$dest$unitdir/opsdesk.service"
chmod 0644 "$dest$unitdir/opsdesk.service"
install -m 0644 "$root/policy/default.yaml" "$dest$prefix/share/opsdesk/policy.yaml"
install -m 0644 "$root/packaging/opsdesk.yaml" "$dest$prefix/share/opsdesk/opsdesk.yaml.example"
install -d -m 0750 "$dest$sysconf/opsdesk"
[ -e "$dest$sysconf/opsdesk/opsdesk.yaml" ] ||
    install -m 0640 "$root/packaging/opsdesk.yaml" "$dest$sysconf/opsdesk/opsdesk.yaml"
# the operator documentation (docs/internals is for maintainers)
(cd "$root" && find README.md CHANGELOG.md LICENSE docs -type f \( -name '*.md' -o -name '*.yaml' -o -name LICENSE \) \
    ! -path 'docs/internals/*') | while read -r f; do
    install -D -m 0644 "$root/$f" "$dest$prefix/share/doc/opsdesk/${f#docs/}"
done
echo "installed opsdesk under ${dest}${prefix}"
