/** The principal builder of every issuer type: an explicit registry, no registration by import. */
import type { IssuerType } from '../config-types.js';
import type { PrincipalBuilder } from '../principal.js';
import { buildkiteJobPrincipal } from './buildkite-job.js';
import { chainguardPrincipal } from './chainguard-identity.js';
import { ciProviderPrincipal } from './ci-provider.js';
import { codefreshWorkflowPrincipal } from './codefresh-workflow.js';
import { emailPrincipal } from './email.js';
import { githubWorkflowPrincipal } from './github-workflow.js';
import { gitlabPipelinePrincipal } from './gitlab-pipeline.js';
import { kubernetesPrincipal } from './kubernetes.js';
import { spiffePrincipal } from './spiffe.js';
import { uriPrincipal } from './uri.js';
import { usernamePrincipal } from './username.js';

export const PRINCIPAL_BUILDERS: Readonly<Record<IssuerType, PrincipalBuilder>> = Object.freeze({
  email: emailPrincipal,
  username: usernamePrincipal,
  uri: uriPrincipal,
  spiffe: spiffePrincipal,
  kubernetes: kubernetesPrincipal,
  'github-workflow': githubWorkflowPrincipal,
  'gitlab-pipeline': gitlabPipelinePrincipal,
  'buildkite-job': buildkiteJobPrincipal,
  'codefresh-workflow': codefreshWorkflowPrincipal,
  'chainguard-identity': chainguardPrincipal,
  'ci-provider': ciProviderPrincipal,
});
