/**
 * Tiles built from the naive reference tree (and, separately, from the CompactRange visitor) must
 * give back every node hash, and every proof computed from tiles alone must equal the naive
 * RFC 6962 proof and verify.
 */
import t from 'tap';
import { bytesEqual } from '../../src/encoding.js';
import { isSigstackError } from '../../src/errors.js';
import { CompactRange } from '../../src/merkle/compact.js';
import { verifyConsistency, verifyInclusion } from '../../src/merkle/verify.js';
import {
  consistencyProofFromTiles,
  formatTile,
  hashFromTiles,
  inclusionProofFromTiles,
  nodeHashFromTile,
  tileForNode,
  tileLayout,
  tilePath,
  tilesForConsistencyProof,
  tilesForInclusionProof,
  type TileCoord,
  type TileReader,
} from '../../src/tiles.js';
import { ReferenceTree, makeLeafHashes } from '../merkle/reference-tree.js';

function outcome(fn: () => unknown): string {
  try {
    fn();
    return 'OK';
  } catch (err) {
    return isSigstackError(err) ? err.code : `untyped ${String(err)}`;
  }
}

const BIG = 70000;
const ref = new ReferenceTree(makeLeafHashes(BIG));

/** Every tile that exists at `size`, keyed by path, built from the naive tree. */
function naiveTiles(size: number): Map<string, Uint8Array> {
  const tiles = new Map<string, Uint8Array>();
  for (const { level, fullTiles, partialWidth } of tileLayout(size)) {
    const count = partialWidth > 0 ? fullTiles + 1 : fullTiles;
    for (let index = 0; index < count; index++) {
      const width = index < fullTiles ? 256 : partialWidth;
      const hashes: Uint8Array[] = [];
      for (let i = 0; i < width; i++) hashes.push(ref.nodeHash(8 * level, index * 256 + i));
      tiles.set(tilePath(level, index, width), formatTile(hashes));
    }
  }
  return tiles;
}

function reader(tiles: Map<string, Uint8Array>, asked?: Set<string>): TileReader {
  return (coord: TileCoord) => {
    const path = tilePath(coord.level, coord.index, coord.width);
    asked?.add(path);
    return tiles.get(path);
  };
}

const SMALL = 256 * 3 + 17;
const smallTiles = naiveTiles(SMALL);
const bigTiles = naiveTiles(BIG);

t.test('the small tree has 3 full and 1 partial level-0 tiles and 1 partial level-1 tile', async (t) => {
  t.same([...smallTiles.keys()].sort(), ['tile/0/000', 'tile/0/001', 'tile/0/002', 'tile/0/003.p/17', 'tile/1/000.p/3']);
  t.equal(smallTiles.get('tile/0/003.p/17')?.byteLength, 17 * 32);
});

t.test('hashFromTiles returns every perfect node of heights 0..10 of a 785-leaf tree', async (t) => {
  const read = reader(smallTiles);
  const failures: string[] = [];
  let count = 0;
  for (let level = 0; level <= 10; level++) {
    for (let index = 0; (index + 1) * 2 ** level <= SMALL; index++) {
      count++;
      if (!bytesEqual(hashFromTiles({ level, index }, SMALL, read), ref.nodeHash(level, index))) failures.push(`${level}/${index}`);
    }
  }
  t.equal(count, 785 + 392 + 196 + 98 + 49 + 24 + 12 + 6 + 3 + 1);
  t.same(failures, []);
});

t.test('every inclusion proof of the 785-leaf tree computed from tiles equals the naive proof', async (t) => {
  const read = reader(smallTiles);
  const root = ref.root(SMALL);
  const failures: string[] = [];
  for (let index = 0; index < SMALL; index++) {
    const proof = inclusionProofFromTiles(index, SMALL, read);
    const want = ref.inclusionProof(index, SMALL);
    if (proof.length !== want.length || !proof.every((h, i) => bytesEqual(h, want[i] as Uint8Array))) failures.push(`${index}`);
    if (outcome(() => verifyInclusion(index, SMALL, ref.leafHashes[index] as Uint8Array, proof, root)) !== 'OK') failures.push(`verify ${index}`);
  }
  t.same(failures, []);
});

t.test('consistency proofs into the 785-leaf tree computed from tiles equal the naive proofs', async (t) => {
  const read = reader(smallTiles);
  const root2 = ref.root(SMALL);
  const failures: string[] = [];
  for (let size1 = 1; size1 <= SMALL; size1 += size1 < 300 ? 1 : 7) {
    const proof = consistencyProofFromTiles(size1, SMALL, read);
    const want = ref.consistencyProof(size1, SMALL);
    if (proof.length !== want.length || !proof.every((h, i) => bytesEqual(h, want[i] as Uint8Array))) failures.push(`${size1}`);
    if (outcome(() => verifyConsistency(size1, SMALL, ref.root(size1), root2, proof)) !== 'OK') failures.push(`verify ${size1}`);
  }
  t.same(failures, []);
});

t.test('proofs in a 70000-leaf tree use level-2 tiles and match the naive proofs', async (t) => {
  const root = ref.root(BIG);
  const failures: string[] = [];
  const indexes = [0, 1, 255, 256, 65535, 65536, 69887, 69888, BIG - 2, BIG - 1];
  for (let i = 0; i < 60; i++) indexes.push((i * 7919 * 13) % BIG);
  for (const index of indexes) {
    const asked = new Set<string>();
    const proof = inclusionProofFromTiles(index, BIG, reader(bigTiles, asked));
    const want = ref.inclusionProof(index, BIG);
    if (!proof.every((h, i) => bytesEqual(h, want[i] as Uint8Array)) || proof.length !== want.length) failures.push(`${index}`);
    if (outcome(() => verifyInclusion(index, BIG, ref.leafHashes[index] as Uint8Array, proof, root)) !== 'OK') failures.push(`verify ${index}`);
    // The advertised tile list is exactly what the computation read.
    const listed = tilesForInclusionProof(index, BIG).map((c) => tilePath(c.level, c.index, c.width));
    if (JSON.stringify([...asked].sort()) !== JSON.stringify([...listed].sort())) failures.push(`tiles ${index}`);
  }
  for (const size1 of [1, 2, 255, 256, 257, 4096, 65535, 65536, 65537, 69999]) {
    const asked = new Set<string>();
    const proof = consistencyProofFromTiles(size1, BIG, reader(bigTiles, asked));
    const want = ref.consistencyProof(size1, BIG);
    if (!proof.every((h, i) => bytesEqual(h, want[i] as Uint8Array)) || proof.length !== want.length) failures.push(`c ${size1}`);
    if (outcome(() => verifyConsistency(size1, BIG, ref.root(size1), root, proof)) !== 'OK') failures.push(`verify c ${size1}`);
    const listed = tilesForConsistencyProof(size1, BIG).map((c) => tilePath(c.level, c.index, c.width));
    if (JSON.stringify([...asked].sort()) !== JSON.stringify([...listed].sort())) failures.push(`tiles c ${size1}`);
  }
  t.same(failures, []);
  // Only leaves right of the first 65536 need the height-16 node, kept in the level-2 tile.
  t.same(tilesForInclusionProof(BIG - 1, BIG).filter((c) => c.level === 2), [{ level: 2, index: 0, width: 1 }]);
  t.same(tilesForInclusionProof(0, BIG).filter((c) => c.level === 2), []);
  t.same(tilesForInclusionProof(0, 1), []);
  t.same(tilesForConsistencyProof(5, 5), []);
  t.same(tilesForInclusionProof(0, 785), [
    { level: 0, index: 0, width: 256 },
    { level: 0, index: 3, width: 17 },
    { level: 1, index: 0, width: 3 },
  ]);
});

t.test('tiles written from the CompactRange visitor equal the naive tiles', async (t) => {
  const levels: Uint8Array[][] = [[], [], []];
  const range = CompactRange.empty();
  for (let i = 0; i < BIG; i++) {
    range.append(ref.leafHashes[i] as Uint8Array, (node) => {
      if (node.level % 8 === 0) (levels[node.level / 8] as Uint8Array[])[node.index] = node.hash;
    });
  }
  const failures: string[] = [];
  for (const [path, bytes] of bigTiles) {
    const [, levelText, indexText] = /^tile\/(\d)\/(\d{3})/.exec(path.replace(/x(\d{3})\//g, '$1')) ?? [];
    const level = Number(levelText);
    const index = Number(indexText);
    const hashes = (levels[level] as Uint8Array[]).slice(index * 256, index * 256 + bytes.byteLength / 32);
    if (!bytesEqual(formatTile(hashes), bytes)) failures.push(path);
  }
  t.equal(bigTiles.size, 274 + 2 + 1);
  t.same(failures, []);
  t.ok(bytesEqual(range.root(), ref.root(BIG)));
});

t.test('nodeHashFromTile hashes up the entries of non-multiple-of-8 levels', async (t) => {
  const tile = smallTiles.get('tile/0/001') as Uint8Array;
  t.ok(bytesEqual(nodeHashFromTile(tile, 7, 3), ref.nodeHash(7, 3)));
  t.ok(bytesEqual(nodeHashFromTile(smallTiles.get('tile/1/000.p/3') as Uint8Array, 8, 1), ref.nodeHash(8, 1)));
  t.ok(bytesEqual(nodeHashFromTile(smallTiles.get('tile/1/000.p/3') as Uint8Array, 9, 0), ref.nodeHash(9, 0)));
  t.ok(bytesEqual(nodeHashFromTile(tile, 3, 40), ref.nodeHash(3, 40)));
  t.ok(bytesEqual(nodeHashFromTile(tile, 0, 300), ref.nodeHash(0, 300)));
  // A copy, never a view into the tile.
  const leaf = nodeHashFromTile(tile, 0, 256);
  leaf.fill(0);
  t.ok(bytesEqual(nodeHashFromTile(tile, 0, 256), ref.nodeHash(0, 256)));
  // A partial tile answers for the nodes inside its width.
  const partial = smallTiles.get('tile/0/003.p/17') as Uint8Array;
  t.ok(bytesEqual(nodeHashFromTile(partial, 4, 48), ref.nodeHash(4, 48)));
  t.equal(tileForNode(4, 49).end, 32);
  t.equal(outcome(() => nodeHashFromTile(partial, 4, 49)), 'ERR_PROOF_ARGUMENTS');
});

t.test('nodeHashFromTile rejects tile bytes that are not whole hashes', async (t) => {
  for (const bytes of [new Uint8Array(0), new Uint8Array(31), new Uint8Array(33), new Uint8Array(8192 + 32)]) {
    t.equal(outcome(() => nodeHashFromTile(bytes, 0, 0)), 'ERR_ENCODING_INVALID', `${bytes.byteLength} bytes`);
  }
  t.equal(outcome(() => nodeHashFromTile('tile' as unknown as Uint8Array, 0, 0)), 'ERR_ENCODING_INVALID');
  t.equal(outcome(() => nodeHashFromTile(new Uint8Array(64), 53, 0)), 'ERR_PROOF_ARGUMENTS');
});

t.test('hashFromTiles rejects missing, mis-sized or foreign tiles and non-perfect nodes', async (t) => {
  const read = reader(smallTiles);
  t.equal(outcome(() => hashFromTiles({ level: 0, index: 0 }, SMALL, () => undefined)), 'ERR_PROOF_ARGUMENTS');
  t.equal(outcome(() => hashFromTiles({ level: 0, index: 0 }, SMALL, () => new Uint8Array(256 * 32 - 32))), 'ERR_ENCODING_INVALID');
  t.equal(outcome(() => hashFromTiles({ level: 0, index: 0 }, SMALL, () => 'x' as unknown as Uint8Array)), 'ERR_ENCODING_INVALID');
  t.equal(outcome(() => hashFromTiles({ level: 0, index: SMALL }, SMALL, read)), 'ERR_PROOF_ARGUMENTS');
  t.equal(outcome(() => hashFromTiles({ level: 4, index: 49 }, SMALL, read)), 'ERR_PROOF_ARGUMENTS');
  t.equal(outcome(() => hashFromTiles({ level: 0, index: 0 }, -1, read)), 'ERR_PROOF_ARGUMENTS');
  t.equal(outcome(() => hashFromTiles({ level: 99, index: 0 }, SMALL, read)), 'ERR_PROOF_ARGUMENTS');
  // Asking at a larger tree size wants wider tiles than the ones stored.
  t.equal(outcome(() => hashFromTiles({ level: 0, index: 780 }, SMALL + 1, read)), 'ERR_PROOF_ARGUMENTS');
  t.equal(outcome(() => inclusionProofFromTiles(SMALL, SMALL, read)), 'ERR_PROOF_ARGUMENTS');
  t.equal(outcome(() => consistencyProofFromTiles(0, SMALL, read)), 'ERR_PROOF_ARGUMENTS');
  t.equal(outcome(() => tilesForInclusionProof(5, 5)), 'ERR_PROOF_ARGUMENTS');
  t.equal(outcome(() => tilesForConsistencyProof(6, 5)), 'ERR_PROOF_ARGUMENTS');
});
