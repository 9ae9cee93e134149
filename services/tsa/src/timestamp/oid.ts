/**
 * Object identifiers in requests: dotted text (JSON `tsaPolicyOID`, configuration) and the hash
 * algorithms of message imprints.
 */
import type { HashName } from '@sigstack/crypto/keys';
import { TsaError } from '../errors.js';

/**
 * Most arcs in an OID we accept. GHSA-4qg8-fj49-pxjh: splitting an attacker's policy OID of
 * millions of arcs amplified memory in upstream's TSA; real OIDs have fewer than 20 arcs.
 */
export const MAX_OID_ARCS = 128;

/** Each arc is a safe integer (≤ 16 digits), so 128 arcs and their dots fit in this many characters. */
const MAX_OID_TEXT = MAX_OID_ARCS * 17;

const DOTTED = /^[0-2](?:\.(?:0|[1-9][0-9]{0,15}))+$/;

function invalid(message: string): never {
  throw new TsaError('ERR_REQUEST_INVALID', message);
}

/** The number of arcs of a dotted OID, counted without splitting (the text is bounded by the caller). */
export function oidArcCount(text: string): number {
  let count = 1;
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 0x2e) count++;
  return count;
}

/**
 * Checks a dotted OID (`1.3.6.1.4.1.57264.2`) and returns it. Refuses with ERR_REQUEST_INVALID
 * anything that is not canonical dotted decimal (no leading zeros, no empty arcs, at least two
 * arcs, first arc 0–2, second below 40 under 0 and 1, arcs that are safe integers) or that has more
 * than MAX_OID_ARCS arcs.
 */
export function parseOidText(text: string, what: string): string {
  // Bound before any regex or split: the arc count limit is the security reason (see MAX_OID_ARCS).
  if (text.length > MAX_OID_TEXT) invalid(`${what} of ${text.length} characters is too long for ${MAX_OID_ARCS} arcs`);
  if (oidArcCount(text) > MAX_OID_ARCS) invalid(`${what} has more than ${MAX_OID_ARCS} arcs`);
  if (!DOTTED.test(text)) invalid(`${what} must be a dotted object identifier such as 1.3.6.1.4.1.57264.2, got ${JSON.stringify(text.slice(0, 64))}`);
  const [first, second] = text.split('.', 2);
  if (first !== '2' && Number(second) >= 40) invalid(`${what} ${text.slice(0, 64)} has a second arc of 40 or more under arc ${first}`);
  if (text.split('.').some((arc) => !Number.isSafeInteger(Number(arc)))) invalid(`${what} has an arc above 2^53 - 1`);
  return text;
}

/** The message-imprint hash algorithms a TSA issues tokens for (upstream: SHA-256, SHA-384, SHA-512). */
export const HASH_OIDS: Readonly<Record<HashName, string>> = {
  sha256: '2.16.840.1.101.3.4.2.1',
  sha384: '2.16.840.1.101.3.4.2.2',
  sha512: '2.16.840.1.101.3.4.2.3',
};

const HASH_BY_OID: ReadonlyMap<string, HashName> = new Map(Object.entries(HASH_OIDS).map(([name, oid]) => [oid, name as HashName]));

const SHA1_OID = '1.3.14.3.2.26';

function unsupported(message: string): never {
  throw new TsaError('ERR_ALGORITHM_UNSUPPORTED', message);
}

/** The hash of a message-imprint algorithm OID; SHA-1 and unknown OIDs are ERR_ALGORITHM_UNSUPPORTED. */
export function hashFromOid(oid: string): HashName {
  const hash = HASH_BY_OID.get(oid);
  if (hash !== undefined) return hash;
  if (oid === SHA1_OID) unsupported('weak hash algorithm sha1: use sha256, sha384 or sha512');
  return unsupported(`unsupported hash algorithm ${oid.slice(0, 64)}: use sha256, sha384 or sha512`);
}

/** The hash of a JSON `hashAlgorithm` name, case-insensitive as upstream; sha1 and others are refused. */
export function hashFromName(name: string): HashName {
  // Bounded by the JSON parser's string limit; lowercasing a short string is cheap.
  const lower = name.toLowerCase();
  if (lower === 'sha256' || lower === 'sha384' || lower === 'sha512') return lower;
  if (lower === 'sha1') unsupported('weak hash algorithm sha1: use sha256, sha384 or sha512');
  return unsupported(`unsupported hash algorithm ${JSON.stringify(name.slice(0, 32))}: use sha256, sha384 or sha512`);
}
