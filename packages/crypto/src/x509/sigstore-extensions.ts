/**
 * The Sigstore certificate extensions under arc 1.3.6.1.4.1.57264.1 (Fulcio
 * `pkg/certificate/extensions.go`, `docs/oid-info.md`). `.1`–`.6` carry the raw UTF-8 value directly
 * in extnValue (deprecated, non-conformant); `.8`–`.24` carry a DER UTF8String; `.7` is not an
 * extension but the OtherName type-id of username SANs. All are non-critical and only emitted when
 * the value is non-empty.
 */
import { EncodingError, KeyError } from '../errors.js';
import { derDecode, derEncode, derExpect, TAG_UTF8_STRING } from '../keys/der.js';
import { Extension, type X509Certificate } from './peculiar.js';

export const SIGSTORE_OID_ARC = '1.3.6.1.4.1.57264.1';

/** Every OID of the arc by name. `otherNameSan` (.7) is the username SAN type-id, not an extension. */
export const SigstoreOid = {
  issuer: '1.3.6.1.4.1.57264.1.1',
  githubWorkflowTrigger: '1.3.6.1.4.1.57264.1.2',
  githubWorkflowSha: '1.3.6.1.4.1.57264.1.3',
  githubWorkflowName: '1.3.6.1.4.1.57264.1.4',
  githubWorkflowRepository: '1.3.6.1.4.1.57264.1.5',
  githubWorkflowRef: '1.3.6.1.4.1.57264.1.6',
  otherNameSan: '1.3.6.1.4.1.57264.1.7',
  issuerV2: '1.3.6.1.4.1.57264.1.8',
  buildSignerUri: '1.3.6.1.4.1.57264.1.9',
  buildSignerDigest: '1.3.6.1.4.1.57264.1.10',
  runnerEnvironment: '1.3.6.1.4.1.57264.1.11',
  sourceRepositoryUri: '1.3.6.1.4.1.57264.1.12',
  sourceRepositoryDigest: '1.3.6.1.4.1.57264.1.13',
  sourceRepositoryRef: '1.3.6.1.4.1.57264.1.14',
  sourceRepositoryIdentifier: '1.3.6.1.4.1.57264.1.15',
  sourceRepositoryOwnerUri: '1.3.6.1.4.1.57264.1.16',
  sourceRepositoryOwnerIdentifier: '1.3.6.1.4.1.57264.1.17',
  buildConfigUri: '1.3.6.1.4.1.57264.1.18',
  buildConfigDigest: '1.3.6.1.4.1.57264.1.19',
  buildTrigger: '1.3.6.1.4.1.57264.1.20',
  runInvocationUri: '1.3.6.1.4.1.57264.1.21',
  sourceRepositoryVisibilityAtSigning: '1.3.6.1.4.1.57264.1.22',
  deploymentEnvironment: '1.3.6.1.4.1.57264.1.23',
  tokenSubject: '1.3.6.1.4.1.57264.1.24',
} as const;

export type SigstoreExtensionEncoding = 'raw' | 'utf8string';

export interface SigstoreExtensionInfo {
  readonly oid: string;
  readonly name: string;
  readonly encoding: SigstoreExtensionEncoding;
}

function ext(oid: string, name: string, encoding: SigstoreExtensionEncoding): SigstoreExtensionInfo {
  return Object.freeze({ oid, name, encoding });
}

/** The certificate extensions (.7 excluded), in the order Fulcio emits them. */
export const SIGSTORE_EXTENSIONS: readonly SigstoreExtensionInfo[] = Object.freeze([
  ext(SigstoreOid.issuer, 'Issuer (deprecated)', 'raw'),
  ext(SigstoreOid.githubWorkflowTrigger, 'GitHub Workflow Trigger (deprecated)', 'raw'),
  ext(SigstoreOid.githubWorkflowSha, 'GitHub Workflow SHA (deprecated)', 'raw'),
  ext(SigstoreOid.githubWorkflowName, 'GitHub Workflow Name (deprecated)', 'raw'),
  ext(SigstoreOid.githubWorkflowRepository, 'GitHub Workflow Repository (deprecated)', 'raw'),
  ext(SigstoreOid.githubWorkflowRef, 'GitHub Workflow Ref (deprecated)', 'raw'),
  ext(SigstoreOid.issuerV2, 'Issuer (V2)', 'utf8string'),
  ext(SigstoreOid.buildSignerUri, 'Build Signer URI', 'utf8string'),
  ext(SigstoreOid.buildSignerDigest, 'Build Signer Digest', 'utf8string'),
  ext(SigstoreOid.runnerEnvironment, 'Runner Environment', 'utf8string'),
  ext(SigstoreOid.sourceRepositoryUri, 'Source Repository URI', 'utf8string'),
  ext(SigstoreOid.sourceRepositoryDigest, 'Source Repository Digest', 'utf8string'),
  ext(SigstoreOid.sourceRepositoryRef, 'Source Repository Ref', 'utf8string'),
  ext(SigstoreOid.sourceRepositoryIdentifier, 'Source Repository Identifier', 'utf8string'),
  ext(SigstoreOid.sourceRepositoryOwnerUri, 'Source Repository Owner URI', 'utf8string'),
  ext(SigstoreOid.sourceRepositoryOwnerIdentifier, 'Source Repository Owner Identifier', 'utf8string'),
  ext(SigstoreOid.buildConfigUri, 'Build Config URI', 'utf8string'),
  ext(SigstoreOid.buildConfigDigest, 'Build Config Digest', 'utf8string'),
  ext(SigstoreOid.buildTrigger, 'Build Trigger', 'utf8string'),
  ext(SigstoreOid.runInvocationUri, 'Run Invocation URI', 'utf8string'),
  ext(SigstoreOid.sourceRepositoryVisibilityAtSigning, 'Source Repository Visibility At Signing', 'utf8string'),
  ext(SigstoreOid.deploymentEnvironment, 'Deployment Environment', 'utf8string'),
  ext(SigstoreOid.tokenSubject, 'Token Subject', 'utf8string'),
]);

const BY_OID: ReadonlyMap<string, SigstoreExtensionInfo> = new Map(SIGSTORE_EXTENSIONS.map((e) => [e.oid, e]));

const utf8Encoder = new TextEncoder();
const utf8Decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** UTF-8 bytes of `value`; lone surrogates (which TextEncoder would silently replace) are refused. */
export function strictUtf8(value: string, what: string): Uint8Array<ArrayBuffer> {
  const bytes = utf8Encoder.encode(value);
  if (utf8Decoder.decode(bytes) !== value) throw new EncodingError('ERR_ENCODING_INVALID', `${what} is not well-formed unicode`);
  return bytes;
}

/** Decodes UTF-8 strictly; invalid bytes are a malformed certificate. */
export function decodeUtf8(bytes: Uint8Array, what: string): string {
  try {
    return utf8Decoder.decode(bytes);
  } catch (err) {
    throw new KeyError('ERR_CERT_MALFORMED', `${what} is not valid utf-8`, { cause: err });
  }
}

/** The table entry of a Sigstore extension OID, or undefined (also for .7 and OIDs outside the arc). */
export function sigstoreExtensionInfo(oid: string): SigstoreExtensionInfo | undefined {
  return BY_OID.get(oid);
}

function infoOrThrow(oid: string): SigstoreExtensionInfo {
  const info = BY_OID.get(oid);
  if (info === undefined) throw new EncodingError('ERR_ENCODING_INVALID', `${JSON.stringify(oid)} is not a sigstore certificate extension oid`);
  return info;
}

/**
 * The extnValue bytes of a Sigstore extension: raw UTF-8 for .1–.6, a DER UTF8String for .8–.24.
 * Throws EncodingError ERR_ENCODING_INVALID for an unknown OID or an empty or ill-formed value
 * (Fulcio never emits an empty extension).
 */
export function encodeSigstoreExtension(oid: string, value: string): Uint8Array<ArrayBuffer> {
  const info = infoOrThrow(oid);
  if (typeof value !== 'string' || value.length === 0) throw new EncodingError('ERR_ENCODING_INVALID', `${info.name} value must be a non-empty string`);
  const bytes = strictUtf8(value, `${info.name} value`);
  return info.encoding === 'raw' ? bytes : derEncode(TAG_UTF8_STRING, bytes);
}

/**
 * Decodes a Sigstore extension's extnValue strictly: valid UTF-8, non-empty, and for .8–.24 exactly
 * one DER UTF8String with nothing after it. Throws KeyError ERR_CERT_MALFORMED; an OID outside the
 * table throws EncodingError ERR_ENCODING_INVALID.
 */
export function decodeSigstoreExtension(oid: string, extnValue: Uint8Array): string {
  const info = infoOrThrow(oid);
  let bytes = extnValue;
  if (info.encoding === 'utf8string') {
    try {
      bytes = derExpect(derDecode(extnValue, info.name), TAG_UTF8_STRING, info.name).content;
    } catch (err) {
      throw new KeyError('ERR_CERT_MALFORMED', `${info.name} extension is not a der utf8string`, { cause: err });
    }
  }
  const value = decodeUtf8(bytes, `${info.name} extension`);
  if (value.length === 0) throw new KeyError('ERR_CERT_MALFORMED', `${info.name} extension is empty`);
  return value;
}

/** A non-critical `Extension` carrying a Sigstore value, for the certificate generator. */
export function sigstoreExtension(oid: string, value: string): Extension {
  return new Extension(oid, false, encodeSigstoreExtension(oid, value));
}

/**
 * The extensions for `values` (OID → value) in Fulcio's order (.1–.6, then .8–.24), skipping
 * undefined and empty values. An OID outside the table throws ERR_ENCODING_INVALID (typo guard).
 * Whether the issuer is present is the CA's policy, not checked here.
 */
export function buildSigstoreExtensions(values: Readonly<Record<string, string | undefined>>): Extension[] {
  for (const oid of Object.keys(values)) infoOrThrow(oid);
  const out: Extension[] = [];
  for (const { oid } of SIGSTORE_EXTENSIONS) {
    const value = values[oid];
    if (value !== undefined && value !== '') out.push(sigstoreExtension(oid, value));
  }
  return out;
}

/**
 * Every Sigstore extension present in `cert`, OID → decoded value. Precondition: `cert` came from
 * parseCertificate (which already refused duplicate extensions). Throws ERR_CERT_MALFORMED for a
 * badly encoded value.
 */
export function sigstoreExtensions(cert: X509Certificate): Record<string, string> {
  const out: Record<string, string> = {};
  for (const extension of cert.extensions) {
    if (BY_OID.has(extension.type)) out[extension.type] = decodeSigstoreExtension(extension.type, new Uint8Array(extension.value));
  }
  return out;
}
