/**
 * A static issuer fetched at another URL than its `iss` (the dev issuer inside a compose network):
 * discovery and keys come from the fetch URL, tokens and the discovery document still name the issuer
 * URL, and a jwks_uri is followed only on the issuer URL's own origin (moved to the fetch URL's origin),
 * so the fetch URL never makes the CA fetch keys from wherever a document points.
 */
import t, { type Test } from 'tap';
import { IdentityError, IssuerConfigError, type IssuerConfigInput } from '../../../src/identity/index.js';
import { claimsFor, craftToken, FakeIdp, makeKey, type Behaviour } from '../../fixtures/identity/idp.js';
import { makeWorld } from '../../fixtures/identity/world.js';

const ISSUER = 'http://127.0.0.1:5556';
const FETCH = 'http://dev-oidc:5556';
const OTHER = 'https://other.example.com';
const CONFIG: IssuerConfigInput = {
  oidcIssuers: { [ISSUER]: { clientId: 'sigstore', type: 'email' }, [OTHER]: { clientId: 'sigstore', type: 'email' } },
  metaIssuers: { 'https://meta.example.net/*': { clientId: 'sigstore', type: 'email' } },
};
const key = await makeKey('ES256', 'dev-1');
const token = await craftToken(key, claimsFor(ISSUER, { email: 'alice@example.com', email_verified: true }));

/** Discovery as the dev issuer writes it: everything on its `iss`, whoever fetched it. */
const discovery = (body: Record<string, unknown> = {}): Behaviour => () =>
  new Response(JSON.stringify({ issuer: ISSUER, jwks_uri: `${ISSUER}/jwks`, id_token_signing_alg_values_supported: ['ES256'], ...body }), { status: 200 });

/** The issuer answers only at FETCH (nothing is served at ISSUER). */
function world(body: Record<string, unknown> = {}) {
  const idp = new FakeIdp();
  const w = makeWorld(CONFIG, { fetchUrls: { [ISSUER]: FETCH } }, idp);
  idp.add(FETCH, [key], { discovery: discovery(body) });
  return w;
}

async function refused(t: Test, promise: Promise<unknown>, reason: RegExp): Promise<void> {
  try {
    await promise;
  } catch (err) {
    t.ok(err instanceof IdentityError, 'an IdentityError');
    t.equal((err as IdentityError).code, 'ERR_IDP_UNAVAILABLE');
    t.match((err as IdentityError).reason, reason);
    return;
  }
  t.fail('accepted');
}

t.test('a token with the issuer URL as iss is verified with discovery and keys fetched at the fetch URL', async (t) => {
  const w = world();
  const principal = await w.service.authenticate(token);
  t.equal(principal.extensions['1.3.6.1.4.1.57264.1.8'], ISSUER, 'the certificate names the issuer URL');
  t.same(w.idp.requests, [`${FETCH}/.well-known/openid-configuration`, `${FETCH}/jwks`], 'nothing was fetched at the issuer URL');
});

t.test('warm fetches the issuer with a fetch URL there, and other static issuers at their own URL', async (t) => {
  const w = world();
  await w.service.warm();
  t.ok(w.idp.requests.includes(`${FETCH}/jwks`));
  t.ok(w.idp.requests.includes(`${OTHER}/.well-known/openid-configuration`), 'an issuer without a fetch URL is unchanged');
  t.notOk(w.idp.requests.some((u) => u.startsWith(ISSUER)), 'never the issuer URL');
});

t.test('a jwks_uri on any origin but the issuer URL\'s is refused and not fetched', async (t) => {
  for (const jwksUri of ['https://evil.example/jwks', `${FETCH}/jwks`, 'http://127.0.0.1:5557/jwks', 'https://127.0.0.1:5556/jwks', 'http://localhost:5556/jwks']) {
    const w = world({ jwks_uri: jwksUri });
    await refused(t, w.service.authenticate(token), /outside the issuer's origin http:\/\/127\.0\.0\.1:5556/);
    t.same(w.idp.requests, [`${FETCH}/.well-known/openid-configuration`], `${jwksUri}: no key request`);
  }
});

t.test('a jwks_uri path that looks like another host stays on the fetch URL\'s origin', async (t) => {
  const w = world({ jwks_uri: `${ISSUER}//evil.example/jwks?x=1` });
  await refused(t, w.service.authenticate(token), /jwks of http:\/\/127\.0\.0\.1:5556 at http:\/\/dev-oidc:5556\/\/evil\.example\/jwks\?x=1 answered 404/);
  t.equal(w.idp.requests[1], `${FETCH}//evil.example/jwks?x=1`);
});

t.test('the discovery document must still name the issuer URL, not the fetch URL', async (t) => {
  const w = world({ issuer: FETCH });
  await refused(t, w.service.authenticate(token), /names another issuer: "http:\/\/dev-oidc:5556"/);
});

t.test('a token whose iss is the fetch URL matches no issuer', async (t) => {
  const w = world();
  const other = await craftToken(key, claimsFor(FETCH, { email: 'alice@example.com', email_verified: true }));
  await t.rejects(w.service.authenticate(other), { code: 'ERR_TOKEN_INVALID', check: 'issuer' });
  t.same(w.idp.requests, []);
});

t.test('without a fetch URL the issuer is fetched at its own URL', async (t) => {
  const idp = new FakeIdp();
  const w = makeWorld(CONFIG, {}, idp);
  idp.add(ISSUER, [key]);
  t.ok(await w.service.authenticate(token));
  t.same(idp.requests, [`${ISSUER}/.well-known/openid-configuration`, `${ISSUER}/jwks`]);
});

t.test('a fetch URL for an unknown issuer, or differing in more than its origin, is a configuration error', async (t) => {
  for (const [fetchUrls, problem] of [
    [{ 'https://unknown.example.com': FETCH }, /not a configured static issuer/],
    [{ 'https://meta.example.net/*': FETCH }, /not a configured static issuer/],
    [{ [ISSUER]: `${FETCH}/dex` }, /must have the issuer's path \//],
    [{ [ISSUER]: `${FETCH}?a=1` }, /credentials, a query or a fragment/],
    [{ [ISSUER]: 'http://user:pw@dev-oidc:5556' }, /credentials, a query or a fragment/],
    [{ [ISSUER]: 'file:///etc/passwd' }, /not http\(s\)/],
    [{ [ISSUER]: 'dev-oidc:5556' }, /not http\(s\)/],
    [{ [ISSUER]: 'not a url' }, /not an absolute url/],
  ] as const) {
    try {
      makeWorld(CONFIG, { fetchUrls });
      t.fail(`${JSON.stringify(fetchUrls)}: accepted`);
    } catch (err) {
      t.ok(err instanceof IssuerConfigError, JSON.stringify(fetchUrls));
      t.equal((err as IssuerConfigError).code, 'ERR_CONFIG_INVALID');
      t.match((err as IssuerConfigError).problems.join('\n'), problem);
    }
  }
});

t.test('an issuer URL with a path keeps that path on the fetch URL', async (t) => {
  const issuer = 'http://127.0.0.1:5556/dex';
  const idp = new FakeIdp();
  const w = makeWorld({ oidcIssuers: { [issuer]: { clientId: 'sigstore', type: 'email' } } }, { fetchUrls: { [issuer]: `${FETCH}/dex/` } }, idp);
  idp.add(`${FETCH}/dex`, [key], {
    discovery: () => new Response(JSON.stringify({ issuer, jwks_uri: `${issuer}/jwks`, id_token_signing_alg_values_supported: ['ES256'] }), { status: 200 }),
  });
  t.ok(await w.service.authenticate(await craftToken(key, claimsFor(issuer, { email: 'alice@example.com', email_verified: true }))));
  t.same(idp.requests, [`${FETCH}/dex/.well-known/openid-configuration`, `${FETCH}/dex/jwks`]);
});
