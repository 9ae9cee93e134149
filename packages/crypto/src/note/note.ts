/**
 * C2SP signed notes (https://c2sp.org/signed-note): a text ending in "\n", a blank line, then one
 * or more lines `— <key name> base64(4-byte key ID || signature)\n`.
 *
 * Parsing is strict and regex-free on hostile text (a linear scan per rule), so a crafted note
 * cannot make it backtrack. Checkpoints (checkpoint.ts) and key types (signers.ts) build on this.
 */
import { EncodingError, VerificationError } from '../errors.js';
import { bytesEqual, concatBytes, parseBase64, toBase64, toHex, utf8Bytes } from '../encoding.js';

/**
 * Largest note we parse or produce, in UTF-8 bytes. 100 signatures of the largest post-quantum
 * size the spec mentions (~5 kB, ~6.7 kB in base64) fit with room to spare; anything bigger is
 * not a note we want to scan or hold in memory.
 */
export const MAX_NOTE_BYTES = 1024 * 1024;

/**
 * Most signature lines we parse. The spec requires accepting at least 16; 100 is Go's
 * golang.org/x/mod/sumdb/note bound. Every known signature costs a verification, so the bound
 * caps the work one note can demand.
 */
export const MAX_NOTE_SIGNATURES = 100;

const EM_DASH_SPACE = '\u2014 ';

/** Signs a note text with one key. `keyId` is the 4-byte key ID put in front of the signature. */
export interface NoteSigner {
  readonly name: string;
  readonly keyId: Uint8Array;
  sign(msg: Uint8Array): Uint8Array;
}

/** Verifies note signatures by one key. `verify` returns false (never throws) on a bad signature. */
export interface NoteVerifier {
  readonly name: string;
  readonly keyId: Uint8Array;
  verify(msg: Uint8Array, sig: Uint8Array): boolean;
}

/** One signature line: key name, 4-byte key ID and the signature bytes after the key ID. */
export interface NoteSignature {
  name: string;
  keyId: Uint8Array;
  signature: Uint8Array;
}

export interface ParsedNote {
  /** The signed text, including its final "\n", without the blank separator line. */
  text: string;
  signatures: NoteSignature[];
}

export interface OpenedNote {
  text: string;
  /** Names of the known keys whose signatures verified, each once, in note order. */
  verifiedBy: string[];
}

function malformed(message: string, cause?: unknown): never {
  throw new EncodingError('ERR_NOTE_MALFORMED', message, cause === undefined ? undefined : { cause });
}

/** True for the characters Go's unicode.IsSpace reports (the Unicode White_Space property). */
function isUnicodeSpace(c: number): boolean {
  return (
    (c >= 0x09 && c <= 0x0d) ||
    c === 0x20 ||
    c === 0x85 ||
    c === 0xa0 ||
    c === 0x1680 ||
    (c >= 0x2000 && c <= 0x200a) ||
    c === 0x2028 ||
    c === 0x2029 ||
    c === 0x202f ||
    c === 0x205f ||
    c === 0x3000
  );
}

/**
 * Returns the index of the first character that may not appear in a note (an ASCII control
 * character other than "\n", or half of a surrogate pair, which has no UTF-8 encoding), or -1.
 * DEL and C1 controls are allowed, as in the spec and in Go's implementation.
 */
function findBadChar(text: string): number {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x20 && c !== 0x0a) return i;
    if (c >= 0xd800 && c <= 0xdbff) {
      const next = text.charCodeAt(i + 1); // NaN past the end: not a low surrogate
      if (!(next >= 0xdc00 && next <= 0xdfff)) return i;
      i++;
    } else if (c >= 0xdc00 && c <= 0xdfff) {
      return i;
    }
  }
  return -1;
}

/**
 * True when `name` is a valid note key name: non-empty, no Unicode spaces, no '+', and (since it
 * sits in a note) no control characters or lone surrogates.
 */
export function isValidKeyName(name: string): boolean {
  if (typeof name !== 'string' || name === '' || findBadChar(name) >= 0) return false;
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    if (c === 0x2b || isUnicodeSpace(c)) return false;
  }
  return true;
}

/**
 * Checks what every note text must satisfy: a string ending in "\n", within the size bound,
 * valid UTF-8 (no lone surrogates) and free of control characters other than "\n".
 * Throws ERR_NOTE_MALFORMED naming `what`.
 */
export function checkNoteText(text: string, what = 'note text'): void {
  if (typeof text !== 'string') malformed(`${what} must be a string, got ${typeof text}`);
  // Cheap bound before scanning: UTF-8 is never shorter than the UTF-16 length.
  if (text.length > MAX_NOTE_BYTES) malformed(`${what} is longer than ${MAX_NOTE_BYTES} bytes`);
  const bad = findBadChar(text);
  if (bad >= 0) malformed(`${what} has a forbidden character U+${text.charCodeAt(bad).toString(16).padStart(4, '0')} at offset ${bad}`);
  if (!text.endsWith('\n')) malformed(`${what} must end with a newline`);
}

const fatalUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

function decodeNote(note: string | Uint8Array): string {
  if (note instanceof Uint8Array) {
    // Bound before decoding: a huge body must not be turned into an even bigger string.
    if (note.byteLength > MAX_NOTE_BYTES) malformed(`note has ${note.byteLength} bytes, more than ${MAX_NOTE_BYTES}`);
    try {
      return fatalUtf8.decode(note);
    } catch (err) {
      return malformed('note is not valid utf-8', err);
    }
  }
  if (typeof note !== 'string') malformed(`note must be a string or bytes, got ${typeof note}`);
  return note;
}

function parseSignatureLine(line: string, lineNo: number): NoteSignature {
  if (!line.startsWith(EM_DASH_SPACE)) malformed(`signature line ${lineNo} does not start with an em dash and a space`);
  const space = line.indexOf(' ', EM_DASH_SPACE.length);
  if (space < 0) malformed(`signature line ${lineNo} has no space between key name and signature`);
  const name = line.slice(EM_DASH_SPACE.length, space);
  if (!isValidKeyName(name)) malformed(`signature line ${lineNo} has an invalid key name`);
  let bytes: Uint8Array;
  try {
    bytes = parseBase64(line.slice(space + 1), `signature ${lineNo}`);
  } catch (err) {
    return malformed(`signature line ${lineNo} is not standard base64`, err);
  }
  // 4 bytes of key ID and at least one byte of signature.
  if (bytes.byteLength < 5) malformed(`signature line ${lineNo} decodes to ${bytes.byteLength} bytes, want more than 4`);
  return { name, keyId: bytes.slice(0, 4), signature: bytes.slice(4) };
}

/**
 * Parses a signed note without verifying it. The text is split from the signatures at the LAST
 * blank line, as the spec and Go do (sigstore-js splits at the first; for checkpoints, which
 * contain no blank line, both agree). Accepts a string or its UTF-8 bytes (decoded strictly).
 * Throws ERR_NOTE_MALFORMED for anything that is not a well-formed note.
 */
export function parseNote(note: string | Uint8Array): ParsedNote {
  const s = decodeNote(note);
  checkNoteText(s, 'note');
  if (Buffer.byteLength(s, 'utf8') > MAX_NOTE_BYTES) malformed(`note is longer than ${MAX_NOTE_BYTES} bytes`);
  const split = s.lastIndexOf('\n\n');
  if (split < 0) malformed('note has no blank line before its signatures');
  const text = s.slice(0, split + 1);
  const block = s.slice(split + 2);
  if (block === '') malformed('note has no signature lines');
  const signatures: NoteSignature[] = [];
  // The block ends with "\n" (checked above) and holds no empty line (the split was the last one).
  for (let start = 0; start < block.length; ) {
    const end = block.indexOf('\n', start);
    // Bound the work per note before parsing or verifying another line.
    if (signatures.length === MAX_NOTE_SIGNATURES) malformed(`note has more than ${MAX_NOTE_SIGNATURES} signatures`);
    signatures.push(parseSignatureLine(block.slice(start, end), signatures.length + 1));
    start = end + 1;
  }
  return { text, signatures };
}

/**
 * Serializes a note from its text and signatures. Preconditions, checked (ERR_NOTE_MALFORMED):
 * the text passes `checkNoteText`; there are 1..MAX_NOTE_SIGNATURES signatures, each with a valid
 * key name, a 4-byte key ID and a non-empty signature; the result fits in MAX_NOTE_BYTES.
 */
export function formatNote(text: string, signatures: readonly NoteSignature[]): string {
  checkNoteText(text);
  if (!Array.isArray(signatures) || signatures.length === 0) malformed('a note needs at least one signature');
  if (signatures.length > MAX_NOTE_SIGNATURES) malformed(`note has ${signatures.length} signatures, more than ${MAX_NOTE_SIGNATURES}`);
  let out = `${text}\n`;
  for (const sig of signatures) {
    if (!isValidKeyName(sig.name)) malformed(`invalid note key name ${JSON.stringify(String(sig.name).slice(0, 40))}`);
    if (!(sig.keyId instanceof Uint8Array) || sig.keyId.byteLength !== 4) malformed(`key id of ${sig.name} must be 4 bytes`);
    if (!(sig.signature instanceof Uint8Array) || sig.signature.byteLength === 0) malformed(`signature of ${sig.name} is empty`);
    out += `${EM_DASH_SPACE}${sig.name} ${toBase64(concatBytes(sig.keyId, sig.signature))}\n`;
  }
  if (Buffer.byteLength(out, 'utf8') > MAX_NOTE_BYTES) malformed(`note is longer than ${MAX_NOTE_BYTES} bytes`);
  return out;
}

/** Signs `text` (which must end in "\n") with every signer, in order, and returns the note. */
export function signNote(text: string, signers: readonly NoteSigner[]): string {
  checkNoteText(text);
  if (!Array.isArray(signers)) malformed('signers must be an array');
  const msg = utf8Bytes(text);
  return formatNote(
    text,
    signers.map((s) => ({ name: s.name, keyId: s.keyId, signature: s.sign(msg) })),
  );
}

function keyLabel(name: string, keyId: Uint8Array): string {
  return `${name}+${toHex(keyId)}`;
}

/**
 * Parses and verifies a note against known keys, following the spec:
 * - a signature whose (name, key ID) matches no verifier is ignored;
 * - every signature from a known key is verified, and one that fails rejects the whole note with
 *   ERR_SIGNATURE_INVALID (a trusted key vouching for something else is evidence of tampering,
 *   which we keep distinct from "not signed by anyone we know");
 * - if no known key signed, ERR_NOTE_UNVERIFIED.
 * Two verifiers with the same name and key ID are ambiguous and rejected (ERR_NOTE_UNVERIFIED).
 * Malformed notes throw ERR_NOTE_MALFORMED before any signature is checked.
 */
export function openNote(note: string | Uint8Array, verifiers: readonly NoteVerifier[]): OpenedNote {
  const parsed = parseNote(note);
  if (!Array.isArray(verifiers)) throw new VerificationError('ERR_NOTE_UNVERIFIED', 'verifiers must be an array');
  verifiers.forEach((v, i) => {
    if (verifiers.findIndex((w) => w.name === v.name && bytesEqual(w.keyId, v.keyId)) !== i) {
      throw new VerificationError('ERR_NOTE_UNVERIFIED', `two verifiers share the key ${keyLabel(v.name, v.keyId)}`);
    }
  });
  const msg = utf8Bytes(parsed.text);
  const verifiedBy: string[] = [];
  for (const sig of parsed.signatures) {
    const verifier = verifiers.find((v) => v.name === sig.name && bytesEqual(v.keyId, sig.keyId));
    if (verifier === undefined) continue; // unknown key: the spec says ignore it
    if (!verifier.verify(msg, sig.signature)) {
      throw new VerificationError('ERR_SIGNATURE_INVALID', `note signature by known key ${keyLabel(sig.name, sig.keyId)} does not verify`);
    }
    if (!verifiedBy.includes(sig.name)) verifiedBy.push(sig.name);
  }
  if (verifiedBy.length === 0) {
    throw new VerificationError('ERR_NOTE_UNVERIFIED', `note has ${parsed.signatures.length} signatures, none by a known key`);
  }
  return { text: parsed.text, verifiedBy };
}

