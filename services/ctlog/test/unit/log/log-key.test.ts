import t from 'tap';
import { createHash, verify } from 'node:crypto';
import { loadLogKey } from '../../../src/log/log-key.js';

t.test('the CT log key has the RFC 6962 log ID and signs DER ECDSA over SHA-256', async (t) => {
  const key = loadLogKey({ keyFile: '', keyPasswordFile: '', devMode: true, dataDir: t.testdir() });
  t.same(key.logId, new Uint8Array(createHash('sha256').update(key.spki).digest()), 'the log ID is SHA-256 of the SPKI');
  const data = Uint8Array.of(1, 2, 3);
  t.ok(verify('sha256', data, key.publicKey, key.sign(data)));
});
