/**
 * Embedded SCTs (RFC 6962 §3.3) and the precertificate TBSCertificate they were signed over: what a
 * verifier needs to check a certificate's SCTs against a CT log key, from the final certificate's
 * DER alone. Input is hostile: the strict DER reader bounds every length by its parent, and the
 * walk has a fixed depth (no recursion driven by the input).
 */
import { KeyError } from '../errors.js';
import { derChildren, derDecode, derEncode, derExpect, derOidText, derSequence, TAG_OCTET_STRING, TAG_SEQUENCE, type DerElement } from '../keys/der.js';

/** The embedded SCT list extension. */
export const OID_SCT_LIST = '1.3.6.1.4.1.11129.2.4.2';

const TAG_EXTENSIONS = 0xa3; // [3] EXPLICIT in TBSCertificate

/** A v1 SCT as embedded in a certificate; `signature` is the whole TLS `DigitallySigned`. */
export interface EmbeddedSct {
  readonly version: 0;
  /** SHA-256 of the CT log's public key. */
  readonly logId: Uint8Array;
  /** Milliseconds since the epoch. */
  readonly timestamp: number;
  readonly extensions: Uint8Array;
  readonly signature: Uint8Array;
}

type Walked = { fields: DerElement[]; extensionsField: DerElement | undefined; extensions: DerElement[]; sct: DerElement | undefined };

function walk(certDer: Uint8Array): Walked {
  const [tbs] = derSequence(derDecode(certDer, 'certificate'), 3, 'certificate');
  const fields = derChildren(derExpect(tbs, TAG_SEQUENCE, 'tbsCertificate'), 'tbsCertificate');
  const extensionsField = fields.find((f) => f.tag === TAG_EXTENSIONS);
  const extensions = extensionsField === undefined ? [] : derChildren(derExpect(derChildren(extensionsField, 'extensions')[0], TAG_SEQUENCE, 'extensions'), 'extensions');
  const sct = extensions.find((e) => derOidText(derChildren(e, 'extension')[0], 'extension id') === OID_SCT_LIST);
  return { fields, extensionsField, extensions, sct };
}

function guarded<T>(fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    throw new KeyError('ERR_CERT_MALFORMED', `certificate with an sct list: ${(err as Error).message}`, { cause: err });
  }
}

/**
 * The TBSCertificate without the SCT list extension, every enclosing length re-encoded (and the
 * extensions field dropped if it held nothing else): the bytes a CT log signed for the
 * precertificate (RFC 6962 §3.2). Undefined when the certificate embeds no SCT list. Throws
 * KeyError ERR_CERT_MALFORMED for DER that is not a certificate.
 */
export function precertificateTbs(certDer: Uint8Array): Uint8Array | undefined {
  return guarded(() => {
    const { fields, extensionsField, extensions, sct } = walk(certDer);
    if (sct === undefined) return undefined;
    const kept = extensions.filter((e) => e !== sct).map((e) => e.raw);
    const out = fields.flatMap((f) => (f !== extensionsField ? [f.raw] : kept.length === 0 ? [] : [derEncode(TAG_EXTENSIONS, derEncode(TAG_SEQUENCE, ...kept))]));
    return derEncode(TAG_SEQUENCE, ...out);
  });
}

/** A bounds-checked reader of TLS structures (big-endian lengths). */
function tlsReader(bytes: Uint8Array) {
  let at = 0;
  const take = (n: number): Uint8Array => {
    if (at + n > bytes.length) throw new Error(`tls structure truncated at byte ${at}`);
    at += n;
    return bytes.subarray(at - n, at);
  };
  const u16 = () => {
    const b = take(2);
    return (b[0]! << 8) | b[1]!;
  };
  return { take, u16, rest: () => bytes.length - at };
}

/**
 * The SCTs of the SCT list extension (an OCTET STRING holding the TLS
 * `SignedCertificateTimestampList`), in list order; empty when there is none. SCTs of versions
 * other than v1 are skipped. Throws KeyError ERR_CERT_MALFORMED for a malformed certificate or list.
 */
export function embeddedScts(certDer: Uint8Array): EmbeddedSct[] {
  return guarded(() => {
    const { sct } = walk(certDer);
    if (sct === undefined) return [];
    const value = derExpect(derChildren(sct, 'extension').at(-1), TAG_OCTET_STRING, 'sct list extension value');
    const list = tlsReader(derExpect(derDecode(value.content, 'sct list'), TAG_OCTET_STRING, 'sct list').content);
    if (list.u16() !== list.rest()) throw new Error('sct list length does not match its contents');
    const out: EmbeddedSct[] = [];
    while (list.rest() > 0) {
      const one = tlsReader(list.take(list.u16()));
      if (one.take(1)[0] !== 0) continue;
      const logId = one.take(32).slice();
      const timestamp = Number(Buffer.from(one.take(8)).readBigUInt64BE());
      const extensions = one.take(one.u16()).slice();
      out.push({ version: 0, logId, timestamp, extensions, signature: one.take(one.rest()).slice() });
    }
    return out;
  });
}
