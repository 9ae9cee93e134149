/**
 * `codefresh-workflow` issuers, upstream's deprecated code path (pkg/identity/codefresh). The base URL is
 * the `platform_url` claim (default https://g.codefresh.io); the SAN is
 * `{platform_url}/{account_name}/{pipeline_name}:{account_id}/{pipeline_id}`.
 */
import { SigstoreOid } from '@sigstack/crypto/x509';
import { stringClaim } from '../claims.js';
import { joinedUrl, joinUrl, makePrincipal, parseUrlValue, uriSan, type Principal, type PrincipalContext } from '../principal.js';

const DEFAULT_PLATFORM_URL = 'https://g.codefresh.io';

export function codefreshWorkflowPrincipal(context: PrincipalContext): Principal {
  const { claims } = context;
  const accountId = stringClaim(claims, 'account_id', true);
  const pipelineId = stringClaim(claims, 'pipeline_id', true);
  const workflowId = stringClaim(claims, 'workflow_id', true);
  const accountName = stringClaim(claims, 'account_name');
  const pipelineName = stringClaim(claims, 'pipeline_name');
  const base = parseUrlValue(stringClaim(claims, 'platform_url') || DEFAULT_PLATFORM_URL, 'platform_url');
  const san = joinUrl(base, 'codefresh URI', accountName, `${pipelineName}:${accountId}/${pipelineId}`);
  return makePrincipal('codefresh-workflow', context, context.sub, uriSan(san, 'codefresh URI'), {
    [SigstoreOid.buildSignerUri]: joinedUrl(base, 'build signer URI', 'build', workflowId),
    [SigstoreOid.runnerEnvironment]: stringClaim(claims, 'runner_environment'),
    [SigstoreOid.sourceRepositoryUri]: stringClaim(claims, 'scm_repo_url'),
    [SigstoreOid.sourceRepositoryRef]: stringClaim(claims, 'scm_ref'),
    [SigstoreOid.buildConfigUri]: joinedUrl(base, 'build config URI', 'api', 'pipelines', pipelineId),
    [SigstoreOid.runInvocationUri]: joinedUrl(base, 'run invocation URI', 'build', workflowId),
  });
}
