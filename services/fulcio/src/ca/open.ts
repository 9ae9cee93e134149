/**
 * Opening the CA at start-up. The CA key lives behind @sigstack/service-kit's signer interface
 * (`KeySigner`, shared with the timestamp authority) and is opened by its explicit backend registry
 * (`openSigner`); this file says what the CA asks of each backend:
 * - `ephemeral` (development): an ECDSA P-256 root and, under it, the P-256 intermediate that issues
 *   leaves, with the CA profile below, kept as `<dir>/ca-key.pem` (mode 0600) and `<dir>/ca-chain.pem`
 *   and reused across restarts;
 * - `file`: a PEM key, normally an encrypted PKCS#8 `ENCRYPTED PRIVATE KEY` with its password in
 *   `passwordFile`, and the PEM chain, issuing certificate first, root last.
 * - `pkcs11`: the key in an HSM (a PKCS#11 module, token label, user PIN file and key label) with the
 *   PEM chain of its certificate, issuing certificate first, root last; an HSM outage while signing is
 *   ERR_SIGNER_UNAVAILABLE (503) and nothing is issued.
 */
import { openSigner, type SignerSettings } from '@sigstack/service-kit';
import { x509 } from '@sigstack/crypto/x509';
import { CertificateAuthority } from './certificate-authority.js';
import { CAError } from './errors.js';
import { OID_CODE_SIGNING } from './leaf-extensions.js';

/** Where the CA key and chain come from; `type` picks the backend. */
export type CABackendConfig =
  | { readonly type: 'ephemeral'; /** The data directory. */ readonly dir: string }
  | { readonly type: 'file'; readonly keyFile: string; /** One trailing newline is ignored; '' for an unencrypted key. */ readonly passwordFile: string; readonly chainFile: string }
  | { readonly type: 'pkcs11'; readonly module: string; readonly tokenLabel: string; readonly pinFile: string; readonly keyLabel: string; readonly chainFile: string };

/** The backend names config may choose from. */
export const CA_BACKEND_TYPES: readonly CABackendConfig['type'][] = Object.freeze(['ephemeral', 'file', 'pkcs11'] as const);

/** About ten years, like upstream's ephemeral CA; service-kit gives the root one more year. */
const EPHEMERAL_VALIDITY_DAYS = 3650;

/** The service-kit signer settings for `config`; the ephemeral intermediate gets the CA profile (fulcio.md §4.2). */
export function caSignerSettings(config: CABackendConfig): SignerSettings {
  if (config.type === 'file') return { backend: 'file', keyFile: config.keyFile, passwordFile: config.passwordFile, chainFile: config.chainFile };
  if (config.type === 'pkcs11') {
    return { backend: 'pkcs11', module: config.module, tokenLabel: config.tokenLabel, pinFile: config.pinFile, keyLabel: config.keyLabel, chainFile: config.chainFile };
  }
  return {
    backend: 'ephemeral',
    dataDir: config.dir,
    name: 'ca',
    rootSubject: 'O=sigstack, CN=sigstack ephemeral root',
    leafSubject: 'O=sigstack, CN=sigstack ephemeral intermediate',
    leafExtensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      // Go chains extended key usages: without codeSigning here, code-signing leaves do not verify.
      new x509.ExtendedKeyUsageExtension([OID_CODE_SIGNING], false),
    ],
    validityDays: EPHEMERAL_VALIDITY_DAYS,
  };
}

/** Injected time and randomness for start-up and issuance. */
export interface OpenDeps {
  /** Milliseconds since the epoch; default Date.now. */
  readonly clock?: (() => number) | undefined;
  /** `size` random bytes; default node:crypto randomBytes. */
  readonly random?: ((size: number) => Uint8Array) | undefined;
}

/**
 * Opens the CA key with service-kit's `openSigner` (which checks the chain's links and that the key
 * is the first certificate's, with a probe signature) and builds the CertificateAuthority on it
 * (which adds the CA rules of `checkCAChain`). Throws ERR_CONFIG_INVALID (service-kit's ConfigError
 * or a CAError) when anything is wrong: refuse to start. The signer is closed on failure.
 * Warnings for the operator (e.g. a key file other users can read) are in `ca.warnings`.
 */
export async function openCertificateAuthority(config: CABackendConfig, deps: OpenDeps = {}): Promise<CertificateAuthority> {
  if (!CA_BACKEND_TYPES.includes(config.type)) {
    throw new CAError('ERR_CONFIG_INVALID', `ca backend ${JSON.stringify(String(config.type))} is not one of ${CA_BACKEND_TYPES.join(', ')}`);
  }
  const signer = await openSigner(caSignerSettings(config), {
    ...(deps.clock ? { now: deps.clock } : {}),
    ...(deps.random ? { randomBytes: deps.random } : {}),
  });
  try {
    return new CertificateAuthority({ signer, clock: deps.clock, random: deps.random });
  } catch (err) {
    await signer.signer.close();
    throw err;
  }
}
