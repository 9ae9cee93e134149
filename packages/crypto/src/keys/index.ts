/** Keys and signatures: strict PEM, allowed-set public and private key parsing, sign and verify. */
export { pemDecode, pemEncode, type PemBlock } from './pem.js';
export {
  keyId,
  logId,
  MAX_KEY_INPUT,
  parsePublicKey,
  publicKeyFromKeyObject,
  publicKeyToPem,
  type KeyType,
  type PublicKeyInfo,
} from './public-key.js';
export { parsePrivateKey, type PrivateKeyInfo } from './private-key.js';
export { sign, signDigest, verifySignature, type VerifyOptions } from './signature.js';
export { ecdsaDerToRaw, ecdsaRawToDer } from './ecdsa-signature.js';
export { DIGEST_SIZE, type HashName } from './hash.js';
export type { EcCurve } from './ec.js';
