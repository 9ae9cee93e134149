/**
 * `chainguard-identity` issuers (upstream pkg/identity/chainguard): the SAN is `iss` joined with `sub` as a
 * URL path (Go's URL.JoinPath). Its `Name()` is sigstore's `oauthflow.SubjectFromToken`, the very value
 * clients sign: `email` when the token has one (it must then be verified), else `sub`.
 */
import { emailVerified, stringClaim } from '../claims.js';
import { tokenInvalid } from '../errors.js';
import { joinUrl, makePrincipal, parseUrlValue, uriSan, type Principal, type PrincipalContext } from '../principal.js';

export function chainguardPrincipal(context: PrincipalContext): Principal {
  const email = stringClaim(context.claims, 'email');
  if (email !== '' && !emailVerified(context.claims)) throw tokenInvalid('identity', 'email not verified by identity provider');
  const name = email !== '' ? email : context.sub;
  const san = uriSan(joinUrl(parseUrlValue(context.iss, 'issuer'), 'chainguard identity URI', context.sub), 'chainguard identity URI');
  return makePrincipal('chainguard-identity', context, name, san);
}
