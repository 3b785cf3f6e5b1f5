#!/usr/bin/env bash
# What an outside program gets from an installed tss: install into a temporary root, then build the public
# API tests with nothing but `pkg-config tss` (libtss.so: the crypto library alone) and `pkg-config tss-node`
# (libtss_node.so), and run them against the installed libraries.
#   check_pkgconfig.sh BUILD_DIR SOURCE_DIR
set -euo pipefail
build=$1; src=$2
command -v pkg-config >/dev/null || { echo "pkg-config not found: skipped"; exit 77; }
cc=${CC:-cc}
root=$(mktemp -d); trap 'rm -rf "$root"' EXIT
meson install -C "$build" --no-rebuild --destdir "$root" --quiet >/dev/null
prefix=$(meson introspect "$build" --buildoptions | python3 -c 'import json,sys; print(next(o["value"] for o in json.load(sys.stdin) if o["name"]=="prefix"))')
pcdir=$(dirname "$(find "$root" -name tss.pc | head -n 1)")
[ -f "$pcdir/tss.pc" ] && [ -f "$pcdir/tss-node.pc" ] || { echo "tss.pc / tss-node.pc not installed"; exit 1; }
export PKG_CONFIG_PATH="$pcdir"
pc() { pkg-config --define-variable=prefix="$root$prefix" "$@"; }
# tss.pc names no library of the node: a FROST program needs libsodium and jansson, nothing else.
case " $(pc --libs --static tss) " in
  *lmdb*|*microhttpd*|*inih*|*tss_node*) echo "tss.pc pulls in the node: $(pc --libs --static tss)"; exit 1 ;;
esac
libdir=$(pc --variable=libdir tss)
"$cc" -std=c11 -Wall -Wextra -Werror -o "$root/public_api" "$src/tests/test_public_api.c" $(pc --cflags tss) \
  $(pkg-config --cflags cmocka) $(pc --libs tss) $(pkg-config --libs cmocka)
"$cc" -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -o "$root/public_node_api" "$src/tests/test_public_node_api.c" \
  $(pc --cflags tss-node) $(pkg-config --cflags cmocka) $(pc --libs tss-node) $(pkg-config --libs cmocka)
LD_LIBRARY_PATH="$libdir" "$root/public_api"
LD_LIBRARY_PATH="$libdir" "$root/public_node_api"
# The programs built against the installed libraries use them, not the build tree's.
LD_LIBRARY_PATH="$libdir" ldd "$root/public_api" >"$root/ldd.txt"
grep -q "$libdir/libtss.so" "$root/ldd.txt" || { echo "not linked to the installed libtss:"; cat "$root/ldd.txt"; exit 1; }
echo "tss.pc and tss-node.pc: the public API tests build and pass against the installed libraries"
