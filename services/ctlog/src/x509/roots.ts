import { createHash, createPublicKey } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { pemDecode } from '@sigstack/crypto/keys';
import { toHex } from '@sigstack/crypto/encoding';
import { ConfigError } from '../config.js';
import { parseCertificateInfo } from '../x509/certificate.js';
import type { CertInfo } from '../x509/certificate.js';

/** An accepted root: its parsed fields, its key ready for verification, and its DER hash. */
export type Root = { readonly info: CertInfo; readonly key: KeyObject; readonly hash: string };

/** Most roots in a bundle; a public web PKI bundle has about 150. */
const MAX_ROOTS = 1000;
/** A dev-mode roots file is looked at (stat) at most this often. */
const RECHECK_MS = 1000;

/** Parses a PEM bundle of CERTIFICATE blocks into roots; throws with what is wrong. */
export function parseRoots(pem: string, source: string): Root[] {
  // Bound the text before decoding: a hostile or mistaken multi-gigabyte file must fail fast.
  if (pem.length > MAX_ROOTS * 90_000) throw new Error(`${source} is too large for ${MAX_ROOTS} certificates`);
  const blocks = pemDecode(pem);
  if (blocks.length > MAX_ROOTS) throw new Error(`${source} holds ${blocks.length} certificates, at most ${MAX_ROOTS} allowed`);
  const seen = new Set<string>();
  const roots: Root[] = [];
  for (const [i, block] of blocks.entries()) {
    if (block.label !== 'CERTIFICATE') throw new Error(`${source}: block ${i + 1} is ${JSON.stringify(block.label)}, want "CERTIFICATE"`);
    const info = parseCertificateInfo(block.der);
    const hash = toHex(createHash('sha256').update(block.der).digest());
    if (seen.has(hash)) continue;
    seen.add(hash);
    let key: KeyObject;
    try {
      key = createPublicKey({ key: Buffer.from(info.spki), format: 'der', type: 'spki' });
    } catch {
      throw new Error(`${source}: certificate ${i + 1} has a public key this log cannot use`);
    }
    roots.push({ info, key, hash });
  }
  return roots;
}

export type RootsOptions = {
  path: string;
  /** Dev mode: a missing file is an empty set, and the file is re-read when it changes. */
  follow: boolean;
  /** Milliseconds since the epoch; injected for tests. */
  clock?: () => number;
  /** Told about every reload in follow mode (count of roots, or the problem that kept the old set). */
  onReload?: (event: { count: number; error?: string }) => void;
};

/**
 * The accepted roots of the log, from a PEM bundle file read at start. Outside dev mode the file
 * must exist and hold at least one certificate (an empty bundle does not parse), and it is read once. In follow (dev) mode a
 * missing file is an empty set and `refresh()` re-reads the file when its size, time or inode
 * changed; a file that does not parse keeps the previous set (write it atomically: temp + rename).
 */
export class AcceptedRoots {
  readonly #options: RootsOptions;
  readonly #clock: () => number;
  #roots: Root[] = [];
  #bySubject = new Map<string, Root[]>();
  #byHash = new Map<string, Root>();
  #stamp = '';
  #checkedAt = -Infinity;
  /** Bumped on every change, so that caches built on the old set can be dropped. */
  version = 0;

  private constructor(options: RootsOptions) {
    this.#options = options;
    this.#clock = options.clock ?? Date.now;
  }

  static load(options: RootsOptions): AcceptedRoots {
    const roots = new AcceptedRoots(options);
    const stamp = roots.#stat();
    if (stamp === undefined) {
      if (!options.follow) throw new ConfigError([`rootsFile: ${options.path} does not exist; it must hold the PEM certificates of the accepted roots`]);
      return roots;
    }
    try {
      roots.#set(parseRoots(readFileSync(options.path, 'utf8'), options.path), stamp);
    } catch (err) {
      throw new ConfigError([`rootsFile: ${err instanceof Error ? err.message : String(err)}`]);
    }
    return roots;
  }

  #stat(): string | undefined {
    try {
      const s = statSync(this.#options.path);
      return `${s.ino}:${s.size}:${s.mtimeMs}`;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
  }

  #set(roots: Root[], stamp: string): void {
    this.#roots = roots;
    this.#stamp = stamp;
    this.#bySubject = new Map();
    this.#byHash = new Map();
    for (const root of roots) {
      const subject = toHex(root.info.subject);
      this.#bySubject.set(subject, [...(this.#bySubject.get(subject) ?? []), root]);
      this.#byHash.set(root.hash, root);
    }
    this.version++;
  }

  get all(): readonly Root[] {
    return this.#roots;
  }

  /** Roots whose subject is exactly `name` (raw DER). */
  withSubject(name: Uint8Array): readonly Root[] {
    return this.#bySubject.get(toHex(name)) ?? [];
  }

  /** The root whose DER has this SHA-256 (hex), if accepted. */
  byHash(hash: string): Root | undefined {
    return this.#byHash.get(hash);
  }

  /**
   * In follow mode, re-reads the file if it changed. It is looked at most once a second unless
   * `force` (a chain just failed for want of a root). True when the set changed.
   */
  refresh(force = false): boolean {
    if (!this.#options.follow) return false;
    const now = this.#clock();
    if (!force && now - this.#checkedAt < RECHECK_MS) return false;
    this.#checkedAt = now;
    const stamp = this.#stat();
    if (stamp === undefined || stamp === this.#stamp) return false;
    try {
      this.#set(parseRoots(readFileSync(this.#options.path, 'utf8'), this.#options.path), stamp);
      this.#options.onReload?.({ count: this.#roots.length });
      return true;
    } catch (err) {
      this.#stamp = stamp;
      this.#options.onReload?.({ count: this.#roots.length, error: err instanceof Error ? err.message : String(err) });
      return false;
    }
  }
}
