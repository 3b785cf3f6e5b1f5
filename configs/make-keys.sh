#!/bin/sh
# Makes the secret files that an example cluster's node configs name (identity keys, store master keys, API
# tokens; all 0600, existing ones kept) and writes each node's identity public key into the [peer.N] entry of
# every node config of that cluster.
#   usage: configs/make-keys.sh configs/cluster-3 [path/to/tss-keygen]
set -eu
dir=${1:?usage: make-keys.sh CLUSTER_DIR [TSS_KEYGEN]}
keygen=${2:-${TSS_KEYGEN:-tss-keygen}}
case $keygen in /*) ;; */*) keygen=$(pwd)/$keygen ;; esac
cd "$dir"
umask 077
for ini in node*.ini; do
    n=${ini#node}
    n=${n%.ini}
    [ -f "node$n.key" ] || "$keygen" "node$n" >/dev/null 2>&1
    [ -f "node$n.master.key" ] || "$keygen" --master "node$n.master.key" 2>/dev/null
    [ -f "node$n.token" ] || od -An -tx1 -N32 /dev/urandom | tr -d ' \n' >"node$n.token"
    pk=$("$keygen" --public "node$n.key")
    for conf in node*.ini; do
        awk -v sec="[peer.$n]" -v pk="$pk" '
            /^[ \t]*\[/ { cur = $1 }
            cur == sec && /^[ \t]*public_key[ \t]*=/ { print "public_key = " pk; next }
            { print }' "$conf" >"$conf.tmp"
        chmod 644 "$conf.tmp"
        mv "$conf.tmp" "$conf"
    done
    echo "node $n: $pk"
done
