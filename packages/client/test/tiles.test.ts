import t from 'tap';
import { formatEntryBundle } from '@sigstack/crypto/tiles';
import { TilesClient } from '../src/index.js';

function fake(files: Record<string, Uint8Array | string | number>) {
  const seen: string[] = [];
  const fetchImpl = (async (input: string | URL | Request) => {
    const path = new URL(String(input)).pathname;
    seen.push(path);
    const f = files[path];
    if (f === undefined) return new Response(null, { status: 404 });
    if (typeof f === 'number') return new Response(null, { status: f });
    return new Response(f);
  }) as typeof fetch;
  return { fetch: fetchImpl, seen };
}

const hashes = (n: number, fill = 1) => new Uint8Array(n * 32).fill(fill);

t.test('the checkpoint is returned as text, or undefined when there is no tiles API', async (t) => {
  t.equal(await new TilesClient('http://l/api/v2', { fetch: fake({ '/api/v2/checkpoint': 'note\n' }).fetch }).checkpoint(), 'note\n');
  t.equal(await new TilesClient('http://l/api/v2/', { fetch: fake({}).fetch }).checkpoint(), undefined);
  t.equal(await new TilesClient('http://l/api/v2', { fetch: fake({ '/api/v2/checkpoint': 501 }).fetch }).checkpoint(), undefined);
  await t.rejects(new TilesClient('http://l/api/v2', { fetch: fake({ '/api/v2/checkpoint': 403 }).fetch }).checkpoint(), { code: 'ERR_CLIENT_STATUS' });
});

t.test('tiles are fetched at their width and checked for shape', async (t) => {
  const f = fake({ '/api/v2/tile/0/x001/234.p/5': hashes(5), '/api/v2/tile/1/000': hashes(256), '/api/v2/tile/0/000.p/3': hashes(2) });
  const c = new TilesClient('http://l/api/v2', { fetch: f.fetch });
  t.equal((await c.tile(0, 1234, 5)).length, 160);
  t.equal((await c.tile(1, 0, 256)).length, 8192);
  await t.rejects(c.tile(0, 0, 3), { code: 'ERR_CLIENT_RESPONSE' }, 'a tile of the wrong width');
});

t.test('a partial tile that is gone is read from the full tile', async (t) => {
  const full = hashes(256);
  full.fill(9, 0, 32);
  const f = fake({ '/api/v2/tile/0/007': full, '/api/v2/tile/entries/007': formatEntryBundle(Array.from({ length: 256 }, (_, i) => new Uint8Array([i]))) });
  const c = new TilesClient('http://l/api/v2', { fetch: f.fetch });
  const tile = await c.tile(0, 7, 3);
  t.equal(tile.length, 96);
  t.equal(tile[0], 9);
  t.same(f.seen, ['/api/v2/tile/0/007.p/3', '/api/v2/tile/0/007']);
  const bundle = await c.entryBundle(7, 2);
  t.same(bundle.map((e) => [...e]), [[0], [1]]);
  await t.rejects(c.tile(0, 8, 3), { code: 'ERR_CLIENT_STATUS', status: 404 });
  await t.rejects(c.entryBundle(8, 256), { code: 'ERR_CLIENT_STATUS', status: 404 });
});

t.test('entry bundles must hold exactly their width of complete entries', async (t) => {
  const f = fake({ '/api/v2/tile/entries/000.p/2': formatEntryBundle([new Uint8Array([1])]), '/api/v2/tile/entries/001.p/1': new Uint8Array([0, 5, 1]) });
  const c = new TilesClient('http://l/api/v2', { fetch: f.fetch });
  await t.rejects(c.entryBundle(0, 2), { code: 'ERR_CLIENT_RESPONSE' });
  await t.rejects(c.entryBundle(1, 1), { code: 'ERR_CLIENT_RESPONSE' });
});
