/**
 * A strict JSON parser (RFC 8259, restricted to the I-JSON profile that RFC 8785 requires) for
 * attacker-controlled text. It is iterative (an explicit stack, no recursion), so nesting can only
 * ever produce ERR_JSON_LIMIT, never a RangeError. Everything `JSON.parse` would quietly accept or
 * quietly change is an error here:
 *
 * - malformed text (ERR_JSON_INVALID, with the offset): trailing garbage, a byte order mark, leading
 *   zeros, `NaN`/`Infinity`, comments, trailing commas, raw control characters in strings, invalid
 *   escapes, invalid UTF-8 (byte input);
 * - duplicate object keys, compared after unescaping (`"a"` and `"\u0061"` are the same key);
 * - lone surrogates, escaped (`"\ud800"`) or raw (an unpaired surrogate in a JS string input);
 * - numbers that do not survive as an IEEE 754 double. Policy:
 *   - an integer literal (no fraction, no exponent) must be a safe integer, |n| ≤ 2^53 − 1; above that
 *     `JSON.parse` would round it silently (2^53 + 1 becomes 2^53), so we reject it;
 *   - a literal with a fraction or an exponent is a double, rounded to nearest as RFC 8785 and I-JSON
 *     (RFC 7493) define, and serialized by JCS's ECMAScript rules (`4.50` → 4.5, `1E30` → 1e+30).
 *     It must be finite (`1e400` is rejected) and must not underflow to zero while having a non-zero
 *     digit (`1e-400` is rejected): both would silently change the value. Its value must not be an
 *     integer with 2^53 − 1 < |n| < 10^21 (`9007199254740993.0` and `1e20` are rejected): JCS would
 *     print it as a plain integer literal beyond the safe range, which this parser refuses, so
 *     canonicalization would no longer be idempotent (see isExactJsonNumber). Callers that need exact
 *     large integers must send them as strings;
 *   - `-0` is kept as -0 (JCS serializes it as `0`).
 *
 * Resource limits (ERR_JSON_LIMIT) are described in src/json/limits.ts.
 *
 * Objects are created with a null prototype (`Object.create(null)`). Then a `"__proto__"` key is an
 * ordinary own data property (assignment finds no inherited `__proto__` setter), so it can neither
 * change the prototype nor be skipped, and no key is ever "already present" through inheritance
 * (`"constructor"`, `"toString"`). Consumers must therefore use `Object.hasOwn(o, k)` or `o[k] !== undefined`,
 * never `o.hasOwnProperty(k)`, must not coerce a parsed object to a string (`${o}` throws a TypeError:
 * check `typeof` first), and must not `Object.assign` one into an ordinary object (that would
 * invoke the `__proto__` setter of the target); spread syntax is safe.
 *
 * Error offsets count UTF-16 code units for string input and bytes for `Uint8Array` input.
 */
import { Buffer } from 'node:buffer';
import { EncodingError } from '../errors.js';
import { resolveJsonLimits, type JsonLimits } from './limits.js';
import { isExactJsonNumber, type JsonObject, type JsonValue } from './value.js';

const TAB = 0x09;
const LF = 0x0a;
const CR = 0x0d;
const SPACE = 0x20;
const QUOTE = 0x22;
const PLUS = 0x2b;
const COMMA = 0x2c;
const MINUS = 0x2d;
const DOT = 0x2e;
const SLASH = 0x2f;
const ZERO = 0x30;
const ONE = 0x31;
const NINE = 0x39;
const COLON = 0x3a;
const UPPER_E = 0x45;
const LEFT_BRACKET = 0x5b;
const BACKSLASH = 0x5c;
const RIGHT_BRACKET = 0x5d;
const LOWER_B = 0x62;
const LOWER_E = 0x65;
const LOWER_F = 0x66;
const LOWER_N = 0x6e;
const LOWER_R = 0x72;
const LOWER_T = 0x74;
const LOWER_U = 0x75;
const LEFT_BRACE = 0x7b;
const RIGHT_BRACE = 0x7d;
const BOM = 0xfeff;

// fatal: invalid UTF-8 throws instead of becoming U+FFFD; ignoreBOM: a leading BOM is kept (not
// silently stripped) so that the parser rejects it like any other stray character.
const utf8Decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** Never echo a huge hostile value back into an error message. */
function quote(text: string): string {
  return text.length > 40 ? `${JSON.stringify(text.slice(0, 40))}…` : JSON.stringify(text);
}

function isDigit(c: number): boolean {
  return c >= ZERO && c <= NINE;
}

/** The value of one hex digit, or -1 (also for NaN, i.e. past the end of the text). */
function hexDigit(c: number): number {
  if (c >= ZERO && c <= NINE) return c - ZERO;
  const lower = c | 0x20;
  return lower >= 0x61 && lower <= LOWER_F ? lower - 0x57 : -1;
}

class Parser {
  readonly text: string;
  readonly end: number;
  readonly limits: JsonLimits;
  readonly fromBytes: boolean;
  pos = 0;
  count = 0;

  constructor(text: string, limits: JsonLimits, fromBytes: boolean) {
    this.text = text;
    this.end = text.length;
    this.limits = limits;
    this.fromBytes = fromBytes;
  }

  /** Offset in the caller's units: code units for string input, bytes for byte input. */
  offset(at: number): number {
    return this.fromBytes ? Buffer.byteLength(this.text.slice(0, at), 'utf8') : at;
  }

  invalid(message: string, at: number): EncodingError {
    return new EncodingError('ERR_JSON_INVALID', `${message} at offset ${this.offset(at)}`);
  }

  limit(message: string, at: number): EncodingError {
    return new EncodingError('ERR_JSON_LIMIT', `${message} at offset ${this.offset(at)}`);
  }

  unexpected(at: number): EncodingError {
    if (at >= this.end) return this.invalid('unexpected end of input', at);
    const c = this.text.charCodeAt(at);
    const shown = c > SPACE && c < 0x7f ? `'${String.fromCharCode(c)}'` : `U+${c.toString(16).toUpperCase().padStart(4, '0')}`;
    return this.invalid(`unexpected character ${shown}`, at);
  }

  /** Counts one value or key against maxValues. */
  counted(at: number): void {
    // Security: bounds the number of allocations, whatever the body size.
    if (++this.count > this.limits.maxValues) throw this.limit(`more than ${this.limits.maxValues} json values`, at);
  }

  skipWhitespace(): void {
    const text = this.text;
    let pos = this.pos;
    for (;;) {
      const c = text.charCodeAt(pos);
      if (c !== SPACE && c !== LF && c !== CR && c !== TAB) break;
      pos++;
    }
    this.pos = pos;
  }

  parse(): JsonValue {
    const text = this.text;
    const maxDepth = this.limits.maxDepth;
    if (text.charCodeAt(0) === BOM) throw this.invalid('unexpected byte order mark', 0);
    // The explicit stack: open containers, and for objects the key whose value is being parsed.
    const containers: (JsonValue[] | JsonObject)[] = [];
    const keys: string[] = [];
    for (;;) {
      // Parse the start of one value.
      this.skipWhitespace();
      const start = this.pos;
      const c = text.charCodeAt(start);
      let value: JsonValue;
      if (c === LEFT_BRACKET || c === LEFT_BRACE) {
        this.counted(start);
        // Security: nesting is bounded so that no later walker of the value can overflow its stack.
        if (containers.length >= maxDepth) throw this.limit(`json nested deeper than ${maxDepth}`, start);
        this.pos++;
        this.skipWhitespace();
        if (c === LEFT_BRACKET) {
          const array: JsonValue[] = [];
          if (text.charCodeAt(this.pos) !== RIGHT_BRACKET) {
            containers.push(array);
            keys.push('');
            continue;
          }
          this.pos++;
          value = array;
        } else {
          const object = Object.create(null) as JsonObject;
          if (text.charCodeAt(this.pos) !== RIGHT_BRACE) {
            keys.push(this.key(object));
            containers.push(object);
            continue;
          }
          this.pos++;
          value = object;
        }
      } else {
        value = this.scalar(c, start);
      }
      // Store the finished value in its container; close every container that ends here.
      for (;;) {
        const top = containers.length - 1;
        if (top < 0) {
          this.skipWhitespace();
          if (this.pos < this.end) throw this.unexpected(this.pos);
          return value;
        }
        const container = containers[top]!;
        let close: number;
        if (Array.isArray(container)) {
          container.push(value);
          close = RIGHT_BRACKET;
        } else {
          container[keys[top]!] = value;
          close = RIGHT_BRACE;
        }
        this.skipWhitespace();
        const next = text.charCodeAt(this.pos);
        if (next === COMMA) {
          this.pos++;
          if (close === RIGHT_BRACE) {
            this.skipWhitespace();
            keys[top] = this.key(container as JsonObject);
          }
          break;
        }
        if (next !== close) throw this.unexpected(this.pos);
        this.pos++;
        containers.pop();
        keys.pop();
        value = container;
      }
    }
  }

  /** Parses `"key" :` at the current position (whitespace already skipped) and rejects duplicates. */
  key(object: JsonObject): string {
    const start = this.pos;
    if (this.text.charCodeAt(start) !== QUOTE) throw this.unexpected(start);
    const key = this.string();
    // Null-prototype object: only own keys can be found, and no value is ever undefined.
    if (object[key] !== undefined) throw this.invalid(`duplicate key ${quote(key)}`, start);
    this.counted(start);
    this.skipWhitespace();
    if (this.text.charCodeAt(this.pos) !== COLON) throw this.unexpected(this.pos);
    this.pos++;
    return key;
  }

  scalar(c: number, start: number): JsonValue {
    if (c === QUOTE) {
      this.counted(start);
      return this.string();
    }
    if (c === MINUS || isDigit(c)) {
      this.counted(start);
      return this.number();
    }
    let word: string;
    let value: JsonValue;
    if (c === LOWER_T) {
      word = 'true';
      value = true;
    } else if (c === LOWER_F) {
      word = 'false';
      value = false;
    } else if (c === LOWER_N) {
      word = 'null';
      value = null;
    } else {
      throw this.unexpected(start);
    }
    for (let k = 1; k < word.length; k++) {
      if (this.text.charCodeAt(start + k) !== word.charCodeAt(k)) throw this.unexpected(start + k);
    }
    this.counted(start);
    this.pos = start + word.length;
    return value;
  }

  /** Parses a string starting at the opening quote; leaves `pos` after the closing quote. */
  string(): string {
    const text = this.text;
    const end = this.end;
    const start = this.pos;
    let out = '';
    let pos = start + 1;
    let chunk = pos; // start of the run of unescaped characters not yet copied to `out`
    while (pos < end) {
      const c = text.charCodeAt(pos);
      // Fast path: printable, not a quote, backslash or surrogate.
      if (c > QUOTE && c < 0xd800 && c !== BACKSLASH) {
        pos++;
        continue;
      }
      if (c === QUOTE) {
        const value = chunk === start + 1 ? text.slice(chunk, pos) : out + text.slice(chunk, pos);
        // Security: bounds the largest single string handed to later code.
        if (value.length > this.limits.maxStringLength) {
          throw this.limit(`string longer than ${this.limits.maxStringLength} characters`, start);
        }
        this.pos = pos + 1;
        return value;
      }
      if (c === BACKSLASH) {
        const decoded = this.escape(pos);
        out += text.slice(chunk, pos) + decoded;
        // Only an escaped surrogate pair decodes to two code units.
        pos += decoded.length === 2 ? 12 : text.charCodeAt(pos + 1) === LOWER_U ? 6 : 2;
        chunk = pos;
        continue;
      }
      if (c < SPACE) throw this.invalid(`control character U+${c.toString(16).toUpperCase().padStart(4, '0')} in string`, pos);
      if (c >= 0xd800 && c <= 0xdfff) {
        // A raw surrogate is only allowed as the first half of a pair (string input only: decoded
        // UTF-8 never contains one).
        const next = text.charCodeAt(pos + 1);
        if (c > 0xdbff || !(next >= 0xdc00 && next <= 0xdfff)) throw this.invalid('lone surrogate in string', pos);
        pos += 2;
        continue;
      }
      pos++;
    }
    throw this.invalid('unterminated string', start);
  }

  /** Decodes the escape sequence at `at` (a backslash); a surrogate pair needs both halves escaped. */
  escape(at: number): string {
    const text = this.text;
    switch (text.charCodeAt(at + 1)) {
      case QUOTE:
        return '"';
      case BACKSLASH:
        return '\\';
      case SLASH:
        return '/';
      case LOWER_B:
        return '\b';
      case LOWER_F:
        return '\f';
      case LOWER_N:
        return '\n';
      case LOWER_R:
        return '\r';
      case LOWER_T:
        return '\t';
      case LOWER_U: {
        const unit = this.hex4(at + 2);
        if (unit < 0xd800 || unit > 0xdfff) return String.fromCharCode(unit);
        // Security/JCS: strings must be Unicode scalar values; an unpaired surrogate has no UTF-8 form.
        if (unit > 0xdbff || text.charCodeAt(at + 6) !== BACKSLASH || text.charCodeAt(at + 7) !== LOWER_U) {
          throw this.invalid('lone surrogate in string', at);
        }
        const low = this.hex4(at + 8);
        if (low < 0xdc00 || low > 0xdfff) throw this.invalid('lone surrogate in string', at);
        return String.fromCharCode(unit, low);
      }
      default:
        if (at + 1 >= this.end) throw this.unexpected(at + 1);
        throw this.invalid('invalid escape in string', at);
    }
  }

  /** The code unit spelled by the four hex digits at `at`. */
  hex4(at: number): number {
    const text = this.text;
    let unit = 0;
    for (let k = 0; k < 4; k++) {
      const digit = hexDigit(text.charCodeAt(at + k));
      if (digit < 0) throw this.invalid('invalid \\u escape in string', at - 2);
      unit = (unit << 4) | digit;
    }
    return unit;
  }

  /** Parses a number per the RFC 8259 grammar and the precision policy in the module comment. */
  number(): number {
    const text = this.text;
    const start = this.pos;
    let pos = start;
    let c = text.charCodeAt(pos);
    const negative = c === MINUS;
    if (negative) c = text.charCodeAt(++pos);
    let integer = true;
    let nonZeroDigit = false;
    let whole = 0; // the integer part; exact while it has at most 15 digits
    if (c === ZERO) {
      c = text.charCodeAt(++pos);
      if (isDigit(c)) throw this.invalid('leading zero in number', pos - 1);
    } else if (c >= ONE && c <= NINE) {
      nonZeroDigit = true;
      do {
        whole = whole * 10 + (c - ZERO);
        c = text.charCodeAt(++pos);
      } while (isDigit(c));
    } else {
      throw this.unexpected(pos);
    }
    if (c === DOT) {
      integer = false;
      c = text.charCodeAt(++pos);
      if (!isDigit(c)) throw this.unexpected(pos);
      do {
        if (c !== ZERO) nonZeroDigit = true;
        c = text.charCodeAt(++pos);
      } while (isDigit(c));
    }
    if (c === LOWER_E || c === UPPER_E) {
      integer = false;
      c = text.charCodeAt(++pos);
      if (c === PLUS || c === MINUS) c = text.charCodeAt(++pos);
      if (!isDigit(c)) throw this.unexpected(pos);
      do c = text.charCodeAt(++pos);
      while (isDigit(c));
    }
    this.pos = pos;
    // Fast path: an integer literal of at most 15 characters is below 10^15 < 2^53, computed exactly.
    if (integer && pos - start <= 15) return negative ? -whole : whole;
    const literal = text.slice(start, pos);
    // The grammar above admits exactly what Number() parses, so this is the correctly rounded double.
    const value = Number(literal);
    if (integer) {
      // JSON.parse would silently round 2^53 + 1 to 2^53: a different value with the same bytes out.
      if (!Number.isSafeInteger(value)) throw this.invalid(`integer ${quote(literal)} is outside ±(2^53 − 1)`, start);
    } else if (!Number.isFinite(value)) {
      throw this.invalid(`number ${quote(literal)} overflows a double`, start);
    } else if (value === 0 && nonZeroDigit) {
      throw this.invalid(`number ${quote(literal)} underflows to zero`, start);
    } else if (!isExactJsonNumber(value)) {
      throw this.invalid(`number ${quote(literal)} is an integer outside ±(2^53 − 1) below 1e21`, start);
    }
    return value;
  }
}

/**
 * Parses one JSON text strictly (see the module comment). `text` is a JS string or UTF-8 bytes.
 * Throws EncodingError ERR_JSON_INVALID for malformed input and ERR_JSON_LIMIT when a limit is
 * exceeded; SigstackError ERR_CONFIG_INVALID for invalid `limits`. Nothing else escapes.
 */
export function parseJson(text: string | Uint8Array, limits?: Partial<JsonLimits>): JsonValue {
  const resolved = resolveJsonLimits(limits);
  const maxBytes = resolved.maxBytes;
  let source: string;
  if (typeof text === 'string') {
    // Security: size first, before any work proportional to the input. UTF-8 never has fewer bytes
    // than UTF-16 code units, so the exact count is needed only when the text is close to the limit.
    if (text.length > maxBytes || (text.length * 3 > maxBytes && Buffer.byteLength(text, 'utf8') > maxBytes)) {
      throw new EncodingError('ERR_JSON_LIMIT', `json text is larger than ${maxBytes} bytes`);
    }
    source = text;
  } else if (text instanceof Uint8Array) {
    // Security: size first, before decoding allocates a string.
    if (text.byteLength > maxBytes) throw new EncodingError('ERR_JSON_LIMIT', `json text is larger than ${maxBytes} bytes`);
    try {
      source = utf8Decoder.decode(text);
    } catch (err) {
      throw new EncodingError('ERR_JSON_INVALID', 'json text is not valid utf-8', { cause: err });
    }
  } else {
    const other: unknown = text; // hostile callers may pass anything
    throw new EncodingError('ERR_JSON_INVALID', `json text must be a string or a Uint8Array, got ${other === null ? 'null' : typeof other}`);
  }
  return new Parser(source, resolved, typeof text !== 'string').parse();
}
