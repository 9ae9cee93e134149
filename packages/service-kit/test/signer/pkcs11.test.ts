import t from 'tap';
import { generateKeyPairSync } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pkcs11js from 'pkcs11js';
import { ecdsaDerToRaw, verifySignature } from '@sigstack/crypto/keys';
import { certificatePublicKey, type x509 } from '@sigstack/crypto/x509';
import { openSigner, SIGNER_BACKENDS } from '../../src/index.js';
import { NOW } from './fixtures.js';
import { pkcs11Settings, setupSoftHsm } from './softhsm.js';

const deps = { now: () => NOW, randomBytes: (n: number) => new Uint8Array(n).fill(7) };
const message = new TextEncoder().encode('a message to sign');

// One token for the file: every test opens and closes the signer, so that the module is initialized
// by one signer at a time (PKCS#11 allows one C_Initialize per process).
const dir = mkdtempSync(join(tmpdir(), 'sigstack-pkcs11-'));
t.teardown(() => rmSync(dir, { recursive: true, force: true }));
const hsm = setupSoftHsm(dir);
const settings = await pkcs11Settings(hsm, dir, NOW);

t.test('the pkcs11 backend signs with the token key, verifiably with the chain leaf', async (t) => {
  const { signer, chain, warnings } = await SIGNER_BACKENDS.pkcs11(settings, deps);
  t.teardown(() => signer.close());
  t.same(warnings, []);
  t.equal(chain.length, 2);
  const leafKey = certificatePublicKey(chain[0] as x509.X509Certificate);
  t.same(signer.publicKey.spki, leafKey.spki, 'the public key is the leaf key');
  const signature = await signer.sign(message);
  t.equal(signature[0], 0x30, 'the signature is DER');
  t.equal(ecdsaDerToRaw(signature, 'P-256').length, 64, 'and converts back to raw r‖s');
  t.ok(verifySignature(leafKey, message, signature), 'it verifies with the leaf key');
  t.notOk(verifySignature(leafKey, new TextEncoder().encode('another message'), signature), 'not over another message');
});

t.test('openSigner checks the chain against the token key', async (t) => {
  const { signer } = await openSigner(settings, deps);
  t.teardown(() => signer.close());
  t.ok(verifySignature(signer.publicKey, message, await signer.sign(message)));
});

t.test('concurrent signatures are serialized on the session and all verify', async (t) => {
  const { signer } = await openSigner(settings, deps);
  t.teardown(() => signer.close());
  const messages = Array.from({ length: 20 }, (_, i) => new TextEncoder().encode(`message ${i}`));
  const signatures = await Promise.all(messages.map((m) => signer.sign(m)));
  t.ok(signatures.every((s, i) => verifySignature(signer.publicKey, messages[i] as Uint8Array, s)));
});

t.test('a chain that certifies another key is refused at open', async (t) => {
  const other = join(dir, 'other');
  mkdirSync(other);
  const stranger = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ type: 'spki', format: 'pem' }).toString();
  const wrong = await pkcs11Settings({ ...hsm, publicKeyPem: stranger }, other, NOW);
  await t.rejects(openSigner(wrong, deps), { code: 'ERR_CONFIG_INVALID', message: /does not certify the signing key|does not verify/ });
  // The signer was closed on refusal: the module can be initialized again.
  const { signer } = await openSigner(settings, deps);
  await signer.close();
});

t.test('a wrong PIN is a configuration error naming the PKCS#11 code, not the PIN', async (t) => {
  const pinFile = join(dir, 'wrong-pin');
  writeFileSync(pinFile, '999999\n', { mode: 0o600 });
  const err = await openSigner({ ...settings, pinFile }, deps).catch((e: unknown) => e);
  t.match(err, { code: 'ERR_CONFIG_INVALID', message: /login to the token "sigstack-test" failed: CKR_PIN_INCORRECT/ });
  t.notMatch((err as Error).message, /999999/);
  const { signer } = await openSigner(settings, deps);
  await signer.close();
});

t.test('a missing key label is a configuration error', async (t) => {
  await t.rejects(openSigner({ ...settings, keyLabel: 'nope' }, deps), { code: 'ERR_CONFIG_INVALID', message: /no private key labelled "nope"/ });
});

t.test('a missing token is a configuration error listing the tokens', async (t) => {
  await t.rejects(openSigner({ ...settings, tokenLabel: 'absent' }, deps), { code: 'ERR_CONFIG_INVALID', message: /no token labelled "absent" \(tokens: "sigstack-test"\)/ });
});

t.test('a module that does not load, an unreadable PIN file and empty settings are configuration errors', async (t) => {
  await t.rejects(openSigner({ ...settings, module: join(dir, 'missing.so') }, deps), { code: 'ERR_CONFIG_INVALID', message: /couldn't load the module/ });
  await t.rejects(openSigner({ ...settings, pinFile: join(dir, 'missing-pin') }, deps), { code: 'ERR_CONFIG_INVALID', message: /couldn't read the pin file .*ENOENT/ });
  await t.rejects(openSigner({ ...settings, keyLabel: '' }, deps), { code: 'ERR_CONFIG_INVALID', message: /keyLabel: the pkcs11 signer needs it/ });
});

t.test('a PIN file readable by others is a warning', async (t) => {
  const pinFile = join(dir, 'open-pin');
  writeFileSync(pinFile, '1234', { mode: 0o644 });
  const { signer, warnings } = await openSigner({ ...settings, pinFile }, deps);
  t.teardown(() => signer.close());
  t.match(warnings, [/pin file .* is readable by other users/]);
});

t.test('signing after the module was finalized rejects with ERR_SIGNER_UNAVAILABLE', async (t) => {
  const { signer } = await openSigner(settings, deps);
  // The token goes away under the signer: another handle on the same library finalizes it.
  const other = new pkcs11js.PKCS11();
  other.load(settings.module);
  other.C_Finalize();
  const err = await signer.sign(message).catch((e: unknown) => e);
  t.match(err, { code: 'ERR_SIGNER_UNAVAILABLE', message: /^pkcs11 signer: signing failed: CKR_/ });
  await t.resolves(signer.close(), 'close still succeeds');
  await t.resolves(signer.close(), 'and is idempotent');
});

t.test('signing after close rejects with ERR_SIGNER_UNAVAILABLE', async (t) => {
  const { signer } = await openSigner(settings, deps);
  await signer.close();
  await t.rejects(signer.sign(message), { code: 'ERR_SIGNER_UNAVAILABLE', message: 'pkcs11 signer: the signer was closed' });
});
