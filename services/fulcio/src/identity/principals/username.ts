/**
 * `username` issuers (upstream pkg/identity/username): the SAN is the Sigstore OtherName `sub!SubjectDomain`;
 * `sub` must contain no `!` and must not be an email address.
 */
import { isEmail } from '../claims.js';
import { tokenInvalid } from '../errors.js';
import { makePrincipal, type Principal, type PrincipalContext } from '../principal.js';

export function usernamePrincipal(context: PrincipalContext): Principal {
  const username = context.sub;
  if (username.includes('!')) throw tokenInvalid('identity', 'username cannot contain ! character');
  if (isEmail(username)) throw tokenInvalid('identity', 'username subject should not be an email address');
  return makePrincipal('username', context, username, { type: 'username', value: `${username}!${context.config.subjectDomain}` });
}
