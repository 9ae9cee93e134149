/**
 * Providers that cannot be asked (security.md §2.A.8): every failure of discovery or JWKS is
 * ERR_IDP_UNAVAILABLE (a 503), bounded in time and size, remembered briefly but not forever, and never
 * lets a token through. Also the caching rules: one discovery, JWKS refreshed when stale.
 */
import t, { type Test } from 'tap';
import { IdentityError, IDP_UNAVAILABLE_MESSAGE, type IssuerConfigInput } from '../../../src/identity/index.js';
import { claimsFor, craftToken, makeKey, NOW_S, type Behaviour, type FakeIssuer } from '../../fixtures/identity/idp.js';
import { makeWorld } from '../../fixtures/identity/world.js';

const ISSUER = 'https://issuer.example.com';
const CONFIG: IssuerConfigInput = {
  oidcIssuers: { [ISSUER]: { clientId: 'sigstore', type: 'email' }, 'https://other.example.com': { clientId: 'sigstore', type: 'email' } },
  metaIssuers: { 'https://meta.example.net/*': { clientId: 'sigstore', type: 'email' } },
};
const key = await makeKey('ES256', 'ec-1');
const token = await craftToken(key, claimsFor(ISSUER, { email: 'alice@example.com', email_verified: true }));
/** Valid for a day, for tests that move the clock by hours. */
const dayToken = await craftToken(key, claimsFor(ISSUER, { email: 'alice@example.com', email_verified: true, exp: NOW_S + 86_400 }));

function world(options: Partial<Omit<FakeIssuer, 'issuer' | 'keys'>> = {}, serviceOptions: Parameters<typeof makeWorld>[1] = {}) {
  const w = makeWorld(CONFIG, serviceOptions);
  const issuer = w.idp.add(ISSUER, [key], options);
  return { ...w, issuer };
}

async function unavailable(t: Test, promise: Promise<unknown>, what: string, reason?: RegExp): Promise<void> {
  try {
    await promise;
  } catch (err) {
    t.ok(err instanceof IdentityError, `${what}: an IdentityError (${(err as Error).message})`);
    const e = err as IdentityError;
    t.equal(e.code, 'ERR_IDP_UNAVAILABLE', `${what}: code (${e.reason})`);
    t.equal(e.check, 'unavailable');
    t.equal(e.message, IDP_UNAVAILABLE_MESSAGE, 'a generic client message');
    t.match(e.reason, reason ?? /issuer\.example\.com/, 'the log reason names the provider');
    return;
  }
  t.fail(`${what}: accepted`);
}

const FAILURES: [string, Behaviour, RegExp?][] = [
  ['a 500', 'status-500', /answered 500/],
  ['a 404', 'status-404', /answered 404/],
  ['a body that is not JSON', 'not-json', /not valid json/],
  ['a JSON array', 'json-array', /not a json object/],
  ['a 50 MB body', 'huge', /larger than/],
  ['a redirect', 'redirect'],
  ['a network error', 'network-error', /couldn't fetch/],
  ['a timeout', 'hang', /couldn't fetch/],
];

t.test('every discovery failure is ERR_IDP_UNAVAILABLE and accepts nothing', async (t) => {
  for (const [what, behaviour, reason] of FAILURES) {
    const w = world({ discovery: behaviour });
    const started = performance.now();
    await unavailable(t, w.service.authenticate(token), `discovery: ${what}`, reason);
    t.ok(performance.now() - started < 5_000, `${what}: bounded in time`);
    t.ok(w.idp.hugePulled <= 1024 * 1024, `${what}: at most about the cap was read (${w.idp.hugePulled} bytes)`);
    t.equal(w.idp.count('/jwks'), 0, 'no jwks request after a failed discovery');
  }
});

t.test('every JWKS failure is ERR_IDP_UNAVAILABLE and accepts nothing', async (t) => {
  for (const [what, behaviour, reason] of FAILURES) {
    const w = world({ jwks: behaviour });
    await unavailable(t, w.service.authenticate(token), `jwks: ${what}`, reason);
    t.ok(w.idp.hugePulled <= 1024 * 1024, `${what}: bounded read`);
  }
});

t.test('a discovery document naming another issuer, or unusable, is ERR_IDP_UNAVAILABLE', async (t) => {
  for (const discoveredIssuer of [`${ISSUER}/`, 'https://ISSUER.example.com', 'https://evil.example.com', null, 42]) {
    const w = world();
    w.issuer.discoveredIssuer = discoveredIssuer;
    await unavailable(t, w.service.authenticate(token), `discovered issuer ${JSON.stringify(discoveredIssuer)}`, /names another issuer/);
    t.equal(w.idp.count('/jwks'), 0);
  }
  const doc = (body: unknown): Behaviour => () => new Response(JSON.stringify(body), { status: 200 });
  for (const [what, body] of [
    ['no jwks_uri', { issuer: ISSUER }],
    ['a file jwks_uri', { issuer: ISSUER, jwks_uri: 'file:///etc/passwd' }],
    ['a relative jwks_uri', { issuer: ISSUER, jwks_uri: '/jwks' }],
    ['malformed algorithms', { issuer: ISSUER, jwks_uri: `${ISSUER}/jwks`, id_token_signing_alg_values_supported: 'ES256' }],
  ] as const) {
    await unavailable(t, world({ discovery: doc(body) }).service.authenticate(token), what);
  }
});

t.test('a malformed or oversized key set is ERR_IDP_UNAVAILABLE', async (t) => {
  const set = (body: unknown): Behaviour => () => new Response(JSON.stringify(body), { status: 200 });
  for (const [what, body] of [
    ['no keys', {}],
    ['keys not an array', { keys: { a: 1 } }],
    ['a key that is not an object', { keys: [1] }],
    ['101 keys', { keys: Array.from({ length: 101 }, (_, i) => ({ ...key.jwk, kid: `k${i}` })) }],
  ] as const) {
    await unavailable(t, world({ jwks: set(body) }).service.authenticate(token), what);
  }
});

t.test('a failure is remembered for a few seconds, then retried, and recovery works', async (t) => {
  const w = world({ discovery: 'status-500' });
  await unavailable(t, w.service.authenticate(token), 'first');
  t.equal(w.idp.count('/openid-configuration'), 1);
  w.clock.advance(4_999);
  await unavailable(t, w.service.authenticate(token), 'within the window', /remembered failure/);
  t.equal(w.idp.count('/openid-configuration'), 1, 'no request within the window');
  w.issuer.discovery = 'ok';
  w.clock.advance(1);
  t.ok(await w.service.authenticate(token), 'accepted once the provider is back');
  t.equal(w.idp.count('/openid-configuration'), 2);
  w.issuer.jwks = 'status-500';
  w.clock.advance(10 * 3_600_000);
  t.ok(await w.service.authenticate(dayToken), 'stale keys keep serving while the provider is down');
  t.equal(w.idp.count('/jwks'), 2, 'one refetch attempt of the stale keys');
  t.ok(await w.service.authenticate(dayToken));
  t.equal(w.idp.count('/jwks'), 2, 'and no more within the refresh interval');
});

t.test('a JWKS failure with no keys cached is remembered, then retried', async (t) => {
  const w = world({ jwks: 'network-error' });
  await unavailable(t, w.service.authenticate(token), 'first');
  await unavailable(t, w.service.authenticate(token), 'again', /remembered failure/);
  t.equal(w.idp.count('/jwks'), 1);
  w.issuer.jwks = 'ok';
  w.clock.advance(5_000);
  t.ok(await w.service.authenticate(token));
  t.equal(w.idp.count('/openid-configuration'), 1, 'discovery was kept');
});

t.test('a refresh needed for an unknown kid that fails is ERR_IDP_UNAVAILABLE', async (t) => {
  const w = world();
  await w.service.authenticate(token);
  w.issuer.jwks = 'status-500';
  w.clock.advance(30_000);
  const rotated = await makeKey('ES256', 'ec-2');
  await unavailable(t, w.service.authenticate(await craftToken(rotated, claimsFor(ISSUER, { email: 'a@example.com', email_verified: true }))), 'refresh failed');
  t.ok(await w.service.authenticate(token), 'tokens with known keys still pass');
});

t.test('retries recover from one transient 5xx', async (t) => {
  let calls = 0;
  const w = world(
    {
      discovery: (url) => {
        calls++;
        return calls === 1 ? new Response('busy', { status: 503 }) : new Response(JSON.stringify({ issuer: ISSUER, jwks_uri: `${ISSUER}/jwks`, id_token_signing_alg_values_supported: ['ES256'] }), { status: 200 });
      },
    },
    { retries: 1 },
  );
  t.ok(await w.service.authenticate(token));
  t.equal(calls, 2);
});

t.test('stale keys are refetched after the maximum age', async (t) => {
  const w = world({}, { jwksMaxAgeMs: 60_000 });
  await w.service.authenticate(token);
  w.clock.advance(59_999);
  await w.service.authenticate(token);
  t.equal(w.idp.count('/jwks'), 1);
  w.clock.advance(1);
  await w.service.authenticate(token);
  t.equal(w.idp.count('/jwks'), 2);
  w.issuer.keys = [];
  w.clock.advance(60_000);
  await t.rejects(w.service.authenticate(token), { code: 'ERR_TOKEN_INVALID', check: 'key' }, 'a key removed by the provider stops verifying');
});

t.test('concurrent first tokens share one discovery and one JWKS request', async (t) => {
  const w = world();
  await Promise.all(Array.from({ length: 20 }, () => w.service.authenticate(token)));
  t.equal(w.idp.count('/openid-configuration'), 1);
  t.equal(w.idp.count('/jwks'), 1);
});

t.test('warm fetches every static issuer and reports failures without throwing', async (t) => {
  const w = world();
  const results = await w.service.warm();
  t.same(results.map((r) => r.issuer), [ISSUER, 'https://other.example.com']);
  t.equal(results[0]?.error, undefined);
  t.equal(results[1]?.error?.code, 'ERR_IDP_UNAVAILABLE', 'the other issuer is not served by the fake');
  t.equal(w.idp.count('/jwks'), 1);
  await w.service.authenticate(token);
  t.equal(w.idp.count('/jwks'), 1, 'authenticate used the warmed keys');
  t.notOk(w.idp.requests.some((u) => u.includes('meta.example.net')), 'meta issuers are not warmed');
});

t.test('bad service options are a configuration error', async (t) => {
  t.throws(() => makeWorld(CONFIG, { timeoutMs: -1 }), { code: 'ERR_CONFIG_INVALID' });
  t.throws(() => makeWorld(CONFIG, { refreshIntervalMs: 1.5 }), { code: 'ERR_CONFIG_INVALID' });
});
