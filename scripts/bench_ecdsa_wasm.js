// The WASM peer of bench_ecdsa: Silence Labs' DKLs23 (npm @silencelaboratories/dkls-wasm-ll-node), all
// parties in this process on one core, as bench_ecdsa runs ours. Prints "FIG <t>of<n> <name> <value>" lines
// (per party, CPU time, as bench_ecdsa) for scripts/bench_ecdsa.sh. Usage: node bench_ecdsa_wasm.js <node_modules dir>
'use strict';
const path = require('path');
// CPU time of this process (the peer is single threaded), as bench_ecdsa reports ours
const cpuMs = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };
const crypto = require('crypto');
const dkls = require(path.resolve(process.argv[2], '@silencelaboratories/dkls-wasm-ll-node'));
const { KeygenSession, SignSession } = dkls;

const others = (msgs, pid) => msgs.filter((m) => m.from_id !== pid).map((m) => m.clone());
const to = (msgs, pid) => msgs.filter((m) => m.to_id === pid).map((m) => m.clone());
// bytes each party sends to each other party: a broadcast goes to n-1 recipients
function bytes(msgs, n) {
  let b = 0;
  for (const m of msgs) b += m.payload.length * (m.to_id === undefined ? n - 1 : 1);
  return b;
}
const freeAll = (msgs) => msgs.forEach((m) => m.free());

function dkg(n, t) {
  const parties = [];
  for (let i = 0; i < n; i++) parties.push(new KeygenSession(n, t, i));
  const m1 = parties.map((p) => p.createFirstMessage());
  const m2 = parties.flatMap((p, i) => p.handleMessages(others(m1, i)));
  const commitments = parties.map((p) => p.calculateChainCodeCommitment());
  const m3 = parties.flatMap((p, i) => p.handleMessages(to(m2, i)));
  const m4 = parties.flatMap((p, i) => p.handleMessages(to(m3, i), commitments));
  parties.forEach((p, i) => p.handleMessages(others(m4, i)));
  [m1, m2, m3, m4].forEach(freeAll);
  return parties.map((p) => p.keyshare());
}

function sign(shareBytes, t, stats) {
  const parties = [];
  for (let i = 0; i < t; i++) parties.push(new SignSession(dkls.Keyshare.fromBytes(shareBytes[i]), 'm'));
  let t0 = cpuMs();
  const m1 = parties.map((p) => p.createFirstMessage());
  const m2 = parties.flatMap((p, i) => p.handleMessages(others(m1, i)));
  const m3 = parties.flatMap((p, i) => p.handleMessages(to(m2, i)));
  parties.forEach((p, i) => p.handleMessages(to(m3, i)));
  let t1 = cpuMs();
  const hash = crypto.randomBytes(32);
  const m4 = parties.map((p) => p.lastMessage(hash));
  const sigs = parties.map((p, i) => p.combine(others(m4, i)));
  let t2 = cpuMs();
  stats.presign += t1 - t0;
  stats.online += t2 - t1;
  stats.bytes_presign = (bytes(m1, t) + bytes(m2, t) + bytes(m3, t)) / (t * (t - 1));
  stats.bytes_online = bytes(m4, t) / (t * (t - 1));
  [m1, m2, m3, m4].forEach(freeAll);
  if (!sigs[0] || sigs[0].length < 2) throw new Error('no signature');
}

for (const [t, n] of [[2, 3], [3, 5]]) {
  const tag = `${t}of${n}`;
  const dkgRuns = 3;
  let shares;
  const t0 = cpuMs();
  for (let r = 0; r < dkgRuns; r++) shares = dkg(n, t);
  const dkgMs = (cpuMs() - t0) / dkgRuns;
  const shareBytes = shares.map((s) => s.toBytes());
  const stats = { presign: 0, online: 0, bytes_presign: 0, bytes_online: 0 };
  sign(shareBytes, t, stats);  // warm-up
  stats.presign = 0; stats.online = 0;
  const runs = 20;
  for (let r = 0; r < runs; r++) sign(shareBytes, t, stats);
  const pre = stats.presign / runs, onl = stats.online / runs;
  console.log(`FIG ${tag} dkg_party_ms ${(dkgMs / n).toFixed(3)}`);
  console.log(`FIG ${tag} dkg_pair_ms ${(dkgMs / (n * (n - 1))).toFixed(3)}`);
  console.log(`FIG ${tag} presign_party_ms ${(pre / t).toFixed(4)}`);
  console.log(`FIG ${tag} presign_pair_ms ${(pre / (t * (t - 1))).toFixed(4)}`);
  console.log(`FIG ${tag} online_us ${(1000 * onl / t).toFixed(2)}`);
  console.log(`FIG ${tag} sig_per_s ${(1000 / (onl * 1)).toFixed(0)}`);
  console.log(`FIG ${tag} bytes_pair ${Math.round(stats.bytes_presign + stats.bytes_online)}`);
}
