/**
 * Strict PEM (RFC 7468 "strict" textual encoding) in Go's `pem.Encode` layout. Decoding accepts only
 * whitespace around blocks, no headers, and a body of standard padded canonical base64 split over
 * lines of any length (LF or CRLF). Errors are EncodingError ERR_ENCODING_INVALID.
 */
import { EncodingError } from '../errors.js';
import { parseBase64, toBase64 } from '../encoding.js';

export interface PemBlock {
  /** The label between `BEGIN ` and the dashes, e.g. `PUBLIC KEY`. */
  readonly label: string;
  /** The decoded body. */
  readonly der: Uint8Array;
}

const LABEL = /^[A-Z0-9]+(?: [A-Z0-9]+)*$/;
const BEGIN = /^-----BEGIN ([A-Z0-9]+(?: [A-Z0-9]+)*)-----$/;
const BODY_LINE = /^[A-Za-z0-9+/=]+$/;
const BLANK = /^[ \t]*$/;

function invalid(message: string, cause?: unknown): EncodingError {
  return new EncodingError('ERR_ENCODING_INVALID', message, { cause });
}

/** Encodes one block: `-----BEGIN label-----\n`, base64 in 64-character lines, `-----END label-----\n`. */
export function pemEncode(label: string, der: Uint8Array): string {
  if (!LABEL.test(label)) throw invalid(`pem label ${JSON.stringify(label.slice(0, 40))} is not upper-case words`);
  if (der.length === 0) throw invalid(`pem block ${label} would be empty`);
  const body = toBase64(der);
  let out = `-----BEGIN ${label}-----\n`;
  for (let i = 0; i < body.length; i += 64) out += `${body.slice(i, i + 64)}\n`;
  return `${out}-----END ${label}-----\n`;
}

/**
 * Decodes every block of `text`, in order. Throws when there is no block, when anything but
 * whitespace lies outside the blocks, when a block has headers, a bad or empty body, or a
 * mismatched or missing END line.
 * Precondition: the caller bounds `text` (the work is linear in its length).
 */
export function pemDecode(text: string): PemBlock[] {
  const blocks: PemBlock[] = [];
  let label: string | undefined;
  let body: string[] = [];
  let beginLine = 0;
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i] as string;
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (label === undefined) {
      if (BLANK.test(line)) continue;
      const begin = BEGIN.exec(line);
      // Text before, between or after blocks is refused: it is how smuggled data hides in "PEM" files.
      if (begin === null) throw invalid(`unexpected text outside a pem block on line ${i + 1}`);
      label = begin[1] as string;
      body = [];
      beginLine = i + 1;
      continue;
    }
    if (line.startsWith('-----END ')) {
      if (line !== `-----END ${label}-----`) throw invalid(`pem block ${label} from line ${beginLine} ends with a different label on line ${i + 1}`);
      let der: Uint8Array;
      try {
        der = parseBase64(body.join(''), `pem block ${label}`);
      } catch (err) {
        throw invalid(`pem block ${label} from line ${beginLine} is not valid base64`, err);
      }
      if (der.length === 0) throw invalid(`pem block ${label} from line ${beginLine} is empty`);
      blocks.push({ label, der });
      label = undefined;
      continue;
    }
    // Headers ("Proc-Type: ...") and blank lines inside a block are not allowed in strict PEM.
    if (!BODY_LINE.test(line)) throw invalid(`pem block ${label} has a line that is not base64 on line ${i + 1}`);
    body.push(line);
  }
  if (label !== undefined) throw invalid(`pem block ${label} from line ${beginLine} has no END line`);
  if (blocks.length === 0) throw invalid('no pem block found');
  return blocks;
}
