/**
 * Validation of the issuer configuration: upstream's `validateConfig` rules, plus checks that turn
 * upstream's run-time failures into start-up errors. Every problem is collected, none stops the others.
 *
 * Upstream rules (fulcio pkg/config/config.go):
 * - an unparsable CACert; IssuerClaim on a non-email issuer; spiffe without a valid SPIFFETrustDomain;
 *   a spiffe meta issuer; an unknown type; an unparsable CI template;
 * - uri: SubjectDomain with a scheme, equal to the issuer's scheme, same top two host labels;
 * - username: SubjectDomain without a scheme, same top two labels as the issuer's host.
 * Added here (each an upstream run-time failure or a silent misconfiguration):
 * - a static issuer's IssuerURL, when given, equals its key; issuer URLs are absolute http(s) URLs
 *   without userinfo, query or fragment; ClientID is required (go-oidc refuses an empty one);
 * - ci-provider names an existing CIIssuerMetadata entry; every entry has a SAN template;
 * - IssuerClaim is in the supported JSONPath subset; uri/username rules also hold for meta issuers.
 */
import { parseCertificateChain } from '@sigstack/crypto/x509';
import { compileClaimPath } from './claims.js';
import {
  ISSUER_TYPES,
  type CiIssuerMetadata,
  type CiIssuerMetadataInput,
  type IssuerConfig,
  type IssuerConfigInput,
  type IssuerType,
  type OidcIssuerConfig,
  type OidcIssuerInput,
} from './config-types.js';
import { EXTENSION_BY_YAML } from './extension-names.js';
import { goUrlHostname, parseGoUrl, type GoUrl } from './go-url.js';
import { parseTrustDomain } from './spiffe.js';
import { compileTemplate } from './template.js';

/** Hostnames compared by their top-level and second-level labels (upstream `minimumHostnameLength`). */
const MINIMUM_HOSTNAME_LABELS = 2;

function nullRecord<T>(): Record<string, T> {
  return Object.create(null) as Record<string, T>;
}

/** Upstream `validateAllowedDomain`: equal hostnames, or the same last two labels. Returns a problem or undefined. */
export function allowedDomainProblem(subjectHostname: string, issuerHostname: string): string | undefined {
  if (subjectHostname === issuerHostname) return undefined;
  const s = subjectHostname.split('.');
  const i = issuerHostname.split('.');
  if (s.length < MINIMUM_HOSTNAME_LABELS) return `hostname too short: ${subjectHostname}`;
  if (i.length < MINIMUM_HOSTNAME_LABELS) return `hostname too short: ${issuerHostname}`;
  if (s[s.length - 1] === i[i.length - 1] && s[s.length - 2] === i[i.length - 2]) return undefined;
  return `hostname top-level and second-level domains do not match: ${subjectHostname}, ${issuerHostname}`;
}

function tryParse(url: string): GoUrl | undefined {
  try {
    return parseGoUrl(url);
  } catch {
    return undefined;
  }
}

/** An issuer URL we can run discovery against. For a meta pattern, each `*` is checked as one label. */
function issuerUrlProblem(url: string, isPattern: boolean): string | undefined {
  const parsed = tryParse(isPattern ? url.replaceAll('*', 'x') : url);
  if (parsed === undefined || (parsed.scheme !== 'https' && parsed.scheme !== 'http') || parsed.host === '' || parsed.opaque !== '') {
    return `issuer URL ${JSON.stringify(url)} must be an absolute http or https URL`;
  }
  if (parsed.rawQuery !== '' || parsed.forceQuery || parsed.fragment !== '' || url.includes('#')) return `issuer URL ${JSON.stringify(url)} must not have a query or fragment`;
  return undefined;
}

function normalizeIssuer(key: string, input: OidcIssuerInput, isMeta: boolean): OidcIssuerConfig {
  return Object.freeze({
    issuerUrl: isMeta ? key : input.issuerUrl || key,
    clientId: input.clientId ?? '',
    type: input.type as IssuerType,
    ciProvider: input.ciProvider ?? '',
    issuerClaim: input.issuerClaim ?? '',
    subjectDomain: input.subjectDomain ?? '',
    spiffeTrustDomain: input.spiffeTrustDomain ?? '',
    challengeClaim: input.challengeClaim ?? '',
    description: input.description ?? '',
    contact: input.contact ?? '',
    environment: input.environment ?? '',
    caCert: input.caCert ?? '',
    skipEmailVerification: input.skipEmailVerification ?? false,
  });
}

function issuerProblems(key: string, input: OidcIssuerInput, issuer: OidcIssuerConfig, isMeta: boolean, metadata: Record<string, unknown>): string[] {
  const problems: string[] = [];
  if (!isMeta && input.issuerUrl !== undefined && input.issuerUrl !== '' && input.issuerUrl !== key) {
    problems.push(`IssuerURL ${JSON.stringify(input.issuerUrl)} differs from its key`);
  }
  const urlProblem = issuerUrlProblem(issuer.issuerUrl, isMeta);
  if (urlProblem !== undefined) problems.push(urlProblem);
  if (issuer.clientId === '') problems.push('ClientID is required');
  if (!(ISSUER_TYPES as readonly string[]).includes(issuer.type)) {
    problems.push(`unknown issuer type ${JSON.stringify(issuer.type)} (known: ${ISSUER_TYPES.join(', ')})`);
  }
  if (issuer.caCert !== '') {
    try {
      parseCertificateChain(issuer.caCert, { max: 100 });
    } catch (err) {
      problems.push(`failed to parse CA certificate: ${(err as Error).message}`);
    }
  }
  if (issuer.issuerClaim !== '') {
    if (issuer.type !== 'email') problems.push('only email issuers can use issuer claim mapping');
    try {
      compileClaimPath(issuer.issuerClaim);
    } catch (err) {
      problems.push((err as Error).message);
    }
  }
  if (issuer.type === 'spiffe') {
    if (isMeta) problems.push('SPIFFE meta issuers not supported');
    else if (issuer.spiffeTrustDomain === '') problems.push('spiffe issuer must have SPIFFETrustDomain set');
    else {
      try {
        parseTrustDomain(issuer.spiffeTrustDomain);
      } catch (err) {
        problems.push(`spiffe trust domain is invalid: ${(err as Error).message}`);
      }
    }
  }
  const issuerUrl = tryParse(isMeta ? issuer.issuerUrl.replaceAll('*', 'x') : issuer.issuerUrl);
  // For a meta issuer, compare against the pattern's own host: a `*` in its top two labels never matches.
  const issuerHost = isMeta ? hostOfPattern(issuer.issuerUrl) : issuerUrl === undefined ? '' : goUrlHostname(issuerUrl);
  if (issuer.type === 'uri') {
    if (issuer.subjectDomain === '') problems.push('uri issuer must have SubjectDomain set');
    else {
      const domain = tryParse(issuer.subjectDomain);
      if (domain === undefined) problems.push(`SubjectDomain ${JSON.stringify(issuer.subjectDomain)} is not a URL`);
      else if (domain.scheme === '') problems.push('SubjectDomain for uri must contain scheme');
      else if (issuerUrl !== undefined) {
        if (domain.scheme !== issuerUrl.scheme) problems.push(`subject (${domain.scheme}) and issuer (${issuerUrl.scheme}) URI schemes do not match`);
        else {
          const problem = allowedDomainProblem(goUrlHostname(domain), issuerHost);
          if (problem !== undefined) problems.push(problem);
        }
      }
    }
  }
  if (issuer.type === 'username') {
    if (issuer.subjectDomain === '') problems.push('username issuer must have SubjectDomain set');
    else {
      const domain = tryParse(issuer.subjectDomain);
      if (domain === undefined) problems.push(`SubjectDomain ${JSON.stringify(issuer.subjectDomain)} is not a URL`);
      else if (domain.scheme !== '') problems.push('SubjectDomain for username should not contain scheme');
      else if (issuerUrl !== undefined) {
        const problem = allowedDomainProblem(issuer.subjectDomain, issuerHost);
        if (problem !== undefined) problems.push(problem);
      }
    }
  }
  if (issuer.type === 'ci-provider') {
    if (issuer.ciProvider === '') problems.push('ci-provider issuer must have CIProvider set');
    else if (!Object.hasOwn(metadata, issuer.ciProvider)) problems.push(`CIProvider ${JSON.stringify(issuer.ciProvider)} has no CIIssuerMetadata entry`);
  }
  return problems;
}

/** The hostname of a meta pattern, `*` kept (so that a `*` in the top two labels fails the domain check). */
function hostOfPattern(pattern: string): string {
  const rest = pattern.replace(/^[A-Za-z][A-Za-z0-9+.-]*:\/\//, '');
  const host = rest.split(/[/?#]/, 1)[0] as string;
  const colon = host.lastIndexOf(':');
  return colon < 0 ? host : host.slice(0, colon);
}

function metadataProblems(input: CiIssuerMetadataInput): string[] {
  const problems: string[] = [];
  const san = input.subjectAlternativeNameTemplate ?? '';
  if (san.trim() === '') problems.push('SubjectAlternativeNameTemplate is required');
  else {
    try {
      compileTemplate(san);
    } catch (err) {
      problems.push(`SubjectAlternativeNameTemplate: ${(err as Error).message}`);
    }
  }
  for (const [name, template] of Object.entries(input.extensionTemplates ?? {})) {
    if (!EXTENSION_BY_YAML.has(name)) {
      problems.push(`unknown extension ${JSON.stringify(name)}`);
      continue;
    }
    if (typeof template !== 'string') {
      problems.push(`extension ${name}: template must be a string`);
      continue;
    }
    if (template.trim() === '') continue;
    try {
      compileTemplate(template);
    } catch (err) {
      problems.push(`extension ${name}: ${(err as Error).message}`);
    }
  }
  for (const [name, value] of Object.entries(input.defaultTemplateValues ?? {})) {
    if (typeof value !== 'string') problems.push(`default template value ${JSON.stringify(name)} must be a string`);
  }
  return problems;
}

/**
 * Normalizes `input` (missing fields become '' or false; a static issuer's IssuerURL defaults to its key)
 * and lists every problem, each prefixed with where it is. The config is usable only when `problems` is
 * empty.
 */
export function validateIssuerConfig(input: IssuerConfigInput): { config: IssuerConfig; problems: string[] } {
  const problems: string[] = [];
  const ciIssuerMetadata = nullRecord<CiIssuerMetadata>();
  for (const [name, entry] of Object.entries(input.ciIssuerMetadata ?? {})) {
    for (const p of metadataProblems(entry)) problems.push(`CIIssuerMetadata[${JSON.stringify(name)}]: ${p}`);
    ciIssuerMetadata[name] = Object.freeze({
      defaultTemplateValues: Object.freeze(Object.assign(nullRecord<string>(), entry.defaultTemplateValues ?? {})),
      extensionTemplates: Object.freeze(Object.assign(nullRecord<string>(), entry.extensionTemplates ?? {})),
      subjectAlternativeNameTemplate: entry.subjectAlternativeNameTemplate ?? '',
    });
  }
  const section = (entries: Readonly<Record<string, OidcIssuerInput>> | undefined, isMeta: boolean): Record<string, OidcIssuerConfig> => {
    const out = nullRecord<OidcIssuerConfig>();
    for (const [key, entry] of Object.entries(entries ?? {})) {
      const issuer = normalizeIssuer(key, entry, isMeta);
      for (const p of issuerProblems(key, entry, issuer, isMeta, ciIssuerMetadata)) problems.push(`${isMeta ? 'MetaIssuers' : 'OIDCIssuers'}[${JSON.stringify(key)}]: ${p}`);
      out[key] = issuer;
    }
    return out;
  };
  const oidcIssuers = section(input.oidcIssuers, false);
  const metaIssuers = section(input.metaIssuers, true);
  if (Object.keys(oidcIssuers).length + Object.keys(metaIssuers).length === 0) problems.push('no issuers configured');
  const config: IssuerConfig = Object.freeze({
    oidcIssuers: Object.freeze(oidcIssuers),
    metaIssuers: Object.freeze(metaIssuers),
    ciIssuerMetadata: Object.freeze(ciIssuerMetadata),
  });
  return { config, problems };
}
