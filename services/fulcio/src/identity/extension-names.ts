/**
 * The fields of upstream's `certificate.Extensions` struct: the keys of `extension-templates` in the
 * issuer configuration (kebab-case in YAML, Go field names in JSON) and the OID each one fills.
 * `issuer` and `subject` may appear in a configuration but are ignored: the issuer (.1 and .8) and the
 * token subject (.24) always come from the token.
 */
import { SigstoreOid } from '@sigstack/crypto/x509';

export interface ExtensionName {
  /** The YAML key, e.g. `build-signer-uri`. */
  readonly yaml: string;
  /** The JSON key (Go field name, matched case-insensitively), e.g. `BuildSignerURI`. */
  readonly json: string;
  /** The extension OID; undefined for `issuer` and `subject`, which templates cannot set. */
  readonly oid: string | undefined;
}

function name(yaml: string, json: string, oid: string | undefined): ExtensionName {
  return Object.freeze({ yaml, json, oid });
}

export const EXTENSION_NAMES: readonly ExtensionName[] = Object.freeze([
  name('issuer', 'Issuer', undefined),
  name('github-workflow-trigger', 'GithubWorkflowTrigger', SigstoreOid.githubWorkflowTrigger),
  name('github-workflow-sha', 'GithubWorkflowSHA', SigstoreOid.githubWorkflowSha),
  name('github-workflow-name', 'GithubWorkflowName', SigstoreOid.githubWorkflowName),
  name('github-workflow-repository', 'GithubWorkflowRepository', SigstoreOid.githubWorkflowRepository),
  name('github-workflow-ref', 'GithubWorkflowRef', SigstoreOid.githubWorkflowRef),
  name('build-signer-uri', 'BuildSignerURI', SigstoreOid.buildSignerUri),
  name('build-signer-digest', 'BuildSignerDigest', SigstoreOid.buildSignerDigest),
  name('runner-environment', 'RunnerEnvironment', SigstoreOid.runnerEnvironment),
  name('source-repository-uri', 'SourceRepositoryURI', SigstoreOid.sourceRepositoryUri),
  name('source-repository-digest', 'SourceRepositoryDigest', SigstoreOid.sourceRepositoryDigest),
  name('source-repository-ref', 'SourceRepositoryRef', SigstoreOid.sourceRepositoryRef),
  name('source-repository-identifier', 'SourceRepositoryIdentifier', SigstoreOid.sourceRepositoryIdentifier),
  name('source-repository-owner-uri', 'SourceRepositoryOwnerURI', SigstoreOid.sourceRepositoryOwnerUri),
  name('source-repository-owner-identifier', 'SourceRepositoryOwnerIdentifier', SigstoreOid.sourceRepositoryOwnerIdentifier),
  name('build-config-uri', 'BuildConfigURI', SigstoreOid.buildConfigUri),
  name('build-config-digest', 'BuildConfigDigest', SigstoreOid.buildConfigDigest),
  name('build-trigger', 'BuildTrigger', SigstoreOid.buildTrigger),
  name('run-invocation-uri', 'RunInvocationURI', SigstoreOid.runInvocationUri),
  name('source-repository-visibility-at-signing', 'SourceRepositoryVisibilityAtSigning', SigstoreOid.sourceRepositoryVisibilityAtSigning),
  name('deployment-environment', 'DeploymentEnvironment', SigstoreOid.deploymentEnvironment),
  name('subject', 'Subject', undefined),
]);

export const EXTENSION_BY_YAML: ReadonlyMap<string, ExtensionName> = new Map(EXTENSION_NAMES.map((e) => [e.yaml, e]));
