import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { SigstackError, isSigstackError } from '@sigstack/crypto/errors';
import { ecdsaRawToDer, type EcCurve, type PublicKeyInfo } from '@sigstack/crypto/keys';
import { certificatePublicKey, parseCertificateChain, type x509 } from '@sigstack/crypto/x509';
import pkcs11js from 'pkcs11js';
import { ConfigError } from '../config.js';
import type { CertifiedSigner, KeySigner } from './key-signer.js';

/**
 * The `pkcs11` backend: the private key stays in a PKCS#11 token (an HSM; SoftHSM in tests), the
 * certificate chain is a PEM file. Only ECDSA keys (P-256, P-384, P-521) are supported.
 */
export type Pkcs11SignerSettings = {
  backend: 'pkcs11';
  /** Path of the PKCS#11 library, e.g. /usr/lib/softhsm/libsofthsm2.so. */
  module: string;
  /** Label of the token that holds the key (blank padding ignored). */
  tokenLabel: string;
  /** File whose content (one trailing newline dropped) is the user PIN. */
  pinFile: string;
  /** CKA_LABEL of the private key (CKO_PRIVATE_KEY); exactly one such key must exist. */
  keyLabel: string;
  /** PEM certificates: the certificate of the token's key first, root last. */
  chainFile: string;
};

/** DER of the namedCurve OIDs in CKA_EC_PARAMS. */
const CURVE_PARAMS: Readonly<Record<EcCurve, string>> = {
  'P-256': '06082a8648ce3d030107',
  'P-384': '06052b81040022',
  'P-521': '06052b81040023',
};

/** Raw r‖s is at most 2 × 66 bytes (P-521); room to spare. */
const SIGNATURE_BUFFER = 256;

/** The CKR_ name of a PKCS#11 error, and nothing else: the binding's messages carry no secrets, but stay safe. */
function reason(err: unknown): string {
  const match = err instanceof Error ? /CKR_[A-Z0-9_]+/.exec(err.message) : null;
  return match ? match[0] : 'pkcs11 library error';
}

function unavailable(what: string, err: unknown): SigstackError {
  return new SigstackError('ERR_SIGNER_UNAVAILABLE', `pkcs11 signer: ${what}: ${reason(err)}`);
}

function readSetting(path: string, what: string, warnings: string[]): string {
  try {
    // Same policy as the file backend: a readable secret is worth a warning, not a refusal.
    if (what === 'pin file' && (statSync(path).mode & 0o077) !== 0) warnings.push(`${what} ${path} is readable by other users; use mode 0600`);
    return readFileSync(path, 'utf8');
  } catch (err) {
    throw new ConfigError([`couldn't read the ${what} ${path}: ${(err as NodeJS.ErrnoException).code ?? 'unknown error'}`]);
  }
}

type Session = { module: pkcs11js.PKCS11; session: Buffer | undefined; loggedIn: boolean };

/** Logs out, closes the session and finalizes the module, ignoring errors: the token may already be gone. */
function release(state: Session): void {
  const { module, session } = state;
  if (session !== undefined) {
    if (state.loggedIn) {
      try {
        module.C_Logout(session);
      } catch {
        // Already logged out or the token is gone: nothing left to release.
      }
    }
    try {
      module.C_CloseSession(session);
    } catch {
      // Same.
    }
  }
  try {
    module.C_Finalize();
  } catch {
    // Already finalized.
  }
  state.session = undefined;
  state.loggedIn = false;
}

function findSlot(module: pkcs11js.PKCS11, label: string): Buffer {
  const labels: string[] = [];
  for (const slot of module.C_GetSlotList(true)) {
    const info = module.C_GetTokenInfo(slot);
    // SoftHSM always offers one more, uninitialized token: not worth listing.
    if ((info.flags & pkcs11js.CKF_TOKEN_INITIALIZED) === 0) continue;
    const tokenLabel = info.label.trim();
    if (tokenLabel === label) return slot;
    labels.push(JSON.stringify(tokenLabel));
  }
  throw new ConfigError([`pkcs11 signer: no token labelled ${JSON.stringify(label)} (tokens: ${labels.join(', ') || 'none'})`]);
}

function findPrivateKey(module: pkcs11js.PKCS11, session: Buffer, label: string, curve: EcCurve): Buffer {
  module.C_FindObjectsInit(session, [
    { type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_PRIVATE_KEY },
    { type: pkcs11js.CKA_LABEL, value: label },
  ]);
  let keys: Buffer[];
  try {
    keys = module.C_FindObjects(session, 2);
  } finally {
    module.C_FindObjectsFinal(session);
  }
  const key = keys[0];
  if (key === undefined) throw new ConfigError([`pkcs11 signer: no private key labelled ${JSON.stringify(label)} in the token`]);
  if (keys.length > 1) throw new ConfigError([`pkcs11 signer: more than one private key labelled ${JSON.stringify(label)}`]);
  const [type, params] = module.C_GetAttributeValue(session, key, [{ type: pkcs11js.CKA_KEY_TYPE }, { type: pkcs11js.CKA_EC_PARAMS }]);
  // CK_ULONG in host byte order; the key types are small numbers (CKK_EC = 3).
  const isEc = type?.value instanceof Buffer && type.value.readUIntLE(0, Math.min(type.value.length, 6)) === pkcs11js.CKK_EC;
  if (!isEc) throw new ConfigError([`pkcs11 signer: the key ${JSON.stringify(label)} is not an ECDSA key`]);
  const curveParams = params?.value instanceof Buffer ? params.value.toString('hex') : '';
  if (curveParams !== CURVE_PARAMS[curve]) throw new ConfigError([`pkcs11 signer: the key ${JSON.stringify(label)} is not on ${curve}, the curve of the chain's leaf`]);
  return key;
}

/**
 * Opens the token: loads `module`, finds the token labelled `tokenLabel`, opens one session, logs
 * in as user with the PIN of `pinFile`, and finds the ECDSA private key labelled `keyLabel`. The
 * public key is the chain leaf's (the key's curve must match it; the registry then proves with a
 * signature that the token's key is the leaf's). Throws ConfigError when the module does not load,
 * the token or key is missing, the PIN is wrong, or a file does not read or parse; everything
 * opened so far is released then. Errors name the CKR_ code, never the PIN.
 *
 * The signer hashes the message with the curve's hash and signs the digest with CKM_ECDSA, turning
 * the token's raw r‖s into DER. Calls are serialized on the one session. Any PKCS#11 failure while
 * signing (token removed, module finalized, session closed) rejects with ERR_SIGNER_UNAVAILABLE;
 * there is no reconnection (restart the service). One signer per module per process: PKCS#11
 * allows one C_Initialize at a time, and `close()` finalizes the module.
 */
export async function openPkcs11Signer(settings: Pkcs11SignerSettings): Promise<CertifiedSigner> {
  const problems: string[] = [];
  for (const field of ['module', 'tokenLabel', 'pinFile', 'keyLabel', 'chainFile'] as const) {
    if (settings[field] === '') problems.push(`${field}: the pkcs11 signer needs it`);
  }
  if (problems.length > 0) throw new ConfigError(problems);
  const warnings: string[] = [];
  const pin = readSetting(settings.pinFile, 'pin file', warnings).replace(/\r?\n$/, '');
  let chain: x509.X509Certificate[];
  let publicKey: PublicKeyInfo;
  try {
    chain = parseCertificateChain(readSetting(settings.chainFile, 'certificate chain', warnings));
    publicKey = certificatePublicKey(chain[0] as x509.X509Certificate);
  } catch (err) {
    if (err instanceof ConfigError) throw err;
    throw new ConfigError([`certificate chain ${settings.chainFile}: ${isSigstackError(err) ? err.message : 'does not parse'}`]);
  }
  const curve = publicKey.curve;
  if (publicKey.type !== 'ecdsa' || curve === undefined) throw new ConfigError([`pkcs11 signer: the chain's leaf holds a ${publicKey.type} key; only ECDSA keys are supported`]);

  const state: Session = { module: new pkcs11js.PKCS11(), session: undefined, loggedIn: false };
  try {
    state.module.load(settings.module);
  } catch {
    throw new ConfigError([`pkcs11 signer: couldn't load the module ${settings.module}`]);
  }
  let key: Buffer;
  try {
    state.module.C_Initialize();
  } catch (err) {
    throw new ConfigError([`pkcs11 signer: couldn't initialize the module ${settings.module}: ${reason(err)}`]);
  }
  try {
    const slot = findSlot(state.module, settings.tokenLabel);
    state.session = state.module.C_OpenSession(slot, pkcs11js.CKF_SERIAL_SESSION);
    try {
      state.module.C_Login(state.session, pkcs11js.CKU_USER, pin);
    } catch (err) {
      throw new ConfigError([`pkcs11 signer: login to the token ${JSON.stringify(settings.tokenLabel)} failed: ${reason(err)}`]);
    }
    state.loggedIn = true;
    key = findPrivateKey(state.module, state.session, settings.keyLabel, curve);
  } catch (err) {
    release(state);
    if (err instanceof ConfigError) throw err;
    throw new ConfigError([`pkcs11 signer: couldn't open the token ${JSON.stringify(settings.tokenLabel)}: ${reason(err)}`]);
  }
  return { signer: pkcs11Signer(state, key, publicKey, curve), chain, warnings };
}

function pkcs11Signer(state: Session, key: Buffer, publicKey: PublicKeyInfo, curve: EcCurve): KeySigner {
  let closed = false;
  /** The tail of the queue: a session runs one signing operation at a time. */
  let queue: Promise<unknown> = Promise.resolve();
  const signOnce = async (data: Uint8Array): Promise<Uint8Array> => {
    const session = state.session;
    if (closed || session === undefined) throw new SigstackError('ERR_SIGNER_UNAVAILABLE', 'pkcs11 signer: the signer was closed');
    let raw: Buffer;
    try {
      state.module.C_SignInit(session, { mechanism: pkcs11js.CKM_ECDSA }, key);
      raw = await state.module.C_SignAsync(session, createHash(publicKey.hash).update(data).digest(), Buffer.alloc(SIGNATURE_BUFFER));
    } catch (err) {
      throw unavailable('signing failed', err);
    }
    try {
      return ecdsaRawToDer(raw, curve);
    } catch (err) {
      throw unavailable('the token returned a malformed signature', err);
    }
  };
  return {
    publicKey,
    sign(data) {
      const result = queue.then(() => signOnce(data));
      queue = result.catch(() => undefined);
      return result;
    },
    async close() {
      if (closed) return;
      closed = true;
      await queue;
      release(state);
    },
  };
}
