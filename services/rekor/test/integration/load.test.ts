import t from 'tap';
import { hashedrekord, makeApp } from '../helpers.js';

t.test('a full pool answers 503 with Retry-After, and the log goes on afterwards', async (t) => {
  const { app, close } = await makeApp(t.testdir(), { REKOR_MAX_PENDING: '2', REKOR_BATCH_MAX_DELAY_MS: '200', REKOR_BATCH_MAX_ENTRIES: '100' });
  t.teardown(close);
  const results = await Promise.all(Array.from({ length: 6 }, (_, i) => app.inject({ method: 'POST', url: '/api/v1/log/entries', payload: hashedrekord(`pushback ${i}`) })));
  const statuses = results.map((r) => r.statusCode).sort();
  t.same(statuses, [201, 201, 503, 503, 503, 503]);
  const refused = results.find((r) => r.statusCode === 503)!;
  t.equal(refused.headers['retry-after'], '1');
  t.match(refused.json(), { code: 503, message: /retry later/ });
  t.equal((await app.inject({ method: 'POST', url: '/api/v1/log/entries', payload: hashedrekord('pushback later') })).statusCode, 201);
});

t.test('full tiles are immutable and cacheable; partial ones are not', async (t) => {
  const { app, close } = await makeApp(t.testdir(), { REKOR_BATCH_MAX_DELAY_MS: '5' });
  t.teardown(close);
  const results = await Promise.all(Array.from({ length: 257 }, (_, i) => app.inject({ method: 'POST', url: '/api/v1/log/entries', payload: hashedrekord(`tile fill ${i}`) })));
  t.ok(results.every((r) => r.statusCode === 201));
  const full = await app.inject({ method: 'GET', url: '/api/v2/tile/0/000' });
  t.equal(full.statusCode, 200);
  t.equal(full.rawPayload.length, 8192);
  t.equal(full.headers['cache-control'], 'public, max-age=31536000, immutable');
  t.equal((await app.inject({ method: 'GET', url: '/api/v2/tile/entries/000' })).headers['cache-control'], 'public, max-age=31536000, immutable');
  t.equal((await app.inject({ method: 'GET', url: '/api/v2/tile/1/000.p/1' })).rawPayload.length, 32, 'level 1 holds the root of the first 256');
  const partial = await app.inject({ method: 'GET', url: '/api/v2/tile/0/001.p/1' });
  t.equal(partial.statusCode, 200);
  t.equal(partial.headers['cache-control'], 'no-cache');
});
