import { createPrivateKey, webcrypto } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { toHex } from '@sigstack/crypto/encoding';
import { isSigstackError } from '@sigstack/crypto/errors';
import { parsePrivateKey } from '@sigstack/crypto/keys';
import { certificatesToPem, parseCertificateChain, x509 } from '@sigstack/crypto/x509';
import { ConfigError } from '../config.js';
import type { CertifiedSigner, SignerDeps } from './key-signer.js';
import { localSigner } from './local-signer.js';

/**
 * The `ephemeral` backend, for development: on first start it generates an ECDSA P-256 root and a
 * leaf certificate for a new ECDSA P-256 signing key, and keeps the signing key and the chain in
 * `dataDir`, so that tokens and certificates stay verifiable across restarts. The root's private
 * key is dropped once the leaf is issued. Never for production: the key sits unencrypted on disk.
 */
export type EphemeralSignerSettings = {
  backend: 'ephemeral';
  dataDir: string;
  /** File name stem: the key is `<name>-key.pem` (mode 0600), the chain `<name>-chain.pem`. */
  name: string;
  /** Distinguished names, e.g. `CN=sigstack dev TSA root, O=sigstack`. */
  rootSubject: string;
  leafSubject: string;
  /**
   * The extensions of the leaf, which say what the key is for (the TSA: critical EKU timeStamping;
   * a CA: basic constraints and keyCertSign). Subject and authority key identifiers are added.
   */
  leafExtensions: readonly x509.Extension[];
  /** Validity of the generated chain, in days from now; the root outlives the leaf by a year. */
  validityDays: number;
};

const ALGORITHM = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
const DAY_MS = 86_400_000;
/** notBefore is set a little in the past, so that a verifier whose clock lags still accepts the chain. */
const BACKDATE_MS = 5 * 60_000;

/** A positive 128-bit serial number, as hex for @peculiar/x509. */
function serial(deps: SignerDeps): string {
  const bytes = deps.randomBytes(16);
  bytes[0] = ((bytes[0] as number) & 0x7f) | 0x40;
  return toHex(bytes);
}

/** Whole seconds: X.509 times have no fractions. */
function seconds(ms: number): Date {
  return new Date(Math.floor(ms / 1000) * 1000);
}

async function generate(settings: EphemeralSignerSettings, deps: SignerDeps): Promise<{ keyPem: string; chainPem: string }> {
  const now = deps.now();
  const notBefore = seconds(now - BACKDATE_MS);
  const rootKeys = await webcrypto.subtle.generateKey(ALGORITHM, true, ['sign', 'verify']);
  const root = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serial(deps),
    name: settings.rootSubject,
    notBefore,
    notAfter: seconds(now + (settings.validityDays + 365) * DAY_MS),
    keys: rootKeys,
    signingAlgorithm: ALGORITHM,
    extensions: [
      new x509.BasicConstraintsExtension(true, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(rootKeys.publicKey),
    ],
  });
  const leafKeys = await webcrypto.subtle.generateKey(ALGORITHM, true, ['sign', 'verify']);
  const leaf = await x509.X509CertificateGenerator.create({
    serialNumber: serial(deps),
    subject: settings.leafSubject,
    issuer: root.subject,
    notBefore,
    notAfter: seconds(now + settings.validityDays * DAY_MS),
    publicKey: leafKeys.publicKey,
    signingKey: rootKeys.privateKey,
    signingAlgorithm: ALGORITHM,
    extensions: [
      ...settings.leafExtensions,
      await x509.SubjectKeyIdentifierExtension.create(leafKeys.publicKey),
      await x509.AuthorityKeyIdentifierExtension.create(rootKeys.publicKey),
    ],
  });
  const pkcs8 = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', leafKeys.privateKey));
  const keyPem = createPrivateKey({ key: pkcs8, format: 'der', type: 'pkcs8' }).export({ type: 'pkcs8', format: 'pem' }).toString();
  return { keyPem, chainPem: certificatesToPem([leaf, root]) };
}

/** Writes `path` atomically (temporary file, then rename), so that a crash never leaves half a file. */
function writeAtomic(path: string, text: string, mode: number): void {
  const tmp = `${path}.tmp`;
  writeFileSync(tmp, text, { mode });
  renameSync(tmp, path);
}

/**
 * Loads the key and chain from `dataDir`, generating both on first start. Throws ConfigError when
 * only one of the two files exists (a start interrupted between the writes, or a file deleted by
 * hand) or when they do not parse. The registry checks the chain afterwards.
 */
export async function openEphemeralSigner(settings: EphemeralSignerSettings, deps: SignerDeps): Promise<CertifiedSigner> {
  const keyPath = join(settings.dataDir, `${settings.name}-key.pem`);
  const chainPath = join(settings.dataDir, `${settings.name}-chain.pem`);
  const haveKey = existsSync(keyPath);
  const haveChain = existsSync(chainPath);
  if (haveKey !== haveChain) {
    const [present, missing] = haveKey ? [keyPath, chainPath] : [chainPath, keyPath];
    throw new ConfigError([`ephemeral signer: ${present} exists but ${missing} does not; delete ${present} to generate a new key and chain`]);
  }
  if (!haveKey) {
    mkdirSync(settings.dataDir, { recursive: true, mode: 0o700 });
    const { keyPem, chainPem } = await generate(settings, deps);
    writeAtomic(keyPath, keyPem, 0o600);
    writeAtomic(chainPath, chainPem, 0o644);
  }
  try {
    const signer = localSigner(parsePrivateKey(readFileSync(keyPath, 'utf8')).key);
    return { signer, chain: parseCertificateChain(readFileSync(chainPath, 'utf8')), warnings: [] };
  } catch (err) {
    throw new ConfigError([`ephemeral signer in ${settings.dataDir}: ${isSigstackError(err) ? err.message : 'unreadable key or chain'}`]);
  }
}
