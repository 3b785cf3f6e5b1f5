#!/usr/bin/env bash
# The verification and node tests once more on emulated CPUs (qemu-user, TCG): one with AVX2 and no AVX-512
# (AMD EPYC Rome, Zen 2: the class of the SIGILL of issue 10) and a baseline x86-64 (qemu64: neither AVX2 nor
# AVX-512). MODELS="Haswell:avx2 ..." picks others (model:the features it must show). Proves on every CI run, whatever the host CPU, that no path
# executes an instruction the CPU lacks; the host's native run covers the AVX-512 IFMA backends.
# TCG timings mean nothing: this is a correctness run only.
#
# Usage: scripts/test-emulated.sh BUILD_DIR   (a configured and built release tree, as scripts/test.sh makes)
# Ends with "emulated: N passed, N failed, N skipped"; exits non-zero if anything failed.
set -uo pipefail
cd "$(dirname "$0")/.."
src=$PWD
build=${1:?usage: scripts/test-emulated.sh BUILD_DIR}
build=$(cd "$build" && pwd)
JOBS=${JOBS:-$(nproc)}
QEMU=${QEMU:-qemu-x86_64}
if ! command -v "$QEMU" >/dev/null; then
  echo "test-emulated: $QEMU not found (scripts/install-deps.sh installs qemu-user)"
  echo "emulated: 0 passed, 1 failed, 0 skipped"
  exit 1
fi
vectors=${TSS_VECTORS:-$src/../shared/vectors}
out=$build/emulated
rm -rf "$out" && mkdir -p "$out"

# model : the features tss_cpu_features must report there (TSS_EXPECT_CPU_FEATURES, checked by test_simd)
read -r -a models <<<"${MODELS:-EPYC-Rome:avx2 qemu64:none}"
# The test programs that touch verification and the node pipeline. "wrapped" ones run under qemu and so does
# every tssd they start (TSS_TSSD_WRAPPER: qemu-user does not follow exec).
# test_simd runs every vector backend the model has against the portable code; test_ed25519_batch_avx2 (forced
# AVX2 batch) proves the skip where there is no AVX2 and is left out where there is (minutes under TCG).
# Longest first, so that the two cores stay busy to the end.
tests=(test_ed25519_batch test_cluster test_tssd test_api_node test_simd test_verify_stage test_msm test_ed25519
       test_ed25519_batch_avx2 test_sha512_lanes test_rx_pipeline)

run_one() {  # model expect test
  local model=$1 expect=$2 t=$3 log="$out/$1.$3.log" start rc
  start=$(date +%s%N)
  local -a extra=()
  # the avx2-named test forces that backend: skipped (exit 77) where the CPU has no AVX2
  [ "$t" = test_ed25519_batch_avx2 ] && extra=(TSS_BACKEND=avx2)
  env TSS_VECTORS="$vectors" TSS_BUILD_DIR="$build" TSS_SOURCE_DIR="$src" \
      TSS_EMULATED=1 TSS_EXPECT_CPU_FEATURES="$expect" TSS_TSSD_WRAPPER="$QEMU -cpu $model" "${extra[@]}" \
      timeout 600 "$QEMU" -cpu "$model" "$build/tests/$t" >"$log" 2>&1
  rc=$?
  local secs result
  secs=$(( ($(date +%s%N) - start) / 1000000 ))
  secs="$((secs / 1000)).$(( secs % 1000 / 100 ))"
  case $rc in
    0) result=OK ;;
    77) result=SKIP ;;
    *) result=FAIL ;;
  esac
  printf '%-5s %-10s %-26s %6ss%s\n' "$result" "$model" "$t" "$secs" \
    "$( [ "$result" = FAIL ] && echo "  (exit $rc; $log)" )" | tee -a "$out/results"
  if [ "$result" = FAIL ]; then grep -v "TCG doesn't support" "$log" | tail -n 25; fi
}

for t in "${tests[@]}"; do
  [ -x "$build/tests/$t" ] || { echo "test-emulated: $build/tests/$t not built"; exit 1; }
done
[ -x "$build/src/programs/tssd" ] || { echo "test-emulated: $build/src/programs/tssd not built"; exit 1; }

echo "=== emulated CPUs ($QEMU $("$QEMU" --version | head -n1 | awk '{print $3}')): ${models[*]%%:*}"
t0=$(date +%s)
for m in "${models[@]}"; do
  for t in "${tests[@]}"; do
    [ "$t" = test_ed25519_batch_avx2 ] && [ "${m#*:}" != none ] && continue
    while [ "$(jobs -rp | wc -l)" -ge "$JOBS" ]; do wait -n; done
    run_one "${m%%:*}" "${m#*:}" "$t" &
  done
done
wait
pass=$(grep -c '^OK ' "$out/results" || true)
fail=$(grep -c '^FAIL ' "$out/results" || true)
skip=$(grep -c '^SKIP ' "$out/results" || true)
echo "emulated CPUs: $(( $(date +%s) - t0 ))s"
echo "emulated: $pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ]
