import { readFileSync, statSync } from 'node:fs';
import { isSigstackError } from '@sigstack/crypto/errors';
import { parsePrivateKey } from '@sigstack/crypto/keys';
import { parseCertificateChain } from '@sigstack/crypto/x509';
import { ConfigError } from '../config.js';
import type { CertifiedSigner } from './key-signer.js';
import { localSigner } from './local-signer.js';

/** The `file` backend: a PEM private key (encrypted PKCS#8 with a password file, or plain) and a PEM chain. */
export type FileSignerSettings = {
  backend: 'file';
  /** PEM private key: `ENCRYPTED PRIVATE KEY` (PKCS#8) with `passwordFile`, or an unencrypted PEM key without. */
  keyFile: string;
  /** File whose content (one trailing newline dropped) is the key password; empty for an unencrypted key. */
  passwordFile: string;
  /** PEM certificates, leaf first, root last. */
  chainFile: string;
};

function read(path: string, what: string, warnings: string[]): string {
  try {
    // Secrets readable by other users are worth a warning, not a refusal: container runtimes
    // often mount secrets 0644 inside a private mount namespace.
    if (what !== 'certificate chain' && (statSync(path).mode & 0o077) !== 0) warnings.push(`${what} ${path} is readable by other users; use mode 0600`);
    return readFileSync(path, 'utf8');
  } catch (err) {
    throw new ConfigError([`couldn't read the ${what} ${path}: ${(err as NodeJS.ErrnoException).code ?? 'unknown error'}`]);
  }
}

/**
 * Loads the key and chain. Throws ConfigError when a file is missing or unreadable, the password is
 * wrong, or the key or chain does not parse. The registry checks the chain afterwards.
 */
export async function openFileSigner(settings: FileSignerSettings): Promise<CertifiedSigner> {
  const problems: string[] = [];
  if (settings.keyFile === '') problems.push('keyFile: the file signer needs a private key file');
  if (settings.chainFile === '') problems.push('chainFile: the file signer needs a certificate chain file');
  if (problems.length > 0) throw new ConfigError(problems);
  const warnings: string[] = [];
  const pem = read(settings.keyFile, 'key file', warnings);
  const password = settings.passwordFile === '' ? undefined : read(settings.passwordFile, 'password file', warnings).replace(/\r?\n$/, '');
  let signer;
  try {
    signer = localSigner(parsePrivateKey(pem, password).key);
  } catch (err) {
    throw new ConfigError([`key file ${settings.keyFile}: ${isSigstackError(err) ? err.message : 'not a usable private key'}`]);
  }
  const chainPem = read(settings.chainFile, 'certificate chain', warnings);
  let chain;
  try {
    chain = parseCertificateChain(chainPem);
  } catch (err) {
    throw new ConfigError([`certificate chain ${settings.chainFile}: ${isSigstackError(err) ? err.message : 'does not parse'}`]);
  }
  return { signer, chain, warnings };
}
