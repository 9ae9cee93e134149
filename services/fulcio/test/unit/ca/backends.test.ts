import t from 'tap';
import { createPrivateKey, createPublicKey, webcrypto, X509Certificate as NodeCertificate, type KeyObject } from 'node:crypto';
import { chmodSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { toHex } from '@sigstack/crypto/encoding';
import { pemEncode } from '@sigstack/crypto/keys';
import { certificateDer, x509 } from '@sigstack/crypto/x509';
import { localSigner } from '@sigstack/service-kit';
import { checkCAChain } from '../../../src/ca/chain-check.js';
import { serializeSct } from '../../../src/ca/sct.js';
import { CA_BACKEND_TYPES, caSignerSettings, openCertificateAuthority, type CABackendConfig } from '../../../src/ca/open.js';
import { generateCAChain } from './ca-chain.js';
import { counterRandom, EMAIL_IDENTITY, newKey, NOW, openssl, writePem } from './helpers.js';

const deps = { clock: () => NOW, random: counterRandom(7) };
const PASSWORD = 'correct horse battery staple';
const AT = String(Math.floor(NOW / 1000) + 60);

t.test('the ephemeral CA is generated once in the data directory and reused across restarts', async (t) => {
  const dataDir = join(t.testdir(), 'data');
  const first = await openCertificateAuthority({ type: 'ephemeral', dir: dataDir }, deps);
  t.equal(statSync(join(dataDir, 'ca-key.pem')).mode & 0o777, 0o600, 'the key file is private');
  const second = await openCertificateAuthority({ type: 'ephemeral', dir: dataDir }, deps);
  t.same(second.chain.map(toHex), first.chain.map(toHex), 'same chain after a restart');
  t.equal(toHex(second.signer.signer.publicKey.spki), toHex(first.signer.signer.publicKey.spki), 'same key');
  t.same(first.warnings, []);
  t.equal(first.chain.length, 2);

  // A leaf issued after the restart verifies under the root from before it.
  const leaf = await second.buildPrecertificate(second.prepareLeaf(EMAIL_IDENTITY, newKey('P-256').info));
  t.ok(new NodeCertificate(leaf).verify(new NodeCertificate(first.chain[0] as Uint8Array).publicKey));
  const dir = t.testdir();
  const root = writePem(dir, 'root.pem', first.chain[1] as Uint8Array);
  const intermediate = writePem(dir, 'i.pem', second.chain[0] as Uint8Array);
  t.equal(openssl(['verify', '-x509_strict', '-attime', AT, '-CAfile', root, intermediate]).trim(), `${intermediate}: OK`);
  const sct = serializeSct({ version: 0, logId: new Uint8Array(32), timestamp: NOW, extensions: new Uint8Array(0), signature: Uint8Array.of(4, 3, 0, 1, 0) });
  const final = writePem(dir, 'leaf.pem', await second.buildFinalCertificate(second.prepareLeaf(EMAIL_IDENTITY, newKey('P-256').info), [sct]));
  t.equal(openssl(['verify', '-x509_strict', '-attime', AT, '-CAfile', root, '-untrusted', intermediate, final]).trim(), `${final}: OK`);
  await first.close();
  await second.close();
});

t.test('the ephemeral intermediate has the CA profile: CA:TRUE pathLen 0, keyCertSign, EKU codeSigning', async (t) => {
  const ca = await openCertificateAuthority({ type: 'ephemeral', dir: t.testdir() }, deps);
  const [intermediate, root] = ca.signer.chain as [x509.X509Certificate, x509.X509Certificate];
  t.same(intermediate.getExtension(x509.ExtendedKeyUsageExtension)?.usages, ['1.3.6.1.5.5.7.3.3']);
  t.equal(intermediate.getExtension(x509.BasicConstraintsExtension)?.pathLength, 0);
  t.equal(intermediate.getExtension(x509.BasicConstraintsExtension)?.critical, true);
  t.equal(intermediate.getExtension(x509.KeyUsagesExtension)?.usages, x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign);
  t.equal(intermediate.getExtension(x509.AuthorityKeyIdentifierExtension)?.keyId, root.getExtension(x509.SubjectKeyIdentifierExtension)?.keyId);
  t.equal(intermediate.subject, 'O=sigstack, CN=sigstack ephemeral intermediate');
  t.equal(ca.signer.signer.publicKey.curve, 'P-256');
  t.ok(intermediate.notAfter.getTime() - NOW > 9 * 365 * 86_400_000, 'about ten years');
  t.same(caSignerSettings({ type: 'file', keyFile: 'k', passwordFile: 'p', chainFile: 'c' }), { backend: 'file', keyFile: 'k', passwordFile: 'p', chainFile: 'c' });
});

t.test('a damaged ephemeral CA stops the start instead of being replaced', async (t) => {
  const dataDir = t.testdir();
  await openCertificateAuthority({ type: 'ephemeral', dir: dataDir }, deps);
  const chainPath = join(dataDir, 'ca-chain.pem');
  const chain = readFileSync(chainPath, 'utf8');
  writeFileSync(chainPath, chain.slice(0, chain.lastIndexOf('-----BEGIN CERTIFICATE-----')));
  await t.rejects(openCertificateAuthority({ type: 'ephemeral', dir: dataDir }, deps), { code: 'ERR_CONFIG_INVALID' }, 'root missing');
  writeFileSync(chainPath, 'garbage');
  await t.rejects(openCertificateAuthority({ type: 'ephemeral', dir: dataDir }, deps), { code: 'ERR_CONFIG_INVALID' }, 'chain not pem');
  t.equal(readFileSync(chainPath, 'utf8'), 'garbage', 'left as it was');
});

interface ChainOptions {
  eku?: string[] | null;
  pathLen?: number;
  rootPathLen?: number;
  intermediateCA?: boolean;
  rootKeyUsage?: number;
  intermediateSki?: boolean;
  notAfter?: number;
}

/** A root + intermediate with the given defects, signed with WebCrypto keys. */
async function chainWith(options: ChainOptions): Promise<{ key: KeyObject; chain: x509.X509Certificate[] }> {
  const alg = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };
  const root = (await webcrypto.subtle.generateKey(alg, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
  const inter = (await webcrypto.subtle.generateKey(alg, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
  const notBefore = new Date(NOW - 86_400_000);
  const notAfter = new Date(options.notAfter ?? NOW + 86_400_000);
  const rootCert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: '01',
    name: 'CN=root',
    notBefore,
    notAfter,
    keys: root,
    signingAlgorithm: alg,
    extensions: [
      new x509.BasicConstraintsExtension(true, options.rootPathLen, true),
      new x509.KeyUsagesExtension(options.rootKeyUsage ?? x509.KeyUsageFlags.keyCertSign, true),
      await x509.SubjectKeyIdentifierExtension.create(root.publicKey),
    ],
  });
  const extensions: x509.Extension[] = [new x509.BasicConstraintsExtension(options.intermediateCA ?? true, options.pathLen ?? 0, true), new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign, true)];
  if (options.eku !== null) extensions.push(new x509.ExtendedKeyUsageExtension(options.eku ?? ['1.3.6.1.5.5.7.3.3']));
  if (options.intermediateSki !== false) extensions.push(await x509.SubjectKeyIdentifierExtension.create(inter.publicKey));
  const interCert = await x509.X509CertificateGenerator.create({ serialNumber: '02', subject: 'CN=intermediate', issuer: rootCert.subject, notBefore, notAfter, publicKey: inter.publicKey, signingKey: root.privateKey, signingAlgorithm: alg, extensions });
  const key = createPrivateKey({ key: Buffer.from(await webcrypto.subtle.exportKey('pkcs8', inter.privateKey)), format: 'der', type: 'pkcs8' });
  return { key, chain: [interCert, rootCert] };
}

t.test('the start-up chain check refuses what upstream refuses, and more', async (t) => {
  const good = await chainWith({});
  t.doesNotThrow(() => checkCAChain(good.chain, localSigner(good.key).publicKey, NOW));
  const cases: [string, ChainOptions | 'reversed' | 'no root' | 'other key' | 'expired', RegExp][] = [
    ['an intermediate without EKU', { eku: null }, /must have extended key usage codeSigning/],
    ['an intermediate with serverAuth only', { eku: ['1.3.6.1.5.5.7.3.1'] }, /without codeSigning/],
    ['an intermediate that is not a CA', { intermediateCA: false }, /is not a ca/],
    ['a root with pathLen 0 above an intermediate', { rootPathLen: 0 }, /path length 0, the chain needs 1/],
    ['a root without keyCertSign', { rootKeyUsage: x509.KeyUsageFlags.digitalSignature }, /lacks keyCertSign/],
    ['an intermediate without SKI', { intermediateSki: false }, /no subject key identifier/],
    ['the chain in the wrong order', 'reversed', /path length 0, the chain needs 1|not signed by/],
    ['a chain without its root', 'no root', /not a self-signed root/],
    ['a key that is not the intermediate\'s', 'other key', /does not match/],
    ['an expired chain', 'expired', /not valid now/],
  ];
  for (const [label, variant, message] of cases) {
    const made = typeof variant === 'object' ? await chainWith(variant) : good;
    const chain = variant === 'reversed' ? [...made.chain].reverse() : variant === 'no root' ? made.chain.slice(0, 1) : made.chain;
    const key = variant === 'other key' ? newKey('P-256').privateKey : made.key;
    const now = variant === 'expired' ? NOW + 2 * 86_400_000 : NOW;
    t.throws(() => checkCAChain(chain, localSigner(key).publicKey, now), { code: 'ERR_CONFIG_INVALID', message }, label);
  }
  const stranger = await chainWith({});
  t.throws(() => checkCAChain([good.chain[0] as x509.X509Certificate, stranger.chain[1] as x509.X509Certificate], localSigner(good.key).publicKey, NOW), { code: 'ERR_CONFIG_INVALID', message: /ca certificate 0 \(CN=intermediate\) is not signed by ca certificate 1/ }, 'another root');
  t.throws(() => checkCAChain([], localSigner(good.key).publicKey, NOW), { code: 'ERR_CONFIG_INVALID', message: /empty/ });
  t.throws(() => checkCAChain(good.chain, localSigner(good.key).publicKey, NOW - 2 * 86_400_000), { code: 'ERR_CONFIG_INVALID', message: /not valid now/ }, 'not yet valid');
});

/** Writes an encrypted key, its password and the chain; returns the file settings. */
function fileFixture(dir: string, key: KeyObject, chain: readonly x509.X509Certificate[], password = `${PASSWORD}\n`): Extract<CABackendConfig, { type: 'file' }> {
  const settings = { type: 'file' as const, keyFile: join(dir, 'ca-key.pem'), passwordFile: join(dir, 'ca-password'), chainFile: join(dir, 'ca-chain.pem') };
  writeFileSync(settings.keyFile, key.export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: PASSWORD }), { mode: 0o600 });
  writeFileSync(settings.passwordFile, password, { mode: 0o600 });
  writeFileSync(settings.chainFile, chain.map((c) => pemEncode('CERTIFICATE', certificateDer(c))).join(''));
  return settings;
}

async function fileChain(curve: 'P-256' | 'P-384' = 'P-256') {
  return generateCAChain({ now: NOW - 1000, lifetimeMs: 86_400_000, rootName: 'CN=file root', intermediateName: 'CN=file intermediate', rootCurve: 'P-384', intermediateCurve: curve, random: counterRandom() });
}

t.test('the file CA opens an encrypted key with its password file and issues verifiable leaves', async (t) => {
  const generated = await fileChain('P-384');
  const settings = fileFixture(t.testdir(), generated.signingKey, generated.chain);
  const ca = await openCertificateAuthority(settings, deps);
  t.same(ca.warnings, []);
  const leaf = await ca.buildPrecertificate(ca.prepareLeaf(EMAIL_IDENTITY, newKey('P-256').info));
  t.ok(new NodeCertificate(leaf).verify(createPublicKey(generated.signingKey)));
  t.same(ca.chain.map(toHex), generated.chain.map((c) => toHex(certificateDer(c))));
  t.ok(await openCertificateAuthority(fileFixture(t.testdir(), generated.signingKey, generated.chain, `${PASSWORD}\r\n`), deps), 'CRLF after the password');
});

t.test('the file CA refuses to start on a bad key, password or chain', async (t) => {
  const generated = await fileChain();
  const dir = t.testdir();
  const settings = fileFixture(dir, generated.signingKey, generated.chain);
  const refuse = async (label: string, s: CABackendConfig, message: RegExp) => t.rejects(openCertificateAuthority(s, deps), { code: 'ERR_CONFIG_INVALID', message }, label);
  writeFileSync(join(dir, 'wrong-password'), 'Tr0ub4dor&3\n');
  await refuse('wrong password', { ...settings, passwordFile: join(dir, 'wrong-password') }, /password/);
  writeFileSync(join(dir, 'garbage.pem'), 'garbage');
  await refuse('key that is not pem', { ...settings, keyFile: join(dir, 'garbage.pem') }, /key file/);
  await refuse('chain that is not pem', { ...settings, chainFile: join(dir, 'garbage.pem') }, /chain/);
  await refuse('missing key file', { ...settings, keyFile: join(dir, 'nope.pem') }, /nope\.pem: ENOENT/);
  const other = await fileChain();
  await refuse('key of another chain', fileFixture(t.testdir(), other.signingKey, generated.chain), /certify|does not match/);
  const noEku = await chainWith({ eku: null });
  await refuse('intermediate without codeSigning', fileFixture(t.testdir(), noEku.key, noEku.chain), /codeSigning/);
  const noSki = await chainWith({ intermediateSki: false });
  await refuse('intermediate without SKI', fileFixture(t.testdir(), noSki.key, noSki.chain), /subject key identifier/);
});

t.test('the file CA passes on warnings about key files other users can read', async (t) => {
  const generated = await fileChain();
  const settings = fileFixture(t.testdir(), generated.signingKey, generated.chain);
  chmodSync(settings.keyFile, 0o644);
  const { warnings } = await openCertificateAuthority(settings, deps);
  t.equal(warnings.length, 1);
  t.match(warnings[0], /key file .* readable by other users/);
});

t.test('only the backends the CA supports can be chosen', async (t) => {
  t.same(CA_BACKEND_TYPES, ['ephemeral', 'file', 'pkcs11']);
  await t.rejects(openCertificateAuthority({ type: 'kms' } as unknown as CABackendConfig), { code: 'ERR_CONFIG_INVALID', message: /"kms" is not one of ephemeral, file, pkcs11/ });
});
