import t from 'tap';
import { createSecretKey, verify } from 'node:crypto';
import { setPayload, signSET, verifySET, type SETFields } from '../src/set.js';
import { rekorKeyId } from '../src/note/signers.js';
import { toHex } from '../src/encoding.js';
import { ED25519_A_PEM, P256_A_PEM, P256_B_PEM, P384_PEM, SECP256K1_PEM, keyPair } from './fixtures/note-keys.js';
import { OTHER_ENTRY_BODY, PUBLISH_ENTRY, PUBLISH_ENTRY_SET, REKOR_LOG_ID, rekorPublicKey } from './fixtures/public-rekor.js';

const P256 = keyPair(P256_A_PEM);
const FIELDS: SETFields = { body: 'eyJhIjoxfQ==', integratedTime: 1700000000, logID: toHex(rekorKeyId(P256.publicKey)), logIndex: 12 };
const REAL_SET = new Uint8Array(Buffer.from(PUBLISH_ENTRY_SET, 'base64'));

t.test('setPayload is the JCS form of exactly the four fields', async (t) => {
  t.equal(
    Buffer.from(setPayload(FIELDS)).toString('utf8'),
    `{"body":"eyJhIjoxfQ==","integratedTime":1700000000,"logID":"${FIELDS.logID}","logIndex":12}`,
  );
  // Extra properties are not signed.
  const extra = { ...FIELDS, attestation: { data: 'x' }, verification: {} } as SETFields;
  t.same(setPayload(extra), setPayload(FIELDS));
  t.equal(Buffer.from(setPayload({ ...FIELDS, integratedTime: 0, logIndex: 0 })).toString('utf8').endsWith('"integratedTime":0,' + `"logID":"${FIELDS.logID}","logIndex":0}`), true);
});

t.test('the real SET of a public-good Rekor entry verifies with the real Rekor key', async (t) => {
  t.doesNotThrow(() => verifySET(PUBLISH_ENTRY, REAL_SET, rekorPublicKey()));
  t.equal(toHex(rekorKeyId(rekorPublicKey())), PUBLISH_ENTRY.logID);
  // Independently: plain ECDSA P-256/SHA-256 over our payload bytes.
  t.ok(verify('sha256', setPayload(PUBLISH_ENTRY), { key: rekorPublicKey(), dsaEncoding: 'der' }, REAL_SET));
});

t.test('the real SET does not verify for another entry body, index, time or log', async (t) => {
  const key = rekorPublicKey();
  t.throws(() => verifySET({ ...PUBLISH_ENTRY, body: OTHER_ENTRY_BODY }, REAL_SET, key), { code: 'ERR_SIGNATURE_INVALID' });
  t.throws(() => verifySET({ ...PUBLISH_ENTRY, logIndex: PUBLISH_ENTRY.logIndex + 1 }, REAL_SET, key), { code: 'ERR_SIGNATURE_INVALID' });
  t.throws(() => verifySET({ ...PUBLISH_ENTRY, integratedTime: PUBLISH_ENTRY.integratedTime - 1 }, REAL_SET, key), { code: 'ERR_SIGNATURE_INVALID' });
  t.throws(() => verifySET({ ...PUBLISH_ENTRY, logID: REKOR_LOG_ID.replace(/^c0/, 'c1') }, REAL_SET, key), { code: 'ERR_SIGNATURE_INVALID' });
  t.throws(() => verifySET(PUBLISH_ENTRY, REAL_SET, P256.publicKey), { code: 'ERR_SIGNATURE_INVALID' });
});

t.test('a SET signed with a fixed P-256 key round-trips', async (t) => {
  const sig = signSET(FIELDS, P256.privateKey);
  t.equal(sig[0], 0x30);
  t.doesNotThrow(() => verifySET(FIELDS, sig, P256.publicKey));
  t.ok(verify('sha256', setPayload(FIELDS), { key: P256.publicKey, dsaEncoding: 'der' }, sig));
  t.throws(() => verifySET({ ...FIELDS, logIndex: 13 }, sig, P256.publicKey), { code: 'ERR_SIGNATURE_INVALID' });
  t.throws(() => verifySET(FIELDS, sig, keyPair(P256_B_PEM).publicKey), { code: 'ERR_SIGNATURE_INVALID' });
});

t.test('a SET on P-384 is signed over SHA-256, as sigstore-go verifies it', async (t) => {
  const p384 = keyPair(P384_PEM);
  const sig = signSET(FIELDS, p384.privateKey);
  t.doesNotThrow(() => verifySET(FIELDS, sig, p384.publicKey));
  t.ok(verify('sha256', setPayload(FIELDS), { key: p384.publicKey, dsaEncoding: 'der' }, sig));
});

t.test('verifySET rejects junk signatures', async (t) => {
  for (const junk of [new Uint8Array(0), new Uint8Array([0x30, 0x00]), REAL_SET.subarray(0, 40), new Uint8Array(2000)]) {
    t.throws(() => verifySET(PUBLISH_ENTRY, junk, rekorPublicKey()), { code: 'ERR_SIGNATURE_INVALID' });
  }
  t.throws(() => verifySET(PUBLISH_ENTRY, PUBLISH_ENTRY_SET as unknown as Uint8Array, rekorPublicKey()), { code: 'ERR_SIGNATURE_INVALID' });
});

t.test('SET fields are validated before anything is signed or verified', async (t) => {
  const bad: SETFields[] = [
    { ...FIELDS, body: '' },
    { ...FIELDS, body: 'eyJhIjoxfQ' },
    { ...FIELDS, body: 'eyJh"Ijoxf==' },
    { ...FIELDS, body: 'ab-_' },
    { ...FIELDS, body: 5 as unknown as string },
    { ...FIELDS, integratedTime: -1 },
    { ...FIELDS, integratedTime: 1.5 },
    { ...FIELDS, integratedTime: Number.NaN },
    { ...FIELDS, integratedTime: 2 ** 53 },
    { ...FIELDS, integratedTime: '1700000000' as unknown as number },
    { ...FIELDS, logID: REKOR_LOG_ID.toUpperCase() },
    { ...FIELDS, logID: REKOR_LOG_ID.slice(2) },
    { ...FIELDS, logID: `${REKOR_LOG_ID}00` },
    { ...FIELDS, logID: 'wNI9atQGlz+VWfO6LRygH4QUfY/8W4RFwiT5i5WRgB0=' },
    { ...FIELDS, logIndex: -1 },
    { ...FIELDS, logIndex: Number.POSITIVE_INFINITY },
    { ...FIELDS, logIndex: undefined as unknown as number },
  ];
  for (const fields of bad) {
    t.throws(() => setPayload(fields), { code: 'ERR_ENCODING_INVALID' }, JSON.stringify(fields).slice(0, 120));
    t.throws(() => signSET(fields, P256.privateKey), { code: 'ERR_ENCODING_INVALID' });
    t.throws(() => verifySET(fields, REAL_SET, P256.publicKey), { code: 'ERR_ENCODING_INVALID' });
  }
});

t.test('SETs need an ECDSA log key on a NIST curve', async (t) => {
  const ed = keyPair(ED25519_A_PEM);
  const k1 = keyPair(SECP256K1_PEM);
  t.throws(() => signSET(FIELDS, ed.privateKey), { code: 'ERR_KEY_UNSUPPORTED' });
  t.throws(() => verifySET(FIELDS, REAL_SET, ed.publicKey), { code: 'ERR_KEY_UNSUPPORTED' });
  t.throws(() => signSET(FIELDS, k1.privateKey), { code: 'ERR_KEY_UNSUPPORTED' });
  t.throws(() => verifySET(FIELDS, REAL_SET, k1.publicKey), { code: 'ERR_KEY_UNSUPPORTED' });
  t.throws(() => signSET(FIELDS, P256.publicKey), { code: 'ERR_KEY_UNSUPPORTED' });
  t.throws(() => verifySET(FIELDS, REAL_SET, P256.privateKey), { code: 'ERR_KEY_UNSUPPORTED' });
  t.throws(() => signSET(FIELDS, createSecretKey(Buffer.alloc(32))), { code: 'ERR_KEY_UNSUPPORTED' });
  t.throws(() => verifySET(FIELDS, REAL_SET, 'pem' as never), { code: 'ERR_KEY_UNSUPPORTED' });
});
