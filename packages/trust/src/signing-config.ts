import { invalid } from './errors.js';
import type { ValidForJson } from './trusted-root.js';
import { rfc3339 } from './time.js';
import { serviceUrl } from './url.js';

export const SIGNING_CONFIG_MEDIA_TYPE = 'application/vnd.dev.sigstore.signingconfig.v0.2+json';

/** protobuf-specs `Service` as JSON. */
export type ServiceJson = { url: string; majorApiVersion: number; validFor: ValidForJson; operator: string };

/** protobuf-specs `SigningConfig` v0.2 as JSON. sigstore-js supports only the `ANY` selector, so both configs use it. */
export type SigningConfigJson = {
  mediaType: typeof SIGNING_CONFIG_MEDIA_TYPE;
  caUrls: ServiceJson[];
  oidcUrls: ServiceJson[];
  rekorTlogUrls: ServiceJson[];
  rekorTlogConfig: { selector: 'ANY' };
  tsaUrls: ServiceJson[];
  tsaConfig: { selector: 'ANY' };
};

/** One service: `url` is a base URL for the CA, OIDC issuer and log, and the full endpoint for a TSA. */
export type ServiceInput = { url: string; start: Date; end?: Date; operator: string; majorApiVersion?: number };

export type SigningConfigInput = {
  ca: readonly ServiceInput[];
  oidc: readonly ServiceInput[];
  rekor: readonly ServiceInput[];
  tsa: readonly ServiceInput[];
};

function service(input: ServiceInput, what: string, versions: readonly number[]): ServiceJson {
  const majorApiVersion = input.majorApiVersion ?? 1;
  if (!versions.includes(majorApiVersion)) throw invalid(`${what}: majorApiVersion ${majorApiVersion} is not one of ${versions.join(', ')}`);
  if (typeof input.operator !== 'string' || input.operator === '') throw invalid(`${what}: operator must be a non-empty string`);
  const validFor: ValidForJson = { start: rfc3339(input.start) };
  if (input.end !== undefined) {
    if (!(input.end.getTime() > input.start.getTime())) throw invalid(`${what}: validFor end is not after its start`);
    validFor.end = rfc3339(input.end);
  }
  return { url: serviceUrl(input.url, `${what} url`), majorApiVersion, validFor, operator: input.operator };
}

/**
 * Builds a SigningConfig v0.2 (what cosign v3 and sigstore-go sign with): CA, OIDC and log base
 * URLs, TSA endpoint URLs, `ANY` selectors. Needs at least one CA and one log.
 * Throws TrustError ERR_TRUST_INVALID.
 */
export function buildSigningConfig(input: SigningConfigInput): SigningConfigJson {
  if (input.ca.length === 0) throw invalid('a signing config needs at least one certificate authority URL');
  if (input.rekor.length === 0) throw invalid('a signing config needs at least one transparency log URL');
  return {
    mediaType: SIGNING_CONFIG_MEDIA_TYPE,
    caUrls: input.ca.map((s, i) => service(s, `caUrls ${i}`, [1])),
    oidcUrls: input.oidc.map((s, i) => service(s, `oidcUrls ${i}`, [1])),
    rekorTlogUrls: input.rekor.map((s, i) => service(s, `rekorTlogUrls ${i}`, [1, 2])),
    rekorTlogConfig: { selector: 'ANY' },
    tsaUrls: input.tsa.map((s, i) => service(s, `tsaUrls ${i}`, [1])),
    tsaConfig: { selector: 'ANY' },
  };
}

/** The TSA endpoint our TSA (and sigstore/timestamp-authority) serves under its base URL. */
export function tsaEndpoint(baseUrl: string): string {
  return `${serviceUrl(baseUrl, 'tsa url')}/api/v1/timestamp`;
}
