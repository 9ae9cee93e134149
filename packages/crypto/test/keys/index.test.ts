import t from 'tap';
import * as entry from '../../src/keys/index.js';

t.test('the keys entry point exports the whole keys API', async (t) => {
  for (const name of [
    'pemDecode', 'pemEncode', 'keyId', 'logId', 'parsePublicKey', 'publicKeyFromKeyObject', 'publicKeyToPem',
    'parsePrivateKey', 'sign', 'signDigest', 'verifySignature', 'ecdsaDerToRaw', 'ecdsaRawToDer',
  ] as const) {
    t.equal(typeof entry[name], 'function', name);
  }
  t.equal(entry.MAX_KEY_INPUT, 65536);
  t.same(entry.DIGEST_SIZE, { sha256: 32, sha384: 48, sha512: 64 });
});
