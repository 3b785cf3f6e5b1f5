#!/usr/bin/env bash
# Runs every test: a -Werror release build, then the same tests under ASan+UBSan.
# Ends with one line "N passed, N failed" and exits non-zero if anything failed.
set -uo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh || exit 1
JOBS=${JOBS:-$(nproc)}
export MESON_TESTTHREADS=${MESON_TESTTHREADS:-$JOBS}
pass=0; fail=0

run_suite() {  # name builddir meson-args...
  local name=$1 dir=$2; shift 2
  echo "=== $name: configure + build ($dir)"
  if [ ! -f "$dir/build.ninja" ]; then
    meson setup "$dir" "$@" >"$dir.setup.log" 2>&1 || { cat "$dir.setup.log"; fail=$((fail+1)); return; }
  else
    meson configure "$dir" "$@" >/dev/null 2>&1 || true
  fi
  if ! ninja -C "$dir" -j "$JOBS" >"$dir.build.log" 2>&1; then
    tail -n 60 "$dir.build.log"; echo "$name: build FAILED"; fail=$((fail+1)); return
  fi
  echo "=== $name: tests"
  meson test -C "$dir" --print-errorlogs --num-processes "$JOBS" "${TEST_ARGS[@]}"
  local log="$dir/meson-logs/testlog.json"
  if [ -f "$log" ]; then
    local p f
    p=$(grep -c '"result": "OK"' "$log" || true)
    f=$(grep -cE '"result": "(FAIL|TIMEOUT|ERROR|UNEXPECTEDPASS|INTERRUPT)"' "$log" || true)
    pass=$((pass+p)); fail=$((fail+f))
  else
    fail=$((fail+1))
  fi
}

TEST_ARGS=()
# --prefix=/usr: tests/test_package.sh builds the Debian package from this build.
run_suite "release -Werror" build-test --werror -Dbuildtype=release -Dbenchmarks=true --prefix=/usr
# The verification and node tests again under qemu-user CPU models without AVX-512 and without AVX2.
if [ -f build-test/build.ninja ] && [ -x build-test/src/programs/tssd ]; then
  emu_log=build-test.emulated.log
  bash scripts/test-emulated.sh build-test 2>&1 | tee "$emu_log"
  emu=$(grep -E '^emulated: [0-9]+ passed, [0-9]+ failed' "$emu_log" | tail -n1)
  if [ -n "$emu" ]; then
    pass=$((pass + $(sed -E 's/^emulated: ([0-9]+) passed.*/\1/' <<<"$emu")))
    fail=$((fail + $(sed -E 's/.* ([0-9]+) failed.*/\1/' <<<"$emu")))
  else
    fail=$((fail+1))
  fi
fi
# The sanitizer build skips the slow tests (the release build runs them).
run_suite "asan+ubsan" build-asan --werror -Dbuildtype=debugoptimized -Db_sanitize=address,undefined \
  -Db_lundef=false -Dbenchmarks=false -Dslow_tests=false
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
