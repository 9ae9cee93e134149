#!/usr/bin/env node
// Generates an ECDSA P-256 private key for a sigstack service, the way the services expect it in
// production: encrypted PKCS#8 PEM (AES-256-CBC) plus a password file, both mode 0600, and the public
// key next to them. Usage:
//   node deploy/scripts/generate-key.mjs <directory> <name>
// writes <name>.pem, <name>.password and <name>.pub.pem, and refuses to overwrite any of them.
// Use it for the transparency log and CT log keys (REKOR_KEY_FILE, CTLOG_KEY_FILE) and for the keys
// that the CA's and the TSA's certificates will certify (then have your PKI issue the certificates:
// deploy/README.md). Run it as the user that will own the files (chown 10001 afterwards for the images).
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const [dir, name] = process.argv.slice(2);
if (dir === undefined || name === undefined || !/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(name)) {
  console.error('usage: generate-key.mjs <directory> <name>   (name: letters, digits, . _ -)');
  process.exit(2);
}
mkdirSync(dir, { recursive: true, mode: 0o700 });
const files = [`${name}.password`, `${name}.pem`, `${name}.pub.pem`].map((f) => join(dir, f));
const existing = files.filter((f) => existsSync(f));
if (existing.length > 0) {
  console.error(`generate-key: ${existing.join(', ')} exists; not overwriting a key`);
  process.exit(1);
}
// 32 random bytes, base64url: a password with 256 bits of entropy and no newline or shell character.
const password = randomBytes(32).toString('base64url');
const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const pem = privateKey.export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: password });
try {
  // 'wx': never overwrite an existing key (it may be the only copy of a log's key).
  writeFileSync(files[0], `${password}\n`, { mode: 0o600, flag: 'wx' });
  writeFileSync(files[1], pem, { mode: 0o600, flag: 'wx' });
  writeFileSync(files[2], publicKey.export({ type: 'spki', format: 'pem' }), { mode: 0o644, flag: 'wx' });
} catch (err) {
  console.error(`generate-key: ${err.code === 'EEXIST' ? `${err.path} exists; not overwriting a key` : err.message}`);
  process.exit(1);
}
console.log(`generate-key: wrote ${join(dir, `${name}.pem`)}, ${name}.password and ${name}.pub.pem`);
