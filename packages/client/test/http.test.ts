import t from 'tap';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ClientError, expectStatus, json, request } from '../src/index.js';

/** A loopback server whose answers the test scripts, one per request. */
async function server(t: { teardown: (fn: () => Promise<void>) => void }, answers: ((res: import('node:http').ServerResponse) => void)[]) {
  let i = 0;
  const s = createServer((_req, res) => (answers[Math.min(i++, answers.length - 1)] as (r: typeof res) => void)(res));
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  t.teardown(() => new Promise<void>((r) => s.close(() => r())));
  return { url: `http://127.0.0.1:${(s.address() as AddressInfo).port}/x`, count: () => i };
}

t.test('a 200 JSON answer is returned with its body', async (t) => {
  const { url } = await server(t, [(res) => res.end('{"a":1}')]);
  const res = await request(url);
  t.equal(res.status, 200);
  t.same(json(res, url), { a: 1 });
  expectStatus(res, url, 200);
});

t.test('5xx is retried, then returned; 4xx is not retried', async (t) => {
  const five = await server(t, [(res) => { res.statusCode = 503; res.end(); }, (res) => res.end('ok')]);
  t.equal((await request(five.url, {}, { retries: 2 })).status, 200);
  t.equal(five.count(), 2);
  const four = await server(t, [(res) => { res.statusCode = 404; res.end('{"message":"no such entry"}'); }]);
  const res = await request(four.url, {}, { retries: 2 });
  t.equal(res.status, 404);
  t.equal(four.count(), 1);
  t.throws(() => expectStatus(res, four.url, 200), { code: 'ERR_CLIENT_STATUS', status: 404, message: /no such entry/ });
  const always = await server(t, [(res) => { res.statusCode = 500; res.end(); }]);
  t.equal((await request(always.url, {}, { retries: 1 })).status, 500, 'the last answer is returned to the caller');
  t.equal(always.count(), 2);
});

t.test('bodies over the cap are refused without buffering them whole', async (t) => {
  const declared = await server(t, [(res) => { res.setHeader('content-length', '100000'); res.end('x'.repeat(100000)); }]);
  await t.rejects(request(declared.url, {}, { maxBytes: 1000 }), { code: 'ERR_CLIENT_RESPONSE' });
  const chunked = await server(t, [(res) => { res.write('x'.repeat(800)); res.write('x'.repeat(800)); res.end(); }]);
  await t.rejects(request(chunked.url, {}, { maxBytes: 1000 }), { code: 'ERR_CLIENT_RESPONSE' });
});

t.test('an unreachable or silent server is a ClientError after the timeout', async (t) => {
  await t.rejects(request('http://127.0.0.1:1/x', {}, { retries: 0 }), { code: 'ERR_CLIENT_UNREACHABLE' });
  const silent = await server(t, [() => undefined]);
  const err = await request(silent.url, {}, { retries: 0, timeoutMs: 100 }).catch((e: unknown) => e);
  t.ok(err instanceof ClientError);
  t.equal((err as ClientError).code, 'ERR_CLIENT_UNREACHABLE');
});

t.test('invalid JSON is a ClientError naming the URL', async (t) => {
  const { url } = await server(t, [(res) => res.end('not json')]);
  const res = await request(url);
  t.throws(() => json(res, url), { code: 'ERR_CLIENT_RESPONSE' });
});
