#!/usr/bin/env bash
# The README's main command. On a fresh Debian 12 (as root, or with sudo): installs the dependencies, builds
# (release, build-demo/), starts a local 3-node cluster on loopback (`tssctl cluster up`), runs a 2-of-3
# FROST(Ed25519) DKG, signs a batch of messages, verifies every signature (tssctl, with libsodium), prints the
# group key, a few signatures and the latency figures, and stops the cluster (also on error or ^C).
# Idempotent: every run uses a fresh cluster directory; the build directory is reused.
# The batch's latencies include queueing (all sessions start at once); a second, sequential run shows the
# latency of one signing session on an idle cluster.
#   environment: NODES (3), THRESHOLD (2), MESSAGES (200), SEQUENTIAL (50), BUILD_DIR (build-demo),
#                KEEP=1 keeps the cluster dir
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

DIR=$(mktemp -d "${TMPDIR:-/tmp}/tss-demo.XXXXXX")
cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  if [ -f "$DIR/node1.ini" ]; then
    step "cluster down"
    "$TSSCTL" cluster down --dir "$DIR" || true
  fi
  if [ "$rc" -eq 130 ] || [ "$rc" -eq 143 ]; then
    echo "demo interrupted; cluster stopped" >&2
    rm -rf "$DIR"
  elif [ "$rc" -ne 0 ]; then
    echo "demo FAILED (exit $rc); node logs kept in $DIR/node*.log" >&2
    for log in "$DIR"/node*.log; do
      [ -f "$log" ] && { echo "--- $log (last lines)" >&2; tail -n 15 "$log" >&2; }
    done
  elif [ "${KEEP:-0}" = 1 ]; then
    echo "cluster directory kept: $DIR"
  else
    rm -rf "$DIR"
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

step "cluster up: $NODES nodes on loopback ($DIR)"
"$TSSCTL" cluster up --dir "$DIR" --nodes "$NODES" --threshold-hint "$THRESHOLD"

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

step "status"
"$TSSCTL" --cluster "$DIR" status

echo
echo "demo OK: $NODES nodes, $THRESHOLD-of-$NODES DKG, $MESSAGES signatures verified"
