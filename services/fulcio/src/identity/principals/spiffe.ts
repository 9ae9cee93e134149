/**
 * `spiffe` issuers (upstream pkg/identity/spiffe): `sub` is a SPIFFE ID in the configured trust domain and
 * becomes the URI SAN.
 */
import { tokenInvalid } from '../errors.js';
import { makePrincipal, parseUrlValue, uriSan, type Principal, type PrincipalContext } from '../principal.js';
import { parseTrustDomain, spiffeTrustDomainOf } from '../spiffe.js';

export function spiffePrincipal(context: PrincipalContext): Principal {
  const { sub, config } = context;
  let trustDomain: string;
  try {
    trustDomain = spiffeTrustDomainOf(sub);
  } catch (err) {
    throw tokenInvalid('identity', `invalid spiffe ID provided: ${(err as Error).message}`, err);
  }
  const expected = parseTrustDomain(config.spiffeTrustDomain);
  if (trustDomain !== expected) throw tokenInvalid('identity', `spiffe ID trust domain ${trustDomain} doesn't match configured trust domain ${expected}`);
  return makePrincipal('spiffe', context, sub, uriSan(parseUrlValue(sub, 'spiffe ID'), 'spiffe ID'));
}
