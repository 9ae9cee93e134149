/**
 * Verification of one RFC 3161 timestamp of a bundle against the trusted root's timestamp
 * authorities, as @sigstore/verify does it (timestamp/tsa.js, @sigstore/core rfc3161), plus the
 * checks RFC 3161 and RFC 5652 require of the token that sigstore-js leaves out:
 * 1. the TSTInfo's message imprint is the hash (with the imprint's algorithm) of the bundle's
 *    signature bytes: the message signature, or the DSSE envelope's signature;
 * 2. the signed attributes hold the content type id-ct-TSTInfo and the message digest of the
 *    TSTInfo (with the signer's digest algorithm);
 * 3. a timestamp authority of the trusted root is valid (`validFor`) at genTime and its chain's
 *    first certificate (the TSA certificate) is the one the SignerInfo names by issuer and serial;
 * 4. that chain is valid at genTime: each certificate issued and signed the previous one, is a CA
 *    (all but the first) and is within its validity; the last is self-signed; the TSA certificate
 *    has exactly the timeStamping extended key usage, marked critical (RFC 3161 §2.3);
 * 5. the ESS signing-certificate(-v2) attributes, if present, name that TSA certificate;
 * 6. the CMS signature over the signed attributes verifies with the TSA certificate's key, with
 *    an algorithm that matches the key.
 * Every failure is an AuditError `timestamp` (19). Pure: no clock, no network.
 */
import type { X509Certificate } from 'node:crypto';
import { AsnConvert } from '@peculiar/asn1-schema';
import { Certificate } from '@peculiar/asn1-x509';
import { bytesEqual, toHex } from '@sigstack/crypto/encoding';
import { publicKeyFromKeyObject, verifySignature, type HashName, type KeyType } from '@sigstack/crypto/keys';
import { parseCertificate, x509 } from '@sigstack/crypto/x509';
import { AuditError } from '../errors.js';
import type { TrustedCa } from './inputs.js';
import { digestOf, parseTimestamp, type ParsedTimestamp } from './rfc3161.js';

export type VerifiedTimestamp = {
  /** genTime, milliseconds since the epoch. */
  time: number;
  /** The timestamp authority (trusted root `uri`, else its TSA certificate's subject). */
  authority: string;
  /** The TSA certificate's serial number, hex: with `time`, what makes two timestamps the same. */
  tsaSerial: string;
  /** The token's own serial number, hex. */
  serialNumber: string;
};

const EKU_TIME_STAMPING = '1.3.6.1.5.5.7.3.8';

/** CMS signature algorithms (by OID): the key type they need and their hash (undefined: the signer's digest algorithm). */
const SIGNATURE_ALGORITHMS: Readonly<Record<string, { key: KeyType; hash: HashName | undefined }>> = {
  '1.2.840.10045.4.3.2': { key: 'ecdsa', hash: 'sha256' },
  '1.2.840.10045.4.3.3': { key: 'ecdsa', hash: 'sha384' },
  '1.2.840.10045.4.3.4': { key: 'ecdsa', hash: 'sha512' },
  '1.2.840.113549.1.1.11': { key: 'rsa', hash: 'sha256' },
  '1.2.840.113549.1.1.12': { key: 'rsa', hash: 'sha384' },
  '1.2.840.113549.1.1.13': { key: 'rsa', hash: 'sha512' },
  // rsaEncryption: CMS allows naming the key algorithm, the hash then being the digest algorithm (RFC 3370 §3.2).
  '1.2.840.113549.1.1.1': { key: 'rsa', hash: undefined },
  '1.3.101.112': { key: 'ed25519', hash: 'sha512' },
};

function fail(message: string, cause?: unknown): AuditError {
  return new AuditError('timestamp', 'ERR_SIGNATURE_INVALID', message, cause === undefined ? {} : { cause });
}

function within(cert: X509Certificate, ms: number): boolean {
  return Date.parse(cert.validFrom) <= ms && ms <= Date.parse(cert.validTo);
}

/**
 * The DER issuer Name (re-encoded the way the SignerInfo's is) and serial INTEGER contents of a
 * trusted certificate; undefined if the ASN.1 schema cannot read it (it then names no signer).
 */
function issuerAndSerial(cert: X509Certificate): { issuer: Uint8Array; serialNumber: Uint8Array } | undefined {
  try {
    const tbs = AsnConvert.parse(cert.raw, Certificate).tbsCertificate;
    return { issuer: new Uint8Array(AsnConvert.serialize(tbs.issuer)), serialNumber: new Uint8Array(tbs.serialNumber) };
  } catch {
    return undefined;
  }
}

/** (4) The TSA chain at `ms`; throws with the first reason it is not valid. */
function checkTsaChain(chain: X509Certificate[], ms: number): void {
  const [leaf, ...rest] = chain;
  if (leaf === undefined || rest.length === 0) throw fail('the chain must hold the TSA certificate and its root');
  const eku = parseCertificate(new Uint8Array(leaf.raw)).getExtension(x509.ExtendedKeyUsageExtension);
  if (eku === null || eku.usages.length !== 1 || eku.usages[0] !== EKU_TIME_STAMPING || !eku.critical) {
    throw fail('the TSA certificate does not have exactly the timeStamping extended key usage, marked critical');
  }
  if (!within(leaf, ms)) throw fail(`the TSA certificate (valid ${leaf.validFrom} to ${leaf.validTo}) was not valid then`);
  let child = leaf;
  for (const cert of rest) {
    if (!cert.ca || !child.checkIssued(cert) || !child.verify(cert.publicKey)) throw fail(`${cert.subject.replace(/\n/g, ', ')} is not a CA that issued and signed ${child.subject.replace(/\n/g, ', ')}`);
    if (!within(cert, ms)) throw fail(`${cert.subject.replace(/\n/g, ', ')} (valid ${cert.validFrom} to ${cert.validTo}) was not valid then`);
    child = cert;
  }
  if (!child.checkIssued(child) || !child.verify(child.publicKey)) throw fail(`the chain does not end with a self-signed root (${child.subject.replace(/\n/g, ', ')})`);
}

/** (5) Each ESSCertID present names `leaf` by hash and, if given, by issuer and serial. */
function checkEss(token: ParsedTimestamp, leaf: X509Certificate, leafIds: { issuer: Uint8Array; serialNumber: Uint8Array }): void {
  for (const ref of token.essCertRefs) {
    if (!bytesEqual(ref.certHash, digestOf(ref.hash, new Uint8Array(leaf.raw)))) throw fail(`its signing-certificate attribute names a certificate with ${ref.hash} ${toHex(ref.certHash)}, not the TSA certificate`);
    const is = ref.issuerSerial;
    if (is !== undefined && (!bytesEqual(is.serialNumber, leafIds.serialNumber) || !is.issuers.some((n) => bytesEqual(n, leafIds.issuer)))) {
      throw fail('its signing-certificate attribute names another issuer and serial number than the TSA certificate\'s');
    }
  }
}

/** (6) The CMS signature over the signed attributes with the TSA certificate's key. */
function checkSignature(token: ParsedTimestamp, leaf: X509Certificate): void {
  const algorithm = SIGNATURE_ALGORITHMS[token.signatureAlgorithm];
  if (algorithm === undefined) throw new AuditError('timestamp', 'ERR_ALGORITHM_UNSUPPORTED', `its signature algorithm ${token.signatureAlgorithm.slice(0, 64)} is not supported`);
  let key;
  try {
    key = publicKeyFromKeyObject(leaf.publicKey);
  } catch (err) {
    throw fail(`the TSA certificate's key is not usable: ${(err as Error).message}`, err);
  }
  // The algorithm must fit the key: an RSA algorithm identifier never verifies with an EC key and so on.
  if (key.type !== algorithm.key) throw fail(`its signature algorithm is for ${algorithm.key} keys, the TSA certificate has a ${key.type} key`);
  if (!verifySignature(key, token.signedAttributes, token.signature, { hash: algorithm.hash ?? token.digestHash })) throw fail('its signature over the signed attributes does not verify with the TSA certificate\'s key');
}

/**
 * Verifies the `index`th timestamp of a bundle (`der`, a DER TimeStampResp) over `signature` (the
 * bundle's signature bytes) with the timestamp authorities of the trusted root; returns its time.
 * Throws AuditError `timestamp` (19) when it is malformed or does not verify with any of them.
 */
export function verifyTimestamp(der: Uint8Array, index: number, signature: Uint8Array, authorities: readonly TrustedCa[]): VerifiedTimestamp {
  const where = `timestamp ${index}`;
  const token = parseTimestamp(der, where);
  const at = new Date(token.genTime).toISOString();
  // (1) sigstore-js: TSTInfo.verify(signature bytes), the imprint's hash over the bundle's signature.
  if (!bytesEqual(token.imprint.digest, digestOf(token.imprint.hash, signature))) {
    throw fail(`${where} is not over the bundle's signature: its message imprint ${toHex(token.imprint.digest)} is not the ${token.imprint.hash} of the signature`);
  }
  // (2) The signed attributes are bound to this TSTInfo.
  if (!bytesEqual(token.messageDigest, digestOf(token.digestHash, token.tstInfo))) throw fail(`${where} has a message-digest attribute that is not the ${token.digestHash} of its TSTInfo`);
  // (3) Candidates: valid at genTime, TSA certificate named by the SignerInfo.
  const candidates = authorities.flatMap((ca) => {
    const leaf = ca.chain[0];
    if (leaf === undefined || ca.validFor.start > token.genTime || token.genTime > ca.validFor.end) return [];
    const ids = issuerAndSerial(leaf);
    return ids !== undefined && bytesEqual(ids.issuer, token.signer.issuer) && bytesEqual(ids.serialNumber, token.signer.serialNumber) ? [{ ca, leaf, ids }] : [];
  });
  if (candidates.length === 0) {
    throw fail(`${where} (genTime ${at}) is signed by certificate ${toHex(token.signer.serialNumber)}, which is not the TSA certificate of any timestamp authority of the trusted root valid at that time`);
  }
  let firstError: AuditError | undefined;
  for (const { ca, leaf, ids } of candidates) {
    try {
      checkTsaChain(ca.chain, token.genTime);
      checkEss(token, leaf, ids);
      checkSignature(token, leaf);
      return { time: token.genTime, authority: ca.uri || leaf.subject.replace(/\n/g, ', '), tsaSerial: toHex(ids.serialNumber), serialNumber: token.serialNumber };
    } catch (err) {
      // A trusted certificate our X.509 parser refuses (a KeyError) fails this candidate like any other check.
      firstError ??= err instanceof AuditError ? err : fail(`the timestamp authority's chain is not usable: ${(err as Error).message}`, err);
    }
  }
  const e = firstError as AuditError;
  throw new AuditError(e.exit, e.code, `${where} (genTime ${at}): ${e.message}`, { cause: e });
}
