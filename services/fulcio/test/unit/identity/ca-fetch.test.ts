/** An issuer's CACert is trusted for its TLS (an internal CA), and only for that issuer. Loopback HTTPS. */
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import t from 'tap';
import { createIdentityService, issuerConfig } from '../../../src/identity/index.js';
import { fetchTrusting } from '../../../src/identity/ca-fetch.js';
import { claimsFor, craftToken, makeKey, NOW } from '../../fixtures/identity/idp.js';
import { selfSignedLoopback } from '../../fixtures/identity/tls.js';

const tls = await selfSignedLoopback();
const key = await makeKey('ES256', 'ec-1');
let issuer = '';
const server: Server = createServer({ key: tls.keyPem, cert: tls.certPem }, (req, res) => {
  res.setHeader('content-type', 'application/json');
  if (req.url === '/.well-known/openid-configuration') res.end(JSON.stringify({ issuer, jwks_uri: `${issuer}/jwks`, id_token_signing_alg_values_supported: ['ES256'] }));
  else if (req.url === '/jwks') res.end(JSON.stringify({ keys: [key.jwk] }));
  else if (req.url === '/redirect') res.writeHead(302, { location: 'https://127.0.0.1:1/' }).end();
  else res.writeHead(404).end('{}');
});
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
issuer = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())));

const token = await craftToken(key, claimsFor(issuer, { email: 'alice@example.com', email_verified: true }));

t.test('an issuer with a CACert is reached over TLS signed by that CA', async (t) => {
  const service = createIdentityService({ config: issuerConfig({ oidcIssuers: { [issuer]: { clientId: 'sigstore', type: 'email', caCert: tls.certPem } } }), clock: () => NOW, retries: 0 });
  t.equal((await service.authenticate(token)).san.value, 'alice@example.com');
});

t.test('without the CACert the same provider is unavailable (its certificate is not trusted)', async (t) => {
  const service = createIdentityService({ config: issuerConfig({ oidcIssuers: { [issuer]: { clientId: 'sigstore', type: 'email' } } }), clock: () => NOW, retries: 0 });
  await t.rejects(service.authenticate(token), { code: 'ERR_IDP_UNAVAILABLE' });
});

t.test('the trusting fetch returns statuses and headers as they are and follows no redirect', async (t) => {
  const trusting = fetchTrusting(tls.certPem);
  const res = await trusting(`${issuer}/redirect`, { headers: { accept: 'application/json' } });
  t.equal(res.status, 302);
  t.equal(res.headers.get('location'), 'https://127.0.0.1:1/');
  const missing = await trusting(new URL(`${issuer}/nope`));
  t.equal(missing.status, 404);
  t.same(await missing.json(), {});
  await t.rejects(trusting(`${issuer}/jwks`, { signal: AbortSignal.abort() }), 'an aborted request rejects');
});
