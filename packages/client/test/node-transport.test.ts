import t from 'tap';
import { Agent, createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ClientError, json, request } from '../src/index.js';

type Handler = (req: IncomingMessage, res: ServerResponse, body: string) => void;

/** A loopback server whose answers the test scripts, one per request; it records bodies and connections. */
async function server(t: { teardown: (fn: () => Promise<void> | void) => void }, answers: Handler[]) {
  let i = 0;
  const bodies: string[] = [];
  const sockets = new Set<unknown>();
  const s = createServer((req, res) => {
    sockets.add(req.socket);
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString();
      bodies.push(body);
      (answers[Math.min(i++, answers.length - 1)] as Handler)(req, res, body);
    });
  });
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const agent = new Agent({ keepAlive: true });
  t.teardown(() => {
    agent.destroy();
    return new Promise<void>((r) => s.close(() => r()));
  });
  return { url: `http://127.0.0.1:${(s.address() as AddressInfo).port}/x`, agent, count: () => i, bodies, connections: () => sockets.size };
}

t.test('with an agent, the request and its answer go through node:http: method, headers, body, status', async (t) => {
  const { url, agent, bodies } = await server(t, [(req, res, body) => {
    res.setHeader('content-type', 'application/json');
    res.setHeader('x-seen', `${req.method} ${String(req.headers['content-type'])} ${String(req.headers['content-length'])} ${body.length}`);
    res.end('{"a":1}');
  }]);
  const res = await request(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"chain":["x"]}' }, { agent });
  t.equal(res.status, 200);
  t.same(json(res, url), { a: 1 });
  t.equal(res.headers.get('x-seen'), 'POST application/json 15 15');
  t.same(bodies, ['{"chain":["x"]}']);
  const bytes = await request(url, { method: 'POST', body: new Uint8Array([1, 2, 3]) }, { agent });
  t.equal(bytes.status, 200, 'a Uint8Array body is sent too');
});

t.test('with an agent, connections are kept alive and reused', async (t) => {
  const { url, agent, connections } = await server(t, [(_req, res) => res.end('ok')]);
  for (let i = 0; i < 5; i++) t.equal((await request(url, {}, { agent })).status, 200);
  t.equal(connections(), 1, 'five sequential requests, one connection');
});

t.test('with an agent, 5xx is retried, then returned; 4xx is not retried', async (t) => {
  const five = await server(t, [(_q, res) => { res.statusCode = 503; res.end(); }, (_q, res) => res.end('ok')]);
  t.equal((await request(five.url, {}, { retries: 2, agent: five.agent })).status, 200);
  t.equal(five.count(), 2);
  const four = await server(t, [(_q, res) => { res.statusCode = 404; res.end('{"message":"no such entry"}'); }]);
  t.equal((await request(four.url, {}, { retries: 2, agent: four.agent })).status, 404);
  t.equal(four.count(), 1);
});

t.test('with an agent, bodies over the cap are refused without buffering them whole', async (t) => {
  const declared = await server(t, [(_q, res) => { res.setHeader('content-length', '100000'); res.end('x'.repeat(100000)); }]);
  await t.rejects(request(declared.url, {}, { maxBytes: 1000, agent: declared.agent }), { code: 'ERR_CLIENT_RESPONSE' });
  const chunked = await server(t, [(_q, res) => { res.write('x'.repeat(800)); res.write('x'.repeat(800)); res.end(); }]);
  await t.rejects(request(chunked.url, {}, { maxBytes: 1000, agent: chunked.agent }), { code: 'ERR_CLIENT_RESPONSE' });
  t.equal(chunked.count(), 1, 'a size refusal is not retried');
});

t.test('with an agent, an unreachable or silent server is a ClientError after the timeout', async (t) => {
  const agent = new Agent({ keepAlive: true });
  t.teardown(() => agent.destroy());
  await t.rejects(request('http://127.0.0.1:1/x', {}, { retries: 0, agent }), { code: 'ERR_CLIENT_UNREACHABLE' });
  const silent = await server(t, [() => undefined]);
  const err = await request(silent.url, {}, { retries: 0, timeoutMs: 100, agent: silent.agent }).catch((e: unknown) => e);
  t.ok(err instanceof ClientError);
  t.equal((err as ClientError).code, 'ERR_CLIENT_UNREACHABLE');
  const stalled = await server(t, [(_q, res) => { res.setHeader('content-length', '10'); res.write('12345'); }]);
  const cut = await request(stalled.url, {}, { retries: 0, timeoutMs: 100, agent: stalled.agent }).catch((e: unknown) => e);
  t.equal((cut as ClientError).code, 'ERR_CLIENT_UNREACHABLE', 'the timeout covers the body too');
});

t.test('with an agent, a connection cut mid-body is retried', async (t) => {
  const s = await server(t, [(_q, res) => { res.setHeader('content-length', '10'); res.write('12345', () => res.socket?.destroy()); }, (_q, res) => res.end('whole')]);
  const res = await request(s.url, {}, { retries: 1, agent: s.agent });
  t.equal(Buffer.from(res.body).toString(), 'whole');
  t.equal(s.count(), 2);
});

t.test('with an agent, redirects are refused like fetch with redirect: error', async (t) => {
  const s = await server(t, [(_q, res) => { res.statusCode = 302; res.setHeader('location', 'http://127.0.0.1:1/'); res.end(); }]);
  await t.rejects(request(s.url, {}, { retries: 0, agent: s.agent }), { code: 'ERR_CLIENT_UNREACHABLE' });
});

t.test('an injected fetch wins over the agent', async (t) => {
  const agent = new Agent();
  t.teardown(() => agent.destroy());
  const res = await request('http://127.0.0.1:1/x', {}, { agent, fetch: async () => new Response('from fetch') });
  t.equal(Buffer.from(res.body).toString(), 'from fetch');
});
