import { createHash, createPublicKey, generateKeyPairSync, sign } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parsePrivateKey, publicKeyToPem } from '@sigstack/crypto/keys';
import { isSigstackError } from '@sigstack/crypto/errors';
import { ConfigError } from '../config.js';

/** The log's signing key: it signs SCTs, tree heads and the engine's checkpoints. */
export type LogKey = {
  privateKey: KeyObject;
  publicKey: KeyObject;
  /** DER SubjectPublicKeyInfo. */
  spki: Uint8Array;
  publicKeyPem: string;
  /** SHA-256 of the DER SPKI: the RFC 6962 log ID (and the trusted root's `logId.keyId`). */
  logId: Uint8Array;
  /** ECDSA P-256 over SHA-256 of `data`, DER-encoded (what DigitallySigned carries). */
  sign(data: Uint8Array): Uint8Array;
};

export function logKeyFromPrivate(privateKey: KeyObject): LogKey {
  // RFC 6962 logs sign with ECDSA P-256 or RSA; Sigstore trust roots and clients expect P-256.
  if (privateKey.asymmetricKeyType !== 'ec' || privateKey.asymmetricKeyDetails?.namedCurve !== 'prime256v1') {
    throw new ConfigError(['the log key must be an ECDSA P-256 key']);
  }
  const publicKey = createPublicKey(privateKey);
  const spki = new Uint8Array(publicKey.export({ type: 'spki', format: 'der' }));
  return {
    privateKey,
    publicKey,
    spki,
    publicKeyPem: publicKeyToPem(publicKey),
    logId: new Uint8Array(createHash('sha256').update(spki).digest()),
    sign: (data) => new Uint8Array(sign('sha256', data, { key: privateKey, dsaEncoding: 'der' })),
  };
}

export type LogKeySettings = { keyFile: string; keyPasswordFile: string; devMode: boolean; dataDir: string };

/**
 * Loads the log key from `keyFile` (PKCS#8 PEM, encrypted when `keyPasswordFile` is set). In dev
 * mode without a key file, uses `dataDir/log-key.pem`, generating it on first start.
 */
export function loadLogKey(settings: LogKeySettings): LogKey {
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
      return logKeyFromPrivate(parsePrivateKey(pem, password).key);
    } catch (err) {
      if (err instanceof ConfigError) throw err;
      throw new ConfigError([`keyFile ${settings.keyFile}: ${isSigstackError(err) ? err.message : 'not a usable private key'}`]);
    }
  }
  if (!settings.devMode) throw new ConfigError(['keyFile: a log key is required outside dev mode']);
  const path = join(settings.dataDir, 'log-key.pem');
  if (existsSync(path)) return logKeyFromPrivate(parsePrivateKey(readFileSync(path, 'utf8')).key);
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  writeFileSync(path, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600, flag: 'wx' });
  return logKeyFromPrivate(privateKey);
}
