import t from 'tap';
import type { Test } from 'tap';
import { chmodSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { verifySignature } from '@sigstack/crypto/keys';
import { certificatesToPem, x509 } from '@sigstack/crypto/x509';
import { checkSignerChain, localSigner, openSigner, SIGNER_BACKEND_NAMES, SIGNER_BACKENDS } from '../../src/index.js';
import type { EphemeralSignerSettings, FileSignerSettings } from '../../src/index.js';
import { makeCert, makeChain, NOW, privateKeyOf } from './fixtures.js';

const deps = { now: () => NOW, randomBytes: (n: number) => new Uint8Array(n).fill(7) };

function ephemeral(dir: string): EphemeralSignerSettings {
  return {
    backend: 'ephemeral',
    dataDir: dir,
    name: 'test',
    rootSubject: 'CN=test root, O=sigstack',
    leafSubject: 'CN=test signer, O=sigstack',
    leafExtensions: [new x509.ExtendedKeyUsageExtension(['1.3.6.1.5.5.7.3.8'], true)],
    validityDays: 30,
  };
}

/** Writes an encrypted PKCS#8 key, its password file and `chainPem`; returns file settings. */
async function files(dir: string, node: Parameters<typeof privateKeyOf>[0], chainPem: string, password = 'correct horse'): Promise<FileSignerSettings> {
  const key = await privateKeyOf(node);
  const keyFile = join(dir, 'key.pem');
  writeFileSync(keyFile, key.export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: password }), { mode: 0o600 });
  const passwordFile = join(dir, 'password');
  writeFileSync(passwordFile, `${password}\n`, { mode: 0o600 });
  const chainFile = join(dir, 'chain.pem');
  writeFileSync(chainFile, chainPem);
  return { backend: 'file', keyFile, passwordFile, chainFile };
}

async function refusal(t: Test, promise: Promise<unknown>, pattern: RegExp, what: string) {
  await t.rejects(promise, { code: 'ERR_CONFIG_INVALID', message: pattern }, what);
}

t.test('the registry lists every backend explicitly', async (t) => {
  t.same(SIGNER_BACKEND_NAMES, ['ephemeral', 'file', 'pkcs11']);
  t.same(Object.keys(SIGNER_BACKENDS), SIGNER_BACKEND_NAMES);
});

t.test('the ephemeral backend generates a chain once and keeps it across restarts', async (t) => {
  const dir = t.testdir();
  const first = await openSigner(ephemeral(dir), deps);
  t.equal(first.chain.length, 2);
  const [leaf, root] = first.chain as [x509.X509Certificate, x509.X509Certificate];
  t.equal(leaf.subject, 'CN=test signer, O=sigstack');
  t.equal(root.subject, 'CN=test root, O=sigstack');
  t.equal(leaf.getExtension(x509.ExtendedKeyUsageExtension)?.critical, true, 'the leaf carries the extensions asked for');
  t.ok(leaf.getExtension(x509.SubjectKeyIdentifierExtension), 'and a subject key identifier');
  t.equal(root.getExtension(x509.BasicConstraintsExtension)?.ca, true);
  t.equal(leaf.notBefore.getTime(), NOW - 5 * 60_000, 'notBefore is backdated five minutes from the injected clock');
  t.ok(root.notAfter > leaf.notAfter, 'the root outlives the leaf');
  t.equal(statSync(join(dir, 'test-key.pem')).mode & 0o777, 0o600, 'the key file is private');
  const again = await openSigner(ephemeral(dir), deps);
  t.equal(certificatesToPem(again.chain), certificatesToPem(first.chain), 'a restart reads the same chain');
  t.same(again.signer.publicKey.spki, first.signer.publicKey.spki, 'and the same key');
  const data = new TextEncoder().encode('payload');
  t.ok(verifySignature(again.signer.publicKey, data, await again.signer.sign(data)), 'the reloaded key signs');
});

t.test('the ephemeral backend refuses a data directory holding only one of its two files', async (t) => {
  const dir = t.testdir();
  await openSigner(ephemeral(dir), deps);
  rmSync(join(dir, 'test-chain.pem'));
  await refusal(t, openSigner(ephemeral(dir), deps), /test-key\.pem exists but .*test-chain\.pem does not/, 'key without chain');
  const other = join(dir, 'other');
  await openSigner(ephemeral(other), deps);
  rmSync(join(other, 'test-key.pem'));
  await refusal(t, openSigner(ephemeral(other), deps), /test-chain\.pem exists but/, 'chain without key');
});

t.test('the ephemeral backend refuses a chain that expired', async (t) => {
  const dir = t.testdir();
  await openSigner(ephemeral(dir), deps);
  await refusal(t, openSigner(ephemeral(dir), { ...deps, now: () => NOW + 40 * 86_400_000 }), /the leaf .* not at/, 'after 30 days');
});

t.test('the file backend opens an encrypted PKCS#8 key with its password file and chain', async (t) => {
  const { leaf, chainPem } = await makeChain();
  const settings = await files(t.testdir(), leaf, chainPem);
  const opened = await openSigner(settings, deps);
  t.equal(opened.chain.length, 2);
  t.same(opened.warnings, []);
  const data = new TextEncoder().encode('payload');
  t.ok(verifySignature(opened.signer.publicKey, data, await opened.signer.sign(data)), 'signatures verify with the leaf key');
  await opened.signer.close();
  await t.rejects(opened.signer.sign(data), 'a closed signer signs nothing');
});

t.test('the file backend warns about key files other users can read', async (t) => {
  const { leaf, chainPem } = await makeChain();
  const settings = await files(t.testdir(), leaf, chainPem);
  chmodSync(settings.keyFile, 0o644);
  const opened = await openSigner(settings, deps);
  t.match(opened.warnings, [/key file .* is readable by other users/]);
});

t.test('the file backend refuses missing settings, unreadable files and a wrong password', async (t) => {
  const { leaf, chainPem } = await makeChain();
  const dir = t.testdir();
  const settings = await files(dir, leaf, chainPem);
  await refusal(t, openSigner({ ...settings, keyFile: '', chainFile: '' }, deps), /needs a private key file/, 'no key file');
  await refusal(t, openSigner({ ...settings, keyFile: join(dir, 'absent.pem') }, deps), /couldn't read the key file .*ENOENT/, 'absent key');
  await refusal(t, openSigner({ ...settings, chainFile: join(dir, 'absent.pem') }, deps), /couldn't read the certificate chain/, 'absent chain');
  writeFileSync(settings.passwordFile, 'wrong');
  await refusal(t, openSigner(settings, deps), /wrong password/, 'wrong password');
  await refusal(t, openSigner({ ...settings, passwordFile: '' }, deps), /encrypted and no password/, 'no password for an encrypted key');
  writeFileSync(settings.passwordFile, 'correct horse');
  writeFileSync(settings.chainFile, 'not pem');
  await refusal(t, openSigner(settings, deps), /certificate chain .*not valid pem/, 'a chain that does not parse');
});

t.test('a key that the leaf does not certify is refused', async (t) => {
  const { chainPem } = await makeChain();
  const stranger = await makeCert({ subject: 'CN=stranger' });
  await refusal(t, openSigner(await files(t.testdir(), stranger, chainPem), deps), /the leaf .* does not certify the signing key/, 'another key');
});

t.test('chains that do not verify are refused', async (t) => {
  const { root, leaf } = await makeChain();
  const otherRoot = await makeCert({ subject: 'CN=test root', ca: true, serial: '0a' });
  await refusal(t, openSigner(await files(t.testdir(), leaf, certificatesToPem([leaf.cert, otherRoot.cert])), deps), /the leaf .* is not issued by the root/, 'a root with the same name and another key');
  await refusal(t, openSigner(await files(t.testdir(), leaf, certificatesToPem([root.cert, leaf.cert])), deps), /does not certify|not issued/, 'the order reversed');
  await refusal(t, openSigner(await files(t.testdir(), leaf, certificatesToPem([leaf.cert])), deps), /the root .* is not self-signed/, 'no root');

  const notCa = await makeCert({ subject: 'CN=not a ca', serial: '0c' });
  const underNotCa = await makeCert({ subject: 'CN=leaf', issuer: notCa, serial: '0d' });
  await refusal(t, openSigner(await files(t.testdir(), underNotCa, certificatesToPem([underNotCa.cert, notCa.cert])), deps), /the root .* is not a CA/, 'an issuer that is not a CA');

  const strict = await makeCert({ subject: 'CN=strict root', ca: true, pathLength: 0, serial: '0e' });
  const intermediate = await makeCert({ subject: 'CN=intermediate', issuer: strict, ca: true, serial: '0f' });
  const deep = await makeCert({ subject: 'CN=deep leaf', issuer: intermediate, serial: '10' });
  const chain = certificatesToPem([deep.cert, intermediate.cert, strict.cert]);
  await refusal(t, openSigner(await files(t.testdir(), deep, chain), deps), /the root allows 0 intermediates below it, found 1/, 'a path length violated');

  const early = await makeCert({ subject: 'CN=early', issuer: root, serial: '11', notBefore: NOW + 86_400_000 });
  await refusal(t, openSigner(await files(t.testdir(), early, certificatesToPem([early.cert, root.cert])), deps), /the leaf .* is valid from/, 'a leaf not yet valid');
});

t.test('a three-certificate chain with a CA intermediate is accepted', async (t) => {
  const root = await makeCert({ subject: 'CN=root', ca: true, serial: '01' });
  const intermediate = await makeCert({ subject: 'CN=intermediate', issuer: root, ca: true, pathLength: 0, serial: '02' });
  const leaf = await makeCert({ subject: 'CN=leaf', issuer: intermediate, serial: '03' });
  const opened = await openSigner(await files(t.testdir(), leaf, certificatesToPem([leaf.cert, intermediate.cert, root.cert])), deps);
  t.equal(opened.chain.length, 3);
});

t.test('a signer whose signatures do not match the key it reports is refused', async (t) => {
  const { leaf, chainPem } = await makeChain();
  const honest = await openSigner(await files(t.testdir(), leaf, chainPem), deps);
  const stranger = localSigner(await privateKeyOf(await makeCert({ subject: 'CN=stranger' })));
  // What a PKCS#11 signer pointed at the wrong key object would do: report one key, sign with another.
  const confused = { publicKey: honest.signer.publicKey, sign: (data: Uint8Array) => stranger.sign(data), close: async () => {} };
  await refusal(t, checkSignerChain(confused, honest.chain, new Date(NOW)), /a signature by the signing key does not verify with the leaf key/, 'the self-test catches it');
  await t.resolves(checkSignerChain(honest.signer, honest.chain, new Date(NOW)), 'the honest signer passes');
});
