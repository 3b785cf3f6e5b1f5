#!/usr/bin/env bash
# The exported symbols of a shared library are exactly its public API: every global symbol it defines must
# be declared with TSS_API in the given headers, and every such declaration must be exported. Everything
# else (the sessions, the engines, the field arithmetic) is hidden (-fvisibility=hidden).
#   check_exports.sh SOURCE_ROOT LIBRARY HEADER...     (headers relative to SOURCE_ROOT/include/tss)
set -euo pipefail
root=$1; lib=$2; shift 2
command -v nm >/dev/null || { echo "nm not found: skipped"; exit 77; }

declared=$(mktemp); trap 'rm -f "$declared" "$declared".*' EXIT
# Declarations: "TSS_API <type> name(" (possibly over several lines; the name is on the TSS_API line).
headers=(); for h in "$@"; do headers+=("$root/include/tss/$h"); done
grep -ho '^TSS_API [^(]*(' "${headers[@]}" | sed -E 's/.*[ *]([A-Za-z_][A-Za-z0-9_]*)\($/\1/' | sort -u >"$declared"
n_decl=$(wc -l <"$declared")
[ "$n_decl" -gt 0 ] || { echo "no TSS_API declarations found in $*"; exit 1; }

fail=0
{
    # Global defined symbols of the dynamic table. Names with a leading underscore are the toolchain's
    # (_init, _fini, sanitizer runtime hooks), reserved to the implementation, never ours.
    nm -D --defined-only --extern-only "$lib" | awk '{print $NF}' | grep -v '^_' | sed 's/@.*//' | sort -u >"$declared.exp"
    extra=$(comm -23 "$declared.exp" "$declared")
    if [ -n "$extra" ]; then
        echo "$(basename "$lib") exports $(echo "$extra" | wc -l) symbol(s) not declared with TSS_API in $*:"
        echo "$extra" | sed 's/^/  /'
        fail=1
    fi
    missing=$(comm -13 "$declared.exp" "$declared")
    if [ -n "$missing" ]; then
        echo "$(basename "$lib") does not export $(echo "$missing" | wc -l) declared symbol(s):"
        echo "$missing" | sed 's/^/  /'
        fail=1
    fi
    echo "$(basename "$lib"): $(wc -l <"$declared.exp") exported, $n_decl declared in $*"
}
exit $fail
