/**
 * Subject Alternative Name helpers. Building: exactly one identity, as Fulcio writes it (critical,
 * because the subject is empty): an rfc822Name, a URI, or the Sigstore username OtherName
 * `[0] IMPLICIT OtherName { type-id 1.3.6.1.4.1.57264.1.7, [0] EXPLICIT UTF8String }`
 * (sigstore/sigstore `cryptoutils/sans.go`). Reading: our own strict DER walk, because
 * @peculiar/x509 silently drops OtherNames it does not know.
 */
import { EncodingError, KeyError } from '../errors.js';
import {
  derChildren,
  derDecode,
  derEncode,
  derExpect,
  derOid,
  derOidText,
  derSequence,
  TAG_SEQUENCE,
  TAG_UTF8_STRING,
  type DerElement,
} from '../keys/der.js';
import { Extension, type X509Certificate } from './peculiar.js';
import { decodeUtf8, SigstoreOid, strictUtf8 } from './sigstore-extensions.js';

export const OID_SUBJECT_ALT_NAME = '2.5.29.17';

/** The one identity Fulcio puts in a certificate. */
export type SanIdentity =
  | { readonly type: 'email'; readonly value: string }
  | { readonly type: 'uri'; readonly value: string }
  | { readonly type: 'username'; readonly value: string };

/** Names read from a SAN extension, by kind, in certificate order. */
export interface SubjectAltNames {
  readonly emails: string[];
  readonly uris: string[];
  readonly dnsNames: string[];
  /** Dotted IPv4, or IPv6 in RFC 5952 form. */
  readonly ipAddresses: string[];
  /** Values of Sigstore username OtherNames (type-id .7). Other OtherNames are skipped. */
  readonly usernames: string[];
}

// GeneralName CHOICE tags (RFC 5280 §4.2.1.6), all context-specific and IMPLICIT.
const GN_OTHER_NAME = 0xa0; // [0] constructed
const GN_RFC822 = 0x81; // [1] IA5String
const GN_DNS = 0x82; // [2] IA5String
const GN_URI = 0x86; // [6] IA5String
const GN_IP = 0x87; // [7] OCTET STRING
/** The other choices ([3] x400Address, [4] directoryName, [5] ediPartyName, [8] registeredID) are skipped. */
const GN_SKIPPED = new Set([0xa3, 0xa4, 0xa5, 0x88]);
const EXPLICIT_0 = 0xa0;

/** Visible ASCII without spaces: what an email or URI SAN may hold (IA5String, no controls). */
const VISIBLE_ASCII = /^[\x21-\x7e]+$/;

function malformed(message: string, cause?: unknown): KeyError {
  return new KeyError('ERR_CERT_MALFORMED', message, { cause });
}

/**
 * The critical SAN extension holding exactly `identity`. Emails and URIs must be non-empty visible
 * ASCII (they are IA5Strings); usernames any non-empty well-formed Unicode. Invalid values throw
 * EncodingError ERR_ENCODING_INVALID. Identity validation itself is the CA's job.
 */
export function subjectAltNameExtension(identity: SanIdentity): Extension {
  const { type, value } = identity;
  if (typeof value !== 'string' || value.length === 0) throw new EncodingError('ERR_ENCODING_INVALID', `${String(type)} san value must be a non-empty string`);
  let name: Uint8Array;
  if (type === 'username') {
    const utf8 = derEncode(TAG_UTF8_STRING, strictUtf8(value, 'username san'));
    name = derEncode(GN_OTHER_NAME, derOid(SigstoreOid.otherNameSan), derEncode(EXPLICIT_0, utf8));
  } else if (type === 'email' || type === 'uri') {
    if (!VISIBLE_ASCII.test(value)) throw new EncodingError('ERR_ENCODING_INVALID', `${type} san value must be visible ascii`);
    name = derEncode(type === 'email' ? GN_RFC822 : GN_URI, Buffer.from(value, 'latin1'));
  } else {
    throw new EncodingError('ERR_ENCODING_INVALID', `san type ${JSON.stringify(String(type))} is not email, uri or username`);
  }
  return new Extension(OID_SUBJECT_ALT_NAME, true, derEncode(TAG_SEQUENCE, name));
}

/** Reads the SAN of `cert`; every list is empty when it has none. Throws ERR_CERT_MALFORMED. */
export function subjectAltNames(cert: X509Certificate): SubjectAltNames {
  const extension = cert.extensions.find((e) => e.type === OID_SUBJECT_ALT_NAME);
  if (extension === undefined) return { emails: [], uris: [], dnsNames: [], ipAddresses: [], usernames: [] };
  return decodeSubjectAltNames(new Uint8Array(extension.value));
}

/** Decodes a SAN extnValue (`GeneralNames`, at least one name) strictly. Throws ERR_CERT_MALFORMED. */
export function decodeSubjectAltNames(extnValue: Uint8Array): SubjectAltNames {
  const out = { emails: [] as string[], uris: [] as string[], dnsNames: [] as string[], ipAddresses: [] as string[], usernames: [] as string[] };
  let names: DerElement[];
  try {
    names = derChildren(derExpect(derDecode(extnValue, 'subject alt name'), TAG_SEQUENCE, 'subject alt name'), 'subject alt name');
  } catch (err) {
    throw malformed('subject alt name extension is not a der sequence', err);
  }
  // GeneralNames is SIZE (1..MAX): an empty SAN is malformed.
  if (names.length === 0) throw malformed('subject alt name extension is empty');
  for (const name of names) {
    switch (name.tag) {
      case GN_RFC822:
        out.emails.push(ia5(name.content, 'rfc822Name'));
        break;
      case GN_DNS:
        out.dnsNames.push(ia5(name.content, 'dNSName'));
        break;
      case GN_URI:
        out.uris.push(ia5(name.content, 'uniformResourceIdentifier'));
        break;
      case GN_IP:
        out.ipAddresses.push(ipText(name.content));
        break;
      case GN_OTHER_NAME: {
        const username = sigstoreUsername(name);
        if (username !== undefined) out.usernames.push(username);
        break;
      }
      default:
        if (!GN_SKIPPED.has(name.tag)) throw malformed(`subject alt name has a general name with tag 0x${name.tag.toString(16)}`);
    }
  }
  return out;
}

function ia5(content: Uint8Array, what: string): string {
  // IA5String is 7-bit; anything else is a malformed (or smuggling) name.
  for (const byte of content) if (byte > 0x7f) throw malformed(`${what} is not an ia5string`);
  return Buffer.from(content).toString('latin1');
}

function ipText(content: Uint8Array): string {
  if (content.length === 4) return [...content].join('.');
  if (content.length !== 16) throw malformed(`iPAddress of ${content.length} bytes`);
  const groups: number[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(((content[i] as number) << 8) | (content[i + 1] as number));
  // RFC 5952: compress the longest run (first if tied) of two or more zero groups to "::".
  let bestStart = -1;
  let bestLength = 1;
  for (let i = 0; i < 8; ) {
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLength) {
      bestStart = i;
      bestLength = j - i;
    }
    i = j === i ? i + 1 : j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart < 0) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLength).join(':')}`;
}

/** The value of a Sigstore username OtherName, or undefined for another type-id. */
function sigstoreUsername(name: DerElement): string | undefined {
  let typeId: string;
  let value: DerElement;
  try {
    const [oid, explicit] = derSequence(name, 2, 'other name', GN_OTHER_NAME);
    typeId = derOidText(oid, 'other name type-id');
    const [inner] = derSequence(explicit, 1, 'other name value', EXPLICIT_0);
    value = inner as DerElement;
  } catch (err) {
    throw malformed('subject alt name has a malformed other name', err);
  }
  if (typeId !== SigstoreOid.otherNameSan) return undefined;
  if (value.tag !== TAG_UTF8_STRING) throw malformed('sigstore username other name is not a utf8string');
  const username = decodeUtf8(value.content, 'sigstore username other name');
  if (username.length === 0) throw malformed('sigstore username other name is empty');
  return username;
}
