/**
 * FULCIO_DEV_ISSUER_FETCH_URL with a real dev issuer listening on loopback: tokens name one URL (as in
 * compose, http://127.0.0.1:5556, which inside the CA's container is the CA itself), the CA fetches the
 * discovery document and keys at another, and the certificate names the tokens' issuer.
 */
import t, { type Test } from 'tap';
import { generateKeyPairSync, sign } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createDevIssuer, type DevIssuer } from '@sigstack/testkit';
import { sigstoreExtensions, x509 } from '@sigstack/crypto/x509';
import { buildApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { openFulcio } from '../../src/open.js';
import { NOW, recordingCt } from './helpers.js';

const key = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const pem = key.publicKey.export({ type: 'spki', format: 'pem' }).toString();
const pop = (value: string) => sign('sha256', Buffer.from(value), key.privateKey).toString('base64');

/**
 * A dev issuer listening on 127.0.0.1 on an ephemeral port, whose tokens say `iss(url)`. The server is
 * bound first so that the iss may be its own URL; it hands each request to the issuer's app.
 */
async function listeningIssuer(t: Test, iss: (url: string) => string) {
  let dev: DevIssuer | undefined;
  const server = createServer((req, res) => {
    void (dev as DevIssuer).app.inject({ method: 'GET', url: req.url ?? '/' }).then((r) => {
      res.writeHead(r.statusCode, { 'content-type': String(r.headers['content-type'] ?? 'application/json') });
      res.end(r.rawPayload);
    }, () => res.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  dev = await createDevIssuer({ issuer: iss(url), clock: () => NOW });
  return { dev, url };
}

/** The CA in dev mode with `env`, fetching through the global fetch while recording every URL. */
async function fulcio(t: Test, env: Record<string, string>) {
  const fetched: string[] = [];
  const recording: typeof fetch = (input, init) => {
    fetched.push(String(input instanceof Request ? input.url : input));
    return fetch(input, init);
  };
  const config = loadConfig({ env: { FULCIO_DEV_MODE: 'true', FULCIO_DATA_DIR: t.testdir(), ...env }, argv: [], readFile: () => '' });
  const opened = await openFulcio(config, { clock: () => NOW, fetch: recording, ct: recordingCt().ct });
  const app = buildApp({ config, issuer: opened.issuer, issuers: opened.issuers });
  t.teardown(async () => {
    await app.close();
    await opened.close();
  });
  const signingCert = (token: string, email: string) =>
    app.inject({ method: 'POST', url: '/api/v2/signingCert', payload: { credentials: { oidcIdentityToken: token }, publicKeyRequest: { publicKey: { content: pem }, proofOfPossession: pop(email) } } });
  return { app, fetched, signingCert };
}

t.test('a token with iss http://127.0.0.1:5556 is verified with keys fetched at another loopback URL', async (t) => {
  const { dev, url } = await listeningIssuer(t, () => 'http://127.0.0.1:5556');
  const f = await fulcio(t, { FULCIO_DEV_ISSUER_URL: 'http://127.0.0.1:5556', FULCIO_DEV_ISSUER_FETCH_URL: url });
  const res = await f.signingCert(await dev.token({ sub: 'alice', email: 'alice@example.com' }), 'alice@example.com');
  t.equal(res.statusCode, 200, res.body);
  const leaf = new x509.X509Certificate(res.json().signedCertificateEmbeddedSct.chain.certificates[0] as string);
  t.equal(sigstoreExtensions(leaf)['1.3.6.1.4.1.57264.1.8'], 'http://127.0.0.1:5556', 'the certificate names the tokens\' issuer');
  t.same(f.fetched, [`${url}/.well-known/openid-configuration`, `${url}/keys`], 'discovery and keys came from the fetch URL only');
  const issuers = (await f.app.inject('/api/v2/configuration')).json().issuers as { issuerUrl: string }[];
  t.same(issuers.map((i) => i.issuerUrl), ['http://127.0.0.1:5556'], 'the configuration advertises the issuer URL');
});

t.test('by default the dev issuer is fetched at its iss, as before', async (t) => {
  const { dev, url } = await listeningIssuer(t, (own) => own);
  const f = await fulcio(t, { FULCIO_DEV_ISSUER_URL: url });
  const res = await f.signingCert(await dev.token({ sub: 'bob', email: 'bob@example.com' }), 'bob@example.com');
  t.equal(res.statusCode, 200, res.body);
  t.same(f.fetched, [`${url}/.well-known/openid-configuration`, `${url}/keys`]);
});

t.test('without the fetch URL a CA that cannot reach the iss answers 503 and issues nothing', async (t) => {
  // The compose situation before the setting: tokens name an issuer the CA cannot reach. Port 1 on
  // loopback has no listener, so the fetch fails at once.
  const { dev } = await listeningIssuer(t, () => 'http://127.0.0.1:1');
  const f = await fulcio(t, { FULCIO_DEV_ISSUER_URL: 'http://127.0.0.1:1' });
  const res = await f.signingCert(await dev.token({ sub: 'carol', email: 'carol@example.com' }), 'carol@example.com');
  t.equal(res.statusCode, 503);
  t.ok(f.fetched.every((u) => u.startsWith('http://127.0.0.1:1/')));
});

t.test('the fetch URL is refused outside dev mode and when it differs from the issuer URL in more than its origin', async (t) => {
  const dir = t.testdir({ 'issuers.json': JSON.stringify({ OIDCIssuers: { 'https://accounts.example.com': { IssuerURL: 'https://accounts.example.com', ClientID: 'sigstore', Type: 'email' } } }) });
  const load = (env: Record<string, string>) => loadConfig({ env: { FULCIO_DATA_DIR: dir, ...env }, argv: [], readFile: () => '' });
  t.equal(load({}).devIssuerFetchUrl, '', 'empty by default');
  await t.rejects(openFulcio(load({ FULCIO_ISSUER_CONFIG_FILE: `${dir}/issuers.json`, FULCIO_DEV_ISSUER_FETCH_URL: 'http://dev-oidc:5556' }), { ct: recordingCt().ct }), { code: 'ERR_CONFIG_INVALID', message: /devIssuerFetchUrl: only used in dev mode/ });
  await t.rejects(
    openFulcio(load({ FULCIO_DEV_MODE: 'true', FULCIO_DEV_ISSUER_FETCH_URL: 'http://dev-oidc:5556/other' }), { ct: recordingCt().ct }),
    { code: 'ERR_CONFIG_INVALID', message: /must have the issuer's path/ },
  );
  t.throws(() => load({ FULCIO_DEV_ISSUER_FETCH_URL: 'dev-oidc:5556' }), { code: 'ERR_CONFIG_INVALID' }, 'not an http(s) URL');
});
