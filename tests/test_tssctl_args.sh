#!/usr/bin/env bash
# test_tssctl_args.sh TSSCTL: every bad argument gets its own one-line error naming it (exit 2), never the usage
# text; --help prints the usage (stdout, exit 0) and --version the version. No node is contacted.
set -u
CTL=${1:?usage: test_tssctl_args.sh TSSCTL}
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
export TSS_CLUSTER=$W/no-cluster # never the developer's default directory
PASSES=0
FAILS=0
KEY=00000000000000aa
PK=$(printf 'ab%.0s' $(seq 32))
SIG=$(printf 'cd%.0s' $(seq 64))
LONG=$(head -c 4097 /dev/zero | tr '\0' x)

# bad EXPECTED_STDERR_SUBSTRING ARGS...: exit 2, one line on stderr containing the text, nothing on stdout
bad() {
    local want=$1
    shift
    "$CTL" "$@" >"$W/out" 2>"$W/err"
    local rc=$? lines
    lines=$(wc -l <"$W/err")
    if [ "$rc" -ne 2 ] || [ "$lines" -ne 1 ] || ! grep -qF -- "$want" "$W/err" || [ -s "$W/out" ] ||
        grep -q "usage" "$W/err"; then
        echo "FAIL: tssctl $* -> exit $rc, $lines line(s) on stderr; expected exit 2 and one line with: $want" >&2
        sed 's/^/    /' "$W/err" "$W/out" | head -5 >&2
        FAILS=$((FAILS + 1))
    else
        PASSES=$((PASSES + 1))
    fi
}

bad "no command given" 
bad "unknown command 'launch'" launch
bad "unknown option '--bogus'" --bogus status
bad "unknown option '-x'" -x status
bad "--session needs a value" status --session
bad "--session takes a session id of 16 hex digits, not 'xyz'" status --session xyz
bad "dkg needs --threshold T" dkg
bad "--threshold 0: at least 2 signers (RFC 9591)" dkg --threshold 0
bad "--threshold 1: at least 2 signers (RFC 9591)" dkg --threshold 1
bad "--threshold -1 is not a number of signers" dkg --threshold -1
bad "--threshold takes the number of signers that suffice (a whole number, at least 2), not 'abc'" dkg --threshold abc
bad "not '2x'" dkg --threshold 2x
bad "--threshold 100000: at most" dkg --threshold 100000
bad "--participants takes node indices like 1,2,3 (each 1..65535), not '1,,2'" dkg --threshold 2 --participants 1,,2
bad "--participants takes node indices" dkg --threshold 2 --participants 0
bad "--participants takes node indices" dkg --threshold 2 --participants 1,
bad "--participants: node 1 is listed twice" dkg --threshold 2 --participants 1,2,1
bad "sign needs --key ID" sign --text x
bad "--key takes a key id of 16 hex digits (as \`tssctl keys\` lists them), not '123'" sign --key 123 --text x
bad "sign needs a message: --message HEX or --text STRING" sign --key $KEY
bad "--message takes the message in hex (an even number of hex digits), not 'abc'" sign --key $KEY --message abc
bad "--message takes the message in hex" sign --key $KEY --message zz
bad "--text: a message of 4097 bytes; at most 4096" sign --key $KEY --text "$LONG"
bad "--signers takes node indices" sign --key $KEY --text x --signers a
bad "--skip takes node indices" sign --key $KEY --text x --skip 1,x
bad "--timeout takes a number of seconds above 0" sign --key $KEY --text x --timeout 0
bad "--timeout takes a number of seconds above 0 (at most 86400), not 'soon'" dkg --threshold 2 --timeout soon
bad "unexpected argument 'hello' (messages are given with --message HEX or --text STRING)" sign --key $KEY hello
bad "--key given 2 times; once is enough" sign --key $KEY --text x --key $KEY
bad "--threshold does not apply to \`sign\` (it is for: dkg)" sign --key $KEY --text x --threshold 2
bad "--sequential does not apply to \`dkg\` (it is for: sign)" dkg --threshold 2 --sequential
bad "--nodes does not apply to \`status\` (it is for: cluster init, cluster up)" status --nodes 3
bad "--signature does not apply to \`sign\` (it is for: verify)" sign --key $KEY --text x --signature $SIG
bad "--node takes a node's API address http://IP:PORT, not 'foo'" --node foo status
bad "--node needs --token-file FILE" --node http://127.0.0.1:1 status
bad "--node cannot be combined with --cluster or --config" --node http://127.0.0.1:1 --token-file t --cluster d status
bad "--config cannot be combined with --cluster" --cluster d --config f.ini status
bad "verify needs --signature HEX (with --message or --text), or --results FILE" verify --text x --public-key $PK
bad "verify needs exactly one message" verify --signature $SIG --public-key $PK
bad "verify needs the key: --public-key HEX" verify --signature $SIG --text x
bad "--signature takes 128 hex digits, not 'abc'" verify --signature abc --text x --public-key $PK
bad "--public-key takes 64 hex digits" verify --signature $SIG --text x --public-key abcd
bad "--results checks a file of results" verify --results r.json --text x
bad "verify: give --public-key or --key, not both" verify --public-key $PK --key $KEY --signature $SIG --text x
bad "cluster: no command given" cluster
bad "cluster: unknown command 'frob'" cluster frob
bad "cluster kill needs a node number" cluster kill
bad "cluster kill: 'x' is not a node number" cluster kill x
bad "cluster kill: '0' is not a node number" cluster kill 0
bad "unexpected argument '3'" cluster kill 2 3
bad "unexpected argument 'extra'" cluster status extra
bad "--nodes takes a whole number from 1 to 256, not '0'" cluster up --nodes 0
bad "--nodes takes a whole number from 1 to 256, not 'x'" cluster up --nodes x
bad "--base-port takes a whole number from 1 to 65535, not '70000'" cluster up --base-port 70000
bad "--engines takes a whole number" cluster init --engines 0
bad "--threshold-hint takes a whole number from 2" cluster up --threshold-hint 1
bad "--round-ms takes a whole number" cluster up --round-ms 0
bad "--session-ms takes a whole number" cluster up --session-ms x
bad "--wait takes a number of seconds above 0" cluster up --wait -1
bad "--stop-timeout takes a number of seconds above 0" cluster down --stop-timeout x
bad "--nodes does not apply to \`cluster status\` (it is for: cluster init, cluster up)" cluster status --nodes 3
bad "--stop-timeout does not apply to \`cluster start\` (it is for: cluster down)" cluster start --stop-timeout 3
bad "--json does not apply to \`cluster status\`" cluster status --json
bad "--json given 2 times" keys --json --json

# --help: the usage on stdout, exit 0 (also after other arguments); --version.
for args in "--help" "-h" "dkg --help" "cluster up --help"; do
    # shellcheck disable=SC2086
    if "$CTL" $args >"$W/out" 2>"$W/err" && grep -q "^usage: tssctl COMMAND" "$W/out" && [ ! -s "$W/err" ]; then
        PASSES=$((PASSES + 1))
    else
        echo "FAIL: tssctl $args does not print the usage on stdout with exit 0" >&2
        FAILS=$((FAILS + 1))
    fi
done
if [ "$("$CTL" --version 2>&1)" = "tssctl ${TSS_VERSION:-0.1.0}" ]; then
    PASSES=$((PASSES + 1))
else
    echo "FAIL: tssctl --version printed '$("$CTL" --version 2>&1)'" >&2
    FAILS=$((FAILS + 1))
fi
# --dir still works (old scripts) but says which flag is meant.
"$CTL" cluster status --dir "$W/none" >"$W/out" 2>"$W/err"
if grep -q "note: --dir is the old spelling of --cluster DIR" "$W/err"; then
    PASSES=$((PASSES + 1))
else
    echo "FAIL: --dir gives no note" >&2
    FAILS=$((FAILS + 1))
fi

echo "$PASSES checks passed, $FAILS failed"
[ "$FAILS" -eq 0 ]
