import t from 'tap';
import { createHash } from 'node:crypto';
import { toBase64 } from '@sigstack/crypto/encoding';
import { decodeBody, decodeVerifier, mayHoldCertificate } from '../src/log/entry-body.js';
import { hashedrekordBody, keyPair } from './fixtures/fake-log.js';
import { leafCertificate } from './fixtures/certs.js';

const json = (v: unknown) => new Uint8Array(Buffer.from(JSON.stringify(v)));

t.test('a hashedrekord signed by a key decodes to its digest and key fingerprint', async (t) => {
  const d = decodeBody(hashedrekordBody('x'));
  t.equal(d.kind, 'hashedrekord');
  t.equal(d.subject, 'artifact');
  t.same(d.hash, { algorithm: 'sha256', value: createHash('sha256').update('x').digest('hex') });
  t.match(d.signers, [{ type: 'public-key', keyType: 'ecdsa P-256', fingerprint: /^sha256:[0-9a-f]{64}$/ }]);
  t.notOk(mayHoldCertificate(hashedrekordBody('x')));
});

t.test('certificates in every kind decode to identity, issuer and validity', async (t) => {
  const leaf = await leafCertificate({ type: 'username', value: 'bob' }, 'https://issuer.example');
  const b64 = Buffer.from(leaf.chainPem).toString('base64');
  const der = Buffer.from(leaf.pem.split('\n').filter((l) => !l.startsWith('-----')).join(''), 'base64');
  const bodies = [
    { apiVersion: '0.0.1', kind: 'dsse', spec: { payloadHash: { algorithm: 'sha256', value: 'ab' }, signatures: [{ signature: 's', verifier: b64 }] } },
    { apiVersion: '0.0.2', kind: 'intoto', spec: { content: { payloadHash: { algorithm: 'sha256', value: 'ab' }, envelope: { signatures: [{ publicKey: b64 }] } } } },
    { apiVersion: '0.0.1', kind: 'intoto', spec: { content: { payloadHash: { algorithm: 'sha256', value: 'ab' } }, publicKey: b64 } },
    { apiVersion: '0.0.2', kind: 'hashedrekord', spec: { hashedRekordV002: { data: { algorithm: 'SHA2_256', digest: toBase64(new Uint8Array(32).fill(0xab)) }, signature: { verifier: { x509Certificate: { rawBytes: der.toString('base64') } } } } } },
  ];
  for (const body of bodies) {
    const bytes = json(body);
    t.ok(mayHoldCertificate(bytes), `${body.kind} ${body.apiVersion} passes the prefilter`);
    const d = decodeBody(bytes);
    t.match(d.signers, [{ type: 'certificate', identities: ['username:bob'], issuer: 'https://issuer.example', notBefore: '2025-01-01T00:00:00.000Z' }], `${body.kind} ${body.apiVersion}`);
  }
  t.same(decodeBody(json(bodies[3])).hash, { algorithm: 'sha256', value: 'ab'.repeat(32) });
  t.equal(decodeBody(json(bodies[0])).subject, 'payload');
});

t.test('unknown kinds, unreadable verifiers and non-entries', async (t) => {
  t.same(decodeBody(json({ kind: 'rpm', apiVersion: '0.0.1', spec: {} })).signers, []);
  t.match(decodeBody(json({ kind: 'dsse', apiVersion: '0.0.1', spec: { signatures: [{ verifier: 'not base64!' }] } })).signers, [{ type: 'unreadable' }]);
  t.match(decodeVerifier(new Uint8Array(Buffer.from('-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n'))), { type: 'unreadable' });
  t.match(decodeVerifier(new Uint8Array(keyPair().publicKey.export({ type: 'spki', format: 'der' })), 'key'), { type: 'public-key' });
  t.throws(() => decodeBody(json({ kind: 'x' })), { code: 'ERR_JSON_INVALID' });
  t.throws(() => decodeBody(new Uint8Array(Buffer.from('{'))), { code: 'ERR_JSON_INVALID' });
  t.throws(() => decodeBody(new Uint8Array(5 * 1024 * 1024)), { code: 'ERR_JSON_LIMIT' });
});
