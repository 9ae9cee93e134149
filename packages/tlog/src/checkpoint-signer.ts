import type { KeyObject } from 'node:crypto';
import { ecdsaNoteSigner, ecdsaNoteVerifier, ed25519NoteSigner, ed25519NoteVerifier, openCheckpoint, rekorKeyId, signCheckpoint } from '@sigstack/crypto/note';
import { toHex } from '@sigstack/crypto/encoding';
import { LogError } from './errors.js';

/**
 * How the engine signs and checks its checkpoints. The service builds one from its log key (a
 * Rekor v1 note for the transparency log, the same note format for the CT log); the engine only
 * needs these four members.
 */
export interface CheckpointSigner {
  /** The checkpoint origin line, e.g. `rekor.example.com - 1234`. */
  readonly origin: string;
  /** A stable identifier of the signing key, recorded with the database and checked on open. */
  readonly keyId: string;
  /** Returns the signed note of the checkpoint (origin, size, root). */
  sign(size: number, rootHash: Uint8Array): string;
  /**
   * Parses a signed note, verifies it with this signer's key and checks its origin; throws a
   * SigstackError otherwise.
   */
  open(note: string): { size: number; rootHash: Uint8Array };
}

/**
 * A checkpoint signer for C2SP signed notes with one signature: the Rekor v1 layout (origin
 * `<host> - <treeID>`, signature name `<host>`, ECDSA key hint) when given an ECDSA key, or an
 * Ed25519 note with a C2SP key ID.
 */
export function noteCheckpointSigner(options: { origin: string; name: string; privateKey: KeyObject; publicKey: KeyObject }): CheckpointSigner {
  const { origin, name, privateKey, publicKey } = options;
  const ed25519 = publicKey.asymmetricKeyType === 'ed25519';
  const signer = ed25519 ? ed25519NoteSigner(name, privateKey) : ecdsaNoteSigner(name, privateKey);
  const verifier = ed25519 ? ed25519NoteVerifier(name, publicKey) : ecdsaNoteVerifier(name, publicKey);
  const keyId = toHex(rekorKeyId(publicKey));
  return {
    origin,
    keyId,
    sign(size, rootHash) {
      return signCheckpoint({ origin, size, rootHash, extensions: [] }, [signer]);
    },
    open(note) {
      const { checkpoint } = openCheckpoint(note, [verifier]);
      if (checkpoint.origin !== origin) {
        throw new LogError('ERR_LOG_INCONSISTENT', `checkpoint origin "${checkpoint.origin}" is not this log's "${origin}"`);
      }
      return checkpoint;
    },
  };
}
