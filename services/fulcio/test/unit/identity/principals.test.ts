/**
 * Each issuer type's identity and extensions (upstream pkg/identity/*), and the identity refusals of
 * security.md §2.A.9 and A.12: unverified or malformed emails, CI tokens lacking claims, subjects outside
 * the configured domain. Every token here is validly signed; only its claims differ.
 */
import { readFileSync } from 'node:fs';
import t, { type Test } from 'tap';
import { SigstoreOid as O } from '@sigstack/crypto/x509';
import { createIdentityService, IdentityError, parseIssuerConfig, type Principal } from '../../../src/identity/index.js';
import { claimsFor, craftToken, FakeIdp, makeKey, NOW } from '../../fixtures/identity/idp.js';

const config = parseIssuerConfig(readFileSync(new URL('../../fixtures/identity/issuers.yaml', import.meta.url), 'utf8'));
const key = await makeKey('ES256', 'ec-1');
const idp = new FakeIdp();
for (const issuer of Object.keys(config.oidcIssuers)) idp.add(issuer, [key]);
const service = createIdentityService({ config, fetch: idp.fetch, clock: () => NOW, retries: 0 });

async function principalFor(iss: string, claims: Record<string, unknown>): Promise<Principal> {
  if (!idp.issuers.has(iss)) idp.add(iss, [key]);
  return service.authenticate(await craftToken(key, claimsFor(iss, claims)));
}

async function refused(t: Test, iss: string, claims: Record<string, unknown>, what: string): Promise<void> {
  try {
    await principalFor(iss, claims);
  } catch (err) {
    const e = err as IdentityError;
    t.ok(e instanceof IdentityError && e.code === 'ERR_TOKEN_INVALID' && e.check === 'identity', `${what}: refused as an identity (${e.message}: ${e.reason})`);
    return;
  }
  t.fail(`${what}: accepted`);
}

const base = (iss: string, sub: string) => ({ [O.issuer]: iss, [O.issuerV2]: iss, [O.tokenSubject]: sub });

t.test('email: the email is the SAN and the challenge; sub is the fallback challenge and .24', async (t) => {
  const iss = 'https://accounts.example.com';
  const p = await principalFor(iss, { email: 'alice@example.com', email_verified: true, sub: '1234567890' });
  t.same(p, { issuerType: 'email', issuer: iss, subject: '1234567890', challenges: ['alice@example.com', '1234567890'], san: { type: 'email', value: 'alice@example.com' }, extensions: base(iss, '1234567890') });
  t.ok(Object.isFrozen(p) && Object.isFrozen(p.extensions) && Object.isFrozen(p.challenges));
  for (const verified of ['true', 'True']) t.ok(await principalFor(iss, { email: 'alice@example.com', email_verified: verified }), `email_verified ${verified}`);
});

t.test('email: unverified, missing or malformed emails are refused', async (t) => {
  const iss = 'https://accounts.example.com';
  for (const verified of [false, 'false', 'False', 0, 1, 'yes', 'TRUE', null, {}]) {
    await refused(t, iss, { email: 'alice@example.com', email_verified: verified }, `email_verified ${JSON.stringify(verified)}`);
  }
  await refused(t, iss, { email: 'alice@example.com' }, 'email_verified missing');
  for (const email of ['a@b@example.com', 'alice', 'alice@localhost', 'alice@example..com', 'al ice@example.com', 'ålice@example.com', '@example.com', 'alice@', 'alice@-example.com', 'alice@example.123', '', 5, ['alice@example.com']]) {
    await refused(t, iss, { email, email_verified: true }, `email ${JSON.stringify(email)}`);
  }
  await refused(t, iss, { email_verified: true }, 'no email');
  await refused(t, iss, { email: `${'a'.repeat(65)}@example.com`, email_verified: true }, 'a 65-character local part');
});

t.test('email: IssuerClaim puts the federated issuer into .1 and .8', async (t) => {
  const iss = 'https://dex.example.com/auth';
  const p = await principalFor(iss, { email: 'bob@example.com', email_verified: true, federated_claims: { connector_id: 'https://github.com/login/oauth', user_id: '1' } });
  t.same(p.extensions, base('https://github.com/login/oauth', 'subject-1'));
  t.equal(p.issuer, iss, 'the principal still names the token issuer');
  await refused(t, iss, { email: 'bob@example.com', email_verified: true }, 'no federated_claims');
  await refused(t, iss, { email: 'bob@example.com', email_verified: true, federated_claims: { connector_id: 7 } }, 'connector_id not a string');
  await refused(t, iss, { email: 'bob@example.com', email_verified: true, federated_claims: 'x' }, 'federated_claims not an object');
});

t.test('email: SkipEmailVerification accepts a token without email_verified', async (t) => {
  const iss = 'https://entra.example.com/tenant/v2.0';
  t.equal((await principalFor(iss, { email: 'carol@example.com' })).san.value, 'carol@example.com');
  t.ok(await principalFor(iss, { email: 'carol@example.com', email_verified: false }), 'even false');
  await refused(t, iss, { email: 'carol@example.com', email_verified: 'maybe' }, 'but not a garbage value');
  await refused(t, iss, {}, 'and never without an email');
});

t.test('username: the SAN is the OtherName sub!SubjectDomain', async (t) => {
  const iss = 'https://login.example.com';
  const p = await principalFor(iss, { sub: 'alice' });
  t.same(p.san, { type: 'username', value: 'alice!example.com' });
  t.same(p.challenges, ['alice']);
  t.same(p.extensions, base(iss, 'alice'));
  t.same((await principalFor(iss, { sub: 'alice', email: 'alice@corp.example.com' })).challenges, ['alice', 'alice@corp.example.com'], 'a token email is the fallback challenge');
  await refused(t, iss, { sub: 'alice!evil.com' }, 'a ! in the username');
  await refused(t, iss, { sub: 'alice@example.com' }, 'an email as username');
});

t.test('uri: the subject URI must have the SubjectDomain scheme and host exactly', async (t) => {
  const iss = 'https://uri.example.com';
  const p = await principalFor(iss, { sub: 'https://example.com/users/alice' });
  t.same(p.san, { type: 'uri', value: 'https://example.com/users/alice' });
  t.same(p.challenges, ['https://example.com/users/alice']);
  t.same(p.extensions, base(iss, 'https://example.com/users/alice'));
  t.ok(await principalFor(iss, { sub: 'https://example.com:8443/x' }), 'a port is not part of the hostname');
  t.equal((await principalFor(iss, { sub: 'https://example.com/a b' })).san.value, 'https://example.com/a%20b', 'the SAN is printed as Go prints the URL');
  for (const sub of [
    'https://evil.com/users/alice',
    'http://example.com/users/alice',
    'https://example.com.evil.net/x',
    'https://example.com@evil.net/x',
    'https://sub.example.com/x',
    'https://EXAMPLE.com/x',
    'example.com/x',
    'alice@example.com',
  ]) {
    await refused(t, iss, { sub }, sub);
  }
});

t.test('spiffe: the SPIFFE ID must be valid and in the trust domain', async (t) => {
  const iss = 'https://spiffe.example.com';
  const p = await principalFor(iss, { sub: 'spiffe://example.com/ns/prod/sa/builder' });
  t.same(p.san, { type: 'uri', value: 'spiffe://example.com/ns/prod/sa/builder' });
  t.same(p.extensions, base(iss, 'spiffe://example.com/ns/prod/sa/builder'));
  for (const sub of ['spiffe://evil.com/x', 'spiffe://example.com/../x', 'spiffe://example.com/a//b', 'spiffe://example.com/x/', 'https://example.com/x', 'spiffe://Example.com/x', 'spiffe://example.com.evil/x', 'spiffe://example.com/x?y']) {
    await refused(t, iss, { sub }, sub);
  }
});

t.test('kubernetes: the SAN names the namespace and service account', async (t) => {
  const iss = 'https://k8s.example.com';
  const sub = 'system:serviceaccount:default:builder';
  const k8s = { namespace: 'default', pod: { name: 'p', uid: 'u1' }, serviceaccount: { name: 'builder', uid: 'u2' } };
  const p = await principalFor(iss, { sub, 'kubernetes.io': k8s });
  t.same(p.san, { type: 'uri', value: 'https://kubernetes.io/namespaces/default/serviceaccounts/builder' });
  t.same(p.challenges, [sub]);
  t.same(p.extensions, base(iss, sub));
  const eks = 'https://oidc.eks.us-west-2.amazonaws.example.com/id/B02C93B6A2D30341';
  t.equal((await principalFor(eks, { sub, 'kubernetes.io': k8s })).issuer, eks, 'through the meta issuer');
  await refused(t, iss, { sub }, 'no kubernetes.io claim');
  await refused(t, iss, { sub, 'kubernetes.io': 'default' }, 'kubernetes.io not an object');
  await refused(t, iss, { sub, 'kubernetes.io': { ...k8s, namespace: '' } }, 'empty namespace');
  await refused(t, iss, { sub, 'kubernetes.io': { ...k8s, namespace: 'a/b' } }, 'namespace with a slash');
  await refused(t, iss, { sub, 'kubernetes.io': { ...k8s, serviceaccount: { name: 'x?y' } } }, 'service account with a query');
  await refused(t, iss, { sub, 'kubernetes.io': { ...k8s, serviceaccount: 'builder' } }, 'serviceaccount not an object');
});

const GITHUB_CLAIMS = {
  sub: 'repo:octo-org/octo-repo:ref:refs/heads/main',
  job_workflow_ref: 'octo-org/octo-automation/.github/workflows/oidc.yml@refs/heads/main',
  sha: 'src-sha',
  event_name: 'push',
  repository: 'octo-org/octo-repo',
  workflow: 'OIDC test',
  ref: 'refs/heads/main',
  job_workflow_sha: 'job-sha',
  runner_environment: 'github-hosted',
  repository_id: '101',
  repository_owner: 'octo-org',
  repository_owner_id: '202',
  repository_visibility: 'public',
  workflow_ref: 'octo-org/octo-repo/.github/workflows/build.yml@refs/heads/main',
  workflow_sha: 'wf-sha',
  run_id: '42',
  run_attempt: '1',
};

/** What both GitHub paths (legacy type and ci-provider templates) must produce for GITHUB_CLAIMS. */
function githubExtensions(iss: string): Record<string, string> {
  return {
    ...base(iss, GITHUB_CLAIMS.sub),
    [O.githubWorkflowTrigger]: 'push',
    [O.githubWorkflowSha]: 'src-sha',
    [O.githubWorkflowName]: 'OIDC test',
    [O.githubWorkflowRepository]: 'octo-org/octo-repo',
    [O.githubWorkflowRef]: 'refs/heads/main',
    [O.buildSignerUri]: 'https://github.com/octo-org/octo-automation/.github/workflows/oidc.yml@refs/heads/main',
    [O.buildSignerDigest]: 'job-sha',
    [O.runnerEnvironment]: 'github-hosted',
    [O.sourceRepositoryUri]: 'https://github.com/octo-org/octo-repo',
    [O.sourceRepositoryDigest]: 'src-sha',
    [O.sourceRepositoryRef]: 'refs/heads/main',
    [O.sourceRepositoryIdentifier]: '101',
    [O.sourceRepositoryOwnerUri]: 'https://github.com/octo-org',
    [O.sourceRepositoryOwnerIdentifier]: '202',
    [O.buildConfigUri]: 'https://github.com/octo-org/octo-repo/.github/workflows/build.yml@refs/heads/main',
    [O.buildConfigDigest]: 'wf-sha',
    [O.buildTrigger]: 'push',
    [O.runInvocationUri]: 'https://github.com/octo-org/octo-repo/actions/runs/42/attempts/1',
    [O.sourceRepositoryVisibilityAtSigning]: 'public',
  };
}

t.test('github-workflow (legacy): sixteen claims, SAN on job_workflow_ref, extensions .2–.6 and .9–.22', async (t) => {
  const iss = 'https://legacy-github.example.com';
  const p = await principalFor(iss, GITHUB_CLAIMS);
  t.same(p.san, { type: 'uri', value: 'https://github.com/octo-org/octo-automation/.github/workflows/oidc.yml@refs/heads/main' });
  t.same(p.challenges, [GITHUB_CLAIMS.sub]);
  t.same(p.extensions, githubExtensions(iss));
  t.notOk(O.deploymentEnvironment in p.extensions, 'no .23 on the legacy path');
  for (const claim of Object.keys(GITHUB_CLAIMS).filter((c) => c !== 'sub')) {
    const { [claim]: _omitted, ...rest } = GITHUB_CLAIMS as Record<string, unknown>;
    await refused(t, iss, rest, `without ${claim}`);
    await refused(t, iss, { ...rest, [claim]: '' }, `with an empty ${claim}`);
  }
  await refused(t, iss, { ...GITHUB_CLAIMS, run_id: 42 }, 'a numeric run_id (Go would fail to decode it)');
});

t.test('ci-provider with GitHub templates gives the same identity as the legacy path, plus .23', async (t) => {
  const iss = 'https://token.actions.example.com';
  const p = await principalFor(iss, GITHUB_CLAIMS);
  t.same(p.san, { type: 'uri', value: 'https://github.com/octo-org/octo-automation/.github/workflows/oidc.yml@refs/heads/main' });
  t.same(p.extensions, githubExtensions(iss), 'the issuer template is ignored; an empty environment omits .23');
  const deployed = await principalFor(iss, { ...GITHUB_CLAIMS, environment: 'production', run_id: 42 });
  t.equal(deployed.extensions[O.deploymentEnvironment], 'production');
  t.equal(deployed.extensions[O.runInvocationUri], 'https://github.com/octo-org/octo-repo/actions/runs/42/attempts/1', 'numbers are flattened to strings');
  t.same((await principalFor(iss, { ...GITHUB_CLAIMS, email: 'ci@example.com' })).challenges, [GITHUB_CLAIMS.sub, 'ci@example.com']);
  t.equal((await principalFor(iss, { ...GITHUB_CLAIMS, url: 'https://ghe.example.com' })).san.value.startsWith('https://ghe.example.com/'), true, 'claims win over defaults');
  const { run_attempt: _a, ...noAttempt } = GITHUB_CLAIMS;
  await refused(t, iss, noAttempt, 'a template needs a missing claim');
  const { workflow_sha: _w, ...noSha } = GITHUB_CLAIMS;
  await refused(t, iss, noSha, 'a copied claim is missing');
  const { job_workflow_ref: _j, ...noRef } = GITHUB_CLAIMS;
  await refused(t, iss, noRef, 'the SAN template needs a missing claim');
  const meta = 'https://ci.example.net/acme';
  t.equal((await principalFor(meta, GITHUB_CLAIMS)).extensions[O.issuerV2], meta, 'through a meta issuer');
});

t.test('ci-provider with GitLab templates: if/else on ref_type, https SAN from ci_config_ref_uri', async (t) => {
  const iss = 'https://gitlab.example.com';
  const claims = {
    sub: 'project_path:group/project:ref_type:branch:ref:main',
    ci_config_ref_uri: 'gitlab.com/group/project//.gitlab-ci.yml@refs/heads/main',
    ci_config_sha: 'cfg-sha',
    runner_environment: 'gitlab-hosted',
    project_path: 'group/project',
    sha: 'src-sha',
    ref_type: 'branch',
    ref: 'main',
    project_id: 6,
    pipeline_source: 'push',
    job_id: '34',
  };
  const p = await principalFor(iss, claims);
  t.same(p.san, { type: 'uri', value: 'https://gitlab.com/group/project//.gitlab-ci.yml@refs/heads/main' });
  t.same(p.extensions, {
    ...base(iss, claims.sub),
    [O.buildSignerUri]: 'https://gitlab.com/group/project//.gitlab-ci.yml@refs/heads/main',
    [O.buildSignerDigest]: 'cfg-sha',
    [O.runnerEnvironment]: 'gitlab-hosted',
    [O.sourceRepositoryUri]: 'https://gitlab.com/group/project',
    [O.sourceRepositoryDigest]: 'src-sha',
    [O.sourceRepositoryRef]: 'refs/heads/main',
    [O.sourceRepositoryIdentifier]: '6',
    [O.buildTrigger]: 'push',
    [O.runInvocationUri]: 'https://gitlab.com/group/project/-/jobs/34',
  });
  t.equal((await principalFor(iss, { ...claims, ref_type: 'tag', ref: 'v1' })).extensions[O.sourceRepositoryRef], 'refs/tags/v1');
  await refused(t, iss, { ...claims, ci_config_ref_uri: '' }, 'an empty SAN ("https://") is never issued');
  t.equal((await principalFor(iss, { ...claims, ci_config_ref_uri: 'gitlab.com/a b' })).san.value, 'https://gitlab.com/a%20b', 'a space is escaped, as Go does');
  await refused(t, iss, { ...claims, ci_config_ref_uri: 'gitlab.com/a\u0000b' }, 'a control character');
});

t.test('ci-provider with index templates reads claims whose names are not identifiers', async (t) => {
  const iss = 'https://oidc.circle.example.com/org/acme';
  const claims = { 'oidc.circle.example.com/project-id': 'p-1', 'oidc.circle.example.com/vcs-origin': 'github.com/acme/app', 'oidc.circle.example.com/ssh-rerun': true };
  const p = await principalFor(iss, claims);
  t.same(p.san, { type: 'uri', value: 'https://circle.example.com/api/v2/projects/p-1' });
  t.equal(p.extensions[O.runnerEnvironment], 'ssh-rerun', 'a boolean claim is flattened to "true"');
  t.equal(p.extensions[O.sourceRepositoryUri], 'github.com/acme/app', 'extension values are not parsed as URLs');
  const { 'oidc.circle.example.com/ssh-rerun': _s, ...noRerun } = claims;
  t.equal((await principalFor(iss, noRerun)).extensions[O.runnerEnvironment], 'hosted', 'index of a missing key is empty, not an error');
  const { 'oidc.circle.example.com/project-id': _p, ...noProject } = claims;
  t.equal((await principalFor(iss, noProject)).san.value, 'https://circle.example.com/api/v2/projects/', 'index of a missing claim is empty, as in Go');
});

t.test('gitlab-pipeline (legacy): ref from ref_type, runner_id required, https SAN', async (t) => {
  const iss = 'https://legacy-gitlab.example.com';
  const claims = {
    sub: 'project_path:group/project:ref_type:branch:ref:main',
    project_path: 'group/project',
    pipeline_source: 'push',
    pipeline_id: '12',
    ci_config_ref_uri: 'gitlab.com/group/project//.gitlab-ci.yml@refs/heads/main',
    ci_config_sha: 'cfg-sha',
    job_id: '34',
    ref: 'main',
    ref_type: 'branch',
    namespace_path: 'group',
    namespace_id: '5',
    project_id: '6',
    sha: 'src-sha',
    runner_environment: 'gitlab-hosted',
    runner_id: 77,
    project_visibility: 'public',
  };
  const p = await principalFor(iss, claims);
  const config = 'https://gitlab.com/group/project//.gitlab-ci.yml@refs/heads/main';
  t.same(p.san, { type: 'uri', value: config });
  t.same(p.extensions, {
    ...base(iss, claims.sub),
    [O.buildConfigUri]: config,
    [O.buildConfigDigest]: 'cfg-sha',
    [O.buildSignerUri]: config,
    [O.buildSignerDigest]: 'cfg-sha',
    [O.runnerEnvironment]: 'gitlab-hosted',
    [O.sourceRepositoryUri]: 'https://gitlab.com/group/project',
    [O.sourceRepositoryDigest]: 'src-sha',
    [O.sourceRepositoryRef]: 'refs/heads/main',
    [O.sourceRepositoryIdentifier]: '6',
    [O.sourceRepositoryOwnerUri]: 'https://gitlab.com/group',
    [O.sourceRepositoryOwnerIdentifier]: '5',
    [O.buildTrigger]: 'push',
    [O.runInvocationUri]: 'https://gitlab.com/group/project/-/jobs/34',
    [O.sourceRepositoryVisibilityAtSigning]: 'public',
  });
  t.equal((await principalFor(iss, { ...claims, ref_type: 'tag', ref: 'v1.0' })).extensions[O.sourceRepositoryRef], 'refs/tags/v1.0');
  const { ci_config_sha: _c, project_visibility: _v, ...optional } = claims;
  const minimal = await principalFor(iss, optional);
  t.notOk(O.buildConfigDigest in minimal.extensions || O.sourceRepositoryVisibilityAtSigning in minimal.extensions, 'optional claims leave their extensions out');
  await refused(t, iss, { ...claims, ref_type: 'commit' }, 'an unexpected ref_type');
  for (const runnerId of [0, 1.5, '77', null]) await refused(t, iss, { ...claims, runner_id: runnerId }, `runner_id ${JSON.stringify(runnerId)}`);
  const { project_path: _pp, ...noPath } = claims;
  await refused(t, iss, noPath, 'no project_path');
});

t.test('buildkite-job (legacy): the SAN is the organization and pipeline', async (t) => {
  const iss = 'https://legacy-buildkite.example.com';
  const p = await principalFor(iss, { sub: 'organization:acme:pipeline:build', organization_slug: 'acme', pipeline_slug: 'build' });
  t.same(p.san, { type: 'uri', value: 'https://buildkite.com/acme/build' });
  t.same(p.extensions, base(iss, 'organization:acme:pipeline:build'));
  await refused(t, iss, { organization_slug: 'acme' }, 'no pipeline_slug');
  t.equal((await principalFor(iss, { organization_slug: 'acme', pipeline_slug: 'a b' })).san.value, 'https://buildkite.com/acme/a%20b', 'escaped as Go does');
  await refused(t, iss, { organization_slug: 'acme', pipeline_slug: 'x/../%zz' }, 'a slug that is not a URL path');
});

t.test('codefresh-workflow (legacy): platform URL from the token or the default', async (t) => {
  const iss = 'https://legacy-codefresh.example.com';
  const claims = {
    sub: 'account:acc1:pipeline:release',
    account_id: 'acc1',
    account_name: 'acme',
    pipeline_id: 'pipe1',
    pipeline_name: 'release',
    workflow_id: 'wf1',
    runner_environment: 'hybrid',
    scm_repo_url: 'https://github.com/acme/app',
    scm_ref: 'main',
  };
  const p = await principalFor(iss, claims);
  t.same(p.san, { type: 'uri', value: 'https://g.codefresh.io/acme/release:acc1/pipe1' });
  t.same(p.extensions, {
    ...base(iss, claims.sub),
    [O.buildSignerUri]: 'https://g.codefresh.io/build/wf1',
    [O.runnerEnvironment]: 'hybrid',
    [O.sourceRepositoryUri]: 'https://github.com/acme/app',
    [O.sourceRepositoryRef]: 'main',
    [O.buildConfigUri]: 'https://g.codefresh.io/api/pipelines/pipe1',
    [O.runInvocationUri]: 'https://g.codefresh.io/build/wf1',
  });
  t.equal((await principalFor(iss, { ...claims, platform_url: 'https://cf.example.com/base' })).san.value, 'https://cf.example.com/base/acme/release:acc1/pipe1');
  for (const claim of ['account_id', 'pipeline_id', 'workflow_id']) {
    const { [claim]: _omitted, ...rest } = claims as Record<string, unknown>;
    await refused(t, iss, rest, `without ${claim}`);
  }
});

t.test('chainguard-identity: SAN is iss joined with sub; the challenge is the email when present', async (t) => {
  const iss = 'https://issuer.enforce.example.com';
  const p = await principalFor(iss, { sub: 'abc123/def456' });
  t.same(p.san, { type: 'uri', value: 'https://issuer.enforce.example.com/abc123/def456' });
  t.same(p.challenges, ['abc123/def456']);
  t.same(p.extensions, base(iss, 'abc123/def456'));
  t.same((await principalFor(iss, { sub: 'abc123', email: 'x@example.com', email_verified: true })).challenges, ['x@example.com', 'abc123']);
  await refused(t, iss, { sub: 'abc123', email: 'x@example.com' }, 'an unverified email');
  t.equal((await principalFor(iss, { sub: '../../evil' })).san.value, 'https://issuer.enforce.example.com/evil', 'dot segments are cleaned as Go does');
});
