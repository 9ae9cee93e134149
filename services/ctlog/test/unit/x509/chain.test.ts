import t from 'tap';
import { webcrypto } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { x509 } from '@sigstack/crypto/x509';
import { ChainValidator } from '../../../src/x509/chain.js';
import { AcceptedRoots } from '../../../src/x509/roots.js';
import { makeIntermediate, makeLeaf, makeRoot, pemOf } from '../../fixtures/ca.js';
import type { Issued } from '../../fixtures/ca.js';

function validatorFor(dir: string, ...roots: Issued[]) {
  writeFileSync(join(dir, 'roots.pem'), pemOf(...roots));
  return new ChainValidator(AcceptedRoots.load({ path: join(dir, 'roots.pem'), follow: false }));
}

t.test('a chain is validated up to an accepted root, which is appended when missing', async (t) => {
  const root = await makeRoot();
  const a = await makeIntermediate(root, 'a', { pathLen: 1 });
  const b = await makeIntermediate(a, 'b');
  const leaf = await makeLeaf(b);
  const v = validatorFor(t.testdir(), root);
  const out = v.validate([leaf.der, b.der, a.der]);
  t.same(out.issuers, [b.der, a.der, root.der]);
  t.same(out.issuer?.der, b.der);
  t.same(v.validate([leaf.der, b.der, a.der, root.der]).issuers, [b.der, a.der, root.der], 'a submitted root is not repeated');
  const other = await makeLeaf(b);
  t.same(v.validate([other.der, b.der, a.der]).issuers.length, 3, 'the cached issuer chain serves another leaf');
});

t.test('path length constraints are enforced', async (t) => {
  const root = await makeRoot('root', { pathLen: 0 });
  const a = await makeIntermediate(root, 'a');
  const leaf = await makeLeaf(a);
  const v = validatorFor(t.testdir(), root);
  t.throws(() => v.validate([leaf.der, a.der]), { code: 'ERR_ENTRY_INVALID', message: /allows 0 CA certificates below it, the chain has 1/ });
  const direct = await makeLeaf(root);
  t.doesNotThrow(() => v.validate([direct.der]));
});

t.test('an issuer whose key usage does not allow certificate signing is refused', async (t) => {
  const root = await makeRoot();
  const keys = (await makeLeaf(root)).keys;
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: '77', subject: 'CN=signs only', issuer: root.cert.subject, notBefore: new Date('2026-01-01'), notAfter: new Date('2027-01-01'),
    signingAlgorithm: { name: 'ECDSA', hash: 'SHA-256' }, publicKey: keys.publicKey, signingKey: root.keys.privateKey,
    extensions: [new x509.BasicConstraintsExtension(true, 0, true), new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true)],
  });
  const issuer = { cert, keys, der: new Uint8Array(cert.rawData) };
  const v = validatorFor(t.testdir(), root);
  const leaf = await makeLeaf(issuer);
  t.throws(() => v.validate([leaf.der, issuer.der]), { code: 'ERR_ENTRY_INVALID', message: /may not sign certificates/ });
});

t.test('RSA and Ed25519 issuers verify; an unknown signature algorithm is refused', async (t) => {
  for (const [name, alg] of [['rsa', { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256', publicExponent: new Uint8Array([1, 0, 1]), modulusLength: 2048 }], ['ed25519', { name: 'Ed25519' }]] as const) {
    const keys = (await webcrypto.subtle.generateKey(alg as webcrypto.EcKeyGenParams, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
    const cert = await x509.X509CertificateGenerator.createSelfSigned({
      serialNumber: '01', name: `CN=${name} root`, notBefore: new Date('2026-01-01'), notAfter: new Date('2036-01-01'), signingAlgorithm: alg, keys,
      extensions: [new x509.BasicConstraintsExtension(true, undefined, true)],
    });
    const root = { cert, keys, der: new Uint8Array(cert.rawData) };
    const leafCert = await x509.X509CertificateGenerator.create({
      serialNumber: '02', subject: 'CN=leaf', issuer: cert.subject, notBefore: new Date('2026-01-01'), notAfter: new Date('2027-01-01'),
      signingAlgorithm: alg, publicKey: keys.publicKey, signingKey: keys.privateKey,
    });
    const v = validatorFor(t.testdir(), root as Issued);
    t.doesNotThrow(() => v.validate([new Uint8Array(leafCert.rawData)]), name);
  }
  const root = await makeRoot();
  const leaf = await makeLeaf(root);
  // ecdsa-with-SHA224 (1.2.840.10045.4.3.1) in both algorithm fields: parses, but is not allowed.
  const der = Buffer.from(leaf.der);
  let at = -1;
  while ((at = der.indexOf(Buffer.from('06082a8648ce3d040302', 'hex'), at + 1)) >= 0) der[at + 9] = 0x01;
  t.throws(() => validatorFor(t.testdir(), root).validate([new Uint8Array(der)]), { code: 'ERR_ENTRY_INVALID', message: /unsupported algorithm 1\.2\.840\.10045\.4\.3\.1/ });
});

t.test('roots with the issuer\'s name but another key are not a path', async (t) => {
  const root = await makeRoot('twin');
  const twin = await makeRoot('twin');
  const leaf = await makeLeaf(root);
  t.doesNotThrow(() => validatorFor(t.testdir(), twin, root).validate([leaf.der]), 'the matching twin is found');
  t.throws(() => validatorFor(t.testdir(), twin).validate([leaf.der]), { code: 'ERR_ENTRY_INVALID', message: /does not verify/ });
});
