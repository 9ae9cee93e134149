#!/usr/bin/env node
// add-pre-chain SCTs/s over HTTP with p50/p99 latency, as Fulcio drives the CT log: a Fulcio-like
// precertificate (P-256, 10 minutes, code signing, SAN, poison) with its intermediate and root.
// Each 200 is an entry fsynced by the log engine (SQLite WAL, synchronous=FULL) with its chain in
// the same transaction, and a freshly signed SCT.
// Usage: npm run bench -w services/ctlog   (after npm run build)   env: ENTRIES, CONCURRENCY, ROUNDS
import 'reflect-metadata';
import { createPrivateKey, randomBytes, sign, webcrypto } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { x509 } from '@sigstack/crypto/x509';
import { load, startService } from '../../../bench/harness.mjs';

const startCtlog = (env) => startService('ctlog', env);

const ENTRIES = Number(process.env.ENTRIES ?? 20_000);
const CONCURRENCY = Number(process.env.CONCURRENCY ?? 64);
const ROUNDS = Number(process.env.ROUNDS ?? 3);

const EC = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };
const keyPair = () => webcrypto.subtle.generateKey(EC, true, ['sign', 'verify']);
const day = 86_400_000;
const now = Date.now();

const rootKeys = await keyPair();
const root = await x509.X509CertificateGenerator.createSelfSigned({
  serialNumber: '01', name: 'O=bench, CN=bench root', notBefore: new Date(now - day), notAfter: new Date(now + 365 * day), signingAlgorithm: EC, keys: rootKeys,
  extensions: [new x509.BasicConstraintsExtension(true, 1, true), new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign, true)],
});
const caKeys = await keyPair();
const intermediate = await x509.X509CertificateGenerator.create({
  serialNumber: '02', subject: 'O=bench, CN=bench intermediate', issuer: root.subject, notBefore: new Date(now - day), notAfter: new Date(now + 365 * day),
  signingAlgorithm: EC, publicKey: caKeys.publicKey, signingKey: rootKeys.privateKey,
  extensions: [new x509.BasicConstraintsExtension(true, 0, true), new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign, true), await x509.AuthorityKeyIdentifierExtension.create(root)],
});
const caPrivate = createPrivateKey({ key: Buffer.from(await webcrypto.subtle.exportKey('pkcs8', caKeys.privateKey)), format: 'der', type: 'pkcs8' });

// One precertificate made with @peculiar/x509 is the template; the others change only the 20-byte
// serial and are signed with node:crypto (the generator makes a few hundred a second, too slow here).
const SERIAL = '7e' + '11'.repeat(19);
const leafKeys = await keyPair();
const template = await x509.X509CertificateGenerator.create({
  serialNumber: SERIAL, subject: '', issuer: intermediate.subject, notBefore: new Date(now - 60_000), notAfter: new Date(now + 540_000),
  signingAlgorithm: EC, publicKey: leafKeys.publicKey, signingKey: caKeys.privateKey,
  extensions: [
    new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
    new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.codeSigning]),
    await x509.AuthorityKeyIdentifierExtension.create(intermediate),
    new x509.SubjectAlternativeNameExtension([{ type: 'email', value: 'bench@example.com' }], true),
    new x509.Extension('1.3.6.1.4.1.57264.1.1', false, Buffer.from('https://issuer.example.com')),
    new x509.Extension('1.3.6.1.4.1.11129.2.4.3', true, Uint8Array.of(0x05, 0x00)),
  ],
});
const der = Buffer.from(template.rawData);

function tlv(tag, body) {
  const n = body.length;
  const len = n < 0x80 ? [n] : n < 0x100 ? [0x81, n] : [0x82, n >> 8, n & 0xff];
  return Buffer.concat([Buffer.from([tag, ...len]), body]);
}
function firstElement(buf, offset) {
  const l = buf[offset + 1];
  const header = l < 0x80 ? 2 : 2 + (l & 0x7f);
  const length = l < 0x80 ? l : buf.readUIntBE(offset + 2, l & 0x7f);
  return buf.subarray(offset, offset + header + length);
}
const outerHeader = der[1] < 0x80 ? 2 : 2 + (der[1] & 0x7f);
const tbs = firstElement(der, outerHeader);
const sigAlg = firstElement(der, outerHeader + tbs.length);
const serialAt = tbs.indexOf(Buffer.from(SERIAL, 'hex'));

function precert() {
  const t = Buffer.from(tbs);
  const serial = randomBytes(20);
  serial[0] = 0x40 | (serial[0] & 0x3f);
  serial.copy(t, serialAt);
  const signature = sign('sha256', t, { key: caPrivate, dsaEncoding: 'der' });
  return tlv(0x30, Buffer.concat([t, sigAlg, tlv(0x03, Buffer.concat([Buffer.from([0]), signature]))]));
}

const chainTail = [Buffer.from(intermediate.rawData).toString('base64'), Buffer.from(root.rawData).toString('base64')];
const makeBodies = (n) => Array.from({ length: n }, () => JSON.stringify({ chain: [precert().toString('base64'), ...chainTail] }));
const dirBytes = (dir) => readdirSync(dir).reduce((sum, f) => sum + statSync(join(dir, f)).size, 0);

const results = [];
for (let round = 0; round < ROUNDS; round++) {
  const dir = mkdtempSync(join(tmpdir(), 'ctlog-bench-'));
  writeFileSync(join(dir, 'roots.pem'), root.toString('pem') + '\n');
  const ctlog = await startCtlog({ CTLOG_DEV_MODE: 'true', CTLOG_DATA_DIR: dir });
  try {
    const warm = makeBodies(1000);
    await load({ total: warm.length, concurrency: CONCURRENCY, make: (i) => ({ url: `${ctlog.url}/ct/v1/add-pre-chain`, method: 'POST', body: warm[i] }), ok: (r) => r.status === 200 });
    const bodies = makeBodies(ENTRIES);
    const r = await load({ total: bodies.length, concurrency: CONCURRENCY, make: (i) => ({ url: `${ctlog.url}/ct/v1/add-pre-chain`, method: 'POST', body: bodies[i] }), ok: (res) => res.status === 200 });
    await ctlog.stop();
    results.push({ ...r, bytesPerEntry: Math.round(dirBytes(dir) / (ENTRIES + 1000)) });
    console.log(JSON.stringify({ bench: 'ctlog add-pre-chain (durable SCTs, HTTP)', round, concurrency: CONCURRENCY, precertBytes: der.length, ...results.at(-1) }));
  } finally {
    if (ctlog.child.exitCode === null) await ctlog.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
const median = (k) => results.map((r) => r[k]).sort((a, b) => a - b)[Math.floor(results.length / 2)];
console.log(JSON.stringify({ bench: 'ctlog add-pre-chain: median of rounds', rounds: ROUNDS, sctsPerSecond: median('perSecond'), p50ms: median('p50ms'), p99ms: median('p99ms'), bytesPerEntry: median('bytesPerEntry') }));
