/**
 * `ci-provider` issuers (upstream pkg/identity/ciprovider), the current way to describe GitHub, GitLab,
 * Buildkite, Codefresh, CircleCI, Buddy…: the SAN and the CI extensions come from the provider's templates.
 * Claims are flattened to strings and merged over the provider's default values (claims win); a template
 * that needs a missing claim refuses the token. The SAN template's output is parsed as a URL. The issuer
 * (.1, .8) and token subject (.24) always come from the token, whatever the templates say.
 */
import { tokenInvalid } from '../errors.js';
import { flattenClaims } from '../go-format.js';
import { makePrincipal, parseUrlValue, uriSan, type Principal, type PrincipalContext } from '../principal.js';
import { TemplateExecutionError, type ClaimTemplate } from '../template.js';

function apply(template: ClaimTemplate, data: ReadonlyMap<string, string>, what: string): string {
  try {
    return template.execute(data);
  } catch (err) {
    if (err instanceof TemplateExecutionError) throw tokenInvalid('identity', `${what}: ${err.message}`, err);
    throw err;
  }
}

export function ciProviderPrincipal(context: PrincipalContext): Principal {
  const metadata = context.ciMetadata;
  // The configuration validator guarantees the provider exists; this guards programming errors only.
  if (metadata === undefined) throw tokenInvalid('identity', `metadata not found for ci provider ${context.config.ciProvider}`);
  const data = new Map(metadata.defaults);
  for (const [key, value] of flattenClaims(context.claims)) data.set(key, value);
  const sanText = apply(metadata.san, data, 'subject alternative name template');
  const san = uriSan(parseUrlValue(sanText, 'subject alternative name'), 'subject alternative name');
  const extensions: Record<string, string> = {};
  for (const [oid, template] of metadata.extensions) extensions[oid] = apply(template, data, `extension ${oid} template`);
  return makePrincipal('ci-provider', context, context.sub, san, extensions);
}
