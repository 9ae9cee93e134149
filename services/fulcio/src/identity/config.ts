/**
 * Fulcio's issuer configuration (upstream pkg/config/config.go), in upstream's own file format so that an
 * operator can bring an existing file: JSON with Go field names matched case-insensitively
 * (`OIDCIssuers`, `MetaIssuers`, `CIIssuerMetadata`, `ClientID`…), or YAML with kebab-case keys
 * (`oidc-issuers`, `client-id`…). Unknown keys are ignored, as upstream ignores them (the public YAML has
 * a top-level `define:` list of anchors), except inside `extension-templates`, where an unknown name would
 * silently drop an extension and is an error.
 *
 * `parseIssuerConfig` decodes and validates; `issuerConfig` validates a configuration built in code (the
 * dev issuer of dev mode). Both report every problem at once in an IssuerConfigError. There is no
 * DefaultConfig: a configuration always names its issuers.
 */
import { parseJson, type JsonValue } from '@sigstack/crypto/canonical-json';
import { IssuerConfigError } from './errors.js';
import { EXTENSION_NAMES } from './extension-names.js';
import { validateIssuerConfig } from './config-validate.js';
import type { CiIssuerMetadataInput, IssuerConfig, IssuerConfigInput, IssuerType, OidcIssuerConfig, OidcIssuerInput } from './config-types.js';
import { parseYamlTree, type YamlValue } from './yaml-tree.js';

type Tree = JsonValue | YamlValue;
type Format = 'json' | 'yaml';
type Key = { readonly json: string; readonly yaml: string };

const STRING_FIELDS: readonly (readonly [Exclude<keyof OidcIssuerConfig, 'skipEmailVerification'>, Key])[] = [
  ['issuerUrl', { json: 'IssuerURL', yaml: 'issuer-url' }],
  ['clientId', { json: 'ClientID', yaml: 'client-id' }],
  ['type', { json: 'Type', yaml: 'type' }],
  ['ciProvider', { json: 'CIProvider', yaml: 'ci-provider' }],
  ['issuerClaim', { json: 'IssuerClaim', yaml: 'issuer-claim' }],
  ['subjectDomain', { json: 'SubjectDomain', yaml: 'subject-domain' }],
  ['spiffeTrustDomain', { json: 'SPIFFETrustDomain', yaml: 'spiffe-trust-domain' }],
  ['challengeClaim', { json: 'ChallengeClaim', yaml: 'challenge-claim' }],
  ['description', { json: 'Description', yaml: 'description' }],
  ['contact', { json: 'Contact', yaml: 'contact' }],
  ['environment', { json: 'Environment', yaml: 'environment' }],
  ['caCert', { json: 'CACert', yaml: 'ca-cert' }],
];
const SKIP_EMAIL_VERIFICATION: Key = { json: 'SkipEmailVerification', yaml: 'skip-email-verification' };
const OIDC_ISSUERS: Key = { json: 'OIDCIssuers', yaml: 'oidc-issuers' };
const META_ISSUERS: Key = { json: 'MetaIssuers', yaml: 'meta-issuers' };
const CI_ISSUER_METADATA: Key = { json: 'CIIssuerMetadata', yaml: 'ci-issuer-metadata' };
const DEFAULT_TEMPLATE_VALUES: Key = { json: 'DefaultTemplateValues', yaml: 'default-template-values' };
const EXTENSION_TEMPLATES: Key = { json: 'ExtensionTemplates', yaml: 'extension-templates' };
const SAN_TEMPLATE: Key = { json: 'SubjectAlternativeNameTemplate', yaml: 'subject-alternative-name-template' };

/** Largest configuration file: the public one is about 20 KB. */
const MAX_CONFIG_BYTES = 4 * 1024 * 1024;

function isObject(value: Tree | undefined): value is { [key: string]: Tree } {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describe(value: Tree): string {
  return value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

/**
 * The member for `key`: YAML keys match exactly; JSON keys match Go's field name case-insensitively
 * (encoding/json). Two JSON keys that differ only in case are a problem (Go would keep the last one).
 */
function member(obj: { [key: string]: Tree }, key: Key, format: Format, path: string, problems: string[]): Tree | undefined {
  if (format === 'yaml') return Object.hasOwn(obj, key.yaml) ? obj[key.yaml] : undefined;
  const wanted = key.json.toLowerCase();
  const found = Object.keys(obj).filter((k) => k.toLowerCase() === wanted);
  if (found.length > 1) problems.push(`${path}: keys ${found.map((k) => JSON.stringify(k)).join(' and ')} differ only in case`);
  return found.length === 0 ? undefined : obj[found[found.length - 1] as string];
}

function name(key: Key, format: Format): string {
  return format === 'json' ? key.json : key.yaml;
}

function stringAt(value: Tree | undefined, path: string, problems: string[]): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return value;
  problems.push(`${path}: must be a string, got ${describe(value)}`);
  return undefined;
}

function boolAt(value: Tree | undefined, format: Format, path: string, problems: string[]): boolean | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'boolean') return value;
  if (format === 'yaml' && typeof value === 'string') {
    if (['true', 'True', 'TRUE'].includes(value)) return true;
    if (['false', 'False', 'FALSE'].includes(value)) return false;
  }
  problems.push(`${path}: must be true or false, got ${typeof value === 'string' ? JSON.stringify(value) : describe(value)}`);
  return undefined;
}

function mapAt(value: Tree | undefined, path: string, problems: string[]): [string, Tree][] {
  if (value === undefined || value === null) return [];
  if (!isObject(value)) {
    problems.push(`${path}: must be a mapping, got ${describe(value)}`);
    return [];
  }
  return Object.entries(value);
}

function decodeIssuer(tree: Tree, format: Format, path: string, problems: string[]): OidcIssuerInput | undefined {
  if (!isObject(tree)) {
    problems.push(`${path}: must be a mapping, got ${describe(tree)}`);
    return undefined;
  }
  const out: Record<string, string | boolean> = {};
  for (const [prop, key] of STRING_FIELDS) {
    const value = stringAt(member(tree, key, format, path, problems), `${path}.${name(key, format)}`, problems);
    if (value !== undefined) out[prop] = value;
  }
  const skip = boolAt(member(tree, SKIP_EMAIL_VERIFICATION, format, path, problems), format, `${path}.${name(SKIP_EMAIL_VERIFICATION, format)}`, problems);
  if (skip !== undefined) out.skipEmailVerification = skip;
  return { clientId: '', type: '', ...out } as OidcIssuerInput;
}

function decodeMetadata(tree: Tree, format: Format, path: string, problems: string[]): CiIssuerMetadataInput | undefined {
  if (!isObject(tree)) {
    problems.push(`${path}: must be a mapping, got ${describe(tree)}`);
    return undefined;
  }
  const defaultsPath = `${path}.${name(DEFAULT_TEMPLATE_VALUES, format)}`;
  const defaults: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const [k, v] of mapAt(member(tree, DEFAULT_TEMPLATE_VALUES, format, path, problems), defaultsPath, problems)) {
    const value = stringAt(v, `${defaultsPath}.${k}`, problems);
    if (value !== undefined) defaults[k] = value;
  }
  const templatesPath = `${path}.${name(EXTENSION_TEMPLATES, format)}`;
  const templates: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const [k, v] of mapAt(member(tree, EXTENSION_TEMPLATES, format, path, problems), templatesPath, problems)) {
    const known = EXTENSION_NAMES.find((e) => (format === 'yaml' ? e.yaml === k : e.json.toLowerCase() === k.toLowerCase()));
    if (known === undefined) {
      problems.push(`${templatesPath}: unknown extension ${JSON.stringify(k)}`);
      continue;
    }
    if (Object.hasOwn(templates, known.yaml)) problems.push(`${templatesPath}: extension ${JSON.stringify(k)} given twice`);
    const value = stringAt(v, `${templatesPath}.${k}`, problems);
    if (value !== undefined) templates[known.yaml] = value;
  }
  const san = stringAt(member(tree, SAN_TEMPLATE, format, path, problems), `${path}.${name(SAN_TEMPLATE, format)}`, problems);
  return { defaultTemplateValues: defaults, extensionTemplates: templates, subjectAlternativeNameTemplate: san ?? '' };
}

function decode(tree: Tree, format: Format, problems: string[]): IssuerConfigInput {
  if (!isObject(tree)) {
    problems.push(`the configuration must be a mapping, got ${tree === undefined ? 'nothing' : describe(tree)}`);
    return {};
  }
  const issuers = (key: Key): Record<string, OidcIssuerInput> => {
    const out = Object.create(null) as Record<string, OidcIssuerInput>;
    const path = name(key, format);
    for (const [k, v] of mapAt(member(tree, key, format, '(top level)', problems), path, problems)) {
      const issuer = decodeIssuer(v, format, `${path}[${JSON.stringify(k)}]`, problems);
      if (issuer !== undefined) out[k] = issuer;
    }
    return out;
  };
  const metadata = Object.create(null) as Record<string, CiIssuerMetadataInput>;
  const metadataPath = name(CI_ISSUER_METADATA, format);
  for (const [k, v] of mapAt(member(tree, CI_ISSUER_METADATA, format, '(top level)', problems), metadataPath, problems)) {
    const entry = decodeMetadata(v, format, `${metadataPath}[${JSON.stringify(k)}]`, problems);
    if (entry !== undefined) metadata[k] = entry;
  }
  return { oidcIssuers: issuers(OIDC_ISSUERS), metaIssuers: issuers(META_ISSUERS), ciIssuerMetadata: metadata };
}

/**
 * Parses an issuer configuration file. Text whose first non-blank character is `{` is JSON (strict:
 * duplicate keys are an error), anything else YAML. Throws IssuerConfigError ERR_CONFIG_INVALID listing
 * every decoding and validation problem; `source` (a file name) prefixes the problems.
 */
export function parseIssuerConfig(text: string | Uint8Array, options: { readonly source?: string } = {}): IssuerConfig {
  const prefix = options.source === undefined ? '' : `${options.source}: `;
  const problems: string[] = [];
  const body = typeof text === 'string' ? text : Buffer.from(text).toString('utf8');
  if (body.length > MAX_CONFIG_BYTES) throw new IssuerConfigError([`${prefix}the configuration is larger than ${MAX_CONFIG_BYTES} bytes`]);
  const format: Format = body.trimStart().startsWith('{') ? 'json' : 'yaml';
  let tree: Tree;
  try {
    tree = format === 'json' ? parseJson(body, { maxBytes: MAX_CONFIG_BYTES, maxDepth: 32 }) : parseYamlTree(body);
  } catch (err) {
    throw new IssuerConfigError([`${prefix}not valid ${format === 'json' ? 'JSON' : 'YAML'}: ${(err as Error).message}`]);
  }
  const input = decode(tree, format, problems);
  return finish(input, problems, prefix);
}

/** Validates a configuration built in code. Throws IssuerConfigError listing every problem. */
export function issuerConfig(input: IssuerConfigInput): IssuerConfig {
  return finish(input, [], '');
}

function finish(input: IssuerConfigInput, problems: string[], prefix: string): IssuerConfig {
  const { config, problems: more } = validateIssuerConfig(input);
  const all = [...problems, ...more];
  if (all.length > 0) throw new IssuerConfigError(all.map((p) => prefix + p));
  return config;
}

/** The claim a client signs for issuers of `type` unless `challengeClaim` overrides it (advertised only). */
export function challengeClaimFor(type: IssuerType, challengeClaim = ''): string {
  if (challengeClaim !== '') return challengeClaim;
  return type === 'email' ? 'email' : 'sub';
}

/** One issuer as GET /api/v2/configuration describes it (upstream `FulcioConfig.ToIssuers`). */
export interface ConfigurationIssuer {
  readonly issuerUrl?: string;
  readonly wildcardIssuerUrl?: string;
  readonly audience: string;
  readonly challengeClaim: string;
  readonly spiffeTrustDomain: string;
  readonly issuerType: string;
  readonly subjectDomain: string;
  readonly skipEmailVerification: boolean;
}

/** Every issuer, static ones first, each group in configuration order (upstream: random map order). */
export function configurationIssuers(config: IssuerConfig): ConfigurationIssuer[] {
  const describeIssuer = (issuer: OidcIssuerConfig) => ({
    audience: issuer.clientId,
    challengeClaim: challengeClaimFor(issuer.type, issuer.challengeClaim),
    spiffeTrustDomain: issuer.spiffeTrustDomain,
    issuerType: issuer.type,
    subjectDomain: issuer.subjectDomain,
    skipEmailVerification: issuer.skipEmailVerification,
  });
  return [
    ...Object.values(config.oidcIssuers).map((issuer) => ({ issuerUrl: issuer.issuerUrl, ...describeIssuer(issuer) })),
    ...Object.entries(config.metaIssuers).map(([pattern, issuer]) => ({ wildcardIssuerUrl: pattern, ...describeIssuer(issuer) })),
  ];
}
