/**
 * The RFC 6962 §3.2 PreCert TBSCertificate: the precertificate's TBSCertificate with the poison
 * extension removed and nothing else changed, so that a verifier can rebuild the same bytes from
 * the final certificate by removing the SCT list extension instead.
 */
import { toHex } from '@sigstack/crypto/encoding';
import { derChildren, derDecode, derEncode, derExpect, TAG_OID, TAG_SEQUENCE } from '@sigstack/crypto/der';
import { asMalformed, malformed } from './der.js';
import { OID } from './certificate.js';

const TAG_EXTENSIONS = 0xa3;

/**
 * Re-encodes `tbs` (a TBSCertificate) without the extensions whose OID (hex of the OBJECT
 * IDENTIFIER contents) is in `oids`. Every other byte stays as it was; when no extension is left,
 * the `[3]` extensions field is dropped, as DER requires for an empty optional SEQUENCE OF.
 * Precondition: `tbs` comes from parseCertificateInfo (its shape is checked).
 */
export function tbsWithoutExtensions(tbs: Uint8Array, oids: readonly string[]): Uint8Array {
  return asMalformed(() => rebuildWithout(tbs, oids));
}

function rebuildWithout(tbs: Uint8Array, oids: readonly string[]): Uint8Array {
  const fields = derChildren(derExpect(derDecode(tbs, 'tbs certificate'), TAG_SEQUENCE, 'tbs certificate'), 'tbs certificate');
  const last = fields[fields.length - 1];
  if (last?.tag !== TAG_EXTENSIONS) malformed('tbs certificate has no extensions');
  const all = derChildren(derExpect(derChildren(last, 'extensions')[0], TAG_SEQUENCE, 'extensions'), 'extensions');
  const kept = all.filter((ext) => !oids.includes(toHex(derExpect(derChildren(ext, 'extension')[0], TAG_OID, 'extension id').content)));
  const head = fields.slice(0, -1).map((f) => f.raw);
  const rebuilt = kept.length === 0 ? head : [...head, derEncode(TAG_EXTENSIONS, derEncode(TAG_SEQUENCE, ...kept.map((k) => k.raw)))];
  return derEncode(TAG_SEQUENCE, ...rebuilt);
}

/** The PreCert `tbs_certificate` of a precertificate: its TBSCertificate without the poison. */
export function precertTbs(tbs: Uint8Array): Uint8Array {
  return tbsWithoutExtensions(tbs, [OID.ctPoison]);
}

/** What a verifier rebuilds from a final certificate: its TBSCertificate without the SCT list. */
export function finalCertTbs(tbs: Uint8Array): Uint8Array {
  return tbsWithoutExtensions(tbs, [OID.ctSctList]);
}
