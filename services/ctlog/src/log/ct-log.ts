import { createHash } from 'node:crypto';
import { DuplicateEntryError, LogError } from '@sigstack/tlog';
import type { Log } from '@sigstack/tlog';
import { bytesEqual, toBase64, toHex } from '@sigstack/crypto/encoding';
import { CtLogError } from '../errors.js';
import { encodeDigitallySigned, encodeMerkleTreeLeaf, encodePrecertChainEntry, encodeSignedEntry, encodeX509ChainEntry, parseMerkleTreeLeaf, sctSignatureInput } from '../ct/structures.js';
import type { SignedEntry, TimestampedEntry } from '../ct/structures.js';
import { poisonOf } from '../x509/certificate.js';
import { isPrecertSigningCertificate } from '../x509/chain.js';
import type { ChainValidator } from '../x509/chain.js';
import { precertTbs } from '../x509/precert.js';
import type { AcceptedRoots } from '../x509/roots.js';
import type { CtStorage } from './ct-storage.js';
import type { LogKey } from './log-key.js';
import type { TreeHeads } from './tree-heads.js';
import type { AddChainResponse, GetEntriesResponse, GetEntryAndProofResponse, GetProofByHashResponse, GetSthResponse } from './types.js';

/** Most entries one get-entries call returns (CTFE's MaxGetEntriesAllowed). */
export const MAX_GET_ENTRIES = 1000;
/** Search-key prefix of an entry's identity: SHA-256 of `entry_type ‖ signed_entry`. */
const IDENTITY_KEY = 'ct:';
const NO_EXTENSIONS = new Uint8Array(0);

/**
 * CTFE's get-entries range: at most MAX_GET_ENTRIES, and a request of that size or more ends at the
 * next multiple of MAX_GET_ENTRIES (its `align_getentries`, on by default) so that monitors walking
 * the log ask for the same, cacheable ranges. Precondition: 0 <= start <= end.
 */
export function entriesRange(start: number, end: number): { start: number; end: number } {
  const count = end - start + 1;
  let last = count > MAX_GET_ENTRIES ? start + MAX_GET_ENTRIES - 1 : end;
  if (count >= MAX_GET_ENTRIES) last -= (last + 1) % MAX_GET_ENTRIES;
  return { start, end: last };
}

function sha256(...parts: Uint8Array[]): Uint8Array {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return new Uint8Array(h.digest());
}

function tooSmall(what: string, size: number, need: number): CtLogError {
  return new CtLogError('ERR_PROOF_ARGUMENTS', `need tree size: ${need} ${what} but only got: ${size}`);
}

/**
 * The RFC 6962 log: chain validation and entry building in front of the log engine, and the SCT,
 * tree head, proof and entry shapes behind it. No HTTP here: routes check the request shape.
 *
 * Entry identity and duplicates: an entry is identified by SHA-256 of its `entry_type ‖
 * signed_entry` (the certificate, or the precertificate's issuer key hash and TBS), kept as a
 * search key beside the leaf. A submission whose identity is already logged (or being logged)
 * gets an SCT for the existing entry, with that entry's timestamp, which the leaf itself holds.
 */
export class CtLog {
  readonly #log: Log;
  readonly #storage: CtStorage;
  readonly #heads: TreeHeads;
  readonly #key: LogKey;
  readonly #roots: AcceptedRoots;
  readonly #validator: ChainValidator;
  readonly #clock: () => number;
  /** Identities being looked up or appended, so that concurrent duplicates share one entry. */
  readonly #inFlight = new Map<string, Promise<TimestampedEntry>>();

  constructor(options: { log: Log; storage: CtStorage; heads: TreeHeads; key: LogKey; roots: AcceptedRoots; validator: ChainValidator; clock: () => number }) {
    this.#log = options.log;
    this.#storage = options.storage;
    this.#heads = options.heads;
    this.#key = options.key;
    this.#roots = options.roots;
    this.#validator = options.validator;
    this.#clock = options.clock;
  }

  get engine(): Log {
    return this.#log;
  }

  get key(): LogKey {
    return this.#key;
  }

  get roots(): AcceptedRoots {
    return this.#roots;
  }

  /**
   * add-chain (`precert` false) and add-pre-chain (`precert` true): validates the chain, builds the
   * entry, and resolves with an SCT once the entry is durably in the log (or already was).
   * Throws CtLogError (400) for chains and certificates the log refuses, and the engine's
   * PushbackError / LogError when the log cannot take it now.
   */
  async add(chain: readonly Uint8Array[], precert: boolean): Promise<AddChainResponse> {
    const validated = this.#validator.validate(chain);
    const { leaf, issuer, issuers } = validated;
    const poison = poisonOf(leaf);
    let entry: SignedEntry;
    /** RFC 6962 `extra_data`, stored by the engine in the entry's own transaction. */
    let extraData: Uint8Array;
    if (!precert) {
      if (poison !== 'absent') throw new CtLogError('ERR_ENTRY_INVALID', 'the certificate carries the CT poison extension: submit precertificates to add-pre-chain');
      entry = { type: 'x509', certificate: leaf.der };
      extraData = encodeX509ChainEntry(issuers);
    } else {
      if (poison === 'absent') throw new CtLogError('ERR_ENTRY_INVALID', 'add-pre-chain needs a precertificate: the CT poison extension 1.3.6.1.4.1.11129.2.4.3 is missing');
      if (poison === 'invalid') throw new CtLogError('ERR_ENTRY_INVALID', 'the CT poison extension must be critical and hold an ASN.1 NULL');
      if (issuer === undefined) throw new CtLogError('ERR_ENTRY_INVALID', 'the precertificate is itself an accepted root: it must be issued by a CA in the chain');
      if (isPrecertSigningCertificate(issuer)) {
        throw new CtLogError('ERR_ENTRY_INVALID', 'precertificates signed by a Precertificate Signing Certificate (key purpose 1.3.6.1.4.1.11129.2.4.4) are not supported: sign the precertificate with the issuing CA key');
      }
      entry = { type: 'precert', issuerKeyHash: sha256(issuer.spki), tbsCertificate: precertTbs(leaf.tbs) };
      extraData = encodePrecertChainEntry(leaf.der, issuers);
    }
    const signed = encodeSignedEntry(entry);
    const identity = toHex(sha256(signed));
    let logged = this.#inFlight.get(identity);
    if (!logged) {
      logged = this.#findOrAppend(identity, signed, entry, extraData);
      this.#inFlight.set(identity, logged);
      const settled = () => this.#inFlight.delete(identity);
      logged.then(settled, settled);
    }
    return this.#sct(await logged);
  }

  async #findOrAppend(identity: string, signed: Uint8Array, entry: SignedEntry, extraData: Uint8Array): Promise<TimestampedEntry> {
    const [index] = await this.#log.search([IDENTITY_KEY + identity], 'or', 1);
    if (index !== undefined) {
      const stored = await this.#log.getEntry(index);
      if (!stored) throw new LogError('ERR_LOG_INCONSISTENT', `entry ${index} is indexed but missing`);
      const existing = parseMerkleTreeLeaf(stored.body);
      // Compare bytes, not only the hash, before answering with the existing entry's SCT.
      if (!bytesEqual(encodeSignedEntry(existing.entry), signed)) throw new LogError('ERR_LOG_INCONSISTENT', `entry ${index} does not match its identity ${identity}`);
      return existing;
    }
    const timestamped: TimestampedEntry = { timestamp: this.#clock(), entry, extensions: NO_EXTENSIONS };
    const leaf = encodeMerkleTreeLeaf(timestamped);
    try {
      await this.#log.add({ body: leaf, searchKeys: [IDENTITY_KEY + identity], extraData });
    } catch (err) {
      // The very same leaf (same entry, same millisecond) is already in the log: that is our entry.
      if (!(err instanceof DuplicateEntryError)) throw err;
    }
    return timestamped;
  }

  #sct(t: TimestampedEntry): AddChainResponse {
    const signature = encodeDigitallySigned(this.#key.sign(sctSignatureInput(t)));
    return { sct_version: 0, id: toBase64(this.#key.logId), timestamp: t.timestamp, extensions: toBase64(t.extensions), signature: toBase64(signature) };
  }

  /** The signed tree head of the latest checkpoint, made durable before it is shown. */
  sth(): GetSthResponse {
    const cp = this.#log.checkpoint;
    const sth = this.#heads.find(cp.size, cp.rootHash);
    if (!sth) throw new LogError('ERR_LOG_INCONSISTENT', `no tree head was signed for the checkpoint of size ${cp.size}`);
    this.#storage.persistHeads();
    return { tree_size: sth.size, timestamp: sth.timestamp, sha256_root_hash: toBase64(sth.rootHash), tree_head_signature: toBase64(sth.signature) };
  }

  /** get-sth-consistency; `first` 0 or equal to `second` gives an empty proof, as CTFE answers. Precondition: 0 <= first <= second. */
  async consistency(first: number, second: number): Promise<Uint8Array[]> {
    const size = this.#log.checkpoint.size;
    if (second > size) throw tooSmall('for proof', size, second);
    if (first === 0 || first === second) return [];
    return this.#log.consistencyProof(first, second);
  }

  /** get-proof-by-hash. Precondition: `treeSize` >= 1, `hash` 32 bytes. */
  async proofByHash(hash: Uint8Array, treeSize: number): Promise<GetProofByHashResponse> {
    const size = this.#log.checkpoint.size;
    if (treeSize > size) throw tooSmall('for proof', size, treeSize);
    const found = await this.#log.findByLeafHash(hash);
    if (!found || found.index >= treeSize) throw new CtLogError('ERR_ENTRY_NOT_FOUND', `no leaf found for hash ${toBase64(hash)} in tree size ${treeSize}`);
    const proof = await this.#log.inclusionProof(found.index, treeSize);
    return { leaf_index: found.index, audit_path: proof.map(toBase64) };
  }

  /**
   * get-entries: entries [start, end] cut by `entriesRange` and by the tree size. `complete` is
   * false when the tree ended the range early. Precondition: 0 <= start <= end.
   */
  async entries(start: number, end: number): Promise<GetEntriesResponse & { complete: boolean }> {
    const size = this.#log.checkpoint.size;
    if (start >= size) throw tooSmall('to get leaves', size, start + 1);
    const range = entriesRange(start, end);
    const last = Math.min(range.end, size - 1);
    const count = last - start + 1;
    const leaves = await this.#storage.getEntries(start, count);
    const extras = await this.#storage.getExtraData(start, count);
    if (leaves.length !== count || extras.length !== count) throw new LogError('ERR_LOG_INCONSISTENT', `entries ${start}..${last} or their chains are missing from storage`);
    const entries = leaves.map((leaf, i) => {
      const extra = extras[i]!;
      if (extra.index !== leaf.index) throw new LogError('ERR_LOG_INCONSISTENT', `the stored chain of entry ${leaf.index} is missing`);
      return { leaf_input: toBase64(leaf.body), extra_data: toBase64(extra.extraData) };
    });
    return { entries, complete: last === range.end };
  }

  /** get-entry-and-proof. Precondition: 0 <= index < treeSize. */
  async entryAndProof(index: number, treeSize: number): Promise<GetEntryAndProofResponse> {
    const size = this.#log.checkpoint.size;
    if (treeSize > size) throw tooSmall('for proof', size, treeSize);
    const { entries } = await this.entries(index, index);
    const proof = await this.#log.inclusionProof(index, treeSize);
    return { leaf_input: entries[0]!.leaf_input, extra_data: entries[0]!.extra_data, audit_path: proof.map(toBase64) };
  }

  /** get-roots: the accepted roots, DER. */
  acceptedRoots(): Uint8Array[] {
    this.#roots.refresh();
    return this.#roots.all.map((r) => r.info.der);
  }
}
