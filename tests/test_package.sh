#!/usr/bin/env bash
# test_package.sh BUILD_DIR: the Debian package, end to end on this machine. Builds it from BUILD_DIR
# (packaging/build-deb.sh), installs it with dpkg, checks the files, the tss user and /etc/tss, checks the unit
# with systemd-analyze (verify; security exposure <= 2.0), runs a 2-node group from the installed programs as
# the tss user (configs and keys made as docs/operations.md says, memory lock required, as the unit runs it),
# runs a DKG and a signature that openssl verifies, then removes and purges the package: programs and unit gone,
# key material kept by a purge, empty directories removed. Leaves the machine as it found it.
# Exit 77 (skipped) when it cannot run: not root, no dpkg, the package already installed by someone else, or
# a build directory not configured with --prefix=/usr (scripts/test.sh configures its release build so).
set -uo pipefail
BUILD=$(cd "${1:?usage: test_package.sh BUILD_DIR}" && pwd)
SRC=$(cd "$(dirname "$0")/.." && pwd)
skip() { echo "SKIP: $*"; exit 77; }
[ "$(id -u)" = 0 ] || skip "installing a package needs root"
for t in dpkg dpkg-deb dpkg-shlibdeps runuser setpriv prlimit python3; do
  command -v "$t" >/dev/null || skip "$t is not installed"
done
prefix=$(meson introspect "$BUILD" --buildoptions |
  python3 -c 'import json,sys; print(next(o["value"] for o in json.load(sys.stdin) if o["name"] == "prefix"))')
[ "$prefix" = /usr ] || skip "$BUILD is configured with --prefix=$prefix (the package needs --prefix=/usr)"
sanitize=$(meson introspect "$BUILD" --buildoptions |
  python3 -c 'import json,sys; print(next(o["value"] for o in json.load(sys.stdin) if o["name"] == "b_sanitize"))')
[ "$sanitize" = none ] || skip "$BUILD is a sanitizer build"

# One package test at a time on a machine (several worktrees may run their suites at once).
LOCK=/run/lock/tss-package-test.lock
[ -d /run/lock ] || LOCK=/tmp/tss-package-test.lock
exec 9>"$LOCK"
flock -w 300 9 || skip "another package test holds $LOCK"
if dpkg-query -W -f='${Status}' tss 2>/dev/null | grep -q "installed"; then
  skip "the tss package is already installed here; not replacing it"
fi
for f in /etc/tss /var/lib/tss; do
  [ ! -e "$f" ] || skip "$f exists (an installation not made by this test); not touching it"
done

W=$(mktemp -d "${TMPDIR:-/tmp}/tss-pkg.XXXXXX")
user_existed=0
getent passwd tss >/dev/null && user_existed=1
PIDS=()
T0=$SECONDS
cleanup() {
  local rc=$?
  for p in "${PIDS[@]}"; do kill -TERM "$p" 2>/dev/null; done
  for p in "${PIDS[@]}"; do
    for _ in $(seq 100); do kill -0 "$p" 2>/dev/null || break; sleep 0.05; done
    kill -KILL "$p" 2>/dev/null
  done
  if [ "$rc" -ne 0 ]; then
    for l in "$W"/node*.log; do [ -f "$l" ] && { echo "--- $l"; tail -n 15 "$l"; }; done
  fi
  dpkg --purge tss >/dev/null 2>&1
  rm -rf /etc/tss /var/lib/tss "$W"
  [ "$user_existed" = 1 ] || { userdel tss 2>/dev/null; groupdel tss 2>/dev/null; }
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 143' TERM INT
fail() { echo "FAIL: $*"; exit 1; }
step() { echo "=== [$((SECONDS - T0)) s] $*"; }

step "build the package"
deb=$(SKIP_BUILD=1 "$SRC/packaging/build-deb.sh" "$BUILD" "$W" | tail -n 1) || fail "packaging/build-deb.sh failed"
[ -f "$deb" ] || fail "no .deb"
contents=$(dpkg-deb -c "$deb")
for f in ./usr/bin/tssd ./usr/bin/tssctl ./usr/bin/tss-keygen ./usr/bin/tss-frost \
  ./usr/lib/systemd/system/tssd@.service ./usr/lib/sysusers.d/tss.conf ./usr/share/doc/tss/operations.md \
  ./usr/share/doc/tss/examples/node.ini ./usr/share/doc/tss/examples/prometheus-tss.yml \
  ./usr/share/doc/tss/examples/grafana-tss-dashboard.json; do
  grep -q " $f\$" <<<"$contents" || fail "the package lacks $f"
done
grep -q "usr/include\|libtss" <<<"$contents" && fail "the package holds the library or headers"
dpkg-deb -f "$deb" Depends | grep -q "libsodium23" || fail "Depends lacks libsodium23: $(dpkg-deb -f "$deb" Depends)"

step "install"
dpkg -i "$deb" >"$W/install.log" 2>&1 || { cat "$W/install.log"; fail "dpkg -i failed"; }
[ "$(dpkg-query -W -f='${Status}' tss)" = "install ok installed" ] || fail "dpkg does not list tss as installed"
getent passwd tss >/dev/null || fail "no tss user"
[ "$(stat -c '%a %U %G' /etc/tss)" = "750 root tss" ] || fail "/etc/tss is $(stat -c '%a %U %G' /etc/tss)"
[ "$(/usr/bin/tssctl --version)" = "tssctl $(dpkg-query -W -f='${Version}' tss)" ] || fail "tssctl --version"
grep -q "^ExecStart=/usr/bin/tssd --config /etc/tss/%i.ini" /usr/lib/systemd/system/tssd@.service ||
  fail "the unit does not run /usr/bin/tssd"

if command -v systemd-analyze >/dev/null; then
  step "systemd-analyze verify and security"
  (cd "$W" && systemd-analyze verify /usr/lib/systemd/system/tssd@.service) >"$W/verify.log" 2>&1 ||
    { cat "$W/verify.log"; fail "systemd-analyze verify"; }
  [ -s "$W/verify.log" ] && { cat "$W/verify.log"; fail "systemd-analyze verify has findings"; }
  systemd-analyze security --offline=yes /usr/lib/systemd/system/tssd@.service >"$W/security.log" 2>&1
  score=$(sed -n 's/.*Overall exposure level for .*: \([0-9.]*\).*/\1/p' "$W/security.log")
  [ -n "$score" ] || { cat "$W/security.log"; fail "no exposure score"; }
  echo "  exposure $score (systemd $(systemd-analyze --version | awk 'NR==1 {print $2}'))"
  python3 -c "import sys; sys.exit(0 if float('$score') <= 2.0 else 1)" || fail "exposure $score > 2.0"
else
  echo "  systemd-analyze not installed: unit checks not run"
fi

step "a 2-node group from the package, run as tss"
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
declare -A PK UDP API
for k in 1 2; do
  n=pkgtest$k
  install -d -o tss -g tss -m 0700 "/etc/tss/$n"
  PK[$k]=$(runuser -u tss -- /usr/bin/tss-keygen "/etc/tss/$n/identity" 2>/dev/null | grep -Eo '[0-9a-f]{64}')
  [ ${#PK[$k]} = 64 ] || fail "tss-keygen printed no public key"
  runuser -u tss -- /usr/bin/tss-keygen --master "/etc/tss/$n/master.key" 2>/dev/null || fail "tss-keygen --master"
  runuser -u tss -- sh -c "umask 077; od -An -tx1 -N32 /dev/urandom | tr -d ' \n' >/etc/tss/$n/api.token"
  install -d -o tss -g tss -m 0700 "/var/lib/tss/$n" # systemd's StateDirectory= does this under the unit
  UDP[$k]=$(free_port)
  API[$k]=$(free_port)
done
# The unit allows the lock with LimitMEMLOCK=infinity; where root may not raise a hard limit (no
# CAP_SYS_RESOURCE, e.g. in a container) the node gets CAP_IPC_LOCK instead, which allows it as well.
if prlimit --memlock=unlimited:unlimited true 2>/dev/null; then
  MEMLOCK=(--memlock=unlimited:unlimited)
  CAPS=(--inh-caps=-all)
else
  echo "  (root may not raise RLIMIT_MEMLOCK here: the nodes get CAP_IPC_LOCK to lock their memory)"
  MEMLOCK=()
  CAPS=(--inh-caps=+ipc_lock --ambient-caps=+ipc_lock)
fi
for k in 1 2; do
  n=pkgtest$k
  python3 - "/usr/share/doc/tss/examples/node.ini" "/etc/tss/$n.ini" "$k" "$n" \
    "${PK[1]}" "${UDP[1]}" "${PK[2]}" "${UDP[2]}" "${API[$k]}" <<'EOF' || fail "cannot write the config"
import re, sys
src, dst, k, name, pk1, udp1, pk2, udp2, api = sys.argv[1:]
text = open(src).read().replace("a/", name + "/").replace("/var/lib/tss/a", "/var/lib/tss/" + name)
text = re.sub(r"(?m)^index = .*", "index = " + k, text)
text = re.sub(r"(?m)^listen = 192\.0\.2\.11:7100", "listen = 127.0.0.1:" + (udp1 if k == "1" else udp2), text)
peers = "[peer.1]\npublic_key = %s\naddress = 127.0.0.1:%s\n\n[peer.2]\npublic_key = %s\naddress = 127.0.0.1:%s\n\n" % (
    pk1, udp1, pk2, udp2)
text = re.sub(r"(?ms)^\[peer\.1\].*?(?=^\[cores\])", peers, text)
text = re.sub(r"(?ms)^\[cores\].*?(?=^\[timeouts\])", "", text)
text = re.sub(r"(?m)^listen = 127\.0\.0\.1:8100", "listen = 127.0.0.1:" + api, text)
open(dst, "w").write(text)
EOF
  chown root:tss "/etc/tss/$n.ini"
  chmod 0640 "/etc/tss/$n.ini"
  # As the unit runs it: user tss, no new privileges, memory locking allowed, LimitCORE=0, lock required.
  prlimit --core=0:0 "${MEMLOCK[@]}" setpriv --reuid=tss --regid=tss --init-groups --no-new-privs "${CAPS[@]}" \
    /usr/bin/tssd --config "/etc/tss/$n.ini" --memory-lock=required >"$W/node$k.log" 2>&1 &
  PIDS+=($!)
done
cp "/etc/tss/pkgtest1.ini" "$W/node1.ini"
cp "/etc/tss/pkgtest2.ini" "$W/node2.ini"
sed -i "s|^token_file = .*|token_file = /etc/tss/pkgtest1/api.token|" "$W/node1.ini"
sed -i "s|^token_file = .*|token_file = /etc/tss/pkgtest2/api.token|" "$W/node2.ini"
sed -i "s|^identity_key_file = .*|identity_key_file = /etc/tss/pkgtest1/identity.key|" "$W/node1.ini"
sed -i "s|^identity_key_file = .*|identity_key_file = /etc/tss/pkgtest2/identity.key|" "$W/node2.ini"
sed -i "s|^master_key_file = .*|master_key_file = /etc/tss/pkgtest1/master.key|" "$W/node1.ini"
sed -i "s|^master_key_file = .*|master_key_file = /etc/tss/pkgtest2/master.key|" "$W/node2.ini"
CTL() { /usr/bin/tssctl --cluster "$W" --quiet "$@"; }
for _ in $(seq 150); do
  CTL status >/dev/null 2>&1 && break
  for p in "${PIDS[@]}"; do kill -0 "$p" 2>/dev/null || fail "a node exited at start-up"; done
  sleep 0.2
done
CTL status >"$W/status" 2>&1 || { cat "$W/status"; fail "the nodes do not come up"; }
for k in 1 2; do
  pid=${PIDS[$((k - 1))]}
  [ "$(awk '/^Uid:/ {print $2}' "/proc/$pid/status")" = "$(id -u tss)" ] || fail "node $k does not run as tss"
  grep -q "memory: locked (mlockall" "$W/node$k.log" || fail "node $k did not lock its memory"
  grep -Eq "^Max core file size +0 +0 " "/proc/$pid/limits" || fail "node $k may dump core"
done
step "DKG and a signature, checked with openssl"
CTL dkg --threshold 2 --json >"$W/dkg.json" || fail "dkg"
key=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["key_id"])' "$W/dkg.json")
CTL sign --key "$key" --text "signed by an installed tss" --json >"$W/sig.json" || fail "sign"
/usr/bin/tssctl verify --results "$W/sig.json" >/dev/null || fail "tssctl verify"
if command -v openssl >/dev/null; then
  python3 - "$W" <<'EOF'
import json, sys
d = sys.argv[1]
r = json.load(open(d + "/sig.json"))
open(d + "/group.der", "wb").write(bytes.fromhex("302a300506032b6570032100" + r["group_public_key"]))
open(d + "/sig.bin", "wb").write(bytes.fromhex(r["signature"]))
open(d + "/msg.bin", "wb").write(bytes.fromhex(r["message"]))
EOF
  openssl pkeyutl -verify -pubin -keyform DER -inkey "$W/group.der" -rawin -in "$W/msg.bin" \
    -sigfile "$W/sig.bin" >/dev/null || fail "openssl rejects the signature"
fi
for p in "${PIDS[@]}"; do kill -TERM "$p"; done
for p in "${PIDS[@]}"; do wait "$p" || fail "a node did not stop cleanly"; done
PIDS=()

step "remove and purge"
dpkg -r tss >"$W/remove.log" 2>&1 || { cat "$W/remove.log"; fail "dpkg -r"; }
for f in /usr/bin/tssd /usr/bin/tssctl /usr/bin/tss-keygen /usr/bin/tss-frost \
  /usr/lib/systemd/system/tssd@.service /usr/share/doc/tss/operations.md; do
  [ ! -e "$f" ] || fail "$f is left after dpkg -r"
done
[ -f /etc/tss/pkgtest1/master.key ] || fail "dpkg -r deleted key material"
dpkg --purge tss >"$W/purge.log" 2>&1 || { cat "$W/purge.log"; fail "dpkg --purge"; }
grep -q "kept /etc/tss" "$W/purge.log" || fail "purge does not say that it kept /etc/tss"
[ -f /etc/tss/pkgtest1/master.key ] && [ -d /var/lib/tss/pkgtest1 ] || fail "purge deleted key material or stores"
dpkg-query -W -f='${Status}' tss 2>/dev/null | grep -q "installed" && fail "tss still installed after purge"
# Without key material, a purge leaves nothing behind.
rm -rf /etc/tss/pkgtest* /var/lib/tss/pkgtest*
dpkg -i "$deb" >/dev/null 2>&1 || fail "second install"
dpkg --purge tss >/dev/null 2>&1 || fail "second purge"
[ ! -e /etc/tss ] && [ ! -e /var/lib/tss ] || fail "purge left empty /etc/tss or /var/lib/tss"
echo "package test passed in $((SECONDS - T0)) s"
