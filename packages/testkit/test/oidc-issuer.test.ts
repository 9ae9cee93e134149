import t from 'tap';
import { createLocalJWKSet, jwtVerify } from 'jose';
import { createDevIssuer } from '../src/index.js';

t.test('tokens verify with the published JWKS and carry the asked identity', async (t) => {
  const now = Date.UTC(2026, 10, 22, 12);
  const dev = await createDevIssuer({ issuer: 'http://127.0.0.1:5556/', clock: () => now });
  t.teardown(() => dev.app.close());
  const disco = (await dev.app.inject('/.well-known/openid-configuration')).json();
  t.equal(disco.issuer, 'http://127.0.0.1:5556');
  t.equal(disco.jwks_uri, 'http://127.0.0.1:5556/keys');
  const jwks = (await dev.app.inject('/keys')).json();
  const res = await dev.app.inject('/token?sub=alice&email=alice@example.com');
  t.equal(res.headers['content-type'], 'text/plain; charset=utf-8');
  const { payload } = await jwtVerify(res.body, createLocalJWKSet(jwks), { issuer: 'http://127.0.0.1:5556', audience: 'sigstore', currentDate: new Date(now) });
  t.match(payload, { sub: 'alice', email: 'alice@example.com', email_verified: true, iat: now / 1000, exp: now / 1000 + 600 });
  const bare = await dev.app.inject('/token?sub=spiffe://example.org/ci');
  const { payload: p2 } = await jwtVerify(bare.body, createLocalJWKSet(jwks), { currentDate: new Date(now) });
  t.equal(p2.email, undefined);
  t.equal(p2.email_verified, undefined);
});

t.test('a token request without an identity is refused', async (t) => {
  const dev = await createDevIssuer({ issuer: 'http://127.0.0.1:5556' });
  t.teardown(() => dev.app.close());
  t.equal((await dev.app.inject('/token')).statusCode, 400);
  t.equal((await dev.app.inject(`/token?sub=${'a'.repeat(300)}`)).statusCode, 400);
  t.equal((await dev.app.inject('/healthz')).statusCode, 200);
});
