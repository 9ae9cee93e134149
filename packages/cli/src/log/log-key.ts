/**
 * The log's key: pinned from `--key FILE`, or (flagged as unpinned) the one the log serves. Opens
 * checkpoints with it and maps every failure to its exit code: not signed by this key → 10,
 * signed by it but the signature fails → 11, malformed → 5 (from the log) or 3 (from a file).
 */
import { isSigstackError } from '@sigstack/crypto/errors';
import { logId, parsePublicKey, type PublicKeyInfo } from '@sigstack/crypto/keys';
import {
  ecdsaNoteVerifier,
  ed25519NoteVerifier,
  openCheckpoint,
  parseNote,
  parseVerifierKey,
  type NoteVerifier,
  type OpenedCheckpoint,
} from '@sigstack/crypto/note';
import { AuditError, usage } from '../errors.js';
import { readLocalFile } from '../files.js';
import { warn } from '../output.js';
import type { LogContext } from './context.js';

export type LogKey = {
  /** True when the key came from the user, false when the log served it. */
  pinned: boolean;
  /** The PEM public key (needed for SETs and log IDs); absent for a C2SP verifier key. */
  publicKey?: PublicKeyInfo;
  /** Lowercase hex SHA-256 of the SPKI: the Rekor log ID. */
  logId?: string;
  /** A C2SP verifier key: the one note verifier, with its own name. */
  vkey?: NoteVerifier;
  /** The key as text (PEM or vkey), to store with a monitor's state. */
  text: string;
  /** For people: `ecdsa P-256 key sha256:<log id>`. */
  label: string;
};

/** Longest key file we read. */
const MAX_KEY_FILE = 64 * 1024;

/** Parses a PEM public key or a C2SP verifier key `<name>+<hex id>+<base64>`; throws ERR_KEY_*. */
export function parseLogKey(text: string, pinned: boolean): LogKey {
  const trimmed = text.trim();
  if (!trimmed.startsWith('-----BEGIN')) {
    const vkey = parseVerifierKey(trimmed);
    return { pinned, vkey, text: trimmed, label: `ed25519 verifier key ${vkey.name}` };
  }
  const publicKey = parsePublicKey(text);
  const id = logId(publicKey.spki);
  const kind = publicKey.type === 'ecdsa' ? `ecdsa ${publicKey.curve}` : publicKey.type;
  return { pinned, publicKey, logId: id, text, label: `${kind} key sha256:${id}` };
}

/** `--key FILE` when given, else the key at /api/v1/log/publicKey with a warning that it is not pinned. */
export async function resolveLogKey(ctx: LogContext, quiet = false): Promise<LogKey> {
  if (ctx.keyFile !== undefined) return readKeyFile(ctx.keyFile);
  let pem: string;
  try {
    pem = await ctx.rekor.publicKey();
  } catch (err) {
    if (isSigstackError(err, 'ERR_CLIENT_STATUS')) throw usage(`the log serves no public key at ${ctx.url}/api/v1/log/publicKey; pass --key FILE`);
    throw err;
  }
  let key: LogKey;
  try {
    key = parseLogKey(pem, false);
  } catch (err) {
    throw new AuditError('badResponse', 'ERR_CLIENT_RESPONSE', `the log's public key does not parse: ${(err as Error).message}`, { cause: err });
  }
  if (!quiet) warn(ctx.io, `unpinned key: verifying with the ${key.label} that the log itself serves, which only shows the log agrees with itself; pin it with --key FILE`);
  return key;
}

export async function readKeyFile(path: string): Promise<LogKey> {
  const bytes = await readLocalFile(path, 'key file', MAX_KEY_FILE);
  try {
    return parseLogKey(Buffer.from(bytes).toString('utf8'), true);
  } catch (err) {
    throw new AuditError('input', 'ERR_KEY_MALFORMED', `key file ${path} holds no usable public key: ${(err as Error).message}`, { cause: err });
  }
}

/**
 * Note verifiers for `key` under every name that signs `note`: a Rekor v1 checkpoint is signed
 * under the log's hostname, which the pinned key does not know; the key hint (and the signature)
 * still bind each line to the key. A C2SP verifier key carries its own name.
 */
export function noteVerifiers(key: LogKey, note: string): NoteVerifier[] {
  if (key.vkey) return [key.vkey];
  const info = key.publicKey as PublicKeyInfo;
  const names = [...new Set(parseNote(note).signatures.map((s) => s.name))];
  if (info.type === 'ecdsa') return names.map((name) => ecdsaNoteVerifier(name, info.key));
  if (info.type === 'ed25519') return names.map((name) => ed25519NoteVerifier(name, info.key));
  throw new AuditError('input', 'ERR_KEY_UNSUPPORTED', `checkpoints are signed with ecdsa or ed25519 keys, not ${info.type}`);
}

/**
 * Verifies and parses a signed checkpoint. `source` names where it came from, for messages;
 * `from` decides whether a malformed note is the log's fault (5) or the user's file (3).
 */
export function openLogCheckpoint(key: LogKey, note: string, source: string, from: 'log' | 'file'): OpenedCheckpoint {
  try {
    return openCheckpoint(note, noteVerifiers(key, note));
  } catch (err) {
    if (err instanceof AuditError) throw err;
    if (isSigstackError(err, 'ERR_NOTE_UNVERIFIED')) {
      throw new AuditError('checkpointKey', 'ERR_NOTE_UNVERIFIED', `checkpoint from ${source} is not signed by the ${key.pinned ? 'pinned' : 'served'} ${key.label}`, { cause: err });
    }
    if (isSigstackError(err, 'ERR_SIGNATURE_INVALID')) {
      throw new AuditError('checkpointSignature', 'ERR_SIGNATURE_INVALID', `checkpoint from ${source} has a signature by the ${key.label} that does not verify`, { cause: err });
    }
    const code = isSigstackError(err) ? err.code : 'ERR_NOTE_MALFORMED';
    throw new AuditError(from === 'log' ? 'badResponse' : 'input', code, `checkpoint from ${source} is malformed: ${(err as Error).message}`, { cause: err });
  }
}
