#!/usr/bin/env bash
# test_tss_frost_cli.sh TSS_FROST ED25519_CHECK
# Drives the tss-frost CLI through a trusted-dealer 2-of-3 and a DKG 3-of-5 ceremony ending in signatures that
# `tss-frost verify` and libsodium (ed25519_check) accept, then checks the rejections of bad input.
set -u
CLI=${1:?usage: test_tss_frost_cli.sh TSS_FROST ED25519_CHECK}
CHECK=${2:?usage: test_tss_frost_cli.sh TSS_FROST ED25519_CHECK}
CLI=$(readlink -f "$CLI")
CHECK=$(readlink -f "$CHECK")
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
cd "$W" || exit 1
FAILS=0
PASSES=0

pass() { PASSES=$((PASSES + 1)); }
fail() { echo "FAIL: $*" >&2; FAILS=$((FAILS + 1)); }

# run EXPECTED_EXIT DESCRIPTION -- command...: stderr goes to $W/err, stdout to $W/out
expect() {
    local want=$1 what=$2
    shift 3
    "$@" >"$W/out" 2>"$W/err"
    local got=$?
    if [ "$got" -ne "$want" ]; then
        fail "$what: exit $got, expected $want"
        sed 's/^/    /' "$W/err" >&2
        return 1
    fi
    pass
}
# stderr of the last expect contains the pattern (grep -E)
says() {
    if grep -Eq -- "$1" "$W/err"; then pass; else fail "expected stderr to match '$1', got: $(cat "$W/err")"; fi
}
json_field() { python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' "$1" "$2"; }
set_field() { # set_field FILE FIELD JSON_VALUE -> rewrites FILE
    python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); d[sys.argv[2]]=json.loads(sys.argv[3]); json.dump(d,open(sys.argv[1],"w"))' "$1" "$2" "$3"
}
mode_of() { stat -c %a "$1"; }

MSG=$(printf 'transfer 100 to alice' | od -An -tx1 | tr -d ' \n')

# ---------------------------------------------------------------- dealer 2-of-3
mkdir dealer && cd dealer || exit 1
expect 0 "dealer 2-of-3" -- "$CLI" dealer --threshold 2 --signers 3 --out-dir .
VK=$(cat "$W/out")
[ ${#VK} -eq 64 ] && pass || fail "dealer prints a 64-hex verifying key, got '$VK'"
for i in 1 2 3; do
    [ "$(mode_of key-package-$i.json)" = 600 ] && pass || fail "key-package-$i.json mode $(mode_of key-package-$i.json)"
done
[ "$(json_field public-key-package.json verifying_key)" = "$VK" ] && pass || fail "public package key"
grep -q signing_share public-key-package.json && fail "public key package holds a secret" || pass

expect 0 "commit 1" -- "$CLI" commit --key key-package-1.json --nonces-out nonces-1.json --out comm-1.json
expect 0 "commit 3" -- "$CLI" commit --key key-package-3.json --nonces-out nonces-3.json --out comm-3.json
grep -q hiding_nonce\" comm-1.json && fail "commitments contain nonces" || pass
[ "$(mode_of nonces-1.json)" = 600 ] && pass || fail "nonce file mode"
expect 0 "package" -- "$CLI" package --message "$MSG" --commitments comm-1.json comm-3.json --out pkg.json
cp nonces-1.json nonces-1.copy # for the reuse test below
expect 0 "sign 1" -- "$CLI" sign --key key-package-1.json --nonces nonces-1.json --package pkg.json --out share-1.json
expect 0 "sign 3" -- "$CLI" sign --key key-package-3.json --nonces nonces-3.json --package pkg.json --out share-3.json
grep -q hiding_nonce nonces-1.json && fail "nonce file not wiped after signing" || pass
expect 0 "aggregate" -- "$CLI" aggregate --package pkg.json --shares share-1.json share-3.json \
    --public public-key-package.json --out sig.json
SIG=$(json_field sig.json sig)
expect 0 "verify (public package, signature file)" -- "$CLI" verify --public public-key-package.json \
    --message "$MSG" --signature sig.json
expect 0 "verify (hex key, hex signature)" -- "$CLI" verify --public-key "$VK" --message "$MSG" --signature "$SIG"
expect 0 "libsodium accepts the dealer signature" -- "$CHECK" "$VK" "$MSG" "$SIG"
expect 1 "verify rejects another message" -- "$CLI" verify --public-key "$VK" --message 00 --signature "$SIG"
says "invalid signature"
expect 1 "libsodium rejects another message" -- "$CHECK" "$VK" 00 "$SIG"

# --- negative: reused nonces
expect 1 "reused nonce file" -- "$CLI" sign --key key-package-1.json --nonces nonces-1.json --package pkg.json
says "nonces-1.json: .*already used"
# --- negative: a corrupted share names its sender (3) and exits 3
cp share-3.json bad-share-3.json
set_field bad-share-3.json sig_share "\"$(json_field share-1.json sig_share)\""
expect 3 "aggregate with a corrupted share" -- "$CLI" aggregate --package pkg.json \
    --shares share-1.json bad-share-3.json --public public-key-package.json
says "culprit: identifier 3 \(bad-share-3.json\)"
grep -q "identifier 1 " "$W/err" && fail "honest signer 1 blamed" || pass
# --- negative: fewer than t shares
expect 1 "aggregate with fewer than t shares" -- "$CLI" aggregate --package pkg.json --shares share-1.json \
    --public public-key-package.json
says "only 1 signature share.*at least 2"
# --- negative: unknown identifier
cp share-3.json share-9.json
set_field share-9.json identifier 9
expect 1 "share from an unknown identifier" -- "$CLI" aggregate --package pkg.json \
    --shares share-1.json share-9.json --public public-key-package.json
says "share-9.json: unknown identifier 9"
# --- negative: nonces of another round, a share for another package; each names the participant (these two
#     messages once printed an uninitialized buffer)
expect 0 "commit 2 (round x)" -- "$CLI" commit --key key-package-2.json --nonces-out nonces-2x.json --out comm-2x.json
expect 0 "commit 2 (round y)" -- "$CLI" commit --key key-package-2.json --nonces-out nonces-2y.json --out comm-2y.json
expect 0 "commit 3 (round x)" -- "$CLI" commit --key key-package-3.json --nonces-out nonces-3x.json --out comm-3x.json
expect 0 "package x" -- "$CLI" package --message "$MSG" --commitments comm-2x.json comm-3x.json --out pkgx.json
expect 1 "sign with nonces of another round" -- "$CLI" sign --key key-package-2.json --nonces nonces-2y.json \
    --package pkgx.json
says "^tss-frost: pkgx.json: participant 2's commitments differ from those of nonces-2y.json \(a different round\?\)$"
expect 0 "sign 2 (round x)" -- "$CLI" sign --key key-package-2.json --nonces nonces-2x.json --package pkgx.json \
    --out share-2x.json
expect 1 "aggregate with a share for another package" -- "$CLI" aggregate --package pkg.json \
    --shares share-1.json share-2x.json --public public-key-package.json
says "^tss-frost: share-2x.json: participant 2 is not among the signers of the signing package$"
# --- negative: malformed JSON, bad hex, wrong length, invalid point, missing file
printf '{"version":1,"identifier":1,' >broken.json
expect 1 "malformed JSON" -- "$CLI" aggregate --package pkg.json --shares share-1.json broken.json \
    --public public-key-package.json
says "broken.json: malformed JSON"
cp share-3.json badhex.json
set_field badhex.json sig_share "\"zz$(json_field share-3.json sig_share | cut -c3-)\""
expect 1 "bad hex" -- "$CLI" aggregate --package pkg.json --shares share-1.json badhex.json \
    --public public-key-package.json
says "badhex.json: .*'sig_share' is not hex"
cp comm-3.json short.json
set_field short.json hiding_nonce_commitment "\"$(json_field comm-3.json hiding_nonce_commitment | cut -c3-)\""
expect 1 "wrong length" -- "$CLI" package --message "$MSG" --commitments comm-1.json short.json
says "short.json: .*'hiding_nonce_commitment' has the wrong length: 62 hex digits, expected 64"
cp comm-3.json identity.json
set_field identity.json binding_nonce_commitment "\"01$(printf '0%.0s' $(seq 62))\""
expect 1 "invalid point (identity)" -- "$CLI" package --message "$MSG" --commitments comm-1.json identity.json
says "identity.json: .*'binding_nonce_commitment' is not a valid Ed25519 point"
cp public-key-package.json badpub.json
set_field badpub.json verifying_key "\"$(printf 'f%.0s' $(seq 64))\""
expect 1 "invalid point (non-canonical group key)" -- "$CLI" verify --public badpub.json --message "$MSG" \
    --signature sig.json
says "badpub.json: .*'verifying_key' is not a valid Ed25519 point"
expect 1 "missing file" -- "$CLI" commit --key no-such-key.json --nonces-out n.json
says "no-such-key.json: cannot open"
expect 1 "verify with a short public key" -- "$CLI" verify --public-key abcd --message "$MSG" --signature "$SIG"
says "--public-key: expected 64 hex digits"
# --- negative: usage and overwrite protection
expect 2 "threshold above n" -- "$CLI" dealer --threshold 4 --signers 3 --out-dir .
says "threshold.*out of range"
expect 2 "threshold 0" -- "$CLI" dealer --threshold 0 --signers 3 --out-dir .
says "--threshold 0: at least 2 signers \(RFC 9591"
expect 2 "threshold 1 (RFC 9591: min_signers >= 2)" -- "$CLI" dealer --threshold 1 --signers 3 --out-dir t1
says "--threshold 1: at least 2 signers \(RFC 9591 min_signers\)"
[ -e t1 ] && fail "a refused dealer created its output directory" || pass
expect 2 "threshold -1" -- "$CLI" dealer --threshold -1 --signers 3
says "--threshold.*'-1' is not a whole number"
expect 2 "threshold abc" -- "$CLI" dealer --threshold abc --signers 3
says "--threshold.*'abc' is not a whole number"
expect 2 "dkg part1 threshold 1" -- "$CLI" dkg part1 --id 1 --threshold 1 --signers 3 --secret-out t1.json
says "--threshold 1: at least 2 signers"
expect 2 "one signer" -- "$CLI" dealer --threshold 2 --signers 1
says "--signers: 1 is out of range \(2 \.\. "
# --- a missing --out-dir is created, 0700
expect 0 "dealer into a new directory" -- "$CLI" dealer --threshold 2 --signers 3 --out-dir new/ceremony
[ "$(mode_of new/ceremony)" = 700 ] && [ "$(mode_of new)" = 700 ] && pass || fail "new --out-dir mode"
[ -f new/ceremony/key-package-3.json ] && pass || fail "dealer wrote nothing into the new --out-dir"
expect 1 "existing secret output refused" -- "$CLI" dealer --threshold 2 --signers 3 --out-dir .
says "exists; refusing to overwrite"
expect 2 "secret output to stdout refused" -- "$CLI" commit --key key-package-2.json --nonces-out -
expect 2 "unknown option" -- "$CLI" sign --bogus x
expect 2 "nonces from stdin refused (they could not be marked used)" -- "$CLI" sign --key key-package-2.json \
    --nonces - --package pkg.json
# a nonce file for another signing package is refused (and stays usable)
expect 0 "commit 2" -- "$CLI" commit --key key-package-2.json --nonces-out nonces-2.json --out comm-2.json
expect 1 "sign with nonces not in the package" -- "$CLI" sign --key key-package-2.json --nonces nonces-2.json \
    --package pkg.json
says "participant 2 is not among the signers"
grep -q hiding_nonce nonces-2.json && pass || fail "nonces burnt by a refused sign"
cd "$W" || exit 1

# ---------------------------------------------------------------- DKG 3-of-5
mkdir dkg && cd dkg || exit 1
N=5
T=3
for i in $(seq $N); do
    expect 0 "dkg part1 $i" -- "$CLI" dkg part1 --id "$i" --threshold $T --signers $N \
        --secret-out secret1-$i.json --out round1-$i.json
    [ "$(mode_of secret1-$i.json)" = 600 ] && pass || fail "secret1-$i.json mode"
done
grep -q coefficients round1-1.json && fail "round-1 package holds coefficients" || pass
for i in $(seq $N); do
    expect 0 "dkg part2 $i" -- "$CLI" dkg part2 --secret secret1-$i.json --round1 round1-*.json \
        --secret-out secret2-$i.json --out-dir to-all
done
[ "$(ls to-all | wc -l)" -eq $((N * (N - 1))) ] && pass || fail "round-2 package count"
[ "$(mode_of to-all)" = 700 ] && pass || fail "part2 --out-dir mode $(mode_of to-all)"
[ "$(mode_of to-all/round2-from-1-to-2.json)" = 600 ] && pass || fail "round-2 package mode"
for i in $(seq $N); do
    expect 0 "dkg part3 $i" -- "$CLI" dkg part3 --secret secret2-$i.json --round1 round1-*.json \
        --round2 to-all/round2-from-*-to-$i.json --key-out key-$i.json --public-out public-$i.json
    GK[$i]=$(cat "$W/out")
done
for i in $(seq 2 $N); do
    cmp -s public-1.json public-$i.json && pass || fail "participants 1 and $i disagree on the public key package"
done
DVK=$(json_field public-1.json verifying_key)
[ "${GK[1]}" = "$DVK" ] && pass || fail "part3 prints the group key"

# sign with participants 2, 4, 5
for i in 2 4 5; do
    expect 0 "dkg commit $i" -- "$CLI" commit --key key-$i.json --nonces-out nonces-$i.json --out comm-$i.json
done
printf 'dkg ceremony message' >msg.bin
DMSG=$(od -An -tx1 msg.bin | tr -d ' \n')
expect 0 "dkg package" -- "$CLI" package --message-file msg.bin --commitments comm-2.json comm-4.json comm-5.json \
    --out pkg.json
[ "$(json_field pkg.json message)" = "$DMSG" ] && pass || fail "--message-file content"
for i in 2 4 5; do
    expect 0 "dkg sign $i" -- "$CLI" sign --key key-$i.json --nonces nonces-$i.json --package pkg.json \
        --out share-$i.json
done
expect 0 "dkg aggregate" -- "$CLI" aggregate --package pkg.json --shares share-5.json share-2.json share-4.json \
    --public public-3.json --out sig.json
DSIG=$(json_field sig.json sig)
expect 0 "dkg verify" -- "$CLI" verify --public-key "$DVK" --message-file msg.bin --signature sig.json
expect 0 "libsodium accepts the DKG signature" -- "$CHECK" "$DVK" "$DMSG" "$DSIG"
expect 1 "fewer than t DKG shares" -- "$CLI" aggregate --package pkg.json --shares share-2.json share-4.json \
    --public public-1.json
says "only 2 signature share.*at least 3"

# --- negative DKG: a bad proof of knowledge names its sender in part 2
mkdir neg && cp round1-*.json neg/
set_field neg/round1-4.json proof_of_knowledge "\"$(json_field round1-3.json proof_of_knowledge)\""
expect 3 "part2 with a bad proof of knowledge" -- "$CLI" dkg part2 --secret secret1-1.json \
    --round1 neg/round1-*.json --secret-out neg/s2.json --out-dir neg
says "culprit: identifier 4"
# --- a bad share names its sender in part 3
mkdir neg2 && cp to-all/round2-from-*-to-1.json neg2/
set_field neg2/round2-from-2-to-1.json signing_share "\"$(json_field to-all/round2-from-3-to-1.json signing_share)\""
expect 3 "part3 with a bad share" -- "$CLI" dkg part3 --secret secret2-1.json --round1 round1-*.json \
    --round2 neg2/round2-from-*-to-1.json --key-out neg2/k.json --public-out neg2/p.json
says "culprit: identifier 2"
grep -q "identifier 3" "$W/err" && fail "honest sender 3 blamed" || pass
# --- a package addressed to someone else, a missing package
expect 1 "part3 with another's round-2 package" -- "$CLI" dkg part3 --secret secret2-1.json \
    --round1 round1-*.json --round2 to-all/round2-from-2-to-3.json to-all/round2-from-3-to-1.json \
    to-all/round2-from-4-to-1.json to-all/round2-from-5-to-1.json --key-out neg2/k2.json --public-out neg2/p2.json
says "round2-from-2-to-3.json: addressed to participant 3, not to 1"
expect 1 "part2 with a missing round-1 package" -- "$CLI" dkg part2 --secret secret1-1.json \
    --round1 round1-2.json round1-3.json --secret-out neg/s2b.json --out-dir neg
says "2 packages from other participants, expected n-1 = 4"
expect 2 "part1 threshold above n" -- "$CLI" dkg part1 --id 1 --threshold 6 --signers 5 --secret-out x.json
expect 2 "part1 identifier 0" -- "$CLI" dkg part1 --id 0 --threshold 2 --signers 5 --secret-out x.json
cd "$W" || exit 1

echo "$PASSES checks passed, $FAILS failed"
[ "$FAILS" -eq 0 ]
