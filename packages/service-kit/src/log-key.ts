import { createHash, createPublicKey, generateKeyPairSync } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parsePrivateKey, publicKeyToPem } from '@sigstack/crypto/keys';
import { isSigstackError } from '@sigstack/crypto/errors';
import { ConfigError } from './config.js';

/** An ECDSA P-256 signing key of a log (transparency log or CT log). */
export type P256LogKey = {
  privateKey: KeyObject;
  publicKey: KeyObject;
  /** DER SubjectPublicKeyInfo. */
  spki: Uint8Array;
  /** PKIX PEM of the public key, in Go's pem.Encode layout. */
  publicKeyPem: string;
  /** SHA-256 of the DER SPKI: Rekor's logID and RFC 6962's log ID. */
  keyId: Uint8Array;
};

export type LogKeySettings = { keyFile: string; keyPasswordFile: string; devMode: boolean; dataDir: string };

/**
 * The key's parts; refuses anything but ECDSA P-256 (sigstore-go verifies SETs only with ECDSA over
 * SHA-256, and Sigstore trust roots expect P-256 CT logs).
 */
export function p256LogKey(privateKey: KeyObject): P256LogKey {
  if (privateKey.asymmetricKeyType !== 'ec' || privateKey.asymmetricKeyDetails?.namedCurve !== 'prime256v1') {
    throw new ConfigError(['the log key must be an ECDSA P-256 key (Sigstore clients verify log signatures with ECDSA P-256 over SHA-256)']);
  }
  const publicKey = createPublicKey(privateKey);
  const spki = new Uint8Array(publicKey.export({ type: 'spki', format: 'der' }));
  return { privateKey, publicKey, spki, publicKeyPem: publicKeyToPem(publicKey), keyId: new Uint8Array(createHash('sha256').update(spki).digest()) };
}

/**
 * Loads a log key from `keyFile` (PKCS#8 PEM, encrypted when `keyPasswordFile` is set). In dev
 * mode without a key file, uses `dataDir/log-key.pem` (mode 0600), generating it on first start,
 * and writes its public key to `dataDir/log-public-key.pem`.
 * Throws ConfigError for anything unusable.
 */
export function loadP256LogKey(settings: LogKeySettings): P256LogKey {
  if (settings.keyFile !== '') {
    let pem: string;
    let password: string | undefined;
    try {
      pem = readFileSync(settings.keyFile, 'utf8');
      password = settings.keyPasswordFile === '' ? undefined : readFileSync(settings.keyPasswordFile, 'utf8').replace(/\r?\n$/, '');
    } catch (err) {
      throw new ConfigError([`couldn't read the log key: ${(err as Error).message}`]);
    }
    try {
      return p256LogKey(parsePrivateKey(pem, password).key);
    } catch (err) {
      if (err instanceof ConfigError) throw err;
      throw new ConfigError([`keyFile ${settings.keyFile}: ${isSigstackError(err) ? err.message : 'not a usable private key'}`]);
    }
  }
  if (!settings.devMode) throw new ConfigError(['keyFile: a log key is required outside dev mode']);
  const path = join(settings.dataDir, 'log-key.pem');
  let key: P256LogKey;
  if (existsSync(path)) {
    key = p256LogKey(parsePrivateKey(readFileSync(path, 'utf8')).key);
  } else {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    writeFileSync(path, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600, flag: 'wx' });
    key = p256LogKey(privateKey);
  }
  // The public half, for whoever distributes trust material in dev mode (the trust service, tests):
  // they read this file instead of the private key.
  writeFileSync(join(settings.dataDir, DEV_PUBLIC_KEY_FILE), key.publicKeyPem);
  return key;
}

/** Where a dev-mode log key's public half is written, relative to the data directory. */
export const DEV_PUBLIC_KEY_FILE = 'log-public-key.pem';
