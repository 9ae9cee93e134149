import type { PublicKeyInfo } from '@sigstack/crypto/keys';
import { CAError, parseCertificateRequest, serializeSct, verifyProofOfPossession } from '../ca/index.js';
import type { CertificateAuthority, SctFields } from '../ca/index.js';
import type { IdentityService } from '../identity/index.js';

/** The CT log as the CA needs it: log a precertificate chain and get its SCT back, durably logged. */
export interface CtSubmitter {
  addPreChain(chain: readonly Uint8Array[]): Promise<SctFields>;
}

/** A certificate request after transport decoding: a public key with its proof, or a CSR (PEM). */
export type SigningRequest =
  | { kind: 'publicKey'; publicKey: string | Uint8Array; proofOfPossession: Uint8Array }
  | { kind: 'csr'; csrPem: Uint8Array };

export type IssuedCertificate = {
  /** The leaf, DER, with the embedded SCT list. */
  leaf: Uint8Array;
  /** The CA chain, DER, issuing certificate first, root last. */
  chain: readonly Uint8Array[];
};

/**
 * The whole issuance, in upstream's order: authenticate the token, check the key (proof of
 * possession or CSR self-signature), build the precertificate, log it in the CT log, and only then
 * build and return the final certificate with the SCT embedded. Nothing leaves that is not logged:
 * a CT failure fails the issuance (ERR_CA_UNAVAILABLE, 503).
 */
export class CertificateIssuer {
  readonly #identity: IdentityService;
  readonly #ca: CertificateAuthority;
  readonly #ct: CtSubmitter;

  constructor(options: { identity: IdentityService; ca: CertificateAuthority; ct: CtSubmitter }) {
    this.#identity = options.identity;
    this.#ca = options.ca;
    this.#ct = options.ct;
  }

  get chain(): readonly Uint8Array[] {
    return this.#ca.chain;
  }

  async issue(token: string, request: SigningRequest): Promise<IssuedCertificate> {
    const principal = await this.#identity.authenticate(token);
    const publicKey: PublicKeyInfo = request.kind === 'csr'
      ? parseCertificateRequest(request.csrPem).publicKey
      : verifyProofOfPossession(request.publicKey, request.proofOfPossession, principal.challenges);
    const leaf = this.#ca.prepareLeaf({ san: principal.san, extensions: principal.extensions }, publicKey);
    const precert = await this.#ca.buildPrecertificate(leaf);
    let sct: SctFields;
    try {
      sct = await this.#ct.addPreChain([precert, ...this.#ca.chain]);
    } catch (err) {
      throw new CAError('ERR_CA_UNAVAILABLE', "couldn't log the precertificate in the CT log", { cause: err });
    }
    const final = await this.#ca.buildFinalCertificate(leaf, [serializeSct(sct)]);
    return { leaf: final, chain: this.#ca.chain };
  }
}
