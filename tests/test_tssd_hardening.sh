#!/usr/bin/env bash
# test_tssd_hardening.sh BUILD_DIR: tssd turns core dumps off and locks its memory (mlockall) by itself; when
# RLIMIT_MEMLOCK forbids locking it says so and runs on (--memory-lock=try, the default) or refuses to start
# (--memory-lock=required). A one-node cluster on loopback, started with `tssctl cluster`.
set -euo pipefail
BUILD=$(cd "${1:?usage: test_tssd_hardening.sh BUILD_DIR}" && pwd)
TSSCTL=$BUILD/src/programs/tssctl
TSSD=$BUILD/src/programs/tssd
W=$(mktemp -d "${TMPDIR:-/tmp}/tss-harden.XXXXXX")
C=$W/c
cleanup() {
  "$TSSCTL" cluster down --cluster "$C" --stop-timeout 5 >/dev/null 2>&1 || true
  rm -rf "$W"
}
trap cleanup EXIT
fail() { echo "FAIL: $*"; tail -n 5 "$C/node1.log" 2>/dev/null | sed 's/^/    /'; exit 1; }
checks=0
ok() { checks=$((checks + 1)); }

# Arguments: one line each, exit 2.
set +e
"$TSSD" --memory-lock=sometimes --config x.ini 2>"$W/err"; rc=$?
set -e
[ "$rc" = 2 ] && grep -q "^tssd: --memory-lock takes try, required or off, not 'sometimes'$" "$W/err" && ok ||
  fail "a bad --memory-lock value: exit $rc, $(cat "$W/err")"
[ "$("$TSSD" --version)" = "tssd ${TSS_VERSION:-0.1.0}" ] && ok || fail "tssd --version"

# As started here: core dumps off; memory locked if the limit (or CAP_IPC_LOCK) allows it, else said so.
"$TSSCTL" cluster up --cluster "$C" --nodes 1 --tssd "$TSSD" >/dev/null
pid=$(cat "$C/node1.pid")
grep -Eq "^Max core file size +0 +0 " "/proc/$pid/limits" && ok || fail "RLIMIT_CORE is not 0: $(grep core "/proc/$pid/limits")"
if grep -q "memory: locked (mlockall" "$C/node1.log"; then
  lck=$(awk '/^VmLck:/ {print $2}' "/proc/$pid/status")
  [ "${lck:-0}" -gt 0 ] && ok || fail "tssd says its memory is locked, VmLck is ${lck:-?} kB"
elif grep -q "memory: NOT locked: mlockall" "$C/node1.log"; then
  echo "note: not locked here: $(grep -o 'mlockall: [^(]*' "$C/node1.log" | head -n 1)"
  ok
else
  fail "tssd logs nothing about memory locking"
fi
"$TSSCTL" cluster down --cluster "$C" >/dev/null

# A limit too small and no CAP_IPC_LOCK: runs on, logging why (try), or refuses (required). Needs root (to drop
# the capability from the bounding set) and util-linux's prlimit and setpriv.
if [ "$(id -u)" != 0 ] || ! command -v prlimit >/dev/null || ! command -v setpriv >/dev/null; then
  echo "$checks checks passed (the small-RLIMIT_MEMLOCK cases need root, prlimit and setpriv: not run)"
  exit 0
fi
cat >"$W/small-memlock" <<EOF
#!/bin/sh
exec prlimit --memlock=1048576 setpriv --bounding-set -ipc_lock "$TSSD" "\$@" \$MEMORY_LOCK
EOF
chmod +x "$W/small-memlock"
MEMORY_LOCK= "$TSSCTL" cluster start --cluster "$C" --tssd "$W/small-memlock" >/dev/null ||
  fail "tssd does not start when it may not lock its memory (--memory-lock=try)"
grep -Eq "memory: NOT locked: mlockall: (Cannot allocate memory|succeeded but nothing is locked .*) \(RLIMIT_MEMLOCK 1.0 MiB" "$C/node1.log" && ok ||
  fail "no log line saying why the memory is not locked"
"$TSSCTL" --cluster "$C" --quiet status >/dev/null && ok || fail "the node does not answer"
"$TSSCTL" cluster down --cluster "$C" >/dev/null
set +e
MEMORY_LOCK=--memory-lock=required "$TSSCTL" cluster start --cluster "$C" --tssd "$W/small-memlock" \
  >/dev/null 2>"$W/err"
rc=$?
set -e
[ "$rc" = 1 ] && grep -q "node 1 exited with status 1 during start-up" "$W/err" &&
  grep -q "refusing to start (--memory-lock=required)" "$W/err" && ok ||
  fail "--memory-lock=required started without locking (exit $rc): $(cat "$W/err")"
echo "$checks checks passed"
