#!/usr/bin/env bash
# End to end: a 5-node tssd cluster on loopback driven by tssctl. DKG 3-of-5, signing with --json (fields
# checked, every signature verified again with openssl, independently of tssctl's libsodium check), status and
# keys; a node SIGKILLed after the DKG (the other four still sign), restarted (signs with its stored share); a
# request that reaches only some participants fails by timeout naming the missing ones. The cluster is always
# stopped (trap). Ports are random free ones (tssctl cluster up), so parallel runs do not collide.
#   usage: test_e2e_cluster.sh BUILD_DIR        (exit 77 = skipped: tssd not built)
set -euo pipefail
BUILD=$(cd "${1:?usage: test_e2e_cluster.sh BUILD_DIR}" && pwd)
TSSCTL=$BUILD/src/programs/tssctl
TSSD=${TSSD:-$BUILD/src/programs/tssd}
[ -x "$TSSD" ] || { echo "SKIP: $TSSD is not built"; exit 77; }
[ -x "$TSSCTL" ] || { echo "FAIL: $TSSCTL is not built"; exit 1; }

DIR=$(mktemp -d "${TMPDIR:-/tmp}/tss-e2e.XXXXXX")
C=$DIR/cluster
T0=$SECONDS
cleanup() {
  local rc=$?
  trap - EXIT
  "$TSSCTL" cluster down --cluster "$C" --stop-timeout 5 >/dev/null 2>&1 || true
  if [ "$rc" -ne 0 ]; then
    echo "FAILED (exit $rc) after $((SECONDS - T0)) s; node logs:"
    for log in "$C"/node*.log; do [ -f "$log" ] && { echo "--- $log"; tail -n 30 "$log"; }; done
  fi
  rm -rf "$DIR"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM  # meson's timeout: the nodes run in their own sessions, so stop them here
fail() { echo "FAIL: $*"; exit 1; }
step() { echo "=== [$((SECONDS - T0)) s] $*"; }
ctl() { "$TSSCTL" --cluster "$C" --quiet "$@"; }

# Checks tssctl's sign --json output (an array) against the key and the messages (hex) given, and verifies
# every signature with openssl (Ed25519, RFC 8032) when the openssl CLI is there.
check_signatures() {  # json_file key group message_hex...
  local json=$1 key=$2 group=$3
  shift 3
  rm -f "$DIR"/msg.*.bin "$DIR"/sig.*.bin
  # One python run: checks the fields, writes each message and signature as binary files, and the public key
  # as an Ed25519 SubjectPublicKeyInfo (a fixed 12-byte DER prefix, then the 32-byte key).
  local n
  n=$(python3 - "$json" "$key" "$group" "$DIR" "$@" <<'EOF'
import json, re, sys
path, key, group, d, msgs = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5:]
out = json.load(open(path))
if isinstance(out, dict):
    out = [out]
assert len(out) == len(msgs), f"{len(out)} results for {len(msgs)} messages"
for i, (r, m) in enumerate(zip(out, msgs)):
    assert r["scheme"] == "frost-ed25519", r
    assert r["key_id"] == key, r
    assert r["group_public_key"] == group, r
    assert r["message"].lower() == m.lower(), (r["message"], m)
    assert r["prehash"] is False, r
    assert re.fullmatch(r"[0-9a-f]{128}", r["signature"]), r
    open(f"{d}/msg.{i}.bin", "wb").write(bytes.fromhex(r["message"]))
    open(f"{d}/sig.{i}.bin", "wb").write(bytes.fromhex(r["signature"]))
open(f"{d}/pub.der", "wb").write(bytes.fromhex("302a300506032b6570032100" + group))
print(len(out))
EOF
) || fail "tssctl's JSON output is wrong: $(cat "$json")"
  if ! command -v openssl >/dev/null; then
    echo "  $n results checked (openssl CLI missing: signatures verified by tssctl only)"
    return
  fi
  local i
  for ((i = 0; i < n; i++)); do
    openssl pkeyutl -verify -pubin -keyform DER -inkey "$DIR/pub.der" -rawin -in "$DIR/msg.$i.bin" \
      -sigfile "$DIR/sig.$i.bin" >/dev/null || fail "openssl rejects signature $i"
  done
  # A corrupted signature must be rejected, or the check above proves nothing.
  printf '\x01' | dd of="$DIR/sig.0.bin" bs=1 seek=5 conv=notrunc status=none
  if openssl pkeyutl -verify -pubin -keyform DER -inkey "$DIR/pub.der" -rawin -in "$DIR/msg.0.bin" \
    -sigfile "$DIR/sig.0.bin" >/dev/null 2>&1; then
    fail "openssl accepted a corrupted signature"
  fi
  echo "  $n signatures: JSON fields checked, verified again with openssl"
}

hexof() { printf '%s' "$1" | od -An -tx1 | tr -d ' \n'; }

step "cluster up: 5 nodes"
"$TSSCTL" cluster up --cluster "$C" --nodes 5 --session-ms 8000 --round-ms 2000 --wait 60 --tssd "$TSSD"

step "dkg 3-of-5"
ctl dkg --threshold 3 --json >"$DIR/dkg.json"
read -r KEY GROUP < <(python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
assert d["scheme"] == "frost-ed25519" and d["threshold"] == 3 and d["participants"] == [1, 2, 3, 4, 5], d
assert d["key_id"] == d["session_id"], d
print(d["key_id"], d["group_public_key"])' "$DIR/dkg.json")
[[ $KEY =~ ^[0-9a-f]{16}$ && $GROUP =~ ^[0-9a-f]{64}$ ]] || fail "bad dkg output: $(cat "$DIR/dkg.json")"
echo "  key $KEY group key $GROUP"

step "status and keys"
ctl status >"$DIR/status.txt" || { cat "$DIR/status.txt"; fail "status"; }
[ "$(grep -c ' up ' "$DIR/status.txt")" -eq 5 ] || { cat "$DIR/status.txt"; fail "not 5 nodes up"; }
ctl keys >"$DIR/keys.txt" || { cat "$DIR/keys.txt"; fail "keys"; }
grep -q "$KEY .*3-of-5 .*$GROUP  1,2,3,4,5\$" "$DIR/keys.txt" || { cat "$DIR/keys.txt"; fail "keys listing"; }
ctl keys --key "$KEY" --json | python3 -c '
import json, sys
k = json.load(sys.stdin)
assert len(k) == 1 and k[0]["agree"] is True and k[0]["nodes"] == [1, 2, 3, 4, 5], k
assert len(k[0]["verifying_shares"]) == 5, k'

step "sign 8 messages on all 5 nodes"
msgs=()
args=()
for i in 1 2 3 4 5 6 7 8; do
  m=$(hexof "e2e message $i")
  msgs+=("$m")
  args+=(--message "$m")
done
ctl sign --key "$KEY" "${args[@]}" --json >"$DIR/sign1.json"
check_signatures "$DIR/sign1.json" "$KEY" "$GROUP" "${msgs[@]}"

step "kill node 5 (SIGKILL); the other 4 still sign"
"$TSSCTL" cluster kill 5 --cluster "$C"
if ctl status >/dev/null 2>&1; then fail "status succeeds with node 5 down"; fi
m2=(); a2=()
for i in 1 2 3; do m=$(hexof "after kill $i"); m2+=("$m"); a2+=(--message "$m"); done
ctl sign --key "$KEY" --sequential "${a2[@]}" --json >"$DIR/sign2.json"
check_signatures "$DIR/sign2.json" "$KEY" "$GROUP" "${m2[@]}"

step "restart node 5 (same config, keys, store); sign with signers 3,4,5"
"$TSSCTL" cluster start 5 --cluster "$C" --tssd "$TSSD" --wait 60
ctl keys --key "$KEY" --json | python3 -c '
import json, sys
k = json.load(sys.stdin)
assert k[0]["nodes"] == [1, 2, 3, 4, 5] and k[0]["agree"] is True, k'
m3=$(hexof "after restart")
ctl sign --key "$KEY" --signers 3,4,5 --message "$m3" --json >"$DIR/sign3.json"
check_signatures "$DIR/sign3.json" "$KEY" "$GROUP" "$m3"
ctl status >/dev/null || fail "status after the restart"

step "a DKG request that never reaches node 5 fails by timeout naming it"
set +e
ctl dkg --threshold 3 --participants 1,2,3,4,5 --skip 5 --timeout 40 >"$DIR/partial.out" 2>"$DIR/partial.err"
rc=$?
set -e
[ "$rc" -eq 1 ] || { cat "$DIR/partial.out" "$DIR/partial.err"; fail "partial dkg exited $rc, want 1"; }
grep -q "failed (timeout)" "$DIR/partial.err" || { cat "$DIR/partial.err"; fail "no timeout failure"; }
grep -q "node 5 (missing)" "$DIR/partial.err" || { cat "$DIR/partial.err"; fail "node 5 not named missing"; }
[ "$(grep -c 'failed (timeout)' "$DIR/partial.err")" -eq 4 ] || { cat "$DIR/partial.err"; fail "not 4 nodes failed"; }

step "a signing request that reaches 2 of its 3 signers fails by timeout naming the third"
set +e
ctl sign --key "$KEY" --signers 1,2,3 --skip 3 --text "never signed" --timeout 40 >"$DIR/partial2.out" 2>"$DIR/partial2.err"
rc=$?
set -e
[ "$rc" -eq 1 ] || { cat "$DIR/partial2.out" "$DIR/partial2.err"; fail "partial sign exited $rc, want 1"; }
grep -q "node 3 (missing)" "$DIR/partial2.err" || { cat "$DIR/partial2.err"; fail "node 3 not named missing"; }

step "cluster down"
"$TSSCTL" cluster down --cluster "$C"
for k in 1 2 3 4 5; do [ ! -e "$C/node$k.pid" ] || fail "node $k pid file left"; done
grep -q "stopped" "$C/node1.log" || fail "node 1 did not log a clean stop"
# Sanitizer builds: a daemon's report (the SIGKILLed node 5 leaves none) fails the test.
if grep -lE "ERROR: (Address|Leak)Sanitizer|runtime error:" "$C"/node*.log; then
  fail "sanitizer report in a node log"
fi
echo "PASS in $((SECONDS - T0)) s"
