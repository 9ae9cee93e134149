/**
 * Issuing: from (identity, subject key) to a precertificate, and from (the same prepared leaf, the
 * CT log's SCTs) to the final certificate. Pure apart from the signer's `sign`: nothing is stored,
 * so a failure at any step leaves nothing half-issued.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { PublicKeyInfo } from '@sigstack/crypto/keys';
import { certificateDer as derOf, x509 } from '@sigstack/crypto/x509';
import { certificateSignatureAlgorithm, certificateVerifier } from './algorithms.js';
import type { CertifiedSigner } from '@sigstack/service-kit';
import { checkCAChain } from './chain-check.js';
import { derDecode, derSequence } from '@sigstack/crypto/der';
import { CAError } from './errors.js';
import { CT_POISON, sctListExtension } from './leaf-extensions.js';
import { certificateDer, LeafTemplate, type IssuerProfile, type LeafIdentity } from './leaf-template.js';
import { encodeSctList } from './sct.js';

/** Leaf validity: 10 minutes, fixed upstream (fulcio#474). */
export const LEAF_VALIDITY_MS = 10 * 60 * 1000;
/** Serial numbers: 20 random bytes with the top bit cleared, i.e. uniform in [1, 2^159) (Go, cryptoutils.GenerateSerialNumber). */
const SERIAL_BYTES = 20;

export interface CertificateAuthorityOptions {
  /** The CA key and its chain, from @sigstack/service-kit's `openSigner` (see `openCertificateAuthority`). */
  readonly signer: CertifiedSigner;
  /** Milliseconds since the epoch; default Date.now. */
  readonly clock?: (() => number) | undefined;
  /** `size` random bytes; default node:crypto randomBytes. */
  readonly random?: ((size: number) => Uint8Array) | undefined;
}

export class CertificateAuthority {
  /** The CA chain as DER, issuing certificate first, root last: what follows the leaf in a response. */
  readonly chain: readonly Uint8Array[];
  /**
   * SHA-256 of the issuing certificate's SubjectPublicKeyInfo: the `issuer_key_hash` of the RFC 6962
   * precertificate entry that the CT log signs (with `LeafTemplate.tbs()`, the TBS without poison).
   */
  readonly issuerKeyHash: Uint8Array;
  readonly signer: CertifiedSigner;
  readonly #issuer: IssuerProfile;
  readonly #clock: () => number;
  readonly #random: (size: number) => Uint8Array;
  readonly #verify: (tbs: Uint8Array, signature: Uint8Array) => boolean;

  /**
   * Checks the chain against the key with the CA's rules (`checkCAChain`, at `clock()`) and builds the
   * CA. Throws CAError ERR_CONFIG_INVALID when the chain or key is unusable: refuse to start.
   */
  constructor(options: CertificateAuthorityOptions) {
    const { signer } = options;
    this.signer = signer;
    this.#clock = options.clock ?? Date.now;
    this.#random = options.random ?? ((size) => new Uint8Array(randomBytes(size)));
    checkCAChain(signer.chain, signer.signer.publicKey, this.#clock());
    this.chain = Object.freeze(signer.chain.map((c) => derOf(c)));
    const issuing = this.chain[0] as Uint8Array;
    // TBSCertificate: [0] version, serialNumber, signature, issuer, validity, subject, subjectPublicKeyInfo, …
    const tbs = derSequence(derSequence(derDecode(issuing, 'ca certificate'), 3, 'ca certificate')[0], [7, 10], 'ca tbs certificate');
    const subject = (tbs[5] as { raw: Uint8Array }).raw;
    const spki = (tbs[6] as { raw: Uint8Array }).raw;
    this.issuerKeyHash = new Uint8Array(createHash('sha256').update(spki).digest());
    // checkCAChain made sure the issuing certificate has a SubjectKeyIdentifier.
    const ski = signer.chain[0]?.getExtension(x509.SubjectKeyIdentifierExtension) as x509.SubjectKeyIdentifierExtension;
    this.#issuer = Object.freeze({
      subject: new Uint8Array(subject),
      keyId: new Uint8Array(Buffer.from(ski.keyId, 'hex')),
      signatureAlgorithm: certificateSignatureAlgorithm(signer.signer.publicKey),
    });
    this.#verify = certificateVerifier(signer.signer.publicKey);
  }

  /**
   * Fixes everything about one leaf: serial (random), validity (now, in whole seconds, + 10 min),
   * the subject key and the identity. Pass the result to `buildPrecertificate`, then with the SCTs
   * to `buildFinalCertificate`. Throws CAError ERR_IDENTITY_INVALID when the identity cannot be
   * written (no issuer `.8`, a bad SAN value), and ERR_CA_UNAVAILABLE when the issuing certificate
   * would expire before the leaf.
   * Precondition: `publicKey` comes from `verifyProofOfPossession` or `parseCertificateRequest`.
   */
  prepareLeaf(identity: LeafIdentity, publicKey: PublicKeyInfo): LeafTemplate {
    const notBefore = Math.floor(this.#clock() / 1000) * 1000;
    const notAfter = notBefore + LEAF_VALIDITY_MS;
    const issuing = this.signer.chain[0];
    if (issuing !== undefined && (notAfter > issuing.notAfter.getTime() || notBefore < issuing.notBefore.getTime())) {
      throw new CAError('ERR_CA_UNAVAILABLE', `the issuing ca certificate is not valid from ${new Date(notBefore).toISOString()} to ${new Date(notAfter).toISOString()}`);
    }
    return new LeafTemplate(this.#issuer, { identity, publicKey, serial: this.#serial(), notBefore, notAfter });
  }

  /**
   * The precertificate: the leaf with the critical CT poison as its last extension, signed by the CA
   * key. Rejects with the signer's ERR_SIGNER_UNAVAILABLE when the key store is down.
   */
  async buildPrecertificate(leaf: LeafTemplate): Promise<Uint8Array> {
    this.#own(leaf);
    return this.#sign(leaf.tbs(CT_POISON), false);
  }

  /**
   * The final certificate: the same TBS as the precertificate without the poison, with the SCT list
   * (`scts`: serialized SCTs, see `serializeSct`) as its last extension, signed by the CA key.
   * Throws CAError ERR_CLIENT_RESPONSE for a malformed SCT, and ERR_SIGNER_UNAVAILABLE (from the
   * signer: the key store is down) or CAError ERR_CA_UNAVAILABLE (a signature that does not verify)
   * when signing fails.
   */
  async buildFinalCertificate(leaf: LeafTemplate, scts: readonly Uint8Array[]): Promise<Uint8Array> {
    this.#own(leaf);
    return this.#sign(leaf.tbs(sctListExtension(encodeSctList(scts))), true);
  }

  /** What the operator should hear about but need not stop for (e.g. key file permissions), for main.ts to log at warn. */
  get warnings(): readonly string[] {
    return this.signer.warnings;
  }

  /** Releases the signer (its key store). */
  async close(): Promise<void> {
    await this.signer.signer.close();
  }

  /**
   * Signs `tbs` into a certificate. With `check`, the signature is verified first, as Go's
   * CreateCertificate does, so that a faulty signer (an HSM returning garbage, a raw ECDSA signature
   * where X.509 wants DER) never yields a certificate. Only the final certificate is checked here:
   * it is what leaves the CA, while the precertificate goes to the CT log, which verifies its
   * signature against our chain before it logs anything (RFC 6962 §3.1). Checking both would cost
   * a third of the fast path's time.
   */
  async #sign(tbs: Uint8Array, check: boolean): Promise<Uint8Array> {
    const signature = await this.signer.signer.sign(tbs);
    if (check && !this.#verify(tbs, signature)) throw new CAError('ERR_CA_UNAVAILABLE', 'the ca signer returned a signature that does not verify');
    return certificateDer(tbs, this.#issuer.signatureAlgorithm, signature);
  }

  #own(leaf: LeafTemplate): void {
    // A programming error, not a request error (answered 500): leaves are bound to the CA that prepared them.
    if (leaf.issuer !== this.#issuer) throw new Error('the leaf was prepared by another certificate authority');
  }

  #serial(): Uint8Array {
    for (let attempt = 0; attempt < 8; attempt++) {
      const bytes = Uint8Array.from(this.#random(SERIAL_BYTES));
      if (bytes.length !== SERIAL_BYTES) throw new Error(`the random source returned ${bytes.length} bytes, want ${SERIAL_BYTES}`);
      bytes[0] = (bytes[0] as number) & 0x7f;
      // Zero is not a valid serial (RFC 5280 §4.1.2.2: positive); at 2^-159 it only happens with a broken source.
      if (bytes.some((b) => b !== 0)) return bytes;
    }
    throw new Error('the random source keeps returning zero serial numbers');
  }
}
