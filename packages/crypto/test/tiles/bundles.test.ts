import t from 'tap';
import { isSigstackError } from '../../src/errors.js';
import { MAX_ENTRY_SIZE, formatEntryBundle, formatTile, parseEntryBundle, parseTile } from '../../src/tiles.js';

function outcome(fn: () => unknown): string {
  try {
    fn();
    return 'OK';
  } catch (err) {
    return isSigstackError(err) ? err.code : `untyped ${String(err)}`;
  }
}

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

t.test('entry bundles are big-endian uint16 length-prefixed entries', async (t) => {
  const bytes = formatEntryBundle([new Uint8Array([0xaa]), new Uint8Array(0), new Uint8Array(300).fill(7)]);
  t.equal(hex(bytes.subarray(0, 5)), '0001aa0000');
  t.equal(hex(bytes.subarray(5, 7)), '012c');
  t.equal(bytes.byteLength, 3 + 2 + 302);
});

t.test('entry bundles round-trip, including empty and maximum-size entries', async (t) => {
  const entries = [new Uint8Array(0), new Uint8Array([1, 2, 3]), new Uint8Array(MAX_ENTRY_SIZE).fill(9), new Uint8Array([4])];
  const parsed = parseEntryBundle(formatEntryBundle(entries));
  t.same(parsed.map(hex), entries.map(hex));
  t.same(parseEntryBundle(formatEntryBundle(entries), 4).length, 4);
  const full = Array.from({ length: 256 }, (_, i) => new Uint8Array([i]));
  t.same(parseEntryBundle(formatEntryBundle(full), 256).map(hex), full.map(hex));
});

t.test('a truncated entry bundle is ERR_ENCODING_INVALID at every cut', async (t) => {
  const entries = [new Uint8Array([1, 2, 3]), new Uint8Array(0), new Uint8Array(300).fill(5), new Uint8Array([6, 7])];
  const bytes = formatEntryBundle(entries);
  const failures: number[] = [];
  const boundaries = new Set([5, 7, 309]);
  for (let cut = 0; cut < bytes.byteLength; cut++) {
    // With the expected width every cut fails; without it, cuts at entry boundaries are shorter
    // valid bundles and every other cut still fails.
    if (outcome(() => parseEntryBundle(bytes.subarray(0, cut), 4)) !== 'ERR_ENCODING_INVALID') failures.push(cut);
    const open = outcome(() => parseEntryBundle(bytes.subarray(0, cut)));
    if (open !== (boundaries.has(cut) ? 'OK' : 'ERR_ENCODING_INVALID')) failures.push(-cut);
  }
  t.same(failures, []);
  t.equal(outcome(() => parseEntryBundle(new Uint8Array([0x00, 0x05, 1, 2]))), 'ERR_ENCODING_INVALID');
  t.equal(outcome(() => parseEntryBundle(new Uint8Array([0x00]))), 'ERR_ENCODING_INVALID');
  t.equal(outcome(() => parseEntryBundle(new Uint8Array([0xff, 0xff]))), 'ERR_ENCODING_INVALID');
});

t.test('entry bundles with no entries, too many entries or the wrong count are rejected', async (t) => {
  t.equal(outcome(() => parseEntryBundle(new Uint8Array(0))), 'ERR_ENCODING_INVALID');
  t.equal(outcome(() => parseEntryBundle(new Uint8Array(2 * 257))), 'ERR_ENCODING_INVALID');
  t.equal(outcome(() => parseEntryBundle(new Uint8Array(2 * 1_000_000))), 'ERR_ENCODING_INVALID');
  t.equal(outcome(() => parseEntryBundle(new Uint8Array(2 * 256))), 'OK');
  t.equal(outcome(() => parseEntryBundle(new Uint8Array(2 * 3), 4)), 'ERR_ENCODING_INVALID');
  t.equal(outcome(() => parseEntryBundle('bundle' as unknown as Uint8Array)), 'ERR_ENCODING_INVALID');
});

t.test('formatEntryBundle refuses entries the format cannot hold', async (t) => {
  t.equal(outcome(() => formatEntryBundle([new Uint8Array(MAX_ENTRY_SIZE + 1)])), 'ERR_ENCODING_INVALID');
  t.equal(outcome(() => formatEntryBundle([])), 'ERR_ENCODING_INVALID');
  t.equal(outcome(() => formatEntryBundle(Array.from({ length: 257 }, () => new Uint8Array(0)))), 'ERR_ENCODING_INVALID');
  t.equal(outcome(() => formatEntryBundle(['x' as unknown as Uint8Array])), 'ERR_ENCODING_INVALID');
  t.equal(outcome(() => formatEntryBundle('x' as unknown as Uint8Array[])), 'ERR_ENCODING_INVALID');
});

t.test('parsed entries and tile hashes are views of the input', async (t) => {
  const bytes = formatEntryBundle([new Uint8Array([1, 2])]);
  const [entry] = parseEntryBundle(bytes);
  t.equal(entry?.buffer, bytes.buffer);
});

t.test('tiles round-trip and must be whole hashes matching the width', async (t) => {
  const hashes = Array.from({ length: 17 }, (_, i) => new Uint8Array(32).fill(i));
  const bytes = formatTile(hashes);
  t.equal(bytes.byteLength, 17 * 32);
  t.same(parseTile(bytes).map(hex), hashes.map(hex));
  t.same(parseTile(bytes, 17).length, 17);
  t.equal(parseTile(formatTile(Array.from({ length: 256 }, () => new Uint8Array(32))), 256).length, 256);
  t.equal(outcome(() => parseTile(bytes, 16)), 'ERR_ENCODING_INVALID');
  t.equal(outcome(() => parseTile(bytes.subarray(1))), 'ERR_ENCODING_INVALID');
  t.equal(outcome(() => parseTile(new Uint8Array(0))), 'ERR_ENCODING_INVALID');
  t.equal(outcome(() => parseTile(new Uint8Array(257 * 32))), 'ERR_ENCODING_INVALID');
  t.equal(outcome(() => formatTile([])), 'ERR_ENCODING_INVALID');
  t.equal(outcome(() => formatTile(Array.from({ length: 257 }, () => new Uint8Array(32)))), 'ERR_ENCODING_INVALID');
  t.equal(outcome(() => formatTile([new Uint8Array(31)])), 'ERR_ENCODING_INVALID');
  t.equal(outcome(() => formatTile('x' as unknown as Uint8Array[])), 'ERR_ENCODING_INVALID');
});
