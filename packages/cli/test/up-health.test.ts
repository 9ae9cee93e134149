import t from 'tap';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { isSigstackError } from '@sigstack/crypto/errors';
import { pemDecode } from '@sigstack/crypto/keys';
import type { Io } from '../src/io.js';
import { waitCtRoot, waitHealthy, writeCtRoots } from '../src/up/health.js';
import { leafCertificate } from './fixtures/certs.js';

type Route = (url: string) => Response | Promise<Response>;

/** An Io whose clock moves only when the code sleeps, and whose fetch answers from `route`. */
function fakeIo(route: Route) {
  let now = 0;
  const requests: string[] = [];
  const io: Io = {
    stdout: { write: () => undefined },
    stderr: { write: () => undefined },
    fetch: (async (input: string | URL | Request) => {
      const url = String(input);
      requests.push(url);
      return route(url);
    }) as typeof fetch,
    now: () => now,
    sleep: async (ms: number) => void (now += ms),
  };
  return { io, requests, now: () => now };
}

async function failureCode(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'no error';
  } catch (err) {
    return isSigstackError(err) ? err.code : String(err);
  }
}

const refused = () => Promise.reject(new TypeError('fetch failed: ECONNREFUSED'));

t.test('a service is healthy once /healthz answers 200, after refusals and 503s', async (t) => {
  const answers = [refused, () => new Response('{}', { status: 503 }), () => new Response('{"status":"SERVING"}')];
  const f = fakeIo(() => (answers.shift() ?? refused)());
  t.equal(await waitHealthy('http://127.0.0.1:3000', 60_000, f.io, new AbortController().signal), true);
  t.same(f.requests, Array(3).fill('http://127.0.0.1:3000/healthz'));
});

t.test('waiting for health ends false at the deadline or when aborted', async (t) => {
  const f = fakeIo(refused);
  t.equal(await waitHealthy('http://127.0.0.1:3000', 1_000, f.io, new AbortController().signal), false);
  t.ok(f.now() >= 1_000 && f.now() < 1_200, 'gave up at the deadline');
  const aborted = new AbortController();
  aborted.abort();
  t.equal(await waitHealthy('http://127.0.0.1:3000', 60_000, fakeIo(refused).io, aborted.signal), false);
});

t.test("the CA's chain is written to the roots file once, and its root is what the CT log must list", async (t) => {
  const { chainPem } = await leafCertificate({ type: 'email', value: 'a@example.com' });
  const root = Buffer.from(pemDecode(chainPem).at(-1)!.der).toString('base64');
  const file = join(t.testdir(), 'roots.pem');
  const f = fakeIo((url) => (url === 'http://ca/api/v1/rootCert' ? new Response(chainPem) : new Response('', { status: 404 })));
  t.equal(await writeCtRoots('http://ca', file, f.io), root);
  t.equal(readFileSync(file, 'utf8'), chainPem);
  const written = statSync(file).ino;
  t.equal(await writeCtRoots('http://ca', file, f.io), root);
  t.equal(statSync(file).ino, written, 'an unchanged chain is not rewritten (atomic writes make a new inode, which the CT log would re-read)');

  let listed: string[] = [];
  const ct = fakeIo(() => Response.json({ certificates: listed }));
  t.equal(await waitCtRoot('http://ct', root, 500, ct.io, new AbortController().signal), false, 'not listed by the deadline');
  listed = ['b3RoZXI=', root];
  t.equal(await waitCtRoot('http://ct', root, 500, ct.io, new AbortController().signal), true);
  t.equal(ct.requests.at(-1), 'http://ct/ct/v1/get-roots');
});

t.test('a CA answer that is no certificate chain stops the start with ERR_STACK_SERVICE_FAILED', async (t) => {
  const file = join(t.testdir(), 'roots.pem');
  for (const body of ['not pem', '-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n']) {
    const f = fakeIo(() => new Response(body));
    t.equal(await failureCode(writeCtRoots('http://ca', file, f.io)), 'ERR_STACK_SERVICE_FAILED', JSON.stringify(body));
  }
  const failing = fakeIo(() => new Response('{"message":"boom"}', { status: 500 }));
  t.equal(await failureCode(writeCtRoots('http://ca', file, failing.io)), 'ERR_CLIENT_STATUS', 'a failing CA is a client error (exit 5)');
});
