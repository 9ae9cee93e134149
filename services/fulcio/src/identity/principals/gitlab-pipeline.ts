/**
 * `gitlab-pipeline` issuers, upstream's deprecated code path (pkg/identity/gitlabcom). The SAN is the
 * `ci_config_ref_uri` claim (which has no scheme) as an https URL; `ref_type` must be `branch` or `tag`;
 * `runner_id` must be a non-zero integer. The base URL is always https://gitlab.com, as upstream.
 */
import { SigstoreOid } from '@sigstack/crypto/x509';
import { claim, stringClaim } from '../claims.js';
import { tokenInvalid } from '../errors.js';
import { goUrlString, parseGoUrl } from '../go-url.js';
import { joinedUrl, makePrincipal, parseUrlValue, uriSan, type Principal, type PrincipalContext } from '../principal.js';

const REQUIRED = [
  'project_path',
  'pipeline_source',
  'pipeline_id',
  'ci_config_ref_uri',
  'job_id',
  'ref',
  'ref_type',
  'namespace_path',
  'namespace_id',
  'project_id',
  'sha',
  'runner_environment',
] as const;

const GITLAB = parseGoUrl('https://gitlab.com/');

export function gitlabPipelinePrincipal(context: PrincipalContext): Principal {
  const c = {} as Record<(typeof REQUIRED)[number], string>;
  for (const name of REQUIRED) c[name] = stringClaim(context.claims, name, true);
  const runnerId = claim(context.claims, 'runner_id');
  // Go decodes runner_id into an int64: absent or 0 is "missing", a fraction or a string fails to decode.
  if (runnerId === undefined || runnerId === null || runnerId === 0) throw tokenInvalid('identity', 'missing runner_id claim in ID token');
  if (typeof runnerId !== 'number' || !Number.isSafeInteger(runnerId)) throw tokenInvalid('identity', 'runner_id claim is not an integer');
  let ref: string;
  if (c.ref_type === 'branch') ref = `refs/heads/${c.ref}`;
  else if (c.ref_type === 'tag') ref = `refs/tags/${c.ref}`;
  else throw tokenInvalid('identity', `unexpected ref_type: ${c.ref_type.slice(0, 100)}`);
  const parsed = parseUrlValue(c.ci_config_ref_uri, 'ci_config_ref_uri');
  // The claim has no scheme: default to https, or the base URL's scheme when it is on the same host.
  const configUrl = { ...parsed, scheme: parsed.host === GITLAB.host ? GITLAB.scheme : 'https' };
  const configUri = goUrlString(configUrl);
  const configSha = stringClaim(context.claims, 'ci_config_sha');
  return makePrincipal('gitlab-pipeline', context, context.sub, uriSan(configUrl, 'ci_config_ref_uri'), {
    [SigstoreOid.buildConfigUri]: configUri,
    [SigstoreOid.buildConfigDigest]: configSha,
    [SigstoreOid.buildSignerUri]: configUri,
    [SigstoreOid.buildSignerDigest]: configSha,
    [SigstoreOid.runnerEnvironment]: c.runner_environment,
    [SigstoreOid.sourceRepositoryUri]: joinedUrl(GITLAB, 'source repository URI', c.project_path),
    [SigstoreOid.sourceRepositoryDigest]: c.sha,
    [SigstoreOid.sourceRepositoryRef]: ref,
    [SigstoreOid.sourceRepositoryIdentifier]: c.project_id,
    [SigstoreOid.sourceRepositoryOwnerUri]: joinedUrl(GITLAB, 'source repository owner URI', c.namespace_path),
    [SigstoreOid.sourceRepositoryOwnerIdentifier]: c.namespace_id,
    [SigstoreOid.buildTrigger]: c.pipeline_source,
    [SigstoreOid.runInvocationUri]: joinedUrl(GITLAB, 'run invocation URI', c.project_path, '/-/jobs/', c.job_id),
    [SigstoreOid.sourceRepositoryVisibilityAtSigning]: stringClaim(context.claims, 'project_visibility'),
  });
}
