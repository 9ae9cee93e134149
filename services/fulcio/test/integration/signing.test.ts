import t from 'tap';
import { generateKeyPairSync, sign } from 'node:crypto';
import { x509, sigstoreExtensions, subjectAltNames } from '@sigstack/crypto/x509';
import { makeFulcio, recordingCt, ISSUER } from './helpers.js';

const key = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const pem = key.publicKey.export({ type: 'spki', format: 'pem' }).toString();
const pop = (value: string, k = key) => sign('sha256', Buffer.from(value), k.privateKey).toString('base64');

t.test('a public key with a proof of possession gets a leaf, chain and embedded SCT', async (t) => {
  const recorder = recordingCt();
  const f = await makeFulcio(t.testdir(), recorder.ct);
  t.teardown(f.close);
  const token = await f.dev.token({ sub: 'alice', email: 'alice@example.com' });
  const res = await f.app.inject({
    method: 'POST', url: '/api/v2/signingCert',
    payload: { credentials: { oidcIdentityToken: token }, publicKeyRequest: { publicKey: { algorithm: 'ECDSA', content: pem }, proofOfPossession: pop('alice@example.com') } },
  });
  t.equal(res.statusCode, 200);
  const certs: string[] = res.json().signedCertificateEmbeddedSct.chain.certificates;
  t.equal(certs.length, 3, 'leaf, intermediate, root');
  t.notOk(certs[0]!.endsWith('\n'), 'PEMs are trimmed like upstream');
  const leaf = new x509.X509Certificate(certs[0]!);
  t.same(subjectAltNames(leaf).emails, ['alice@example.com']);
  t.equal(sigstoreExtensions(leaf)['1.3.6.1.4.1.57264.1.8'], ISSUER);
  t.ok(leaf.getExtension('1.3.6.1.4.1.11129.2.4.2'), 'the SCT list is embedded');
  t.notOk(leaf.getExtension('1.3.6.1.4.1.11129.2.4.3'), 'no poison in the final certificate');
  t.equal(recorder.chains.length, 1, 'the precertificate was logged before the answer');
  const precert = new x509.X509Certificate(recorder.chains[0]![0]!);
  t.ok(precert.getExtension('1.3.6.1.4.1.11129.2.4.3'), 'what was logged is the precertificate');
  t.equal(precert.serialNumber, leaf.serialNumber);
});

t.test('the token may come from the Authorization header and names may be snake_case', async (t) => {
  const f = await makeFulcio(t.testdir());
  t.teardown(f.close);
  const token = await f.dev.token({ sub: 'bob', email: 'bob@example.com' });
  const res = await f.app.inject({
    method: 'POST', url: '/api/v2/signingCert', headers: { authorization: `Bearer ${token}` },
    payload: { public_key_request: { public_key: { content: pem }, proof_of_possession: pop('bob@example.com').replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_') }, unknown_field: 1 },
  });
  t.equal(res.statusCode, 200);
});

t.test('the legacy v1 API answers 201 with a PEM chain', async (t) => {
  const f = await makeFulcio(t.testdir());
  t.teardown(f.close);
  const token = await f.dev.token({ sub: 'carol', email: 'carol@example.com' });
  const res = await f.app.inject({
    method: 'POST', url: '/api/v1/signingCert', headers: { authorization: `Bearer ${token}` },
    payload: { publicKey: { content: Buffer.from(pem).toString('base64'), algorithm: 'ecdsa' }, signedEmailAddress: pop('carol@example.com') },
  });
  t.equal(res.statusCode, 201);
  t.equal(res.headers['content-type'], 'application/pem-certificate-chain');
  t.equal(res.body.match(/BEGIN CERTIFICATE/g)?.length, 3);
});

t.test('bad tokens, keys and proofs get upstream\'s 400 messages', async (t) => {
  const f = await makeFulcio(t.testdir());
  t.teardown(f.close);
  const token = await f.dev.token({ sub: 'dave', email: 'dave@example.com' });
  const post = (payload: object, headers: Record<string, string> = {}) => f.app.inject({ method: 'POST', url: '/api/v2/signingCert', payload, headers });
  const body = (over: object) => ({ credentials: { oidcIdentityToken: token }, publicKeyRequest: { publicKey: { content: pem }, proofOfPossession: pop('dave@example.com') }, ...over });
  const cases: [string, object, string][] = [
    ['no token', { publicKeyRequest: body({}).publicKeyRequest }, 'There was an error processing the identity token'],
    ['garbage token', body({ credentials: { oidcIdentityToken: 'a.b.c' } }), 'There was an error processing the identity token'],
    ['PoP over another value', body({ publicKeyRequest: { publicKey: { content: pem }, proofOfPossession: pop('mallory@example.com') } }), 'The signature supplied in the request could not be verified'],
    ['PoP by another key', body({ publicKeyRequest: { publicKey: { content: pem }, proofOfPossession: pop('dave@example.com', generateKeyPairSync('ec', { namedCurve: 'P-256' })) } }), 'The signature supplied in the request could not be verified'],
    ['garbage key', body({ publicKeyRequest: { publicKey: { content: 'not a key' }, proofOfPossession: pop('dave@example.com') } }), 'The public key supplied in the request could not be parsed'],
    ['no key', { credentials: { oidcIdentityToken: token } }, 'The public key supplied in the request could not be parsed'],
    ['P-224 key', body({ publicKeyRequest: { publicKey: { content: generateKeyPairSync('ec', { namedCurve: 'secp224r1' }).publicKey.export({ type: 'spki', format: 'pem' }).toString() }, proofOfPossession: pop('dave@example.com') } }), 'The public key supplied in the request is insecure'],
  ];
  for (const [name, payload, message] of cases) {
    const res = await post(payload);
    t.equal(res.statusCode, 400, name);
    t.same(res.json(), { code: 3, message, details: [] }, name);
  }
  t.equal((await post({ ...body({}), certificateSigningRequest: 'AAAA' })).statusCode, 400, 'both members of the oneof');
  t.equal((await f.app.inject({ method: 'POST', url: '/api/v2/signingCert', payload: '{"credentials":1,"credentials":2}', headers: { 'content-type': 'application/json' } })).statusCode, 400);
});

t.test('a CT log outage fails issuance with 503 and nothing is issued', async (t) => {
  const f = await makeFulcio(t.testdir(), recordingCt(true).ct);
  t.teardown(f.close);
  const token = await f.dev.token({ sub: 'erin', email: 'erin@example.com' });
  const res = await f.app.inject({ method: 'POST', url: '/api/v2/signingCert', payload: { credentials: { oidcIdentityToken: token }, publicKeyRequest: { publicKey: { content: pem }, proofOfPossession: pop('erin@example.com') } } });
  t.equal(res.statusCode, 503);
  t.same(res.json(), { code: 14, message: 'error communicating with CA backend', details: [] });
});

t.test('trust bundle, root certificates, configuration and health', async (t) => {
  const f = await makeFulcio(t.testdir());
  t.teardown(f.close);
  const bundle = (await f.app.inject('/api/v2/trustBundle')).json();
  t.equal(bundle.chains[0].certificates.length, 2);
  t.ok(bundle.chains[0].certificates[0].endsWith('\n'));
  const roots = await f.app.inject('/api/v1/rootCert');
  t.equal(roots.headers['content-type'], 'application/pem-certificate-chain');
  const issuers = (await f.app.inject('/api/v2/configuration')).json().issuers;
  t.match(issuers, [{ issuerUrl: ISSUER, audience: 'sigstore', challengeClaim: 'email', issuerType: 'email' }]);
  t.same((await f.app.inject('/healthz')).json(), { status: 'SERVING' });
  t.same((await f.app.inject('/nope')).json(), { code: 5, message: 'path /nope was not found', details: [] });
});
