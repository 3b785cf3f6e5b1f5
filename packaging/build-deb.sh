#!/usr/bin/env bash
# Builds the Debian package of tss from the tree: packaging/build-deb.sh [BUILD_DIR [OUT_DIR]]
#   BUILD_DIR  a meson build directory configured with --prefix=/usr (default build-deb/: configured here,
#              release, without tests and benchmarks)
#   OUT_DIR    where tss_VERSION_ARCH.deb goes (default: the current directory)
#   SKIP_BUILD=1   do not run ninja (the programs are already built, e.g. by `meson test`)
# The package holds what `meson install --tags tss-node` installs (programs, tssd@.service, sysusers.d, docs,
# example configs) and packaging/deb/{postinst,prerm,postrm}; Depends comes from dpkg-shlibdeps. Needs
# meson, ninja, dpkg-dev, python3. Prints the path of the .deb on its last line.
set -euo pipefail
SRC=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${1:-$SRC/build-deb}
OUT=$(mkdir -p "${2:-.}" && cd "${2:-.}" && pwd)
PROGRAMS=(tssd tssctl tss-keygen tss-frost)

if [ ! -f "$BUILD/build.ninja" ]; then
  meson setup "$BUILD" "$SRC" --buildtype=release --prefix=/usr -Dtests=false -Dbenchmarks=false >/dev/null
fi
read -r prefix sanitize < <(meson introspect "$BUILD" --buildoptions | python3 -c \
  'import json,sys; o={x["name"]: x["value"] for x in json.load(sys.stdin)}; print(o["prefix"], o["b_sanitize"])')
if [ "$prefix" != /usr ]; then
  echo "build-deb: $BUILD is configured with --prefix=$prefix; a Debian package installs into /usr" \
       "(meson configure $BUILD --prefix=/usr)" >&2
  exit 2
fi
if [ "$sanitize" != none ]; then
  echo "build-deb: $BUILD is a sanitizer build (b_sanitize=$sanitize); package a release build" >&2
  exit 2
fi
if [ "${SKIP_BUILD:-0}" != 1 ]; then
  ninja -C "$BUILD" "${PROGRAMS[@]/#/src/programs/}" >/dev/null
fi
VERSION=${DEB_VERSION:-$(meson introspect "$BUILD" --projectinfo |
  python3 -c 'import json,sys; print(json.load(sys.stdin)["version"])')}
ARCH=$(dpkg --print-architecture)

W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
ROOT=$W/root
meson install -C "$BUILD" --no-rebuild --tags tss-node --destdir "$ROOT" >/dev/null
for p in "${PROGRAMS[@]}"; do
  [ -x "$ROOT/usr/bin/$p" ] || { echo "build-deb: $p was not installed into /usr/bin" >&2; exit 1; }
  strip --strip-unneeded --remove-section=.comment --remove-section=.note "$ROOT/usr/bin/$p"
done
# Debian keeps the docs of a package in /usr/share/doc/PACKAGE with a copyright file.
printf 'tss: threshold-signing appliance. Copyright the tss authors. License: ISC.\n' \
  >"$ROOT/usr/share/doc/tss/copyright"

# Depends: the shared libraries the programs need (dpkg-shlibdeps reads a debian/control beside it).
mkdir -p "$W/debian"
printf 'Source: tss\n\nPackage: tss\nArchitecture: any\n' >"$W/debian/control"
shlibs=$(cd "$W" && dpkg-shlibdeps -O "${PROGRAMS[@]/#/$ROOT/usr/bin/}" 2>/dev/null |
  sed -n 's/^shlibs:Depends=//p')
[ -n "$shlibs" ] || { echo "build-deb: dpkg-shlibdeps found no dependencies" >&2; exit 1; }

mkdir -p "$ROOT/DEBIAN"
install -m 0755 "$SRC/packaging/deb/postinst" "$SRC/packaging/deb/prerm" "$SRC/packaging/deb/postrm" "$ROOT/DEBIAN/"
size=$(du -sk --exclude=DEBIAN "$ROOT" | cut -f1)
cat >"$ROOT/DEBIAN/control" <<CONTROL
Package: tss
Version: $VERSION
Architecture: $ARCH
Maintainer: tss developers <tss@localhost>
Installed-Size: $size
Depends: $shlibs, adduser
Recommends: openssl
Suggests: lmdb-utils
Section: net
Priority: optional
Description: threshold-signing appliance: FROST(Ed25519) signing node and tools
 A group of signing hosts jointly holds keys that no single host has; together
 they generate keys (DKG) and sign with FROST(Ed25519, SHA-512) (RFC 9591).
 .
 This package holds the node daemon tssd (run as tssd@NAME.service, hardened,
 as the tss user), the operator CLI tssctl, tss-keygen and the tss-frost
 ceremony CLI, with the operations guide and example monitoring configs.
CONTROL
(cd "$ROOT" && find usr -type f -print0 | sort -z | xargs -0 md5sum >DEBIAN/md5sums)
deb=$OUT/tss_${VERSION}_${ARCH}.deb
dpkg-deb --root-owner-group -Zxz --build "$ROOT" "$deb" >/dev/null
echo "$deb"
