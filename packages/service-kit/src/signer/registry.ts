import { randomBytes } from 'node:crypto';
import { checkSignerChain } from './chain.js';
import { openEphemeralSigner, type EphemeralSignerSettings } from './ephemeral.js';
import { openFileSigner, type FileSignerSettings } from './file.js';
import type { CertifiedSigner, SignerDeps } from './key-signer.js';
import { openPkcs11Signer, type Pkcs11SignerSettings } from './pkcs11.js';

/** The settings of one backend, told apart by `backend`. */
export type SignerSettings = EphemeralSignerSettings | FileSignerSettings | Pkcs11SignerSettings;

export type SignerBackendName = SignerSettings['backend'];

type Opener<S> = (settings: S, deps: SignerDeps) => Promise<CertifiedSigner>;

/**
 * Every signer backend, by the name configurations use. Explicit: a backend exists because it is
 * listed here, not because some module was imported.
 */
export const SIGNER_BACKENDS: { readonly [B in SignerBackendName]: Opener<Extract<SignerSettings, { backend: B }>> } = {
  ephemeral: openEphemeralSigner,
  file: openFileSigner,
  pkcs11: openPkcs11Signer,
};

/** The backend names, for config parsers (`oneOf(SIGNER_BACKEND_NAMES)`). */
export const SIGNER_BACKEND_NAMES = Object.keys(SIGNER_BACKENDS) as SignerBackendName[];

const SYSTEM: SignerDeps = { now: () => Date.now(), randomBytes: (n) => new Uint8Array(randomBytes(n)) };

/**
 * Opens the backend `settings.backend` names and checks what it returns (checkSignerChain: the chain
 * verifies at `deps.now()` and its leaf certifies the signer's key, proven by a signature). Throws
 * ConfigError when the backend cannot be opened or the check fails; the signer is closed then.
 */
export async function openSigner(settings: SignerSettings, deps: Partial<SignerDeps> = {}): Promise<CertifiedSigner> {
  const full: SignerDeps = { ...SYSTEM, ...deps };
  const open = SIGNER_BACKENDS[settings.backend] as Opener<SignerSettings>;
  const certified = await open(settings, full);
  try {
    await checkSignerChain(certified.signer, certified.chain, new Date(full.now()));
  } catch (err) {
    await certified.signer.close();
    throw err;
  }
  return certified;
}
