#!/usr/bin/env bash
# The README's main command. On a fresh Debian 12 (as root, or with sudo): installs the dependencies, builds
# (release, build-demo/), starts a local 3-node cluster on loopback (`tssctl cluster up`), runs a 2-of-3
# FROST(Ed25519) DKG, signs a batch of messages, verifies every signature (tssctl, with libsodium), checks one
# with openssl as an outside verifier would, prints the group key, a few signatures and the latency figures, and
# stops the cluster (also on error or ^C). The cluster directory (build-demo/cluster: configs, keys, stores,
# logs) is kept, stopped, so that the printed next steps work; the next run replaces it.
# The batch's latencies include queueing (all sessions start at once); a second, sequential run shows the
# latency of one signing session on an idle cluster.
#   environment: NODES (3), THRESHOLD (2), MESSAGES (200), SEQUENTIAL (50), BUILD_DIR (build-demo)
set -euo pipefail
cd "$(dirname "$0")/.."
NODES=${NODES:-3}
THRESHOLD=${THRESHOLD:-2}
MESSAGES=${MESSAGES:-200}
BUILD=${BUILD_DIR:-build-demo}

step() { printf '\n=== %s\n' "$*"; }

step "dependencies"
bash scripts/install-deps.sh

step "build ($BUILD, release)"
if [ ! -f "$BUILD/build.ninja" ]; then
  meson setup "$BUILD" --buildtype=release -Dtests=false -Dbenchmarks=false
fi
ninja -C "$BUILD" -j"$(nproc)" src/programs/tssctl src/programs/tssd
TSSCTL=$PWD/$BUILD/src/programs/tssctl

DIR=$PWD/$BUILD/cluster
if [ -f "$DIR/node1.ini" ]; then
  "$TSSCTL" cluster down --cluster "$DIR" >/dev/null 2>&1 || true # a previous demo's nodes, if still running
fi
rm -rf "$DIR"
cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  if [ -f "$DIR/node1.ini" ]; then
    step "cluster down"
    "$TSSCTL" cluster down --cluster "$DIR" || true
  fi
  if [ "$rc" -eq 130 ] || [ "$rc" -eq 143 ]; then
    echo "demo interrupted; cluster stopped" >&2
  elif [ "$rc" -ne 0 ]; then
    echo "demo FAILED (exit $rc); node logs kept in $DIR/node*.log" >&2
    for log in "$DIR"/node*.log; do
      [ -f "$log" ] && { echo "--- $log (last lines)" >&2; tail -n 15 "$log" >&2; }
    done
  else
    show_next
  fi
  exit "$rc"
}
show_next() {
  cat <<NEXT

The cluster is stopped; its directory is kept: $DIR (configs, keys, stores, logs).
tssctl is $TSSCTL (install it with \`meson install\` or the Debian package: docs/operations.md).
Next:
  $TSSCTL cluster up --cluster $DIR     # the same nodes again (same keys and stores)
  $TSSCTL --cluster $DIR keys
  $TSSCTL --cluster $DIR sign --key $KEY --text hello
  $TSSCTL cluster down --cluster $DIR
NEXT
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

step "cluster up: $NODES nodes on loopback ($DIR)"
"$TSSCTL" cluster up --cluster "$DIR" --nodes "$NODES" --threshold-hint "$THRESHOLD"

step "DKG: $THRESHOLD-of-$NODES FROST(Ed25519)"
"$TSSCTL" --cluster "$DIR" dkg --threshold "$THRESHOLD" --json >"$DIR/dkg.json"
KEY=$(sed -n 's/.*"key_id": *"\([0-9a-f]\{16\}\)".*/\1/p' "$DIR/dkg.json")
GROUP=$(sed -n 's/.*"group_public_key": *"\([0-9a-f]\{64\}\)".*/\1/p' "$DIR/dkg.json")
DKG_MS=$(sed -n 's/.*"elapsed_ms": *\([0-9.]*\).*/\1/p' "$DIR/dkg.json")
[ -n "$KEY" ] && [ -n "$GROUP" ] || { echo "demo: no key in the DKG result:"; cat "$DIR/dkg.json"; exit 1; }
echo "key_id            $KEY"
echo "group public key  $GROUP"
printf 'dkg time          %.1f ms\n' "$DKG_MS"

step "keys on every node"
"$TSSCTL" --cluster "$DIR" keys

step "sign a batch of $MESSAGES messages with $KEY, all started at once (every signature verified with libsodium)"
args=()
for i in $(seq 1 "$MESSAGES"); do args+=(--text "demo message $i"); done
"$TSSCTL" --cluster "$DIR" sign --key "$KEY" "${args[@]}"

SEQ=${SEQUENTIAL:-50}
step "latency without queueing: sign $SEQ messages one at a time"
args=()
for i in $(seq 1 "$SEQ"); do args+=(--text "one at a time $i"); done
"$TSSCTL" --cluster "$DIR" sign --key "$KEY" --sequential "${args[@]}"

step "an outside check: one signature verified with openssl (Ed25519, RFC 8032)"
"$TSSCTL" --cluster "$DIR" --quiet sign --key "$KEY" --text "checked with openssl" --json >"$DIR/sig.json"
python3 - "$DIR" <<'PY'
import json, sys
d = sys.argv[1]
r = json.load(open(d + "/sig.json"))
# openssl reads the key as a SubjectPublicKeyInfo: a fixed 12-byte DER prefix, then the 32-byte group key.
open(d + "/group.der", "wb").write(bytes.fromhex("302a300506032b6570032100" + r["group_public_key"]))
open(d + "/sig.bin", "wb").write(bytes.fromhex(r["signature"]))
open(d + "/msg.bin", "wb").write(bytes.fromhex(r["message"]))
PY
echo "message   \"$(cat "$DIR/msg.bin")\" ($DIR/msg.bin)"
echo "signature $(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["signature"])' "$DIR/sig.json")"
VERIFY=(openssl pkeyutl -verify -pubin -keyform DER -inkey "$DIR/group.der" -rawin -in "$DIR/msg.bin"
        -sigfile "$DIR/sig.bin")
echo "\$ ${VERIFY[*]}"
if command -v openssl >/dev/null; then
  "${VERIFY[@]}"
else
  echo "(the openssl command-line tool is not installed: apt-get install openssl)"
fi
echo "\$ tssctl verify --results $DIR/sig.json"
"$TSSCTL" verify --results "$DIR/sig.json"

step "status"
"$TSSCTL" --cluster "$DIR" status

echo
echo "demo OK: $NODES nodes, $THRESHOLD-of-$NODES DKG, $MESSAGES signatures verified (libsodium), one again with openssl"
