/**
 * `email` issuers (upstream pkg/identity/email): the SAN is the rfc822Name `email`; the proof of possession
 * signs `email`. `email_verified` must be true unless the issuer sets SkipEmailVerification. The issuer
 * extension (.1, .8) is the IssuerClaim value when configured (Dex: `$.federated_claims.connector_id`),
 * else `iss`.
 */
import { claimAtPath, emailVerified, isEmail, stringClaim } from '../claims.js';
import { tokenInvalid } from '../errors.js';
import { makePrincipal, type Principal, type PrincipalContext } from '../principal.js';

export function emailPrincipal(context: PrincipalContext): Principal {
  const { claims, config } = context;
  const email = stringClaim(claims, 'email');
  if (email === '') throw tokenInvalid('identity', 'token missing email claim');
  const verified = emailVerified(claims);
  if (!config.skipEmailVerification && !verified) throw tokenInvalid('identity', 'email_verified claim was false');
  if (!isEmail(email)) throw tokenInvalid('identity', 'email address is not valid');
  const issuer = context.issuerClaim === undefined ? context.iss : claimAtPath(claims, context.issuerClaim, config.issuerClaim);
  return makePrincipal('email', context, email, { type: 'email', value: email }, {}, issuer);
}
