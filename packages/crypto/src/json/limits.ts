/**
 * Resource limits for parsing (and serializing) JSON that arrives from the network. Every limit
 * exists because a request body is attacker-controlled: without them a small body can cost a lot of
 * memory or CPU, or a deep one can overflow the stack of whatever code walks the result.
 */
import { SigstackError } from '../errors.js';

export interface JsonLimits {
  /**
   * Largest input, in bytes (UTF-8 bytes for string input). Checked before any decoding or parsing, so
   * that the cost of everything after it is bounded by this number.
   */
  readonly maxBytes: number;
  /**
   * Deepest nesting of arrays and objects; the outermost container has depth 1, so a top-level scalar
   * has depth 0. Our parser is iterative, but code that walks the parsed value (including the
   * recursive `canonicalize` package) may not be: this keeps every consumer far from a stack overflow.
   */
  readonly maxDepth: number;
  /**
   * Most values (scalars, arrays and objects) plus object keys in one document. Every value is a heap
   * allocation of tens of bytes, so `[[],[],…]` would otherwise turn 32 MiB of text into gigabytes.
   */
  readonly maxValues: number;
  /**
   * Longest string (value or key), in UTF-16 code units after unescaping. Bounds the largest single
   * allocation and the input to later per-string work (base64 decoding, hashing, PEM parsing).
   */
  readonly maxStringLength: number;
}

/**
 * Hard ceiling on `maxDepth`: `canonicalJson` hands values to the recursive `canonicalize` package,
 * which uses about three stack frames per level; 1000 levels stay well inside Node's default stack.
 */
export const MAX_JSON_DEPTH = 1000;

export const DEFAULT_JSON_LIMITS: JsonLimits = Object.freeze({
  // Rekor's end-to-end setups cap request bodies at 32 MB; nothing we accept is larger.
  maxBytes: 32 * 1024 * 1024,
  // Real Sigstore documents nest fewer than 10 levels; 64 leaves room and stays cheap to walk.
  maxDepth: 64,
  // A large hashedrekord/dsse body has a few hundred values; one million is generous and bounds memory.
  maxValues: 1_000_000,
  // Half the default body: a DSSE envelope travels as one JSON string and must fit; callers can lower it.
  maxStringLength: 16 * 1024 * 1024,
});

const NAMES = ['maxBytes', 'maxDepth', 'maxValues', 'maxStringLength'] as const;

/**
 * Fills in defaults for missing (or `undefined`) limits and checks the rest. A limit that is not a
 * non-negative safe integer, or a `maxDepth` above MAX_JSON_DEPTH, is a configuration mistake:
 * throws SigstackError ERR_CONFIG_INVALID.
 */
export function resolveJsonLimits(limits?: Partial<JsonLimits>): JsonLimits {
  if (limits === undefined || limits === DEFAULT_JSON_LIMITS) return DEFAULT_JSON_LIMITS;
  const resolved: Record<(typeof NAMES)[number], number> = { ...DEFAULT_JSON_LIMITS };
  for (const name of NAMES) {
    const value: unknown = limits[name];
    if (value === undefined) continue;
    const ceiling = name === 'maxDepth' ? MAX_JSON_DEPTH : Number.MAX_SAFE_INTEGER;
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0 || value > ceiling) {
      throw new SigstackError('ERR_CONFIG_INVALID', `json limit ${name} must be an integer from 0 to ${ceiling}, got ${typeof value === 'number' ? String(value) : `a ${typeof value}`}`);
    }
    resolved[name] = value;
  }
  return resolved;
}
