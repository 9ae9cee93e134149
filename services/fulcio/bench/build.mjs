#!/usr/bin/env node
// Certificate building, in one process on one core, no HTTP, no CT log: certificates/s of the CA's
// fast path (precertificate + final certificate with an embedded SCT, both signed by the CA key, the
// final signature verified) against @peculiar/x509's generic generator building the same two
// certificates. Also the request-form checks that run before it. Results: docs/benchmarks.md.
// Usage: node services/fulcio/bench/build.mjs   (after `npx tsc -b`)   env: ROUNDS, SECONDS
import 'reflect-metadata';
import { createPrivateKey, generateKeyPairSync, sign, webcrypto } from 'node:crypto';
import { parsePublicKey } from '@sigstack/crypto/keys';
import { buildSigstoreExtensions, subjectAltNameExtension, x509 } from '@sigstack/crypto/x509';
import { toHex } from '@sigstack/crypto/encoding';
import { localSigner } from '@sigstack/service-kit';
import { CertificateAuthority, parseCertificateRequest, serializeSct, verifyProofOfPossession } from '../dist/ca/index.js';

const ROUNDS = Number(process.env.ROUNDS ?? 5);
/** Each round runs for about this long (bounded in time, not in count). */
const SECONDS = Number(process.env.SECONDS ?? 2);

const IDENTITY = {
  san: { type: 'email', value: 'alice@example.com' },
  extensions: { '1.3.6.1.4.1.57264.1.1': 'https://issuer.example.com', '1.3.6.1.4.1.57264.1.8': 'https://issuer.example.com', '1.3.6.1.4.1.57264.1.24': 'CgVhbGljZRIEdGVzdA' },
};
const SCT = serializeSct({ version: 0, logId: new Uint8Array(32).fill(7), timestamp: Date.now(), extensions: new Uint8Array(0), signature: Uint8Array.from([4, 3, 0, 70, ...new Uint8Array(70).fill(1)]) });

// Clients use a fresh P-256 key per signature; 256 keys cycled keep set-up short.
const subjectKeys = Array.from({ length: 256 }, () => {
  const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const pem = publicKey.export({ type: 'spki', format: 'pem' });
  return { info: parsePublicKey(pem), pem, privateKey, proof: new Uint8Array(sign('sha256', Buffer.from(IDENTITY.san.value), privateKey)) };
});

/** A P-384 root and an intermediate on `curve` (CA:TRUE pathLen 0, EKU codeSigning), and a CA on them. */
async function makeCA(curve) {
  const hash = { 'P-256': 'SHA-256', 'P-384': 'SHA-384' }[curve];
  const root = await webcrypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-384' }, true, ['sign', 'verify']);
  const inter = await webcrypto.subtle.generateKey({ name: 'ECDSA', namedCurve: curve }, true, ['sign', 'verify']);
  const notBefore = new Date(Date.now() - 60_000);
  const notAfter = new Date(Date.now() + 86_400_000);
  const rootCert = await x509.X509CertificateGenerator.createSelfSigned({ serialNumber: '01', name: 'CN=bench root', notBefore, notAfter, keys: root, signingAlgorithm: { name: 'ECDSA', hash: 'SHA-384' },
    extensions: [new x509.BasicConstraintsExtension(true, 1, true), new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign, true), await x509.SubjectKeyIdentifierExtension.create(root.publicKey)] });
  const interCert = await x509.X509CertificateGenerator.create({ serialNumber: '02', subject: 'CN=bench intermediate', issuer: rootCert.subject, notBefore, notAfter, publicKey: inter.publicKey, signingKey: root.privateKey, signingAlgorithm: { name: 'ECDSA', hash: 'SHA-384' },
    extensions: [new x509.BasicConstraintsExtension(true, 0, true), new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign, true), new x509.ExtendedKeyUsageExtension(['1.3.6.1.5.5.7.3.3']), await x509.SubjectKeyIdentifierExtension.create(inter.publicKey), await x509.AuthorityKeyIdentifierExtension.create(root.publicKey)] });
  const signingKey = createPrivateKey({ key: Buffer.from(await webcrypto.subtle.exportKey('pkcs8', inter.privateKey)), format: 'der', type: 'pkcs8' });
  const chain = [interCert, rootCert];
  const ca = new CertificateAuthority({ signer: { signer: localSigner(signingKey), chain, warnings: [] } });
  return { ca, chain, cryptoKey: inter.privateKey, hash };
}

/** Runs `one(i)` (sync or async) for about SECONDS; returns operations per second. */
async function rate(one) {
  const deadline = performance.now() + SECONDS * 1000;
  const start = performance.now();
  let n = 0;
  while (performance.now() < deadline) {
    for (let k = 0; k < 20; k++) await one(n++);
  }
  return n / ((performance.now() - start) / 1000);
}

async function fastPath({ ca }, i) {
  const leaf = ca.prepareLeaf(IDENTITY, subjectKeys[i % subjectKeys.length].info);
  await ca.buildPrecertificate(leaf);
  await ca.buildFinalCertificate(leaf, [SCT]);
}

function tbsOnly({ ca }, i) {
  const leaf = ca.prepareLeaf(IDENTITY, subjectKeys[i % subjectKeys.length].info);
  leaf.tbs(Uint8Array.of(0x30, 0x00));
  leaf.tbs(Uint8Array.of(0x30, 0x00));
}

/** The same two certificates with @peculiar/x509's generator (what the issue measured). */
async function peculiarPath({ chain, cryptoKey, hash }, i) {
  const issuing = chain[0];
  const key = subjectKeys[i % subjectKeys.length];
  const serialNumber = toHex(webcrypto.getRandomValues(new Uint8Array(20)).map((b, j) => (j === 0 ? b & 0x7f : b)));
  const notBefore = new Date(Math.floor(Date.now() / 1000) * 1000);
  const notAfter = new Date(notBefore.getTime() + 600_000);
  const common = [
    new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
    new x509.ExtendedKeyUsageExtension(['1.3.6.1.5.5.7.3.3']),
    await x509.SubjectKeyIdentifierExtension.create(key.info.spki),
    new x509.AuthorityKeyIdentifierExtension(issuing.getExtension(x509.SubjectKeyIdentifierExtension).keyId),
    subjectAltNameExtension(IDENTITY.san),
    ...buildSigstoreExtensions(IDENTITY.extensions),
  ];
  const params = { serialNumber, issuer: issuing.subjectName, notBefore, notAfter, publicKey: key.info.spki, signingKey: cryptoKey, signingAlgorithm: { name: 'ECDSA', hash } };
  await x509.X509CertificateGenerator.create({ ...params, extensions: [...common, new x509.Extension('1.3.6.1.4.1.11129.2.4.3', true, Uint8Array.of(5, 0))] });
  const list = new Uint8Array(4 + SCT.length);
  new DataView(list.buffer).setUint16(0, SCT.length + 2);
  new DataView(list.buffer).setUint16(2, SCT.length);
  list.set(SCT, 4);
  await x509.X509CertificateGenerator.create({ ...params, extensions: [...common, new x509.Extension('1.3.6.1.4.1.11129.2.4.2', false, Uint8Array.from([0x04, ...(list.length < 128 ? [list.length] : [0x81, list.length]), ...list]))] });
}

const csrs = await Promise.all(subjectKeys.slice(0, 16).map(async () => {
  const keys = await webcrypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign', 'verify']);
  return (await x509.Pkcs10CertificateRequestGenerator.create({ name: 'CN=bench', keys, signingAlgorithm: { name: 'ECDSA', hash: 'SHA-256' } })).toString('pem');
}));

const p256 = await makeCA('P-256');
const p384 = await makeCA('P-384');
const measures = [
  ['fast path, P-256 CA key: precertificate + final certificate with SCT', () => rate((i) => fastPath(p256, i))],
  ['@peculiar/x509 generator, P-256 CA key: the same two certificates', () => rate((i) => peculiarPath(p256, i))],
  ['fast path, P-384 CA key (public-good curve)', () => rate((i) => fastPath(p384, i))],
  ['@peculiar/x509 generator, P-384 CA key', () => rate((i) => peculiarPath(p384, i))],
  ['fast path TBS encoding only (prepareLeaf + 2 × tbs, no signing)', () => rate((i) => tbsOnly(p256, i))],
  ['proof of possession: parse a P-256 PEM key + verify', () => rate((i) => { const k = subjectKeys[i % subjectKeys.length]; verifyProofOfPossession(k.pem, k.proof, [IDENTITY.san.value]); })],
  ['CSR: parse + verify a P-256 CSR', () => rate((i) => parseCertificateRequest(csrs[i % csrs.length]))],
];

console.log(`node ${process.version}, ${ROUNDS} rounds of ~${SECONDS} s each, median in bold\n`);
console.log(`| measure | ${Array.from({ length: ROUNDS }, (_, r) => `round ${r}`).join(' | ')} | median per second |`);
console.log(`|---|${'---|'.repeat(ROUNDS)}---|`);
for (const [name, run] of measures) {
  await run(); // warm-up round, not counted
  const rounds = [];
  for (let r = 0; r < ROUNDS; r++) rounds.push(await run());
  const median = [...rounds].sort((a, b) => a - b)[Math.floor(ROUNDS / 2)];
  const fmt = (v) => Math.round(v).toLocaleString('en-US');
  console.log(`| ${name} | ${rounds.map(fmt).join(' | ')} | **${fmt(median)}** |`);
}
