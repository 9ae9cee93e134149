/**
 * X.509 helpers: the Sigstore extensions, Subject Alternative Names, and certificate parsing and
 * PEM output. The only part of the package that uses @peculiar/x509, re-exported as `x509` so that
 * callers build certificates with the same library instance.
 */
import 'reflect-metadata';

export * as x509 from './peculiar.js';
export {
  buildSigstoreExtensions,
  decodeSigstoreExtension,
  encodeSigstoreExtension,
  SIGSTORE_EXTENSIONS,
  SIGSTORE_OID_ARC,
  sigstoreExtension,
  sigstoreExtensionInfo,
  sigstoreExtensions,
  SigstoreOid,
  type SigstoreExtensionEncoding,
  type SigstoreExtensionInfo,
} from './sigstore-extensions.js';
export {
  decodeSubjectAltNames,
  OID_SUBJECT_ALT_NAME,
  subjectAltNameExtension,
  subjectAltNames,
  type SanIdentity,
  type SubjectAltNames,
} from './san.js';
export {
  certificateDer,
  certificatePublicKey,
  certificatesToPem,
  DEFAULT_MAX_CHAIN,
  MAX_CERTIFICATE_BYTES,
  parseCertificate,
  parseCertificateChain,
} from './certificate.js';
export { embeddedScts, OID_SCT_LIST, precertificateTbs, type EmbeddedSct } from './precertificate.js';
export {
  EssCertId,
  EssCertIdV2,
  ID_AA_SIGNING_CERTIFICATE,
  ID_AA_SIGNING_CERTIFICATE_V2,
  IssuerSerial,
  SigningCertificate,
  SigningCertificateV2,
} from './ess.js';
