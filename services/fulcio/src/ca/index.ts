/**
 * The certificate-issuing domain of the CA: request forms (public key + proof of possession, or CSR),
 * the leaf profile, the precertificate → final certificate flow, and opening the CA key. No HTTP here.
 *
 * From a request to a certificate (see docs/fulcio-ca.md):
 *   const ca = await openCertificateAuthority({ type: 'ephemeral', dir }, { clock, random });   // at start
 *   const key = csrPem === undefined
 *     ? verifyProofOfPossession(content, proof, [challenge, otherClaim])   // public key + proof of possession
 *     : parseCertificateRequest(csrPem).publicKey;                         // or a CSR
 *   const leaf = ca.prepareLeaf({ san, extensions }, key);
 *   const precert = await ca.buildPrecertificate(leaf);        // → CT add-pre-chain [precert, ...ca.chain]
 *   const sct = serializeSct({ version, logId, timestamp, extensions, signature });
 *   const cert = await ca.buildFinalCertificate(leaf, [sct]); // response chain: [cert, ...ca.chain]
 */
export { CertificateAuthority, LEAF_VALIDITY_MS, type CertificateAuthorityOptions } from './certificate-authority.js';
export { LeafTemplate, type IssuerProfile, type LeafFields, type LeafIdentity } from './leaf-template.js';
export { verifyProofOfPossession, MAX_PROOF_BYTES } from './proof-of-possession.js';
export { parseCertificateRequest, MAX_CSR_PEM, type CertificateRequest } from './csr.js';
export { serializeSct, encodeSctList, type SctFields } from './sct.js';
export { OID_CT_POISON, OID_CT_SCT_LIST } from './leaf-extensions.js';
export { CAError } from './errors.js';
export { checkCAChain } from './chain-check.js';
export { openCertificateAuthority, caSignerSettings, CA_BACKEND_TYPES, type CABackendConfig, type OpenDeps } from './open.js';
