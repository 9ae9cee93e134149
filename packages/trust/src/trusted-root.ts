import { toBase64, toHex } from '@sigstack/crypto/encoding';
import { keyId } from '@sigstack/crypto/keys';
import type { x509 } from '@sigstack/crypto/x509';
import { checkChain } from './chain.js';
import { invalid } from './errors.js';
import { keyDetailsOf, publicKeyOf, type KeyDetails } from './keys.js';
import { rfc3339 } from './time.js';
import { serviceUrl } from './url.js';

export const TRUSTED_ROOT_MEDIA_TYPE = 'application/vnd.dev.sigstore.trustedroot+json;version=0.1';

/** protobuf-specs `TimeRange` as JSON; no `end` means open-ended. */
export type ValidForJson = { start: string; end?: string };

/** protobuf-specs `TransparencyLogInstance` as JSON. Never with `checkpointKeyId`: sigstore-js then takes it as the log ID. */
export type TransparencyLogJson = {
  baseUrl: string;
  hashAlgorithm: 'SHA2_256';
  publicKey: { rawBytes: string; keyDetails: KeyDetails; validFor: ValidForJson };
  logId: { keyId: string };
};

/** protobuf-specs `CertificateAuthority` as JSON; `certChain` lists the certificates closest to the leaf first, the root last. */
export type CertificateAuthorityJson = {
  subject: { organization: string; commonName: string };
  uri: string;
  certChain: { certificates: { rawBytes: string }[] };
  validFor: ValidForJson;
};

/** protobuf-specs `TrustedRoot` as JSON (camelCase, bytes in base64, enums as names, RFC 3339 times). */
export type TrustedRootJson = {
  mediaType: typeof TRUSTED_ROOT_MEDIA_TYPE;
  tlogs: TransparencyLogJson[];
  certificateAuthorities: CertificateAuthorityJson[];
  ctlogs: TransparencyLogJson[];
  timestampAuthorities: CertificateAuthorityJson[];
};

/** A log (transparency log or CT log): its public base URL, its key (PEM or DER SPKI/PKCS#1) and when it is trusted. */
export type LogInput = { baseUrl: string; publicKey: string | Uint8Array; start: Date; end?: Date };

/**
 * A CA or TSA: its URL, its chain (PEM text or DER certificates; intermediates, or the TSA's signing
 * certificate, first, the self-signed root last) and when it is trusted. `subject` defaults to the
 * O and CN of the first certificate.
 */
export type AuthorityInput = {
  uri: string;
  chain: string | readonly Uint8Array[];
  start: Date;
  end?: Date;
  subject?: { organization: string; commonName: string };
};

export type TrustedRootInput = {
  tlogs: readonly LogInput[];
  ctlogs: readonly LogInput[];
  certificateAuthorities: readonly AuthorityInput[];
  timestampAuthorities: readonly AuthorityInput[];
};

function validFor(start: Date, end: Date | undefined, what: string): ValidForJson {
  const out: ValidForJson = { start: rfc3339(start) };
  if (end !== undefined) {
    if (!(end.getTime() > start.getTime())) throw invalid(`${what}: validFor end ${rfc3339(end)} is not after its start ${rfc3339(start)}`);
    out.end = rfc3339(end);
  }
  return out;
}

function log(input: LogInput, what: string, setSigner: boolean): TransparencyLogJson {
  const key = publicKeyOf(input.publicKey, `${what} public key`);
  // Transparency logs sign SETs; sigstore-go (cosign) verifies SETs with ECDSA P-256 only.
  if (setSigner && (key.type !== 'ecdsa' || key.curve !== 'P-256')) throw invalid(`${what}: the transparency log key must be ECDSA P-256 (clients verify SETs with it), got ${key.type}${key.curve ? ` ${key.curve}` : ''}`);
  return {
    baseUrl: serviceUrl(input.baseUrl, `${what} baseUrl`),
    hashAlgorithm: 'SHA2_256',
    publicKey: { rawBytes: toBase64(key.spki), keyDetails: keyDetailsOf(key), validFor: validFor(input.start, input.end, what) },
    logId: { keyId: toBase64(keyId(key.spki)) },
  };
}

function field(cert: x509.X509Certificate, name: string): string {
  return cert.subjectName.getField(name)[0] ?? '';
}

async function authority(input: AuthorityInput, what: string, allCa: boolean): Promise<CertificateAuthorityJson> {
  const { der, certs } = await checkChain(input.chain, `${what} chain`, allCa);
  const first = certs[0] as x509.X509Certificate;
  return {
    subject: input.subject ?? { organization: field(first, 'O'), commonName: field(first, 'CN') },
    uri: serviceUrl(input.uri, `${what} uri`),
    certChain: { certificates: der.map((d) => ({ rawBytes: toBase64(d) })) },
    validFor: validFor(input.start, input.end, what),
  };
}

function overlaps(a: ValidForJson, b: ValidForJson): boolean {
  const end = (v: ValidForJson) => (v.end === undefined ? Infinity : Date.parse(v.end));
  return Date.parse(a.start) < end(b) && Date.parse(b.start) < end(a);
}

/** Two entries for one key (or one chain) trusted at the same time make clients' choice ambiguous. */
function refuseDuplicates<T>(items: readonly T[], identity: (item: T) => string, window: (item: T) => ValidForJson, what: string): void {
  for (let i = 0; i < items.length; i++) {
    for (let j = i + 1; j < items.length; j++) {
      const a = items[i] as T;
      const b = items[j] as T;
      if (identity(a) === identity(b) && overlaps(window(a), window(b))) throw invalid(`${what} ${i} and ${j} are the same key or chain with overlapping validFor windows`);
    }
  }
}

/**
 * Builds and checks a trusted root that sigstore-js, sigstore-go (cosign) and sigstore-python accept:
 * transparency-log keys ECDSA P-256, `keyDetails` matching each key, log IDs = SHA-256 of the SPKI,
 * CA chains ending at a self-signed root, RFC 3339 `validFor` windows, no `checkpointKeyId`.
 * At least one CA and one transparency log are required (keyless verification needs both).
 * Throws TrustError ERR_TRUST_INVALID naming the entry at fault.
 */
export async function buildTrustedRoot(input: TrustedRootInput): Promise<TrustedRootJson> {
  if (input.tlogs.length === 0) throw invalid('a trusted root needs at least one transparency log');
  if (input.certificateAuthorities.length === 0) throw invalid('a trusted root needs at least one certificate authority');
  const tlogs = input.tlogs.map((l, i) => log(l, `tlog ${i}`, true));
  const ctlogs = input.ctlogs.map((l, i) => log(l, `ctlog ${i}`, false));
  const certificateAuthorities: CertificateAuthorityJson[] = [];
  for (const [i, ca] of input.certificateAuthorities.entries()) certificateAuthorities.push(await authority(ca, `certificate authority ${i}`, true));
  const timestampAuthorities: CertificateAuthorityJson[] = [];
  for (const [i, tsa] of input.timestampAuthorities.entries()) timestampAuthorities.push(await authority(tsa, `timestamp authority ${i}`, false));
  const logKey = (l: TransparencyLogJson) => l.logId.keyId;
  const logWindow = (l: TransparencyLogJson) => l.publicKey.validFor;
  const chainKey = (a: CertificateAuthorityJson) => a.certChain.certificates.map((c) => c.rawBytes).join('.');
  refuseDuplicates(tlogs, logKey, logWindow, 'tlog');
  refuseDuplicates(ctlogs, logKey, logWindow, 'ctlog');
  refuseDuplicates(certificateAuthorities, chainKey, (a) => a.validFor, 'certificate authority');
  refuseDuplicates(timestampAuthorities, chainKey, (a) => a.validFor, 'timestamp authority');
  return { mediaType: TRUSTED_ROOT_MEDIA_TYPE, tlogs, certificateAuthorities, ctlogs, timestampAuthorities };
}

/** Hex log ID (SHA-256 of the SPKI) of a trusted-root log entry, for messages and logs. */
export function logIdHex(entry: TransparencyLogJson): string {
  return toHex(Buffer.from(entry.logId.keyId, 'base64'));
}
