/**
 * `uri` issuers (upstream pkg/identity/uri): the SAN is the URI `sub`, whose scheme and hostname must equal
 * those of the configured SubjectDomain exactly; `sub` must not be an email address.
 */
import { isEmail } from '../claims.js';
import { tokenInvalid } from '../errors.js';
import { goUrlHostname, parseGoUrl } from '../go-url.js';
import { makePrincipal, parseUrlValue, uriSan, type Principal, type PrincipalContext } from '../principal.js';

export function uriPrincipal(context: PrincipalContext): Principal {
  const { sub, config } = context;
  if (isEmail(sub)) throw tokenInvalid('identity', 'uri subject should not be an email address');
  const subject = parseUrlValue(sub, 'uri subject');
  // Validated at configuration load, so it parses.
  const domain = parseGoUrl(config.subjectDomain);
  if (subject.scheme !== domain.scheme) throw tokenInvalid('identity', `subject URI scheme (${subject.scheme}) must match expected domain URI scheme (${domain.scheme})`);
  if (goUrlHostname(subject) !== goUrlHostname(domain)) {
    throw tokenInvalid('identity', `subject hostname (${goUrlHostname(subject)}) must match expected domain (${goUrlHostname(domain)})`);
  }
  return makePrincipal('uri', context, sub, uriSan(subject, 'uri subject'));
}
