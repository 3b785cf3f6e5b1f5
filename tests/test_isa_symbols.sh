#!/usr/bin/env bash
# The dispatch rule of crypto/ed25519_backend.h, checked on the built library: portable objects of libtss refer
# to no symbol of a per-ISA library except its ops table (reached only through tss_ed25519_ops_get after
# CPUID/XGETBV), and the per-ISA objects define no weak/COMDAT symbol the linker could pick for a portable
# caller. Usage: test_isa_symbols.sh LIBTSS.a ISA_LIB.a...   (exit 77 when there is no per-ISA library)
set -uo pipefail
lib=$1; shift
[ $# -gt 0 ] || { echo "no per-ISA library in this build: skipped"; exit 77; }
command -v nm >/dev/null || { echo "nm not found: skipped"; exit 77; }
bad=0
isa_members=$(for a in "$@"; do ar t "$a"; done | xargs -n1 basename | sort -u)
isa_defined=$(nm -g --defined-only "$@" 2>/dev/null | awk 'NF == 3 { print $3 }' | sort -u)
weak=$(nm --defined-only "$@" 2>/dev/null | awk 'NF == 3 && $2 ~ /^[VvWwu]$/ { print $3 }' | sort -u)
if [ -n "$weak" ]; then
  echo "per-ISA objects define weak/COMDAT symbols (a portable caller could get the ISA copy):"; echo "$weak"; bad=1
fi
# every undefined reference of a portable member of libtss, against the per-ISA definitions (one awk pass)
report=$(nm -A --undefined-only "$lib" 2>/dev/null |
  sed -E 's/^[^:]*:([^:]*):[[:space:]]*U[[:space:]]+(.*)$/\1 \2/' |
  awk -v members="$isa_members" -v defined="$isa_defined" '
    BEGIN { n = split(members, m, "\n"); for (i = 1; i <= n; i++) isa[m[i]] = 1
            n = split(defined, d, "\n"); for (i = 1; i <= n; i++) def[d[i]] = 1 }
    NF == 2 { k = split($1, parts, "/"); $1 = parts[k] }  # thin archives (link_whole) name members by path
    NF == 2 && !($1 in isa) {
      checked++
      if (!($2 in def)) next
      if ($1 == "crypto_ed25519_backend.c.o" && $2 ~ /^tss_ed25519_ops_(avx2|ifma4|ifma8)$/) next
      print "portable " $1 " refers to per-ISA symbol " $2
    }
    END { print "checked " checked + 0 }')
n_checked=$(sed -n 's/^checked //p' <<<"$report")
if grep -q '^portable ' <<<"$report"; then grep '^portable ' <<<"$report"; bad=1; fi
[ "$n_checked" -gt 100 ] || { echo "only $n_checked references read from $lib: nm output not understood"; bad=1; }
[ -n "$isa_defined" ] || { echo "no symbol defined by the per-ISA libraries: nm output not understood"; bad=1; }
[ "$bad" -eq 0 ] && echo "ok: $n_checked references of portable objects checked against $(wc -l <<<"$isa_defined") per-ISA symbols"
exit "$bad"
