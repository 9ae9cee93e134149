/**
 * The synchronous JWS signature check against jose's compactVerify, which it replaces: the same answer
 * for valid tokens of every allowed alg and for every tampered variant, and the same refusals of keys
 * jose would not use.
 */
import { generateKeyPairSync, sign as nodeSign, webcrypto } from 'node:crypto';
import t from 'tap';
import { compactVerify, importJWK, type CryptoKey, type JWK } from 'jose';
import { verifyJws } from '../../../src/identity/jws-verify.js';
import { decodeUnverified } from '../../../src/identity/jwt.js';
import { claimsFor, craftToken, makeKey, type TestKey } from '../../fixtures/identity/idp.js';

const ALGS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'];
const CLAIMS = claimsFor('https://issuer.example.com', { email: 'alice@example.com' });

/** The public key as the CA gets it: jose imports the JWKS entry for the token's alg. */
async function imported(key: TestKey, alg = key.alg): Promise<CryptoKey> {
  return (await importJWK(key.jwk, alg)) as CryptoKey;
}

async function jose(token: string, key: CryptoKey, alg: string): Promise<boolean> {
  try {
    await compactVerify(token, key, { algorithms: [alg] });
    return true;
  } catch {
    return false;
  }
}

function flip(text: string, at: number): string {
  const c = text[at] === 'A' ? 'B' : 'A';
  return text.slice(0, at) + c + text.slice(at + 1);
}

/** Variants of a valid token: a bit changed in each part, the signature cut, lengthened, or replaced by zeros. */
function tampered(token: string): [string, string][] {
  const [h, p, s] = token.split('.') as [string, string, string];
  const sig = Buffer.from(s, 'base64url');
  const b = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64url');
  return [
    ['signature bit', `${h}.${p}.${b(Buffer.concat([sig.subarray(0, -1), Buffer.of(sig[sig.length - 1]! ^ 1)]))}`],
    ['payload character', `${h}.${flip(p, 5)}.${s}`],
    ['header character', `${flip(h, 5)}.${p}.${s}`],
    ['signature cut by one byte', `${h}.${p}.${b(sig.subarray(0, -1))}`],
    ['signature one byte longer', `${h}.${p}.${b(Buffer.concat([sig, Buffer.of(0)]))}`],
    ['signature of zeros', `${h}.${p}.${b(new Uint8Array(sig.length))}`],
  ];
}

t.test('a valid token of every allowed alg verifies, as with jose', async (t) => {
  for (const alg of ALGS) {
    const key = await makeKey(alg, `${alg}-1`);
    const pub = await imported(key);
    const token = await craftToken(key, CLAIMS);
    const decoded = decodeUnverified(token);
    t.equal(verifyJws(decoded, pub), true, alg);
    t.equal(await jose(token, pub, alg), true, `${alg}: jose agrees`);
    t.same(decoded.payload, new Uint8Array(Buffer.from(JSON.stringify(CLAIMS))), `${alg}: the payload is the signed bytes`);
  }
});

t.test('every tampered variant fails, exactly where jose fails', async (t) => {
  for (const alg of ALGS) {
    const key = await makeKey(alg, `${alg}-1`);
    const pub = await imported(key);
    for (const [what, token] of tampered(await craftToken(key, CLAIMS))) {
      let decoded;
      try {
        decoded = decodeUnverified(token);
      } catch {
        continue; // a header that no longer decodes is refused before any signature check
      }
      t.equal(verifyJws(decoded, pub), false, `${alg}: ${what}`);
      t.equal(await jose(token, pub, alg), false, `${alg}: ${what}: jose agrees`);
    }
  }
});

t.test('a token signed by another key of the same type fails', async (t) => {
  for (const alg of ALGS) {
    const key = await makeKey(alg, 'k');
    const other = await makeKey(alg, 'k');
    t.equal(verifyJws(decodeUnverified(await craftToken(other, CLAIMS)), await imported(key)), false, alg);
  }
});

t.test('an ECDSA signature in DER instead of r ‖ s fails, as with jose', async (t) => {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const pub = (await importJWK({ ...(publicKey.export({ format: 'jwk' }) as JWK) }, 'ES256')) as CryptoKey;
  const input = `${Buffer.from('{"alg":"ES256"}').toString('base64url')}.${Buffer.from(JSON.stringify(CLAIMS)).toString('base64url')}`;
  const der = nodeSign('sha256', Buffer.from(input), { key: privateKey, dsaEncoding: 'der' });
  const raw = nodeSign('sha256', Buffer.from(input), { key: privateKey, dsaEncoding: 'ieee-p1363' });
  t.equal(verifyJws(decodeUnverified(`${input}.${der.toString('base64url')}`), pub), false, 'DER');
  t.equal(await jose(`${input}.${der.toString('base64url')}`, pub, 'ES256'), false, 'jose agrees');
  t.equal(verifyJws(decodeUnverified(`${input}.${raw.toString('base64url')}`), pub), true, 'the same signature as r ‖ s verifies');
});

t.test('a PSS signature with a salt shorter than the hash fails, as with jose', async (t) => {
  const key = await makeKey('PS256', 'ps');
  const input = `${Buffer.from('{"alg":"PS256"}').toString('base64url')}.${Buffer.from(JSON.stringify(CLAIMS)).toString('base64url')}`;
  const sig = new Uint8Array(await webcrypto.subtle.sign({ name: 'RSA-PSS', saltLength: 0 }, key.privateKey as unknown as webcrypto.CryptoKey, Buffer.from(input)));
  const token = `${input}.${Buffer.from(sig).toString('base64url')}`;
  t.equal(verifyJws(decodeUnverified(token), await imported(key)), false);
  t.equal(await jose(token, await imported(key), 'PS256'), false, 'jose agrees');
});

t.test('an RSA key under 2048 bits is refused, as jose refuses it', async (t) => {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 1024 });
  const jwk = { ...(publicKey.export({ format: 'jwk' }) as JWK), alg: 'RS256' };
  const pub = (await importJWK(jwk, 'RS256')) as CryptoKey;
  const input = `${Buffer.from('{"alg":"RS256"}').toString('base64url')}.${Buffer.from(JSON.stringify(CLAIMS)).toString('base64url')}`;
  const token = `${input}.${nodeSign('sha256', Buffer.from(input), privateKey).toString('base64url')}`;
  t.throws(() => verifyJws(decodeUnverified(token), pub), { name: 'IdentityError', code: 'ERR_TOKEN_INVALID', check: 'signature' });
  t.equal(await jose(token, pub, 'RS256'), false, 'jose refuses too');
});

t.test('a key of another type or curve than the alg names is refused', async (t) => {
  const [p384, rsa, ed] = [await makeKey('ES384', 'ec384'), await makeKey('RS256', 'rsa'), await makeKey('EdDSA', 'ed')];
  const [p384Key, rsaKey] = [await imported(p384), await imported(rsa)];
  const es256 = decodeUnverified(await craftToken(await makeKey('ES256', 'ec'), CLAIMS));
  const rs256 = decodeUnverified(await craftToken(rsa, CLAIMS));
  const eddsa = decodeUnverified(await craftToken(ed, CLAIMS));
  const isRefusal = { name: 'IdentityError', code: 'ERR_TOKEN_INVALID', check: 'signature' };
  t.throws(() => verifyJws(es256, p384Key), isRefusal, 'ES256 token, P-384 key');
  t.throws(() => verifyJws(es256, rsaKey), isRefusal, 'ES256 token, RSA key');
  t.throws(() => verifyJws(rs256, p384Key), isRefusal, 'RS256 token, EC key');
  t.throws(() => verifyJws(eddsa, rsaKey), isRefusal, 'EdDSA token, RSA key');
});
