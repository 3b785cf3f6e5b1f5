#!/usr/bin/env bash
# Installs the build, test and benchmark dependencies from Debian's packages (idempotent).
set -euo pipefail
PKGS=(build-essential meson ninja-build pkg-config python3 valgrind qemu-user libsecp256k1-dev
      libsodium-dev libcmocka-dev libbenchmark-dev libjemalloc-dev libssl-dev
      liblmdb-dev libjansson-dev libmicrohttpd-dev libinih-dev
      qemu-user        # scripts/test-emulated.sh: the tests on CPUs without AVX-512 / AVX2
      dpkg-dev adduser openssl)   # the package test: dpkg-shlibdeps, the postinst's adduser, openssl's check
missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#PKGS[@]} packages already installed"
  exit 0
fi
echo "install-deps: installing ${missing[*]}"
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO=sudo
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
echo "install-deps: done"
