/**
 * `buildkite-job` issuers, upstream's deprecated code path (pkg/identity/buildkite): the SAN is
 * `https://buildkite.com/{organization_slug}/{pipeline_slug}`; no CI extensions.
 */
import { stringClaim } from '../claims.js';
import { makePrincipal, parseUrlValue, uriSan, type Principal, type PrincipalContext } from '../principal.js';

export function buildkiteJobPrincipal(context: PrincipalContext): Principal {
  const organization = stringClaim(context.claims, 'organization_slug', true);
  const pipeline = stringClaim(context.claims, 'pipeline_slug', true);
  const url = parseUrlValue(`https://buildkite.com/${organization}/${pipeline}`, 'buildkite URI');
  return makePrincipal('buildkite-job', context, context.sub, uriSan(url, 'buildkite URI'));
}
