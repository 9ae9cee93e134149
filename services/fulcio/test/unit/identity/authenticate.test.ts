/**
 * Hostile tokens (security.md §2.A 1–8, 10–11): every one is refused with ERR_TOKEN_INVALID (a 400), never
 * anything else, and the checks that need no provider run before any request.
 */
import { generateKeyPairSync } from 'node:crypto';
import t, { type Test } from 'tap';
import { IdentityError, MAX_TOKEN_BYTES, TOKEN_ERROR_MESSAGE, type IssuerConfigInput, type TokenCheck } from '../../../src/identity/index.js';
import { claimsFor, craftToken, FakeIdp, hmacToken, makeKey, NOW, NOW_S } from '../../fixtures/identity/idp.js';
import { makeWorld, type World } from '../../fixtures/identity/world.js';

const ISSUER = 'https://issuer.example.com';
const META = 'https://meta.example.net/*';

const CONFIG: IssuerConfigInput = {
  oidcIssuers: { [ISSUER]: { clientId: 'sigstore', type: 'email' } },
  metaIssuers: { [META]: { clientId: 'sigstore', type: 'email' } },
};

const keys = {
  rsa: await makeKey('RS256', 'rsa-1'),
  ps: await makeKey('PS256', 'ps-1'),
  ec: await makeKey('ES256', 'ec-1'),
  ec384: await makeKey('ES384', 'ec384-1'),
  ed: await makeKey('EdDSA', 'ed-1'),
};
/** A key the provider never published. */
const stranger = await makeKey('ES256', 'ec-1');
const emailClaims = (extra: Record<string, unknown> = {}) => claimsFor(ISSUER, { email: 'alice@example.com', email_verified: true, ...extra });

function world(options: Parameters<typeof makeWorld>[1] = {}): World {
  const w = makeWorld(CONFIG, options);
  w.idp.add(ISSUER, Object.values(keys));
  return w;
}

/** Asserts that `promise` rejects with ERR_TOKEN_INVALID from `check` (and the fixed client message). */
async function refused(t: Test, promise: Promise<unknown>, check: TokenCheck, what?: string): Promise<IdentityError | undefined> {
  try {
    await promise;
  } catch (err) {
    t.ok(err instanceof IdentityError, `${what ?? check}: an IdentityError (${(err as Error).message})`);
    const e = err as IdentityError;
    t.equal(e.code, 'ERR_TOKEN_INVALID', `${what ?? check}: code`);
    t.equal(e.check, check, `${what ?? check}: check (${e.reason})`);
    t.equal(e.message, TOKEN_ERROR_MESSAGE, 'the client sees only the fixed message');
    return e;
  }
  t.fail(`${what ?? check}: accepted`);
  return undefined;
}

t.test('a valid token from each key type is accepted', async (t) => {
  const w = world();
  for (const key of Object.values(keys)) {
    const principal = await w.service.authenticate(await craftToken(key, emailClaims()));
    t.equal(principal.subject, 'subject-1', key.alg);
  }
  t.equal(w.idp.count('/openid-configuration'), 1, 'discovery fetched once');
  t.equal(w.idp.count('/jwks'), 1, 'jwks fetched once');
});

t.test('alg none in any case, and algorithms outside the allowlist, are refused before any request', async (t) => {
  const w = world();
  for (const alg of ['none', 'None', 'NONE', 'nOnE', 'HS256', 'HS384', 'HS512', 'ES256K', 'RSA1_5', 'Ed25519', 'ML-DSA-44', '']) {
    const body = Buffer.from(JSON.stringify(emailClaims())).toString('base64url');
    const header = Buffer.from(JSON.stringify({ alg, typ: 'JWT' })).toString('base64url');
    await refused(t, w.service.authenticate(`${header}.${body}.c2ln`), 'algorithm', JSON.stringify(alg));
    await refused(t, w.service.authenticate(`${header}.${body}.`), 'format', `${JSON.stringify(alg)} with an empty signature`);
  }
  await refused(t, w.service.authenticate(await craftToken(keys.ec, emailClaims(), '{"typ":"JWT"}')), 'algorithm', 'no alg');
  await refused(t, w.service.authenticate(await craftToken(keys.ec, emailClaims(), { alg: 256 })), 'algorithm', 'alg not a string');
  t.same(w.idp.requests, [], 'no request was made');
});

t.test('HS256 keyed with the issuer public key is refused even when discovery lists HS256', async (t) => {
  const w = makeWorld(CONFIG);
  w.idp.add(ISSUER, [keys.rsa], { algorithms: ['HS256', 'RS256'] });
  const pem = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ type: 'spki', format: 'pem' });
  for (const secret of [pem, JSON.stringify(keys.rsa.jwk), Buffer.from(keys.rsa.jwk.n as string, 'base64url')]) {
    await refused(t, w.service.authenticate(hmacToken(secret, emailClaims(), { kid: 'rsa-1' })), 'algorithm');
  }
  t.same(w.idp.requests, []);
});

t.test('an alg the provider does not offer is refused; a provider listing none offers RS256 only', async (t) => {
  const w = makeWorld(CONFIG);
  w.idp.add(ISSUER, [keys.rsa, keys.ec], { algorithms: ['ES256'] });
  await refused(t, w.service.authenticate(await craftToken(keys.rsa, emailClaims())), 'algorithm');
  t.ok(await w.service.authenticate(await craftToken(keys.ec, emailClaims())));
  const bare = makeWorld(CONFIG);
  bare.idp.add(ISSUER, [keys.rsa, keys.ec], { algorithms: undefined });
  await refused(t, bare.service.authenticate(await craftToken(keys.ec, emailClaims())), 'algorithm');
  t.ok(await bare.service.authenticate(await craftToken(keys.rsa, emailClaims())));
  const junk = makeWorld(CONFIG);
  junk.idp.add(ISSUER, [keys.rsa], { algorithms: ['none', 'HS256'] });
  t.ok(await junk.service.authenticate(await craftToken(keys.rsa, emailClaims())), 'none and HS256 filtered out, RS256 remains');
});

t.test('a signature by an unlisted key under a listed kid is refused without a refresh', async (t) => {
  const w = world();
  await w.service.authenticate(await craftToken(keys.ec, emailClaims()));
  w.clock.advance(60_000);
  await refused(t, w.service.authenticate(await craftToken(stranger, emailClaims())), 'signature');
  t.equal(w.idp.count('/jwks'), 1);
});

t.test('an unknown kid causes one refresh after the interval, then a refusal', async (t) => {
  const w = world();
  const unknown = await makeKey('ES256', 'rotated-1');
  await w.service.authenticate(await craftToken(keys.ec, emailClaims()));
  await refused(t, w.service.authenticate(await craftToken(unknown, emailClaims())), 'key', 'within the refresh interval');
  t.equal(w.idp.count('/jwks'), 1, 'rate-limited: no refetch within the interval');
  w.clock.advance(30_000);
  await refused(t, w.service.authenticate(await craftToken(unknown, emailClaims())), 'key', 'after one refresh');
  t.equal(w.idp.count('/jwks'), 2, 'exactly one refetch');
  await refused(t, w.service.authenticate(await craftToken(unknown, emailClaims())), 'key', 'again');
  t.equal(w.idp.count('/jwks'), 2, 'no second refetch');
});

t.test('100 tokens with random kids cause at most one JWKS refresh, concurrently or not', async (t) => {
  const w = world();
  await w.service.authenticate(await craftToken(keys.ec, emailClaims()));
  w.clock.advance(31_000);
  const tokens = await Promise.all(Array.from({ length: 100 }, (_, i) => craftToken({ ...keys.ec, kid: `random-${i}-${Math.random()}` }, emailClaims())));
  const results = await Promise.allSettled(tokens.map((token) => w.service.authenticate(token)));
  t.ok(results.every((r) => r.status === 'rejected' && (r.reason as IdentityError).code === 'ERR_TOKEN_INVALID'), 'all refused as bad tokens');
  t.equal(w.idp.count('/jwks'), 2, 'one shared refresh for 100 concurrent unknown kids');
  for (const token of tokens) await w.service.authenticate(token).catch(() => undefined);
  t.equal(w.idp.count('/jwks'), 2, 'and none for 100 sequential ones');
});

t.test('a rotated key is picked up by the refresh its first token causes', async (t) => {
  const w = world();
  const issuer = w.idp.issuers.get(ISSUER)!;
  await w.service.authenticate(await craftToken(keys.ec, emailClaims()));
  const next = await makeKey('ES256', 'ec-2');
  issuer.keys = [...issuer.keys, next.jwk];
  w.clock.advance(30_000);
  t.ok(await w.service.authenticate(await craftToken(next, emailClaims())));
  t.equal(w.idp.count('/jwks'), 2);
});

t.test('a token without kid is tried against every fitting key, and a rotation refreshes once', async (t) => {
  const w = world();
  const issuer = w.idp.issuers.get(ISSUER)!;
  const second = await makeKey('ES256', 'ec-b');
  issuer.keys = [...issuer.keys, second.jwk];
  t.ok(await w.service.authenticate(await craftToken(second, emailClaims(), '{"alg":"ES256"}')), 'the second of two ES256 keys verifies');
  const rotated = await makeKey('ES256', 'ec-c');
  issuer.keys = [...issuer.keys, rotated.jwk];
  w.clock.advance(30_000);
  t.ok(await w.service.authenticate(await craftToken(rotated, emailClaims(), '{"alg":"ES256"}')), 'found after one refresh');
  t.equal(w.idp.count('/jwks'), 2);
  w.clock.advance(30_000);
  await refused(t, w.service.authenticate(await craftToken(stranger, emailClaims(), '{"alg":"ES256"}')), 'key', 'no key verifies even after a refresh');
  t.equal(w.idp.count('/jwks'), 3);
});

t.test('a header alg that does not fit the key type is refused without a refresh', async (t) => {
  const w = world();
  await w.service.authenticate(await craftToken(keys.ec, emailClaims()));
  w.clock.advance(60_000);
  await refused(t, w.service.authenticate(await craftToken(keys.rsa, emailClaims(), { alg: 'ES256' })), 'key', 'ES256 header, RSA key');
  await refused(t, w.service.authenticate(await craftToken(keys.rsa, emailClaims(), { alg: 'PS256' })), 'key', 'PS256 header, key declared RS256');
  await refused(t, w.service.authenticate(await craftToken(keys.ec384, emailClaims(), { alg: 'ES256' })), 'key', 'ES256 header, P-384 key');
  await refused(t, w.service.authenticate(await craftToken(keys.ec, emailClaims(), { alg: 'EdDSA' })), 'key', 'EdDSA header, EC key');
  t.equal(w.idp.count('/jwks'), 1);
  const loose = makeWorld(CONFIG);
  const noAlg = await makeKey('PS256', 'loose', { alg: undefined });
  loose.idp.add(ISSUER, [noAlg], { algorithms: ['RS256', 'PS256'] });
  await refused(t, loose.service.authenticate(await craftToken(noAlg, emailClaims(), { alg: 'RS256' })), 'signature', 'RS256 header over a PSS signature');
  t.ok(await loose.service.authenticate(await craftToken(noAlg, emailClaims())), 'the same key with its own scheme');
});

t.test('exp has no leeway: accepted at exp, refused one millisecond later; missing or malformed is refused', async (t) => {
  const w = world();
  const token = await craftToken(keys.ec, emailClaims({ exp: NOW_S + 60 }));
  w.clock.now = NOW + 60_000;
  t.ok(await w.service.authenticate(token), 'at exp');
  w.clock.now = NOW + 60_001;
  await refused(t, w.service.authenticate(token), 'claims', 'just after exp');
  w.clock.now = NOW;
  const { exp: _exp, ...noExp } = emailClaims();
  await refused(t, w.service.authenticate(await craftToken(keys.ec, noExp)), 'claims', 'no exp');
  await refused(t, w.service.authenticate(await craftToken(keys.ec, emailClaims({ exp: String(NOW_S + 60) }))), 'claims', 'exp as a string');
  await refused(t, w.service.authenticate(await craftToken(keys.ec, emailClaims({ exp: 0 }))), 'claims', 'exp 0');
});

t.test('nbf has 5 minutes of leeway: accepted at nbf - 5 min, refused one millisecond earlier', async (t) => {
  const w = world();
  const token = await craftToken(keys.ec, emailClaims({ nbf: NOW_S + 600, exp: NOW_S + 3600 }));
  w.clock.now = NOW + 300_000;
  t.ok(await w.service.authenticate(token), 'exactly 5 minutes early');
  w.clock.now = NOW + 299_999;
  await refused(t, w.service.authenticate(token), 'claims', 'more than 5 minutes early');
  w.clock.now = NOW;
  await refused(t, w.service.authenticate(await craftToken(keys.ec, emailClaims({ nbf: 'soon' }))), 'claims', 'nbf as a string');
  const { nbf: _nbf, ...noNbf } = emailClaims();
  t.ok(await w.service.authenticate(await craftToken(keys.ec, noNbf)), 'nbf is optional');
});

t.test('iat is not compared with the clock (as upstream) but must be a number when present', async (t) => {
  const w = world();
  t.ok(await w.service.authenticate(await craftToken(keys.ec, emailClaims({ iat: NOW_S + 86_400 }))), 'a day in the future');
  t.ok(await w.service.authenticate(await craftToken(keys.ec, emailClaims({ iat: 0 }))), 'long ago');
  await refused(t, w.service.authenticate(await craftToken(keys.ec, emailClaims({ iat: 'now' }))), 'claims');
});

t.test('aud must contain the client ID', async (t) => {
  const w = world();
  t.ok(await w.service.authenticate(await craftToken(keys.ec, emailClaims({ aud: ['other', 'sigstore'] }))), 'an array containing it');
  for (const aud of [['other'], [], 123, ['sigstore', 5], 'Sigstore', 'sigstore ', null, { sigstore: true }]) {
    await refused(t, w.service.authenticate(await craftToken(keys.ec, emailClaims({ aud }))), 'claims', JSON.stringify(aud));
  }
  const { aud: _aud, ...noAud } = emailClaims();
  await refused(t, w.service.authenticate(await craftToken(keys.ec, noAud)), 'claims', 'no aud');
});

t.test('sub must be a non-empty string', async (t) => {
  const w = world();
  for (const sub of ['', 42, null, ['a']]) await refused(t, w.service.authenticate(await craftToken(keys.ec, emailClaims({ sub }))), 'claims', JSON.stringify(sub));
});

t.test('an iss that is not exactly configured is refused with no request at all', async (t) => {
  const w = world();
  for (const iss of [
    `${ISSUER}/`,
    'https://ISSUER.example.com',
    'https://Issuer.example.com',
    'http://issuer.example.com',
    'https://issuer.example.com.evil.net',
    'https://evil.net/https://issuer.example.com',
    'http://localhost?https://meta.example.net/x',
    'http://localhost:3000?https://meta.example.net/x',
    'https://meta.example.net/a/b',
    'https://meta.example.net/',
    'https://meta.example.net/a?b',
    'https://meta.example.net/a#b',
    ' https://issuer.example.com',
    '',
    'constructor',
  ]) {
    await refused(t, w.service.authenticate(await craftToken(keys.ec, emailClaims({ iss }))), 'issuer', JSON.stringify(iss));
  }
  for (const iss of [undefined, 42, ['https://issuer.example.com'], { u: 1 }]) {
    await refused(t, w.service.authenticate(await craftToken(keys.ec, emailClaims({ iss }))), 'issuer', JSON.stringify(iss));
  }
  t.same(w.idp.requests, [], 'no discovery, no jwks, for any of them');
});

t.test('a meta issuer is discovered at the token issuer itself, and its claims must match it', async (t) => {
  const w = world();
  const tenant = 'https://meta.example.net/tenant-1';
  w.idp.add(tenant, [keys.ec]);
  const principal = await w.service.authenticate(await craftToken(keys.ec, claimsFor(tenant, { email: 'bob@example.com', email_verified: true })));
  t.equal(principal.issuer, tenant);
  t.same(w.idp.requests, [`${tenant}/.well-known/openid-configuration`, `${tenant}/jwks`]);
});

t.test('a meta provider cache is bounded', async (t) => {
  const w = makeWorld(CONFIG, { maxMetaProviders: 2 });
  for (const n of [1, 2, 3, 1]) w.idp.add(`https://meta.example.net/t${n}`, [keys.ec]);
  for (const n of [1, 2, 3, 1]) {
    const iss = `https://meta.example.net/t${n}`;
    await w.service.authenticate(await craftToken(keys.ec, claimsFor(iss, { email: 'bob@example.com', email_verified: true })));
  }
  t.equal(w.idp.count('/t1/.well-known/openid-configuration'), 2, 't1 was evicted by t3 and discovered again');
  t.equal(w.idp.count('/t2/.well-known/openid-configuration'), 1);
});

t.test('degenerate tokens are refused fast as malformed, with no request', async (t) => {
  const w = world();
  const valid = await craftToken(keys.ec, emailClaims());
  const [h, p, s] = valid.split('.') as [string, string, string];
  const cases: [string, unknown][] = [
    ['1 MB token', `${h}.${'A'.repeat(1024 * 1024)}.${s}`],
    ['one character over the bound', `${h}.${p}.${s}${'A'.repeat(MAX_TOKEN_BYTES)}`.slice(0, MAX_TOKEN_BYTES + 1)],
    ['10^6 dots', '.'.repeat(1_000_000)],
    ['2 segments', `${h}.${p}`],
    ['4 segments', `${valid}.${s}`],
    ['no dot', 'abc'],
    ['empty payload', `${h}..${s}`],
    ['standard base64 characters', `${h}.${p.slice(0, -2)}+/.${s}`],
    ['padding', `${h}.${p}==.${s}`],
    ['a part whose length is never base64', `${h}.AAAAA.${s}`],
    ['whitespace', `${h}. ${p}.${s}`],
    ['not a string', 42],
    ['undefined', undefined],
    ['empty', ''],
    ['Bearer prefix kept', `Bearer ${valid}`],
  ];
  for (const [what, token] of cases) {
    const started = performance.now();
    await refused(t, w.service.authenticate(token), 'format', what);
    t.ok(performance.now() - started < 1000, `${what}: fast`);
  }
  t.same(w.idp.requests, []);
});

t.test('non-canonical base64url, non-object payloads and duplicate claims are refused', async (t) => {
  const w = world();
  const valid = await craftToken(keys.ec, emailClaims());
  const [h, p, s] = valid.split('.') as [string, string, string];
  // The last character of a 2-byte tail carries 2 unused bits: set one of them.
  const tail = Buffer.from('ab').toString('base64url');
  const nonCanonical = tail.slice(0, -1) + String.fromCharCode(tail.charCodeAt(tail.length - 1) + 1);
  t.not(Buffer.from(nonCanonical, 'base64url').toString('base64url'), nonCanonical, 'the fixture is non-canonical');
  await refused(t, w.service.authenticate(`${h}.${nonCanonical}.${s}`), 'format', 'non-zero trailing bits');
  for (const payload of ['[]', '"a string"', '42', 'null', '{"iss":', '{"iss":"x"} trailing', '\ufeff{}']) {
    await refused(t, w.service.authenticate(await craftToken(keys.ec, payload)), 'format', payload);
  }
  const claims = JSON.stringify(emailClaims());
  await refused(t, w.service.authenticate(await craftToken(keys.ec, `${claims.slice(0, -1)},"iss":"https://meta.example.net/x"}`)), 'format', 'duplicate iss');
  await refused(t, w.service.authenticate(await craftToken(keys.ec, `${claims.slice(0, -1)},"email":"mallory@example.com"}`)), 'format', 'duplicate email');
  await refused(t, w.service.authenticate(await craftToken(keys.ec, `{"a":${'['.repeat(100)}${']'.repeat(100)}}`)), 'format', 'deep nesting');
  await refused(t, w.service.authenticate(await craftToken(keys.ec, emailClaims(), '{"alg":"ES256","alg":"ES256"}')), 'format', 'duplicate header member');
  await refused(t, w.service.authenticate(await craftToken(keys.ec, emailClaims(), '["ES256"]')), 'format', 'header not an object');
  await refused(t, w.service.authenticate(await craftToken(keys.ec, emailClaims(), { kid: 7 })), 'format', 'kid not a string');
  t.same(w.idp.requests, []);
});

t.test('JWS JSON serialization, crit and b64 headers are refused', async (t) => {
  const w = world();
  const valid = await craftToken(keys.ec, emailClaims());
  const [h, p, s] = valid.split('.') as [string, string, string];
  const flattened = JSON.stringify({ protected: h, payload: p, signature: s });
  const general = JSON.stringify({ payload: p, signatures: [{ protected: h, signature: s }, { protected: h, signature: s }] });
  await refused(t, w.service.authenticate(flattened), 'format', 'flattened JSON');
  await refused(t, w.service.authenticate(general), 'format', 'general JSON with two signatures');
  await refused(t, w.service.authenticate(await craftToken(keys.ec, emailClaims(), { crit: ['exp'], exp: 1 })), 'algorithm', 'unknown crit');
  await refused(t, w.service.authenticate(await craftToken(keys.ec, emailClaims(), { crit: ['b64'], b64: false })), 'algorithm', 'b64 false');
  await refused(t, w.service.authenticate(await craftToken(keys.ec, emailClaims(), { b64: true })), 'algorithm', 'b64 without crit');
  t.same(w.idp.requests, []);
});

t.test('header URLs (jku, x5u, jwk) are never fetched or trusted', async (t) => {
  const w = world();
  const own = await makeKey('ES256', 'attacker');
  const header = { kid: 'attacker', jku: 'https://evil.example/jwks', x5u: 'https://evil.example/cert', jwk: own.jwk };
  await w.service.authenticate(await craftToken(keys.ec, emailClaims()));
  await refused(t, w.service.authenticate(await craftToken(own, emailClaims(), header)), 'key');
  t.notOk(w.idp.requests.some((u) => u.includes('evil')), 'no request to the header URLs');
});

t.test('a tampered payload or signature is refused', async (t) => {
  const w = world();
  const valid = await craftToken(keys.ec, emailClaims());
  const [h, , s] = valid.split('.') as [string, string, string];
  const other = Buffer.from(JSON.stringify(emailClaims({ email: 'mallory@example.com' }))).toString('base64url');
  await refused(t, w.service.authenticate(`${h}.${other}.${s}`), 'signature', 'payload swapped');
  const flipped = `${s.slice(0, 10)}${s[10] === 'A' ? 'B' : 'A'}${s.slice(11)}`;
  await refused(t, w.service.authenticate(`${valid.slice(0, valid.lastIndexOf('.'))}.${flipped}`), 'signature', 'signature bit flipped');
});

t.test('the IdP is never asked about a token refused by local checks', async (t) => {
  const idp = new FakeIdp();
  const w = makeWorld(CONFIG, {}, idp);
  idp.add(ISSUER, [keys.ec]);
  await refused(t, w.service.authenticate('x.y'), 'format');
  await refused(t, w.service.authenticate(hmacToken('secret', emailClaims())), 'algorithm');
  t.equal(idp.requests.length, 0);
});

