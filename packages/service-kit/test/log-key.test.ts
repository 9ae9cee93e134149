import t from 'tap';
import { createHash, generateKeyPairSync } from 'node:crypto';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadP256LogKey as loadLogKey } from '../src/index.js';

t.test('dev mode generates a P-256 key once and keeps it', async (t) => {
  const dir = t.testdir();
  const a = loadLogKey({ keyFile: '', keyPasswordFile: '', devMode: true, dataDir: dir });
  const b = loadLogKey({ keyFile: '', keyPasswordFile: '', devMode: true, dataDir: dir });
  t.same(a.keyId, b.keyId);
  t.same(a.keyId, new Uint8Array(createHash('sha256').update(a.spki).digest()), 'the key ID is SHA-256 of the SPKI');
  t.equal(statSync(join(dir, 'log-key.pem')).mode & 0o777, 0o600);
  t.equal(readFileSync(join(dir, 'log-public-key.pem'), 'utf8'), a.publicKeyPem, 'the public half is written beside it');
});

t.test('outside dev mode a key file is required', async (t) => {
  t.throws(() => loadLogKey({ keyFile: '', keyPasswordFile: '', devMode: false, dataDir: t.testdir() }), { code: 'ERR_CONFIG_INVALID' });
});

t.test('an encrypted key file is read with its password file', async (t) => {
  const dir = t.testdir();
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  writeFileSync(join(dir, 'key.pem'), privateKey.export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'hunter2' }));
  writeFileSync(join(dir, 'pass'), 'hunter2\n');
  const key = loadLogKey({ keyFile: join(dir, 'key.pem'), keyPasswordFile: join(dir, 'pass'), devMode: false, dataDir: dir });
  t.match(key.publicKeyPem, /BEGIN PUBLIC KEY/);
  writeFileSync(join(dir, 'pass'), 'wrong\n');
  t.throws(() => loadLogKey({ keyFile: join(dir, 'key.pem'), keyPasswordFile: join(dir, 'pass'), devMode: false, dataDir: dir }), { code: 'ERR_CONFIG_INVALID' });
  t.throws(() => loadLogKey({ keyFile: join(dir, 'nope.pem'), keyPasswordFile: '', devMode: false, dataDir: dir }), { code: 'ERR_CONFIG_INVALID' });
});

t.test('a log key that is not ECDSA P-256 is refused', async (t) => {
  const dir = t.testdir();
  for (const [type, opts] of [['ec', { namedCurve: 'P-384' }], ['ed25519', {}], ['rsa', { modulusLength: 2048 }]] as const) {
    const { privateKey } = generateKeyPairSync(type as 'ec', opts as { namedCurve: string });
    writeFileSync(join(dir, 'k.pem'), privateKey.export({ type: 'pkcs8', format: 'pem' }));
    t.throws(() => loadLogKey({ keyFile: join(dir, 'k.pem'), keyPasswordFile: '', devMode: false, dataDir: dir }), { code: 'ERR_CONFIG_INVALID' }, type);
  }
});
