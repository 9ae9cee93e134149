import t from 'tap';
import { isSigstackError } from '../../src/errors.js';
import { fullTileCount, partialTileWidth, tileAt, tileForNode, tileLayout, tilesToPublish, type TileCoord } from '../../src/tiles.js';

function outcome(fn: () => unknown): string {
  try {
    fn();
    return 'OK';
  } catch (err) {
    return isSigstackError(err) ? err.code : `untyped ${String(err)}`;
  }
}

t.test('tileLayout matches the tlog-tiles examples', async (t) => {
  t.same(tileLayout(70000), [
    { level: 0, fullTiles: 273, partialWidth: 112 },
    { level: 1, fullTiles: 1, partialWidth: 17 },
    { level: 2, fullTiles: 0, partialWidth: 1 },
  ]);
  t.same(tileLayout(256), [
    { level: 0, fullTiles: 1, partialWidth: 0 },
    { level: 1, fullTiles: 0, partialWidth: 1 },
  ]);
  t.same(tileLayout(0), []);
  t.same(tileLayout(1), [{ level: 0, fullTiles: 0, partialWidth: 1 }]);
  t.equal(tileLayout(2 ** 53 - 1).length, 7);
});

t.test('partialTileWidth and fullTileCount follow floor(s / 256^l) mod 256', async (t) => {
  t.equal(partialTileWidth(0, 70000), 112);
  t.equal(partialTileWidth(1, 70000), 17);
  t.equal(partialTileWidth(2, 70000), 1);
  t.equal(partialTileWidth(3, 70000), 0);
  t.equal(partialTileWidth(0, 512), 0);
  t.equal(fullTileCount(0, 70000), 273);
  t.equal(fullTileCount(1, 70000), 1);
  t.equal(fullTileCount(2, 70000), 0);
  t.equal(partialTileWidth(6, 2 ** 53 - 1), 31);
  t.equal(fullTileCount(0, 2 ** 53 - 1), Math.floor((2 ** 53 - 1) / 256));
});

t.test('tile arithmetic rejects bad levels and sizes', async (t) => {
  const bad: Array<() => unknown> = [
    () => partialTileWidth(-1, 5),
    () => partialTileWidth(64, 5),
    () => partialTileWidth(0, -5),
    () => fullTileCount(0.5, 5),
    () => fullTileCount(0, 2 ** 53),
    () => tileLayout(NaN),
    () => tileAt(0, 1, 256),
    () => tileAt(0, 0, 0),
    () => tileAt(1, 0, 255),
    () => tileAt(0, -1, 5),
    () => tileAt(64, 0, 5),
    () => tilesToPublish(5, 4),
    () => tilesToPublish(-1, 4),
    () => tilesToPublish(0, 2 ** 53),
  ];
  for (const fn of bad) t.equal(outcome(fn), 'ERR_PROOF_ARGUMENTS');
});

t.test('tileAt gives the width a tile has at a tree size', async (t) => {
  t.same(tileAt(0, 0, 256), { level: 0, index: 0, width: 256 });
  t.same(tileAt(0, 273, 70000), { level: 0, index: 273, width: 112 });
  t.same(tileAt(0, 272, 70000), { level: 0, index: 272, width: 256 });
  t.same(tileAt(1, 1, 70000), { level: 1, index: 1, width: 17 });
  t.same(tileAt(2, 0, 70000), { level: 2, index: 0, width: 1 });
});

function widthAt(level: number, index: number, size: number): number {
  const hashes = Math.floor(size / 256 ** level);
  return Math.max(0, Math.min(256, hashes - index * 256));
}

/** Brute force: every tile existing at newSize whose width differs from the one at oldSize. */
function bruteForce(oldSize: number, newSize: number): TileCoord[] {
  const out: TileCoord[] = [];
  for (let level = 0; level < 4; level++) {
    for (let index = 0; index * 256 < Math.floor(newSize / 256 ** level); index++) {
      const width = widthAt(level, index, newSize);
      if (width !== widthAt(level, index, oldSize)) out.push({ level, index, width });
    }
  }
  return out;
}

t.test('tilesToPublish lists exactly the tiles whose contents change', async (t) => {
  t.same(tilesToPublish(0, 0), []);
  t.same(tilesToPublish(10, 10), []);
  t.same(tilesToPublish(0, 1), [{ level: 0, index: 0, width: 1 }]);
  t.same(tilesToPublish(255, 256), [{ level: 0, index: 0, width: 256 }, { level: 1, index: 0, width: 1 }]);
  t.same(tilesToPublish(256, 257), [{ level: 0, index: 1, width: 1 }]);
  const sizes = [0, 1, 2, 255, 256, 257, 511, 512, 1000, 65535, 65536, 65537, 70000, 131071, 131072, 200000];
  const failures: string[] = [];
  for (const a of sizes) {
    for (const b of sizes) {
      if (b < a) continue;
      if (JSON.stringify(tilesToPublish(a, b)) !== JSON.stringify(bruteForce(a, b))) failures.push(`${a}->${b}`);
    }
  }
  t.same(failures, []);
});

t.test('tileForNode locates a node in the tile at floor(level/8)', async (t) => {
  t.same(tileForNode(0, 5), { level: 0, index: 0, begin: 5, end: 6 });
  t.same(tileForNode(0, 300), { level: 0, index: 1, begin: 44, end: 45 });
  t.same(tileForNode(3, 5), { level: 0, index: 0, begin: 40, end: 48 });
  t.same(tileForNode(7, 3), { level: 0, index: 1, begin: 128, end: 256 });
  t.same(tileForNode(8, 3), { level: 1, index: 0, begin: 3, end: 4 });
  t.same(tileForNode(11, 70), { level: 1, index: 2, begin: 48, end: 56 });
  t.same(tileForNode(16, 0), { level: 2, index: 0, begin: 0, end: 1 });
  t.same(tileForNode(52, 0), { level: 6, index: 0, begin: 0, end: 16 });
  t.same(tileForNode(0, 2 ** 53 - 2), { level: 0, index: Math.floor((2 ** 53 - 2) / 256), begin: 254, end: 255 });
});

t.test('tileForNode rejects nodes outside the safe range', async (t) => {
  const bad: Array<() => unknown> = [
    () => tileForNode(53, 0),
    () => tileForNode(-1, 0),
    () => tileForNode(1.5, 0),
    () => tileForNode('3' as unknown as number, 0),
    () => tileForNode(0, -1),
    () => tileForNode(0, 2 ** 53 - 1),
    () => tileForNode(52, 1),
  ];
  for (const fn of bad) t.equal(outcome(fn), 'ERR_PROOF_ARGUMENTS');
});
