#!/usr/bin/env bash
# tss-ecdsa ceremonies through files: 2-of-3 DKG, presign with signers 1 and 3, online sign of an EVM-style
# message (keccak-256), combine, verify, address; a reused presignature is refused; a tampered OT-extension
# message names and bans its sender (exit 3); refresh keeps the address and signs again; reshare to 3-of-4
# with a new member keeps the address and signs.
# Usage: test_tss_ecdsa_cli.sh path/to/tss-ecdsa
set -uo pipefail
CLI=$1
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
run() { "$CLI" "$@" || fail "tss-ecdsa $*"; }
hex() { head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n'; }
mkdir -p "$W/o1" "$W/o2" "$W/p1" "$W/p2"

SID=$(hex)
for i in 1 2 3; do run dkg round1 --index $i --signers 3 --threshold 2 --session "$SID" --state-out "$W/st1-$i.json" --out-dir "$W/o1"; done
for i in 1 2 3; do run dkg round2 --state "$W/st1-$i.json" --in "$W"/o1/*.json --state-out "$W/st2-$i.json" --out-dir "$W/o2"; done
[ "$(stat -c %a "$W/o2/dkg2-from-1-to-2.json")" = 600 ] || fail "secret round-2 message not mode 0600"
for i in 1 2 3; do run dkg finish --state "$W/st2-$i.json" --in "$W"/o2/*.json --key-out "$W/key-$i.json" > "$W/dkg-$i.out"; done
cmp -s "$W/dkg-1.out" "$W/dkg-3.out" || fail "parties disagree on the group key"
ADDR=$(run address --key "$W/key-1.json")
[[ "$ADDR" =~ ^0x[0-9a-fA-F]{40}$ ]] || fail "address '$ADDR'"
grep -q "address: $ADDR" "$W/dkg-2.out" || fail "dkg finish printed another address"

presign() {  # signers tag keyprefix
  local s=$1 tag=$2 kp=$3 sid; sid=$(hex)
  mkdir -p "$W/$tag"
  for i in ${s//,/ }; do run presign round1 --key "$W/$kp-$i.json" --signers "$s" --session "$sid" --state-out "$W/$tag/ps1-$i.json" --out-dir "$W/$tag"; done
  for i in ${s//,/ }; do run presign round2 --key "$W/$kp-$i.json" --state "$W/$tag/ps1-$i.json" --in "$W"/$tag/pre1-*.json --state-out "$W/$tag/ps2-$i.json" --out-dir "$W/$tag"; done
  for i in ${s//,/ }; do run presign finish --key "$W/$kp-$i.json" --state "$W/$tag/ps2-$i.json" --in "$W"/$tag/pre2-*.json --presig-out "$W/$tag/presig-$i.json" > /dev/null; done
}
presign 1,3 a key
printf 'transfer 1 ETH' > "$W/msg"
run sign --presig "$W/a/presig-1.json" --message-file "$W/msg" --hash keccak256 --out "$W/a/share-1.json" --public-out "$W/a/pub.json"
run sign --presig "$W/a/presig-3.json" --message-file "$W/msg" --hash keccak256 --out "$W/a/share-3.json"
run combine --public "$W/a/pub.json" --shares "$W"/a/share-*.json --message-file "$W/msg" --hash keccak256 --out "$W/sig.json" > "$W/combine.out"
grep -q "address: $ADDR" "$W/combine.out" || fail "combine: address"
run verify --signature "$W/sig.json" --key "$W/key-2.json" --message-file "$W/msg" --hash keccak256 > /dev/null
D=$(run digest --message-file "$W/msg" --hash keccak256)
run verify --signature "$W/sig.json" --public-key "$(sed -n 's/^group key: //p' "$W/dkg-1.out")" --digest "$D" > /dev/null
if "$CLI" verify --signature "$W/sig.json" --key "$W/key-2.json" --message-file "$W/msg" --hash sha256 2>/dev/null; then
  fail "verify accepted another digest"; fi
# reuse
"$CLI" sign --presig "$W/a/presig-1.json" --digest "$D" --out "$W/a/again.json" 2> "$W/reuse.err"
[ $? -eq 1 ] && grep -q "already used" "$W/reuse.err" || fail "reused presignature not refused"
[ ! -e "$W/a/again.json" ] || fail "a share was written from a used presignature"

# a tampered OT-extension message from party 1 to party 2: party 2 names and bans party 1
S2=$(hex); mkdir -p "$W/t"
for i in 1 2; do run presign round1 --key "$W/key-$i.json" --signers 1,2 --session "$S2" --state-out "$W/t/ps1-$i.json" --out-dir "$W/t"; done
python3 - "$W/t/pre1-from-1-to-2.json" <<'PY'
import json, sys
p = sys.argv[1]; j = json.load(open(p)); d = j["data"]; k = 212 + 100
j["data"] = d[:k] + ("0" if d[k] != "0" else "1") + d[k + 1:]
json.dump(j, open(p, "w"))
PY
"$CLI" presign round2 --key "$W/key-2.json" --state "$W/t/ps1-2.json" --in "$W"/t/pre1-*.json --state-out "$W/t/ps2-2.json" --out-dir "$W/t" 2> "$W/ban.err"
rc=$?
[ $rc -eq 3 ] || fail "tampered OT message: exit $rc"
grep -q "culprit: party 1" "$W/ban.err" && grep -q "ban: party 1" "$W/ban.err" || fail "culprit/ban not named: $(cat "$W/ban.err")"

# refresh: same address, new shares, signs again
S3=$(hex); mkdir -p "$W/r1" "$W/r2"
for i in 1 2 3; do run refresh round1 --key "$W/key-$i.json" --session "$S3" --state-out "$W/rs1-$i.json" --out-dir "$W/r1"; done
for i in 1 2 3; do run dkg round2 --state "$W/rs1-$i.json" --in "$W"/r1/*.json --state-out "$W/rs2-$i.json" --out-dir "$W/r2"; done
for i in 1 2 3; do run dkg finish --state "$W/rs2-$i.json" --in "$W"/r2/*.json --key-out "$W/new-$i.json" > "$W/ref-$i.out"; done
grep -q "address: $ADDR" "$W/ref-1.out" && grep -q "epoch: 1" "$W/ref-1.out" || fail "refresh changed the key"
presign 2,3 b new
run sign --presig "$W/b/presig-2.json" --digest "$D" --out "$W/b/share-2.json" --public-out "$W/b/pub.json"
run sign --presig "$W/b/presig-3.json" --digest "$D" --out "$W/b/share-3.json"
run combine --public "$W/b/pub.json" --shares "$W"/b/share-*.json --digest "$D" --out "$W/sig2.json" > /dev/null
run verify --signature "$W/sig2.json" --key "$W/key-1.json" --digest "$D" > /dev/null
# old and new keys do not presign together
S4=$(hex); mkdir -p "$W/m"
run presign round1 --key "$W/key-1.json" --signers 1,2 --session "$S4" --state-out "$W/m/ps1-1.json" --out-dir "$W/m"
run presign round1 --key "$W/new-2.json" --signers 1,2 --session "$S4" --state-out "$W/m/ps1-2.json" --out-dir "$W/m"
"$CLI" presign round2 --key "$W/new-2.json" --state "$W/m/ps1-2.json" --in "$W"/m/pre1-*.json --state-out "$W/m/x.json" --out-dir "$W/m" 2>/dev/null
[ $? -ne 0 ] || fail "old and new epochs presigned together"
# reshare the refreshed 2-of-3 key to 3-of-4 (dealers 1 and 3), refresh, sign with a new member
S5=$(hex); mkdir -p "$W/d" "$W/x1" "$W/x2"
run public --key "$W/new-1.json" --out "$W/old-public.json"
grep -q '"secret' "$W/old-public.json" && fail "public part carries a secret field name"
for i in 1 3; do run reshare deal --key "$W/new-$i.json" --dealers 1,3 --signers 4 --threshold 3 --session "$S5" --out-dir "$W/d"; done
for j in 1 2 3 4; do run reshare receive --old-public "$W/old-public.json" --dealers 1,3 --index $j --signers 4 --threshold 3 --session "$S5" --in "$W"/d/*.json --key-out "$W/prov-$j.json"; done
S6=$(hex)
for j in 1 2 3 4; do run refresh round1 --provisional "$W/prov-$j.json" --session "$S6" --state-out "$W/xs1-$j.json" --out-dir "$W/x1"; done
for j in 1 2 3 4; do run dkg round2 --state "$W/xs1-$j.json" --in "$W"/x1/*.json --state-out "$W/xs2-$j.json" --out-dir "$W/x2"; done
for j in 1 2 3 4; do run dkg finish --state "$W/xs2-$j.json" --in "$W"/x2/*.json --key-out "$W/r-$j.json" > "$W/rr-$j.out"; done
grep -q "address: $ADDR" "$W/rr-4.out" || fail "reshare changed the key"
presign 2,3,4 c r
for i in 2 3 4; do run sign --presig "$W/c/presig-$i.json" --digest "$D" --out "$W/c/share-$i.json" --public-out "$W/c/pub-$i.json"; done
run combine --public "$W/c/pub-2.json" --shares "$W"/c/share-*.json --digest "$D" --out "$W/sig3.json" > /dev/null
run verify --signature "$W/sig3.json" --key "$W/key-1.json" --digest "$D" > /dev/null
# usage errors
"$CLI" dkg round1 --index 1 2>/dev/null; [ $? -eq 2 ] || fail "usage error not exit 2"
echo "tss-ecdsa CLI: all checks passed"
