import type { RekorEntry } from '@sigstack/client';
import { AuditError } from '../errors.js';
import { isoTime } from '../output.js';
import { decodeBody, type DecodedBody, type Signer } from './entry-body.js';

/** The entry body decoded, or an AuditError `badResponse` when it is not an entry at all. */
export function decodeEntry(entry: RekorEntry): DecodedBody {
  try {
    return decodeBody(entry.body);
  } catch (err) {
    throw new AuditError('badResponse', 'ERR_CLIENT_RESPONSE', `entry ${entry.uuid} has a body that is not a log entry: ${(err as Error).message}`, { cause: err });
  }
}

function signerFields(s: Signer, n: number, total: number): [string, string][] {
  const label = total > 1 ? `signer ${n + 1}` : 'signer';
  switch (s.type) {
    case 'certificate':
      return [
        [label, `certificate (serial ${s.serial}${s.chainLength > 1 ? `, chain of ${s.chainLength}` : ''})`],
        ['  identity', s.identities.length > 0 ? s.identities.join(', ') : '(no subject alternative name)'],
        ['  oidc issuer', s.issuer ?? '(none)'],
        ['  valid', `${s.notBefore} to ${s.notAfter}`],
        ['  issued by', s.certificateIssuer],
      ];
    case 'public-key':
      return [[label, `public key, ${s.keyType}, ${s.fingerprint}`]];
    case 'unreadable':
      return [[label, `unreadable: ${s.reason}`]];
  }
}

/** Fields for people describing one entry. */
export function describeEntry(entry: RekorEntry, decoded: DecodedBody): [string, string][] {
  return [
    ['entry', entry.entryId],
    ['log index', String(entry.logIndex)],
    ['integrated', `${isoTime(entry.integratedTime)} (unix ${entry.integratedTime})`],
    ['kind', `${decoded.kind} ${decoded.apiVersion}`],
    [decoded.subject, decoded.hash ? `${decoded.hash.algorithm}:${decoded.hash.value}` : '(none)'],
    ...decoded.signers.flatMap((s, i) => signerFields(s, i, decoded.signers.length)),
  ];
}
