#!/usr/bin/env bash
# The layers, as the #include lines see them: a file may include headers of its own layer and the layers
# below it, never above (the link of each layer as its own shared object checks the calls; this checks the
# headers, which can reach upward through inline functions and macros without a call).
#   ground    util/                      -> util/, tss/common.h
#   crypto    crypto/ batch/             -> + crypto/, batch/, tss/ (not tss/node.h)
#   net       dataplane/                 -> + dataplane/
#   node      src/ (not src/programs/)   -> + src/
#   programs  src/programs/              -> anything
set -uo pipefail
root=${1:-.}
cd "$root" || exit 1
fail=0

check() {  # folder allowed-regex [find options...]
    local dir=$1 allowed=$2; shift 2
    while IFS= read -r f; do
        while IFS= read -r line; do
            local inc=${line#*\"}; inc=${inc%%\"*}
            case "$inc" in */*) ;; *) continue ;; esac     # generated headers beside the file
            if ! [[ "$inc" =~ $allowed ]]; then
                echo "$f: includes $inc (above its layer)"
                fail=1
            fi
        done < <(grep -h '^[[:space:]]*#[[:space:]]*include[[:space:]]*"' "$f")
    done < <(find "$dir" -name '*.[ch]' "$@" | sort)
}

check util '^(util/|tss/common\.h$)'
crypto_api='tss/(common|ed25519|frost|frost_keygen|ecdsa)\.h$'
check crypto "^(util/|$crypto_api|crypto/|batch/)"
check batch "^(util/|$crypto_api|crypto/|batch/)"
check dataplane "^(util/|$crypto_api|crypto/|batch/|dataplane/)"
check src '^(util/|tss/|crypto/|batch/|dataplane/|src/[^/]+$)' -not -path 'src/programs/*'

if [ $fail -eq 0 ]; then echo "layers: every #include points to its own layer or below"; fi
exit $fail
