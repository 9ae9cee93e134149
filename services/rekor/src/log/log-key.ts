import { createHash, createPublicKey, generateKeyPairSync } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parsePrivateKey, publicKeyToPem } from '@sigstack/crypto/keys';
import { toHex } from '@sigstack/crypto/encoding';
import { isSigstackError } from '@sigstack/crypto/errors';
import { ConfigError } from '../config.js';

/** The log's signing key: it signs checkpoints and SETs. */
export type LogKey = {
  privateKey: KeyObject;
  publicKey: KeyObject;
  /** PKIX PEM of the public key, as GET /api/v1/log/publicKey serves it. */
  publicKeyPem: string;
  /** hex SHA-256 of the DER SPKI: the Rekor logID. */
  logId: string;
};

export function logKeyFromPrivate(privateKey: KeyObject): LogKey {
  // sigstore-go verifies SETs only with ECDSA keys, over SHA-256: P-256 is the one curve that fits.
  if (privateKey.asymmetricKeyType !== 'ec' || privateKey.asymmetricKeyDetails?.namedCurve !== 'prime256v1') {
    throw new ConfigError(['the log key must be an ECDSA P-256 key (sigstore-go verifies SETs only with ECDSA over SHA-256)']);
  }
  const publicKey = createPublicKey(privateKey);
  const spki = publicKey.export({ type: 'spki', format: 'der' });
  return { privateKey, publicKey, publicKeyPem: publicKeyToPem(publicKey), logId: toHex(createHash('sha256').update(spki).digest()) };
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

/** The tree ID: configured, or generated once (a random positive int63) and kept in `dataDir/tree-id`. */
export function loadTreeId(configured: string, dataDir: string, random: () => bigint): string {
  if (configured !== '') {
    if (!/^[1-9][0-9]{0,18}$/.test(configured) || BigInt(configured) > (1n << 63n) - 1n) throw new ConfigError([`treeId: must be a positive int64 in decimal, got "${configured}"`]);
    return configured;
  }
  const path = join(dataDir, 'tree-id');
  if (existsSync(path)) return readFileSync(path, 'utf8').trim();
  let id = 0n;
  while (id === 0n) id = random() & ((1n << 63n) - 1n);
  writeFileSync(path, `${id}\n`, { flag: 'wx' });
  return String(id);
}
