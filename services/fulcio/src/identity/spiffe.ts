/**
 * SPIFFE IDs and trust domains as go-spiffe v2 `spiffeid` parses them (used upstream by the spiffe issuer
 * type): `spiffe://<trust domain>[/<segment>…]`, trust domain `[a-z0-9._-]+`, segments `[A-Za-z0-9._-]+`
 * other than `.` and `..`, no empty segment, no trailing slash, no query, fragment, port or userinfo.
 */

const TRUST_DOMAIN = /^[a-z0-9._-]+$/;
const SEGMENT = /^[A-Za-z0-9._-]+$/;
const PREFIX = 'spiffe://';

/** The trust domain of a SPIFFE ID; throws Error when `id` is not a valid SPIFFE ID. */
export function spiffeTrustDomainOf(id: string): string {
  if (!id.startsWith(PREFIX)) throw new Error('scheme is missing or invalid');
  const rest = id.slice(PREFIX.length);
  const slash = rest.indexOf('/');
  const trustDomain = slash < 0 ? rest : rest.slice(0, slash);
  if (trustDomain === '') throw new Error('trust domain is missing');
  if (!TRUST_DOMAIN.test(trustDomain)) throw new Error('trust domain characters are limited to lowercase letters, numbers, dots, dashes, and underscores');
  if (slash >= 0) {
    for (const segment of rest.slice(slash + 1).split('/')) {
      if (segment === '') throw new Error('path cannot contain empty segments');
      if (segment === '.' || segment === '..') throw new Error('path cannot contain dot segments');
      if (!SEGMENT.test(segment)) throw new Error('path segment characters are limited to letters, numbers, dots, dashes, and underscores');
    }
  }
  return trustDomain;
}

/** go-spiffe `TrustDomainFromString`: a bare trust domain name, or the trust domain of a SPIFFE ID. */
export function parseTrustDomain(idOrName: string): string {
  if (idOrName === '') throw new Error('trust domain is missing');
  if (idOrName.includes(':/')) return spiffeTrustDomainOf(idOrName);
  if (!TRUST_DOMAIN.test(idOrName)) throw new Error('trust domain characters are limited to lowercase letters, numbers, dots, dashes, and underscores');
  return idOrName;
}
