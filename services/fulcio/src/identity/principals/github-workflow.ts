/**
 * `github-workflow` issuers, upstream's deprecated code path (pkg/identity/github; current deployments use
 * ci-provider templates). Sixteen claims are required; the SAN is `https://github.com/{job_workflow_ref}`;
 * extensions .2–.6 (deprecated raw) and .9–.22 (no .23).
 */
import { SigstoreOid } from '@sigstack/crypto/x509';
import { stringClaim } from '../claims.js';
import { goUrlString, parseGoUrl } from '../go-url.js';
import { joinedUrl, joinUrl, makePrincipal, uriSan, type Principal, type PrincipalContext } from '../principal.js';

const CLAIMS = [
  'job_workflow_ref',
  'sha',
  'event_name',
  'repository',
  'workflow',
  'ref',
  'job_workflow_sha',
  'runner_environment',
  'repository_id',
  'repository_owner',
  'repository_owner_id',
  'repository_visibility',
  'workflow_ref',
  'workflow_sha',
  'run_id',
  'run_attempt',
] as const;

const GITHUB = parseGoUrl('https://github.com/');

export function githubWorkflowPrincipal(context: PrincipalContext): Principal {
  const c = {} as Record<(typeof CLAIMS)[number], string>;
  for (const name of CLAIMS) c[name] = stringClaim(context.claims, name, true);
  const signer = joinUrl(GITHUB, 'build signer URI', c.job_workflow_ref);
  return makePrincipal('github-workflow', context, context.sub, uriSan(signer, 'build signer URI'), {
    [SigstoreOid.githubWorkflowTrigger]: c.event_name,
    [SigstoreOid.githubWorkflowSha]: c.sha,
    [SigstoreOid.githubWorkflowName]: c.workflow,
    [SigstoreOid.githubWorkflowRepository]: c.repository,
    [SigstoreOid.githubWorkflowRef]: c.ref,
    [SigstoreOid.buildSignerUri]: goUrlString(signer),
    [SigstoreOid.buildSignerDigest]: c.job_workflow_sha,
    [SigstoreOid.runnerEnvironment]: c.runner_environment,
    [SigstoreOid.sourceRepositoryUri]: joinedUrl(GITHUB, 'source repository URI', c.repository),
    [SigstoreOid.sourceRepositoryDigest]: c.sha,
    [SigstoreOid.sourceRepositoryRef]: c.ref,
    [SigstoreOid.sourceRepositoryIdentifier]: c.repository_id,
    [SigstoreOid.sourceRepositoryOwnerUri]: joinedUrl(GITHUB, 'source repository owner URI', c.repository_owner),
    [SigstoreOid.sourceRepositoryOwnerIdentifier]: c.repository_owner_id,
    [SigstoreOid.buildConfigUri]: joinedUrl(GITHUB, 'build config URI', c.workflow_ref),
    [SigstoreOid.buildConfigDigest]: c.workflow_sha,
    [SigstoreOid.buildTrigger]: c.event_name,
    [SigstoreOid.runInvocationUri]: joinedUrl(GITHUB, 'run invocation URI', c.repository, 'actions/runs', c.run_id, 'attempts', c.run_attempt),
    [SigstoreOid.sourceRepositoryVisibilityAtSigning]: c.repository_visibility,
  });
}
