/** Signed notes, checkpoints and note keys: the `@sigstack/crypto/note` entry point. */
export {
  MAX_NOTE_BYTES,
  MAX_NOTE_SIGNATURES,
  type NoteSigner,
  type NoteVerifier,
  type NoteSignature,
  type ParsedNote,
  type OpenedNote,
  isValidKeyName,
  checkNoteText,
  parseNote,
  formatNote,
  signNote,
  openNote,
} from './note.js';
export {
  type Checkpoint,
  type OpenedCheckpoint,
  formatCheckpoint,
  parseCheckpoint,
  signCheckpoint,
  openCheckpoint,
  rekorOrigin,
  isRekorV1Origin,
} from './checkpoint.js';
export {
  SIG_TYPE_ED25519,
  rekorKeyId,
  noteKeyId,
  ecdsaNoteSigner,
  ecdsaNoteVerifier,
  ed25519NoteSigner,
  ed25519NoteVerifier,
  ed25519VerifierKey,
  parseVerifierKey,
} from './signers.js';
