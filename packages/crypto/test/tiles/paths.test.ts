import t from 'tap';
import { isSigstackError } from '../../src/errors.js';
import { MAX_TILE_LEVEL, TILE_HEIGHT, TILE_WIDTH, entriesPath, parseTilePath, tilePath } from '../../src/tiles.js';

function outcome(fn: () => unknown): string {
  try {
    fn();
    return 'OK';
  } catch (err) {
    return isSigstackError(err) ? err.code : `untyped ${String(err)}`;
  }
}

// Largest level-0 tile index whose first leaf is below 2^53.
const LAST_LEVEL0 = Math.floor((2 ** 53 - 1) / 256);

t.test('tile constants follow tlog-tiles', async (t) => {
  t.equal(TILE_WIDTH, 256);
  t.equal(TILE_HEIGHT, 8);
  t.equal(MAX_TILE_LEVEL, 63);
});

t.test('tilePath encodes indexes in x-prefixed 3-digit groups', async (t) => {
  t.equal(tilePath(0, 0), 'tile/0/000');
  t.equal(tilePath(0, 255), 'tile/0/255');
  t.equal(tilePath(0, 256), 'tile/0/256');
  t.equal(tilePath(0, 999), 'tile/0/999');
  t.equal(tilePath(0, 1000), 'tile/0/x001/000');
  t.equal(tilePath(1, 1234067), 'tile/1/x001/x234/067');
  t.equal(tilePath(2, 1000000), 'tile/2/x001/x000/000');
  t.equal(tilePath(0, LAST_LEVEL0), 'tile/0/x035/x184/x372/x088/831');
  t.equal(tilePath(63, 0), 'tile/63/000');
});

t.test('tilePath adds .p/<W> only for partial widths', async (t) => {
  t.equal(tilePath(0, 1234067, 17), 'tile/0/x001/x234/067.p/17');
  t.equal(tilePath(3, 0, 1), 'tile/3/000.p/1');
  t.equal(tilePath(0, 5, 255), 'tile/0/005.p/255');
  t.equal(tilePath(0, 5, 256), 'tile/0/005');
});

t.test('entriesPath names the entry bundles', async (t) => {
  t.equal(entriesPath(0), 'tile/entries/000');
  t.equal(entriesPath(1234067, 5), 'tile/entries/x001/x234/067.p/5');
  t.equal(entriesPath(7, 256), 'tile/entries/007');
});

t.test('tilePath and entriesPath reject coordinates outside the bounds', async (t) => {
  const bad: Array<() => unknown> = [
    () => tilePath(-1, 0),
    () => tilePath(64, 0),
    () => tilePath(1.5, 0),
    () => tilePath('0' as unknown as number, 0),
    () => tilePath(0, -1),
    () => tilePath(0, 0.5),
    () => tilePath(0, LAST_LEVEL0 + 1),
    () => tilePath(6, 1),
    () => tilePath(0, 0, 0),
    () => tilePath(0, 0, 257),
    () => tilePath(0, 0, 2.5),
    () => entriesPath(LAST_LEVEL0 + 1),
    () => entriesPath(0, 0),
  ];
  for (const fn of bad) t.equal(outcome(fn), 'ERR_ENCODING_INVALID');
});

t.test('parseTilePath inverts tilePath and entriesPath', async (t) => {
  const indexes = [0, 1, 255, 256, 999, 1000, 1001, 65535, 1234067, 999999999, LAST_LEVEL0];
  for (const index of indexes) {
    for (const width of [1, 17, 255, 256]) {
      t.same(parseTilePath(tilePath(0, index, width)), { level: 0, index, width });
      t.same(parseTilePath(entriesPath(index, width)), { level: 'entries', index, width });
    }
  }
  t.same(parseTilePath('tile/1/x001/x234/067'), { level: 1, index: 1234067, width: 256 });
  t.same(parseTilePath('tile/63/000.p/9'), { level: 63, index: 0, width: 9 });
  t.same(parseTilePath('tile/5/031'), { level: 5, index: 31, width: 256 });
});

t.test('parseTilePath rejects every non-canonical or out-of-range path', async (t) => {
  const bad = [
    '',
    'tile',
    'tile/',
    'tile/0',
    'tile/0/',
    '/tile/0/000',
    'xtile/0/000',
    'TILE/0/000',
    'tile/0/000/',
    'tile/0/000 ',
    ' tile/0/000',
    'tile/0/ 000',
    'tile/0/000\n',
    'tile//000',
    'tile/00/000',
    'tile/01/000',
    'tile/64/000',
    'tile/99/000',
    'tile/100/000',
    'tile/-1/000',
    'tile/+1/000',
    'tile/entry/000',
    'tile/entries/',
    'tile/0/00',
    'tile/0/0',
    'tile/0/0000',
    'tile/0/1e3',
    'tile/0/x000/001',
    'tile/0/x000/x001/000',
    'tile/0/001/x234',
    'tile/0/x001/234/067',
    'tile/0/x01/234',
    'tile/0/x0001/234',
    'tile/0/y001/234',
    'tile/0/X001/234',
    'tile/0/xx01/234',
    'tile/0/x001x234/067',
    'tile/0/000.p/0',
    'tile/0/000.p/00',
    'tile/0/000.p/01',
    'tile/0/000.p/256',
    'tile/0/000.p/999',
    'tile/0/000.p/1000',
    'tile/0/000.p/',
    'tile/0/000.p',
    'tile/0/000.P/5',
    'tile/0/000.p/5/',
    'tile/0/000.q/5',
    'tile/0/000p/5',
    'tile/entries/000.p/300',
    'tile/0/x001/x002/x003/x004/x005/x006/007',
    'tile/0/x999/x999/x999/x999/x999/999',
    'tile/0/x035/x184/x372/x088/832',
    'tile/6/001',
    'tile/5/032',
    'tile/entries/x035/x184/x372/x088/832',
    `tile/0/${'x001/'.repeat(20)}000`,
    'tile/0/000' + ' '.repeat(100),
  ];
  for (const path of bad) t.equal(outcome(() => parseTilePath(path)), 'ERR_ENCODING_INVALID', JSON.stringify(path));
  t.equal(outcome(() => parseTilePath(undefined as unknown as string)), 'ERR_ENCODING_INVALID');
  t.equal(outcome(() => parseTilePath(42 as unknown as string)), 'ERR_ENCODING_INVALID');
});
