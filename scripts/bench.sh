#!/usr/bin/env bash
# Runs every benchmark (release build in build-bench) and prints each one's table and side-by-side ratios.
# Usage: scripts/bench.sh [bench_name ...]   (default: all)   MIN_TIME=0.5 for steadier figures.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
[ -f build-bench/build.ninja ] || meson setup build-bench -Dbuildtype=release -Dtests=false -Dbenchmarks=true >/dev/null
ninja -C build-bench -j "$(nproc)" >/dev/null
MIN_TIME=${MIN_TIME:-0.3}
names=("$@")
if [ ${#names[@]} -eq 0 ]; then
  names=(bench_group bench_scalar bench_msm bench_ed25519 bench_simd bench_challenge bench_rx_path bench_frost bench_ecdsa bench_ring bench_store bench_node)
fi
for b in "${names[@]}"; do
  exe="build-bench/bench/$b"
  [ -x "$exe" ] || { echo "== $b: not built"; continue; }
  echo "== $b"
  "$exe" --benchmark_min_time="$MIN_TIME"
done
