#!/usr/bin/env bash
# Threshold ECDSA benchmark: ours (bench_ecdsa, C) and the WASM peer (Silence Labs' DKLs23 from npm, run by
# scripts/bench_ecdsa_wasm.js under node) on the same machine in one run, with the ratios side by side.
# The npm package goes to build-bench/wasm-peer (git-ignored); without node/npm the peer is skipped.
# Usage: scripts/bench_ecdsa.sh      MIN_TIME=0.5 for steadier figures.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
[ -f build-bench/build.ninja ] || meson setup build-bench -Dbuildtype=release -Dtests=false -Dbenchmarks=true >/dev/null
ninja -C build-bench -j "$(nproc)" bench/bench_ecdsa >/dev/null
MIN_TIME=${MIN_TIME:-0.3}
PEER_VERSION=1.1.2
echo "CPU: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'), family $(grep -m1 'cpu family' /proc/cpuinfo | cut -d: -f2 | tr -d ' ') model $(grep -m1 '^model[[:space:]]' /proc/cpuinfo | cut -d: -f2 | tr -d ' ') ($(nproc) cores, load $(cut -d' ' -f1 /proc/loadavg))"
ours=$(mktemp); peer=$(mktemp)
trap 'rm -f "$ours" "$peer"' EXIT
build-bench/bench/bench_ecdsa --benchmark_min_time="$MIN_TIME" | tee "$ours"
if command -v node >/dev/null && command -v npm >/dev/null; then
  dir=build-bench/wasm-peer
  if [ ! -d "$dir/node_modules/@silencelaboratories/dkls-wasm-ll-node" ]; then
    mkdir -p "$dir"
    npm install --prefix "$dir" --no-audit --no-fund --silent "@silencelaboratories/dkls-wasm-ll-node@$PEER_VERSION" >/dev/null
  fi
  echo "== WASM peer: @silencelaboratories/dkls-wasm-ll-node@$PEER_VERSION (node $(node --version))"
  node scripts/bench_ecdsa_wasm.js "$dir/node_modules" | tee "$peer"
else
  echo "== WASM peer skipped: node/npm not installed"
fi
echo
echo "== ours vs the WASM peer (same machine, same run; per party, CPU time; x = how many times better ours is)"
printf '%-6s %-18s %14s %14s %10s\n' case figure ours peer ratio
for tag in 2of3 3of5; do
  for f in dkg_pair_ms dkg_party_ms presign_pair_ms presign_party_ms online_us bytes_pair sig_per_s; do
    o=$(awk -v t="$tag" -v f="$f" '$1=="FIG" && $2==t && $3==f {print $4}' "$ours")
    p=$(awk -v t="$tag" -v f="$f" '$1=="FIG" && $2==t && $3==f {print $4}' "$peer")
    r=$(awk -v o="${o:-0}" -v p="${p:-0}" -v f="$f" 'BEGIN { if (o == 0 || p == 0) print "-";
        else if (f == "sig_per_s") printf "%.1fx", o / p; else printf "%.1fx", p / o }')
    printf '%-6s %-18s %14s %14s %10s\n' "$tag" "$f" "${o:--}" "${p:--}" "$r"
  done
done
