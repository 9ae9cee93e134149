import t from 'tap';
import { createHash, createPrivateKey, createPublicKey, createSecretKey, verify } from 'node:crypto';
import {
  ecdsaNoteSigner,
  ecdsaNoteVerifier,
  ed25519NoteSigner,
  ed25519NoteVerifier,
  ed25519VerifierKey,
  noteKeyId,
  parseVerifierKey,
  rekorKeyId,
} from '../../src/note/signers.js';
import { openNote, signNote } from '../../src/note/note.js';
import { toHex, utf8Bytes } from '../../src/encoding.js';
import { ED25519_A_PEM, ED25519_A_PUBLIC_PEM, P256_A_PEM, P256_A_PUBLIC_PEM, P256_B_PEM, P384_PEM, P521_PEM, SECP256K1_PEM, keyPair } from '../fixtures/note-keys.js';
import { ENOCH_VKEY, PETER_PRIVATE_PEM, PETER_VKEY } from '../fixtures/public-notes.js';
import { REKOR_LOG_ID, rekorPublicKey } from '../fixtures/public-rekor.js';

const P256 = keyPair(P256_A_PEM);
const ED = keyPair(ED25519_A_PEM);
const MSG = utf8Bytes('origin\n1\nAAAA\n');

function sha256(...parts: (string | Uint8Array)[]): Buffer {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return h.digest();
}

t.test('rekorKeyId of the public-good Rekor key is its published log ID', async (t) => {
  t.equal(toHex(rekorKeyId(rekorPublicKey())), REKOR_LOG_ID);
});

t.test('rekorKeyId of a private key is the ID of its public half', async (t) => {
  t.same(rekorKeyId(P256.privateKey), rekorKeyId(P256.publicKey));
  t.same(rekorKeyId(createPublicKey(P256_A_PUBLIC_PEM)), rekorKeyId(P256.publicKey));
  t.equal(rekorKeyId(ED.publicKey).byteLength, 32);
});

t.test('rekorKeyId rejects secret keys and non-keys', async (t) => {
  t.throws(() => rekorKeyId(createSecretKey(Buffer.alloc(32))), { code: 'ERR_KEY_UNSUPPORTED' });
  t.throws(() => rekorKeyId('pem' as never), { code: 'ERR_KEY_UNSUPPORTED' });
  t.throws(() => rekorKeyId({ type: 'private' } as never), { code: 'ERR_KEY_UNSUPPORTED' });
});

t.test('the ECDSA key hint is the first 4 bytes of the log ID', async (t) => {
  const signer = ecdsaNoteSigner('log.example', P256.privateKey);
  const verifier = ecdsaNoteVerifier('other.name', P256.publicKey);
  t.same(signer.keyId, rekorKeyId(P256.publicKey).slice(0, 4));
  // The ECDSA key ID does not depend on the name.
  t.same(verifier.keyId, signer.keyId);
  t.equal(toHex(ecdsaNoteVerifier('rekor.sigstore.dev', rekorPublicKey()).keyId), 'c0d23d6a');
});

t.test('ECDSA note signatures are DER over the curve hash and verify on every NIST curve', async (t) => {
  for (const [pem, hash] of [
    [P256_A_PEM, 'sha256'],
    [P384_PEM, 'sha384'],
    [P521_PEM, 'sha512'],
  ] as const) {
    const { privateKey, publicKey } = keyPair(pem);
    const sig = ecdsaNoteSigner('log.example', privateKey).sign(MSG);
    t.equal(sig[0], 0x30, `${hash}: DER sequence`);
    t.ok(verify(hash, MSG, { key: publicKey, dsaEncoding: 'der' }, sig), `${hash}: independent check`);
    const verifier = ecdsaNoteVerifier('log.example', publicKey);
    t.ok(verifier.verify(MSG, sig), `${hash}: verifier accepts`);
    t.notOk(verifier.verify(utf8Bytes('other\n'), sig), `${hash}: other message`);
  }
});

t.test('an ECDSA verifier returns false for junk signatures instead of throwing', async (t) => {
  const verifier = ecdsaNoteVerifier('log.example', P256.publicKey);
  for (const junk of [new Uint8Array(0), new Uint8Array([0x30]), new Uint8Array(72).fill(0x30), new Uint8Array(1000)]) {
    t.equal(verifier.verify(MSG, junk), false);
  }
  // Another key's signature.
  t.notOk(verifier.verify(MSG, ecdsaNoteSigner('log.example', keyPair(P256_B_PEM).privateKey).sign(MSG)));
});

t.test('ECDSA signers and verifiers reject other keys', async (t) => {
  const k1 = keyPair(SECP256K1_PEM);
  t.throws(() => ecdsaNoteSigner('n', k1.privateKey), { code: 'ERR_KEY_UNSUPPORTED' });
  t.throws(() => ecdsaNoteVerifier('n', k1.publicKey), { code: 'ERR_KEY_UNSUPPORTED' });
  t.throws(() => ecdsaNoteSigner('n', ED.privateKey), { code: 'ERR_KEY_UNSUPPORTED' });
  t.throws(() => ecdsaNoteVerifier('n', ED.publicKey), { code: 'ERR_KEY_UNSUPPORTED' });
  t.throws(() => ecdsaNoteSigner('n', P256.publicKey), { code: 'ERR_KEY_UNSUPPORTED' });
  t.throws(() => ecdsaNoteVerifier('n', P256.privateKey), { code: 'ERR_KEY_UNSUPPORTED' });
  t.throws(() => ecdsaNoteVerifier('n', createSecretKey(Buffer.alloc(16))), { code: 'ERR_KEY_UNSUPPORTED' });
  t.throws(() => ecdsaNoteVerifier('n', P256_A_PUBLIC_PEM as never), { code: 'ERR_KEY_UNSUPPORTED' });
});

t.test('signers and verifiers reject invalid key names', async (t) => {
  for (const name of ['', 'a b', 'a+b', 'a\nb', 7]) {
    t.throws(() => ecdsaNoteSigner(name as string, P256.privateKey), { code: 'ERR_KEY_MALFORMED' });
    t.throws(() => ecdsaNoteVerifier(name as string, P256.publicKey), { code: 'ERR_KEY_MALFORMED' });
    t.throws(() => ed25519NoteSigner(name as string, ED.privateKey), { code: 'ERR_KEY_MALFORMED' });
    t.throws(() => ed25519NoteVerifier(name as string, ED.publicKey), { code: 'ERR_KEY_MALFORMED' });
  }
});

t.test('the Ed25519 key ID is SHA-256(name, newline, 0x01, raw key) truncated to 4 bytes', async (t) => {
  const raw = createPublicKey(ED25519_A_PUBLIC_PEM).export({ format: 'der', type: 'spki' }).subarray(12);
  const want = sha256('example.com/log\n', new Uint8Array([1]), raw).subarray(0, 4);
  t.same(ed25519NoteSigner('example.com/log', ED.privateKey).keyId, new Uint8Array(want));
  t.same(ed25519NoteVerifier('example.com/log', ED.publicKey).keyId, new Uint8Array(want));
  t.same(noteKeyId('example.com/log', 1, raw), new Uint8Array(want));
  // The name is part of the ID.
  t.not(toHex(ed25519NoteVerifier('example.com/other', ED.publicKey).keyId), toHex(want));
});

t.test('Ed25519 signatures are over the text itself', async (t) => {
  const sig = ed25519NoteSigner('n', ED.privateKey).sign(MSG);
  t.equal(sig.byteLength, 64);
  t.ok(verify(null, MSG, ED.publicKey, sig));
  const verifier = ed25519NoteVerifier('n', ED.publicKey);
  t.ok(verifier.verify(MSG, sig));
  t.notOk(verifier.verify(MSG, sig.subarray(1)));
  t.notOk(verifier.verify(utf8Bytes('x\n'), sig));
});

t.test('Ed25519 signers and verifiers reject other keys', async (t) => {
  t.throws(() => ed25519NoteSigner('n', P256.privateKey), { code: 'ERR_KEY_UNSUPPORTED' });
  t.throws(() => ed25519NoteVerifier('n', P256.publicKey), { code: 'ERR_KEY_UNSUPPORTED' });
  t.throws(() => ed25519NoteSigner('n', ED.publicKey), { code: 'ERR_KEY_UNSUPPORTED' });
  t.throws(() => ed25519NoteVerifier('n', ED.privateKey), { code: 'ERR_KEY_UNSUPPORTED' });
  t.throws(() => ed25519VerifierKey('n', ED.privateKey), { code: 'ERR_KEY_UNSUPPORTED' });
});

t.test('ed25519VerifierKey reproduces the Go example verifier key', async (t) => {
  const pub = createPublicKey(createPrivateKey(PETER_PRIVATE_PEM));
  t.equal(ed25519VerifierKey('PeterNeumann', pub), PETER_VKEY);
});

t.test('parseVerifierKey round-trips with ed25519VerifierKey', async (t) => {
  const vkey = ed25519VerifierKey('example.com/log', ED.publicKey);
  const verifier = parseVerifierKey(vkey);
  t.equal(verifier.name, 'example.com/log');
  t.same(verifier.keyId, ed25519NoteVerifier('example.com/log', ED.publicKey).keyId);
  const note = signNote('hello\n', [ed25519NoteSigner('example.com/log', ED.privateKey)]);
  t.same(openNote(note, [verifier]).verifiedBy, ['example.com/log']);
  t.equal(parseVerifierKey(ENOCH_VKEY).name, 'EnochRoot');
});

t.test('parseVerifierKey splits at the first two plus signs, so the key may contain more', async (t) => {
  // Verifier key of the transparency-dev/formats note tests, whose base64 contains a '+'.
  const verifier = parseVerifierKey('TEST+7997405c+AQcC+FTVKf0jlTdHDY3rbevmnKxxPjigCXlVtGe6RIr6');
  t.equal(verifier.name, 'TEST');
  t.equal(toHex(verifier.keyId), '7997405c');
});

t.test('parseVerifierKey is strict about form, encoding and key ID', async (t) => {
  const [name, id, key] = ['PeterNeumann', 'c74f20a3', 'ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW'];
  const malformed = [
    '',
    name,
    `${name}+${id}`,
    `${name}${id}${key}`,
    `+${id}+${key}`, // empty name
    `Peter Neumann+${id}+${key}`, // space in name
    `${name}+C74F20A3+${key}`, // uppercase hex
    `${name}+c74f20a+${key}`, // 7 digits
    `${name}+c74f20a300+${key}`, // 10 digits
    `${name}+c74f20a4+${key}`, // wrong ID
    `${name}+${id}+${key.slice(0, -1)}`, // not padded base64
    `${name}+${id}+${key}=`,
    `${name}+${id}+ ${key}`,
    `${name}+${id}+${key}\n`,
    `${name}+${id}+`, // no key bytes
    `${name}+${id}+AQ==`, // type byte only
    `${name}+${id}+${Buffer.concat([Buffer.from(key, 'base64'), Buffer.from([0])]).toString('base64')}`, // 33 key bytes
    `${name}+${id}+${key}`.repeat(20), // over the length bound
  ];
  for (const bad of malformed) {
    t.throws(() => parseVerifierKey(bad), { code: 'ERR_KEY_MALFORMED' }, bad.slice(0, 60));
  }
  t.throws(() => parseVerifierKey(42 as unknown as string), { code: 'ERR_KEY_MALFORMED' });
  // Other signature types are not supported.
  const ecdsaType = Buffer.concat([Buffer.from([2]), Buffer.from(key, 'base64').subarray(1)]).toString('base64');
  t.throws(() => parseVerifierKey(`${name}+${id}+${ecdsaType}`), { code: 'ERR_KEY_UNSUPPORTED' });
});
