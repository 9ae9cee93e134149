import t from 'tap';
import Fastify from 'fastify';
import { SigstackError } from '@sigstack/crypto/errors';
import { registerErrorHandler, registerJsonParser } from '../src/index.js';

function app() {
  const a = Fastify({ bodyLimit: 1024 });
  registerJsonParser(a, { maxDepth: 4 });
  registerErrorHandler(a, {
    status: { ERR_REQUEST_INVALID: 400, ERR_ENTRY_NOT_FOUND: 404, ERR_LOG_PUSHBACK: 503 },
    body: (status, message) => ({ status, message }),
    internalMessage: 'something went wrong on our side',
    emptyBody: [404],
    decorate: (err, _req, reply, status) => {
      if (status === 503) void reply.header('Retry-After', '1');
      return err.code === 'ERR_REQUEST_INVALID' ? `bad: ${err.message}` : undefined;
    },
  });
  a.post('/echo', async (req) => req.body);
  a.get('/throw/:code', async (req) => {
    const code = (req.params as { code: string }).code;
    if (code === 'plain') throw new Error('secret detail at /etc/key');
    throw new SigstackError(code as 'ERR_REQUEST_INVALID', `failed with ${code}`);
  });
  return a;
}

t.test('typed errors map through the table, with decorations', async (t) => {
  const a = app();
  t.teardown(() => a.close());
  const bad = await a.inject('/throw/ERR_REQUEST_INVALID');
  t.equal(bad.statusCode, 400);
  t.same(bad.json(), { status: 400, message: 'bad: failed with ERR_REQUEST_INVALID' });
  const missing = await a.inject('/throw/ERR_ENTRY_NOT_FOUND');
  t.equal(missing.statusCode, 404);
  t.equal(missing.body, '');
  const busy = await a.inject('/throw/ERR_LOG_PUSHBACK');
  t.equal(busy.statusCode, 503);
  t.equal(busy.headers['retry-after'], '1');
});

t.test('anything else is a generic 500 without detail', async (t) => {
  const a = app();
  t.teardown(() => a.close());
  for (const url of ['/throw/plain', '/throw/ERR_CA_UNAVAILABLE']) {
    const res = await a.inject(url);
    t.equal(res.statusCode, 500);
    t.same(res.json(), { status: 500, message: 'something went wrong on our side' });
  }
  const nf = await a.inject('/nowhere?x=1');
  t.same(nf.json(), { status: 404, message: 'path /nowhere was not found' });
});

t.test('bodies are strict JSON, bounded, and JSON only', async (t) => {
  const a = app();
  t.teardown(() => a.close());
  const post = (payload: string, type = 'application/json') => a.inject({ method: 'POST', url: '/echo', payload, headers: { 'content-type': type } });
  t.same((await post('{"a":[1,2]}')).json(), { a: [1, 2] });
  for (const body of ['{"a":1,"a":2}', '[[[[[1]]]]]', '', '{"x":9007199254740993}']) {
    const res = await post(body);
    t.equal(res.statusCode, 400, body);
  }
  t.equal((await post('{}', 'text/plain')).statusCode, 415);
  t.equal((await post(JSON.stringify({ pad: 'x'.repeat(2000) }))).statusCode, 413);
});
