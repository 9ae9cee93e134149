import t from 'tap';
import type { Test } from 'tap';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { x509 } from '@sigstack/crypto/x509';
import { openAuthority } from '../../src/open.js';
import { parseDerRequest } from '../../src/timestamp/request.js';
import { caConstraints, issue, timestampingEku, writeFileSigner } from '../fixtures/chain.js';
import type { Issued } from '../fixtures/chain.js';
import { configFor, derRequest, FakeClock, makeAuthority, NOW, parseResponse } from '../helpers.js';

const digitalSignature = () => new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true);

async function root(serial = '01'): Promise<Issued> {
  return issue({ subject: 'CN=tsa root', extensions: [caConstraints()], serial, now: NOW });
}

async function leafUnder(issuer: Issued, extensions: x509.Extension[], algorithm?: { name: string; namedCurve: string; hash: string }): Promise<Issued> {
  return issue({ subject: 'CN=tsa', issuer, extensions, serial: '02', now: NOW, ...(algorithm ? { algorithm } : {}) });
}

let counter = 0;
async function open(t: Test, leaf: Issued, chain: Issued[]) {
  const dir = join(t.testdir(), String(counter++));
  mkdirSync(dir, { recursive: true });
  const env = await writeFileSigner(dir, leaf, chain);
  return openAuthority(configFor(dir, env), { clock: new FakeClock() });
}

t.test('the file signer with an encrypted key and a TSA chain issues tokens', async (t) => {
  const r = await root();
  const leaf = await leafUnder(r, [timestampingEku(), digitalSignature()]);
  const opened = await open(t, leaf, [leaf, r]);
  t.equal(opened.certified.chain.length, 2);
  const { signedData } = parseResponse(await opened.authority.timestamp(parseDerRequest(derRequest())));
  t.equal(signedData.signerInfos[0]?.signatureAlgorithm.algorithm, '1.2.840.10045.4.3.2');
});

t.test('a P-384 TSA key signs with ecdsa-with-SHA384 over SHA-384', async (t) => {
  const r = await root();
  const leaf = await leafUnder(r, [timestampingEku()], { name: 'ECDSA', namedCurve: 'P-384', hash: 'SHA-384' });
  const opened = await open(t, leaf, [leaf, r]);
  const { signedData } = parseResponse(await opened.authority.timestamp(parseDerRequest(derRequest())));
  t.equal(signedData.signerInfos[0]?.signatureAlgorithm.algorithm, '1.2.840.10045.4.3.3');
  t.equal(signedData.signerInfos[0]?.digestAlgorithm.algorithm, '2.16.840.1.101.3.4.2.2');
});

t.test('an intermediate that allows timeStamping may sit between the TSA certificate and the root', async (t) => {
  const r = await root();
  const intermediate = await issue({ subject: 'CN=tsa intermediate', issuer: r, extensions: [caConstraints(), timestampingEku(false)], serial: '03', now: NOW });
  const leaf = await leafUnder(intermediate, [timestampingEku()]);
  t.equal((await open(t, leaf, [leaf, intermediate, r])).certified.chain.length, 3);
  const plain = await issue({ subject: 'CN=plain intermediate', issuer: r, extensions: [caConstraints()], serial: '04', now: NOW });
  const under = await leafUnder(plain, [timestampingEku()]);
  await t.rejects(open(t, under, [under, plain, r]), { code: 'ERR_CONFIG_INVALID', message: /intermediate CN=plain intermediate must allow the timeStamping/ });
});

t.test('a TSA certificate that breaks RFC 3161 §2.3 is refused at start', async (t) => {
  const r = await root();
  const cases: [string, x509.Extension[], RegExp][] = [
    ['no extended key usage', [digitalSignature()], /no extended key usage/],
    ['a non-critical extended key usage', [new x509.ExtendedKeyUsageExtension(['1.3.6.1.5.5.7.3.8'], false)], /must be critical/],
    ['a second extended key usage', [new x509.ExtendedKeyUsageExtension(['1.3.6.1.5.5.7.3.8', '1.3.6.1.5.5.7.3.3'], true)], /exactly timeStamping/],
    ['another extended key usage', [new x509.ExtendedKeyUsageExtension(['1.3.6.1.5.5.7.3.3'], true)], /exactly timeStamping/],
    ['a CA certificate', [timestampingEku(), new x509.BasicConstraintsExtension(true, undefined, true)], /must not be a CA/],
    ['the keyCertSign key usage', [timestampingEku(), new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyCertSign, true)], /may only have the digitalSignature/],
  ];
  for (const [what, extensions, message] of cases) {
    const leaf = await leafUnder(r, extensions);
    await t.rejects(open(t, leaf, [leaf, r]), { code: 'ERR_CONFIG_INVALID', message }, what);
  }
});

t.test('a chain without a root, a non-ECDSA key, or a key the certificate does not certify is refused', async (t) => {
  const selfSigned = await issue({ subject: 'CN=lonely tsa', extensions: [timestampingEku()], serial: '05', now: NOW });
  await t.rejects(open(t, selfSigned, [selfSigned]), { code: 'ERR_CONFIG_INVALID', message: /must hold the TSA certificate and its root, got 1/ });
  const r = await root();
  const ed = await leafUnder(r, [timestampingEku()], { name: 'Ed25519', namedCurve: '', hash: '' });
  await t.rejects(open(t, ed, [ed, r]), { code: 'ERR_CONFIG_INVALID', message: /must be ECDSA/ });
  const leaf = await leafUnder(r, [timestampingEku()]);
  const other = await leafUnder(r, [timestampingEku()]);
  await t.rejects(open(t, other, [leaf, r]), { code: 'ERR_CONFIG_INVALID', message: /does not certify the signing key/ });
  const otherRoot = await root();
  await t.rejects(open(t, leaf, [leaf, otherRoot]), { code: 'ERR_CONFIG_INVALID', message: /not issued by the root/ });
});

t.test('the ephemeral signer keeps its chain across restarts, so older tokens stay verifiable', async (t) => {
  const dir = t.testdir();
  const first = await makeAuthority(dir);
  const second = await makeAuthority(dir);
  t.equal(second.authority.certChainPem, first.authority.certChainPem);
  const leaf = second.certified.chain[0]!;
  t.equal(leaf.getExtension(x509.ExtendedKeyUsageExtension)?.critical, true, 'the generated TSA certificate has a critical EKU');
  t.same(leaf.getExtension(x509.ExtendedKeyUsageExtension)?.usages, ['1.3.6.1.5.5.7.3.8']);
  t.equal(leaf.getExtension(x509.BasicConstraintsExtension)?.ca, false);
});

t.test('the file signer needs its files', async (t) => {
  await t.rejects(openAuthority(configFor(t.testdir(), { TSA_SIGNER: 'file' }), { clock: new FakeClock() }), { code: 'ERR_CONFIG_INVALID', message: /keyFile: the file signer needs a private key file/ });
});
