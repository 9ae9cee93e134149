/**
 * A typed client for an RFC 6962 CT log (`<baseUrl>/ct/v1/...`): our services/ctlog, or any
 * CTFE-compatible log. The CA uses `addPreChain`, `serializeSct`/`sctListExtensionValue` to embed
 * the SCT, and `verifySct` to check it against the log key first. Every answer is hostile input:
 * bodies are size-capped by `request` and checked field by field; a malformed answer is ClientError
 * ERR_CLIENT_RESPONSE, an unexpected status ERR_CLIENT_STATUS (with the log's message), no answer
 * ERR_CLIENT_UNREACHABLE. Proofs and tree heads are returned unverified: callers verify them.
 */
import { createHash, verify, type KeyObject } from 'node:crypto';
import { parseJson, type JsonObject, type JsonValue } from '@sigstack/crypto/canonical-json';
import { parseBase64 } from '@sigstack/crypto/encoding';
import { ClientError, expectStatus, request, type HttpOptions, type HttpResponse } from './http.js';

/** The embedded SCT list extension (RFC 6962 §3.3). */
export const OID_CT_SCT_LIST = '1.3.6.1.4.1.11129.2.4.2';
/** The precertificate poison extension (RFC 6962 §3.1): critical, value ASN.1 NULL (`05 00`). */
export const OID_CT_POISON = '1.3.6.1.4.1.11129.2.4.3';

/** A v1 SCT from add-chain / add-pre-chain, decoded. */
export type CtSct = {
  readonly version: 0;
  /** SHA-256 of the log's public key (32 bytes). */
  readonly logId: Uint8Array;
  /** Milliseconds since the epoch. */
  readonly timestamp: number;
  readonly extensions: Uint8Array;
  /** The TLS `DigitallySigned` (hash, signature algorithm, length, signature). */
  readonly signature: Uint8Array;
};

export type CtSignedTreeHead = { readonly treeSize: number; readonly timestamp: number; readonly rootHash: Uint8Array; readonly treeHeadSignature: Uint8Array };

export type CtLeafEntry = { readonly leafInput: Uint8Array; readonly extraData: Uint8Array };

/** A chain for add-chain / add-pre-chain: DER certificates, leaf (or precertificate) first, then its issuers. */
export type CtChain = readonly Uint8Array[];

const SMALL = 64 * 1024;
const ROOTS = 8 * 1024 * 1024;
const ENTRIES = 64 * 1024 * 1024;
/** Longer proofs cannot be RFC 6962 proofs for any safe tree size. */
const MAX_PROOF = 128;

function bad(url: string, message: string, cause?: unknown): ClientError {
  return new ClientError('ERR_CLIENT_RESPONSE', `${url} answered ${message}`, url, undefined, cause === undefined ? undefined : { cause });
}

function answer(res: HttpResponse, url: string): JsonObject {
  let value: JsonValue;
  try {
    value = parseJson(res.body, { maxDepth: 8 });
  } catch (err) {
    throw bad(url, 'with invalid json', err);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw bad(url, 'with json that is not an object');
  return value;
}

function count(url: string, value: JsonValue | undefined, what: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) throw bad(url, `${what} that is not an integer ≥ 0`);
  return value;
}

function bytes(url: string, value: JsonValue | undefined, what: string, length?: number): Uint8Array {
  if (typeof value !== 'string') throw bad(url, `${what} that is not a string`);
  let out: Uint8Array;
  try {
    out = value === '' ? new Uint8Array(0) : parseBase64(value, what);
  } catch (err) {
    throw bad(url, `${what} that is not standard base64`, err);
  }
  if (length !== undefined && out.length !== length) throw bad(url, `${what} of ${out.length} bytes, want ${length}`);
  return out;
}

function list(url: string, value: JsonValue | undefined, what: string, max: number): JsonValue[] {
  if (!Array.isArray(value) || value.length > max) throw bad(url, `${what} that is not a list of at most ${max} items`);
  return value;
}

function hashes(url: string, value: JsonValue | undefined, what: string): Uint8Array[] {
  return list(url, value, what, MAX_PROOF).map((h, i) => bytes(url, h, `${what}[${i}]`, 32));
}

/** Client of one CT log at `baseUrl` (scheme, host and any path prefix such as `/test`; trailing slashes are dropped). */
export class CtLogClient {
  readonly baseUrl: string;
  readonly #options: HttpOptions;

  constructor(baseUrl: string, options: HttpOptions = {}) {
    this.baseUrl = baseUrl.replace(/\/+$/, '');
    this.#options = options;
  }

  async #send(path: string, maxBytes: number, body?: unknown): Promise<{ res: HttpResponse; url: string }> {
    const url = `${this.baseUrl}/ct/v1/${path}`;
    const init: RequestInit = body === undefined
      ? { headers: { accept: 'application/json' } }
      : { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json' }, body: JSON.stringify(body) };
    return { res: await request(url, init, { ...this.#options, maxBytes }), url };
  }

  async #call(path: string, maxBytes: number, body?: unknown): Promise<{ json: JsonObject; url: string }> {
    const { res, url } = await this.#send(path, maxBytes, body);
    expectStatus(res, url, 200);
    return { json: answer(res, url), url };
  }

  async #add(endpoint: 'add-chain' | 'add-pre-chain', chain: CtChain): Promise<CtSct> {
    const { json, url } = await this.#call(endpoint, SMALL, { chain: chain.map((der) => Buffer.from(der).toString('base64')) });
    if (json.sct_version !== 0) throw bad(url, `sct_version ${JSON.stringify(json.sct_version)}, want 0`);
    return {
      version: 0,
      logId: bytes(url, json.id, 'id', 32),
      timestamp: count(url, json.timestamp, 'timestamp'),
      extensions: bytes(url, json.extensions, 'extensions'),
      signature: bytes(url, json.signature, 'signature'),
    };
  }

  /**
   * `POST add-chain`: logs a certificate; resolves with its SCT once the log accepted it. The log
   * answers a duplicate with the SCT of the existing entry, so retrying is safe.
   */
  addChain(chain: CtChain): Promise<CtSct> {
    return this.#add('add-chain', chain);
  }

  /** `POST add-pre-chain`: logs a precertificate (with the poison) issued by `chain[1]`; resolves with its SCT. */
  addPreChain(chain: CtChain): Promise<CtSct> {
    return this.#add('add-pre-chain', chain);
  }

  /** `GET get-sth`: the latest signed tree head, unverified. */
  async getSth(): Promise<CtSignedTreeHead> {
    const { json, url } = await this.#call('get-sth', SMALL);
    return {
      treeSize: count(url, json.tree_size, 'tree_size'),
      timestamp: count(url, json.timestamp, 'timestamp'),
      rootHash: bytes(url, json.sha256_root_hash, 'sha256_root_hash', 32),
      treeHeadSignature: bytes(url, json.tree_head_signature, 'tree_head_signature'),
    };
  }

  /** `GET get-sth-consistency`: the proof between two tree sizes. */
  async getSthConsistency(first: number, second: number): Promise<Uint8Array[]> {
    const { json, url } = await this.#call(`get-sth-consistency?first=${first}&second=${second}`, SMALL);
    return hashes(url, json.consistency, 'consistency');
  }

  /** `GET get-proof-by-hash`: the inclusion proof of a leaf hash at `treeSize`; undefined when the log says 404. */
  async getProofByHash(leafHash: Uint8Array, treeSize: number): Promise<{ leafIndex: number; auditPath: Uint8Array[] } | undefined> {
    const hash = encodeURIComponent(Buffer.from(leafHash).toString('base64'));
    const { res, url } = await this.#send(`get-proof-by-hash?hash=${hash}&tree_size=${treeSize}`, SMALL);
    if (res.status === 404) return undefined;
    expectStatus(res, url, 200);
    const json = answer(res, url);
    return { leafIndex: count(url, json.leaf_index, 'leaf_index'), auditPath: hashes(url, json.audit_path, 'audit_path') };
  }

  /** `GET get-entries`: entries from `start`, at most to `end`; the log may return fewer (ours: at most 1000). */
  async getEntries(start: number, end: number): Promise<CtLeafEntry[]> {
    const { json, url } = await this.#call(`get-entries?start=${start}&end=${end}`, ENTRIES);
    return list(url, json.entries, 'entries', end - start + 1).map((e, i) => {
      if (typeof e !== 'object' || e === null || Array.isArray(e)) throw bad(url, `entries[${i}] that is not an object`);
      return { leafInput: bytes(url, e.leaf_input, `entries[${i}].leaf_input`), extraData: bytes(url, e.extra_data, `entries[${i}].extra_data`) };
    });
  }

  /** `GET get-roots`: the DER roots the log accepts. */
  async getRoots(): Promise<Uint8Array[]> {
    const { json, url } = await this.#call('get-roots', ROOTS);
    return list(url, json.certificates, 'certificates', 10_000).map((c, i) => bytes(url, c, `certificates[${i}]`));
  }

  /** `GET get-entry-and-proof`. */
  async getEntryAndProof(leafIndex: number, treeSize: number): Promise<CtLeafEntry & { auditPath: Uint8Array[] }> {
    const { json, url } = await this.#call(`get-entry-and-proof?leaf_index=${leafIndex}&tree_size=${treeSize}`, SMALL * 16);
    return { leafInput: bytes(url, json.leaf_input, 'leaf_input'), extraData: bytes(url, json.extra_data, 'extra_data'), auditPath: hashes(url, json.audit_path, 'audit_path') };
  }
}

function u16(n: number): Uint8Array {
  return Uint8Array.of(n >>> 8, n & 0xff);
}

function u24(n: number): Uint8Array {
  return Uint8Array.of(n >>> 16, (n >>> 8) & 0xff, n & 0xff);
}

function u64(n: number): Uint8Array {
  const out = new Uint8Array(8);
  new DataView(out.buffer).setBigUint64(0, BigInt(n));
  return out;
}

function concat(...parts: Uint8Array[]): Uint8Array {
  return new Uint8Array(Buffer.concat(parts));
}

/** The TLS `SignedCertificateTimestamp` (RFC 6962 §3.2), as one element of an SCT list. */
export function serializeSct(sct: CtSct): Uint8Array {
  return concat(Uint8Array.of(sct.version), sct.logId, u64(sct.timestamp), u16(sct.extensions.length), sct.extensions, sct.signature);
}

/**
 * The value of the SCT list extension (OID_CT_SCT_LIST, non-critical) for a final certificate: the
 * DER OCTET STRING holding the TLS `SignedCertificateTimestampList` (u16 total length, then each
 * serialized SCT with a u16 length). Give it to the certificate builder as the extension's value.
 */
export function sctListExtensionValue(scts: readonly CtSct[]): Uint8Array {
  const items = scts.map((s) => {
    const one = serializeSct(s);
    return concat(u16(one.length), one);
  });
  const tls = concat(u16(items.reduce((n, i) => n + i.length, 0)), ...items);
  const length = tls.length < 0x80 ? Uint8Array.of(tls.length) : tls.length < 0x100 ? Uint8Array.of(0x81, tls.length) : Uint8Array.of(0x82, tls.length >>> 8, tls.length & 0xff);
  return concat(Uint8Array.of(0x04), length, tls);
}

/**
 * Verifies an SCT with the log's public key (ECDSA over SHA-256, as RFC 6962 logs and Sigstore use)
 * over the RFC 6962 §3.2 signature input. For a precertificate entry, pass the issuer's SPKI and the
 * TBSCertificate without the poison (equal to the final certificate's TBS without the SCT list);
 * for an X.509 entry, the certificate's DER. False for a wrong log ID or a bad signature.
 */
export function verifySct(sct: CtSct, logKey: KeyObject, entry: { precert: { issuerSpki: Uint8Array; tbsCertificate: Uint8Array } } | { certificate: Uint8Array }): boolean {
  const spki = logKey.export({ type: 'spki', format: 'der' });
  if (Buffer.compare(createHash('sha256').update(spki).digest(), sct.logId) !== 0) return false;
  const signed = 'precert' in entry
    ? concat(u16(1), createHash('sha256').update(entry.precert.issuerSpki).digest(), u24(entry.precert.tbsCertificate.length), entry.precert.tbsCertificate)
    : concat(u16(0), u24(entry.certificate.length), entry.certificate);
  const input = concat(Uint8Array.of(0, 0), u64(sct.timestamp), signed, u16(sct.extensions.length), sct.extensions);
  const ds = sct.signature;
  // DigitallySigned: hash sha256(4), ecdsa(3), u16 length, DER signature.
  if (ds.length < 4 || ds[0] !== 4 || ds[1] !== 3 || ((ds[2]! << 8) | ds[3]!) !== ds.length - 4) return false;
  try {
    return verify('sha256', input, logKey, ds.subarray(4));
  } catch {
    return false;
  }
}
