import t from 'tap';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { collectMaterial } from '../../src/dev/collect.js';

const CA = ['-----BEGIN CERTIFICATE-----\nAA==\n-----END CERTIFICATE-----\n', '-----BEGIN CERTIFICATE-----\nAQ==\n-----END CERTIFICATE-----\n'];

/** A fake fetch that fails `failures` times with a connection error, then answers per path. */
function fakeFetch(failures: number, answers: Record<string, [number, string]>) {
  const seen: string[] = [];
  const f = (async (input: string | URL) => {
    const url = String(input);
    seen.push(url);
    if (failures-- > 0) throw new TypeError('fetch failed');
    const path = new URL(url).pathname;
    const [status, body] = answers[path] ?? [404, ''];
    return new Response(body, { status });
  }) as typeof fetch;
  return { f, seen };
}

const answers: Record<string, [number, string]> = {
  '/api/v2/trustBundle': [200, JSON.stringify({ chains: [{ certificates: CA }] })],
  '/api/v1/log/publicKey': [200, 'REKOR KEY PEM'],
  '/api/v1/timestamp/certchain': [200, 'TSA CHAIN PEM'],
};

function clock() {
  let now = 0;
  return { now: () => now, sleep: async (ms: number) => void (now += ms) };
}

t.test('the material comes from the three services and the CT key file, after retries', async (t) => {
  const dir = t.testdir({ 'ct.pem': 'CT KEY PEM' });
  const { f, seen } = fakeFetch(3, answers);
  const retries: unknown[] = [];
  const material = await collectMaterial(
    { fulcioFetchUrl: 'http://fulcio', rekorFetchUrl: 'http://rekor', tsaFetchUrl: 'http://tsa', ctlogPublicKeyFile: join(dir, 'ct.pem'), timeoutMs: 10_000 },
    { fetch: f, ...clock(), onRetry: (err) => retries.push(err) },
  );
  t.same(material, { caChainPem: CA.join(''), rekorKeyPem: 'REKOR KEY PEM', tsaChainPem: 'TSA CHAIN PEM', ctKeyPem: 'CT KEY PEM' });
  t.equal(retries.length, 3);
  t.ok(seen.includes('http://tsa/api/v1/timestamp/certchain'));
});

t.test('without a TSA and a CT key file, neither is collected', async (t) => {
  const { f, seen } = fakeFetch(0, answers);
  const material = await collectMaterial({ fulcioFetchUrl: 'http://fulcio', rekorFetchUrl: 'http://rekor', tsaFetchUrl: '', ctlogPublicKeyFile: '', timeoutMs: 1000 }, { fetch: f, ...clock() });
  t.same(material, { caChainPem: CA.join(''), rekorKeyPem: 'REKOR KEY PEM' });
  t.notOk(seen.some((u) => u.includes('timestamp')));
});

t.test('a key file that appears late is waited for; services that never answer end in a ConfigError', async (t) => {
  const dir = t.testdir();
  const file = join(dir, 'ct.pem');
  const c = clock();
  let sleeps = 0;
  const material = await collectMaterial(
    { fulcioFetchUrl: 'http://fulcio', rekorFetchUrl: 'http://rekor', tsaFetchUrl: '', ctlogPublicKeyFile: file, timeoutMs: 10_000 },
    { fetch: fakeFetch(0, answers).f, now: c.now, sleep: async (ms) => { if (++sleeps === 2) writeFileSync(file, 'LATE'); await c.sleep(ms); } },
  );
  t.equal(material.ctKeyPem, 'LATE');
  await t.rejects(
    collectMaterial({ fulcioFetchUrl: 'http://fulcio', rekorFetchUrl: 'http://rekor', tsaFetchUrl: '', ctlogPublicKeyFile: '', timeoutMs: 1000 }, { fetch: fakeFetch(1e9, answers).f, ...clock() }),
    { code: 'ERR_CONFIG_INVALID' },
  );
  const noChain = { ...answers, '/api/v2/trustBundle': [200, '{"chains":[]}'] as [number, string] };
  await t.rejects(
    collectMaterial({ fulcioFetchUrl: 'http://fulcio', rekorFetchUrl: 'http://rekor', tsaFetchUrl: '', ctlogPublicKeyFile: '', timeoutMs: 1000 }, { fetch: fakeFetch(0, noChain).f, ...clock() }),
    { code: 'ERR_CONFIG_INVALID' },
    'a trust bundle without a chain is not retried',
  );
});
