#!/usr/bin/env bash
# The exported symbols of the shared libraries are exactly the public API: every global symbol a library
# defines must be declared with TSS_API in include/tss/*.h, and every such declaration must be exported
# by the libraries that hold its layer. Everything else (the sessions, the engines, the field arithmetic)
# is hidden (-fvisibility=hidden).
#   check_exports.sh SOURCE_ROOT libtss.so [more libraries...]
# The first library must export every declaration; the others only declared symbols.
set -euo pipefail
root=$1; shift
command -v nm >/dev/null || { echo "nm not found: skipped"; exit 77; }

declared=$(mktemp); trap 'rm -f "$declared" "$declared".*' EXIT
# Declarations: "TSS_API <type> name(" (possibly over several lines; the name is on the TSS_API line).
grep -ho '^TSS_API [^(]*(' "$root"/include/tss/*.h | sed -E 's/.*[ *]([A-Za-z_][A-Za-z0-9_]*)\($/\1/' | sort -u >"$declared"
n_decl=$(wc -l <"$declared")
[ "$n_decl" -gt 0 ] || { echo "no TSS_API declarations found under $root/include/tss"; exit 1; }

fail=0
first=1
for lib in "$@"; do
    # Global defined symbols of the dynamic table. Names with a leading underscore are the toolchain's
    # (_init, _fini, sanitizer runtime hooks), reserved to the implementation, never ours.
    nm -D --defined-only --extern-only "$lib" | awk '{print $NF}' | grep -v '^_' | sed 's/@.*//' | sort -u >"$declared.exp"
    extra=$(comm -23 "$declared.exp" "$declared")
    if [ -n "$extra" ]; then
        echo "$(basename "$lib") exports $(echo "$extra" | wc -l) symbol(s) not declared with TSS_API in include/tss:"
        echo "$extra" | sed 's/^/  /'
        fail=1
    fi
    if [ $first -eq 1 ]; then
        missing=$(comm -13 "$declared.exp" "$declared")
        if [ -n "$missing" ]; then
            echo "$(basename "$lib") does not export $(echo "$missing" | wc -l) declared symbol(s):"
            echo "$missing" | sed 's/^/  /'
            fail=1
        fi
    fi
    echo "$(basename "$lib"): $(wc -l <"$declared.exp") exported, $n_decl declared in include/tss"
    first=0
done
exit $fail
