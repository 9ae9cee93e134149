import { createPrivateKey, sign } from 'node:crypto';
import t from 'tap';
import { ecdsaDerToRaw, ecdsaRawToDer } from '../../src/keys/ecdsa-signature.js';
import * as K from '../fixtures/keys.js';

const INVALID = { code: 'ERR_ENCODING_INVALID' };
const hex = (s: string) => new Uint8Array(Buffer.from(s.replace(/\s/g, ''), 'hex'));

t.test('DER and raw signatures convert both ways like node does', async (t) => {
  const cases = [
    ['P-256', K.P256_CA_PRIVATE, 'sha256', 32],
    ['P-384', K.P384_PRIVATE, 'sha384', 48],
    ['P-521', K.P521_PRIVATE, 'sha512', 66],
  ] as const;
  for (const [curve, pem, hash, size] of cases) {
    const key = createPrivateKey(pem);
    for (let i = 0; i < 16; i++) {
      const message = new TextEncoder().encode(`m${i}`);
      const der = new Uint8Array(sign(hash, message, { key, dsaEncoding: 'der' }));
      const raw = ecdsaDerToRaw(der, curve);
      t.equal(raw.length, 2 * size);
      t.same([...ecdsaRawToDer(raw, curve)], [...der], `${curve} #${i} round-trips`);
    }
  }
});

t.test('small values are padded and minimally encoded', async (t) => {
  const der = hex('3006 020101 020102');
  const raw = ecdsaDerToRaw(der, 'P-256');
  t.equal(raw[31], 1);
  t.equal(raw[63], 2);
  t.same([...ecdsaRawToDer(raw, 'P-256')], [...der]);
  const high = new Uint8Array(64).fill(0xff);
  t.same([...ecdsaRawToDer(high, 'P-256').subarray(0, 5)], [0x30, 0x46, 0x02, 0x21, 0x00], 'sign byte added');
  t.same([...ecdsaDerToRaw(ecdsaRawToDer(high, 'P-256'), 'P-256')], [...high]);
});

t.test('malformed DER signatures are refused', async (t) => {
  const wide = `0221 01${'00'.repeat(32)}`;
  const bad = {
    empty: '',
    'not a sequence': '3106 020101 020102',
    'one integer': '3003 020101',
    'three integers': '3009 020101 020102 020103',
    'trailing byte': '3006 020101 020102 00',
    'non-minimal r': '3007 02020001 020102',
    'negative s': '3006 020101 0201ff',
    'zero r': '3006 020100 020102',
    'zero s': '3006 020101 020100',
    'r wider than the curve': `3026 ${wide} 020101`,
    's wider than the curve': `3026 020101 ${wide}`,
    'ber length': '308106 020101 020102',
    'octet strings': '3006 040101 040102',
  };
  for (const [name, value] of Object.entries(bad)) t.throws(() => ecdsaDerToRaw(hex(value), 'P-256'), INVALID, name);
  t.throws(() => ecdsaDerToRaw(new Uint8Array(100), 'P-256'), INVALID, 'too long to be a P-256 signature');
});

t.test('malformed raw signatures are refused', async (t) => {
  t.throws(() => ecdsaRawToDer(new Uint8Array(63).fill(1), 'P-256'), INVALID, 'short');
  t.throws(() => ecdsaRawToDer(new Uint8Array(96).fill(1), 'P-256'), INVALID, 'P-384 length for P-256');
  t.throws(() => ecdsaRawToDer(Uint8Array.of(...new Uint8Array(32), ...new Uint8Array(32).fill(1)), 'P-256'), INVALID, 'zero r');
  t.throws(() => ecdsaRawToDer(Uint8Array.of(...new Uint8Array(32).fill(1), ...new Uint8Array(32)), 'P-256'), INVALID, 'zero s');
});
