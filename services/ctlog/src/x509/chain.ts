/**
 * Chain validation for add-chain and add-pre-chain, as RFC 6962 §4.1 asks and CTFE does: the
 * submitted certificates, in order, must form a path from the leaf to an accepted root (the root
 * may be the last certificate, or the issuer of the last one). Like CTFE, validity periods are not
 * checked (expired certificates are logged on purpose) and neither are key purposes; unlike Go's
 * verifier, an issuer must be a CA whose KeyUsage (when present) allows keyCertSign.
 */
import { createHash, createPublicKey, verify } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { CtLogError } from '../errors.js';
import { OID, oidText, parseCertificateInfo } from './certificate.js';
import type { CertInfo } from './certificate.js';
import type { AcceptedRoots } from './roots.js';

/** Signature algorithms (hex of the OID contents) and the hash each one uses; null for Ed25519. */
const ALGORITHMS: ReadonlyMap<string, { kind: 'ec' | 'rsa' | 'ed25519'; hash: string | null }> = new Map([
  ['2a8648ce3d040302', { kind: 'ec', hash: 'sha256' }], // ecdsa-with-SHA256
  ['2a8648ce3d040303', { kind: 'ec', hash: 'sha384' }],
  ['2a8648ce3d040304', { kind: 'ec', hash: 'sha512' }],
  ['2a864886f70d01010b', { kind: 'rsa', hash: 'sha256' }], // sha256WithRSAEncryption
  ['2a864886f70d01010c', { kind: 'rsa', hash: 'sha384' }],
  ['2a864886f70d01010d', { kind: 'rsa', hash: 'sha512' }],
  ['2b6570', { kind: 'ed25519', hash: null }], // Ed25519
] as const);

/** Issuer chains verified once and reused (Fulcio sends the same intermediate and root every time). */
const ISSUER_CACHE_SIZE = 256;
/** Issuer public keys kept as KeyObjects: making one costs more than a verification. */
const KEY_CACHE_SIZE = 1024;

export type ValidatedChain = {
  readonly leaf: CertInfo;
  /** The leaf's issuer, up to and including the accepted root; empty when the leaf is itself an accepted root. */
  readonly issuers: readonly Uint8Array[];
  /** The leaf's direct issuer, when there is one. */
  readonly issuer: CertInfo | undefined;
};

type Upper = { readonly issuers: readonly Uint8Array[]; readonly first: CertInfo };

function refuse(message: string): never {
  throw new CtLogError('ERR_ENTRY_INVALID', message);
}

function sha256Hex(...parts: Uint8Array[]): string {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return h.digest('hex');
}

export class ChainValidator {
  readonly #roots: AcceptedRoots;
  readonly #issuerCache = new Map<string, Upper>();
  readonly #keys = new Map<string, KeyObject>();
  #rootsVersion: number;

  constructor(roots: AcceptedRoots) {
    this.#roots = roots;
    this.#rootsVersion = roots.version;
  }

  /**
   * Parses and validates a submitted chain (DER certificates, leaf first). Throws CtLogError:
   * ERR_CERT_MALFORMED for a certificate that does not parse, ERR_ENTRY_INVALID for a chain that
   * does not lead to an accepted root.
   * Precondition: the caller bounded the number and size of the certificates.
   */
  validate(chain: readonly Uint8Array[]): ValidatedChain {
    this.#roots.refresh();
    try {
      return this.#validate(chain);
    } catch (err) {
      // A dev CA may have written its root a moment ago: look at the roots file now and try again.
      if (err instanceof CtLogError && err.code === 'ERR_ENTRY_INVALID' && this.#roots.refresh(true)) return this.#validate(chain);
      throw err;
    }
  }

  #validate(chain: readonly Uint8Array[]): ValidatedChain {
    const [first, ...rest] = chain;
    if (first === undefined) refuse('the chain is empty');
    if (this.#roots.version !== this.#rootsVersion) {
      this.#issuerCache.clear();
      this.#rootsVersion = this.#roots.version;
    }
    const leaf = this.#parse(first, 1);
    if (rest.length === 0) {
      if (this.#roots.byHash(sha256Hex(first))) return { leaf, issuers: [], issuer: undefined };
      const root = this.#rootFor(leaf, 1, 0);
      return { leaf, issuers: [root.info.der], issuer: root.info };
    }
    const upper = this.#upper(rest);
    this.#checkIssued(leaf, upper.first, 1, 0);
    return { leaf, issuers: upper.issuers, issuer: upper.first };
  }

  #parse(der: Uint8Array, position: number): CertInfo {
    try {
      return parseCertificateInfo(der);
    } catch (err) {
      if (err instanceof CtLogError) throw new CtLogError(err.code, `certificate ${position} of the chain: ${err.message}`);
      throw err;
    }
  }

  /** The issuers above the leaf, validated up to an accepted root, from the cache when seen before. */
  #upper(ders: readonly Uint8Array[]): Upper {
    const h = createHash('sha256');
    for (const der of ders) h.update(Uint8Array.of(der.length >>> 16, (der.length >>> 8) & 0xff, der.length & 0xff)).update(der);
    const cacheKey = h.digest('hex');
    const hit = this.#issuerCache.get(cacheKey);
    if (hit) return hit;
    const infos = ders.map((der, i) => this.#parse(der, i + 2));
    for (let i = 0; i + 1 < infos.length; i++) this.#checkIssued(infos[i]!, infos[i + 1]!, i + 2, i + 1);
    const top = infos[infos.length - 1]!;
    const issuers = this.#roots.byHash(sha256Hex(top.der)) ? [...ders] : [...ders, this.#rootFor(top, infos.length + 1, infos.length).info.der];
    const upper = { issuers, first: infos[0]! };
    if (this.#issuerCache.size >= ISSUER_CACHE_SIZE) this.#issuerCache.delete(this.#issuerCache.keys().next().value as string);
    this.#issuerCache.set(cacheKey, upper);
    return upper;
  }

  /** An accepted root that issued `cert` (the certificate at `position`), or a refusal. */
  #rootFor(cert: CertInfo, position: number, below: number) {
    const candidates = this.#roots.withSubject(cert.issuer);
    let reason = `certificate ${position} of the chain is not issued by an accepted root`;
    for (const root of candidates) {
      try {
        this.#checkIssued(cert, root.info, position, below, root.key);
        return root;
      } catch (err) {
        if (!(err instanceof CtLogError)) throw err;
        reason = err.message;
      }
    }
    return refuse(reason);
  }

  /**
   * Checks that `issuer` issued `child` (the certificate at `position`): names chain, the issuer is
   * a CA allowed to sign certificates with `below` CA certificates under it, and the signature
   * verifies.
   */
  #checkIssued(child: CertInfo, issuer: CertInfo, position: number, below: number, key?: KeyObject): void {
    const at = `certificate ${position} of the chain`;
    if (Buffer.compare(child.issuer, issuer.subject) !== 0) refuse(`${at} is not issued by the next certificate (issuer and subject names differ)`);
    if (!issuer.ca) refuse(`the issuer of ${at} is not a CA certificate`);
    if (!issuer.keyCertSign) refuse(`the issuer of ${at} may not sign certificates (key usage)`);
    if (issuer.pathLen !== undefined && below > issuer.pathLen) refuse(`the issuer of ${at} allows ${issuer.pathLen} CA certificates below it, the chain has ${below}`);
    const alg = ALGORITHMS.get(child.signatureAlgorithm);
    if (alg === undefined) refuse(`${at} is signed with unsupported algorithm ${oidText(child.signatureAlgorithm)}`);
    const issuerKey = key ?? this.#keyOf(issuer);
    let ok = false;
    try {
      ok = issuerKey.asymmetricKeyType === alg.kind
        && verify(alg.hash, child.tbs, alg.kind === 'ec' ? { key: issuerKey, dsaEncoding: 'der' } : issuerKey, child.signature);
    } catch {
      ok = false;
    }
    if (!ok) refuse(`the signature of ${at} does not verify with its issuer's key`);
  }

  #keyOf(cert: CertInfo): KeyObject {
    // Keyed by hash: hostile chains may carry large keys, and the cache must stay small.
    const id = sha256Hex(cert.spki);
    const cached = this.#keys.get(id);
    if (cached) return cached;
    let key: KeyObject;
    try {
      key = createPublicKey({ key: Buffer.from(cert.spki), format: 'der', type: 'spki' });
    } catch {
      return refuse('an issuer in the chain has a public key this log cannot use');
    }
    if (this.#keys.size >= KEY_CACHE_SIZE) this.#keys.delete(this.#keys.keys().next().value as string);
    this.#keys.set(id, key);
    return key;
  }
}

/** True when `cert` is an RFC 6962 Precertificate Signing Certificate (key purpose 1.3.6.1.4.1.11129.2.4.4). */
export function isPrecertSigningCertificate(cert: CertInfo): boolean {
  return cert.extKeyUsages.includes(OID.ctPrecertSigning);
}
