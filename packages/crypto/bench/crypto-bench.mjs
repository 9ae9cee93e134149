#!/usr/bin/env node
// Micro-benchmark of the Merkle hot paths: leaf hashes/s, node hashes/s, inclusion and consistency
// verifications/s in a tree of 1,000,000 leaves. Prints one JSON line per measure (the median of
// ROUNDS rounds) so docs/benchmarks.md can quote it.
// Usage: npm run bench -w packages/crypto   (after npm run build)
import { hashChildren, hashLeaf, CompactRange, verifyInclusion, verifyConsistency, inclusionNodes, consistencyNodes, rehash } from '../dist/merkle/index.js';

const ROUNDS = 7;
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function measure(name, opsPerRound, fn) {
  fn(Math.min(opsPerRound, 1000)); // warm-up
  const rates = [];
  for (let r = 0; r < ROUNDS; r++) {
    const start = process.hrtime.bigint();
    fn(opsPerRound);
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    rates.push(opsPerRound / seconds);
  }
  console.log(JSON.stringify({ bench: name, opsPerSecond: Math.round(median(rates)), rounds: ROUNDS, opsPerRound }));
}

const data = new Uint8Array(200).fill(7);
measure('hashLeaf (200-byte entry)', 200_000, (n) => { for (let i = 0; i < n; i++) hashLeaf(data); });
const a = hashLeaf(new Uint8Array([1]));
const b = hashLeaf(new Uint8Array([2]));
measure('hashChildren', 200_000, (n) => { for (let i = 0; i < n; i++) hashChildren(a, b); });

// A tree of 1,000,000 leaves whose every node we can read back: all perfect subtree hashes by level.
const SIZE = 1_000_000;
const levels = [[]];
const range = CompactRange.empty();
for (let i = 0; i < SIZE; i++) {
  const leaf = hashLeaf(new Uint8Array([i & 255, (i >> 8) & 255, (i >> 16) & 255]));
  range.append(leaf, (node) => { (levels[node.level] ??= [])[node.index] = node.hash; });
}
const root = range.root();
const node = (id) => levels[id.level][id.index];
const proofs = [];
for (let k = 0; k < 1000; k++) {
  const index = Math.floor((k * 7919 * 104729) % SIZE);
  const nodes = inclusionNodes(index, SIZE);
  proofs.push({ index, leaf: levels[0][index], proof: rehash(nodes, nodes.ids.map(node)) });
}
measure('verifyInclusion (size 1,000,000)', 20_000, (n) => {
  for (let i = 0; i < n; i++) {
    const p = proofs[i % proofs.length];
    verifyInclusion(p.index, SIZE, p.leaf, p.proof, root);
  }
});
const oldSize = 765_432;
const oldRange = CompactRange.empty();
for (let i = 0; i < oldSize; i++) oldRange.append(levels[0][i]);
const oldRoot = oldRange.root();
const cNodes = consistencyNodes(oldSize, SIZE);
const cProof = rehash(cNodes, cNodes.ids.map(node));
measure('verifyConsistency (765,432 → 1,000,000)', 20_000, (n) => {
  for (let i = 0; i < n; i++) verifyConsistency(oldSize, SIZE, oldRoot, root, cProof);
});
