import {
  buildSigningConfig,
  buildTrustedRoot,
  carryOverSigningConfig,
  carryOverTrustedRoot,
  DEV_EXPIRY,
  publishTrust,
  readPublished,
  tsaEndpoint,
  type RepositoryKeys,
  type UpdateResult,
} from '@sigstack/trust';
import type { Material } from './collect.js';

export type PublicUrls = { fulcioUrl: string; rekorUrl: string; ctlogUrl: string; tsaUrl: string; oidcUrl: string; operator: string };

/**
 * Builds the trusted root and signing config of the dev stack from `material` and publishes them in
 * `repositoryDir`. Entries already published keep their validFor start, and replaced ones stay with
 * an end (see carryOverTrustedRoot), so a restart with the same services changes nothing and one
 * with a new TSA or CA bumps only the targets chain of metadata.
 */
export async function generateRepository(repositoryDir: string, material: Material, urls: PublicUrls, keys: RepositoryKeys, now: Date): Promise<UpdateResult> {
  const previous = await readPublished(repositoryDir);
  const next = await buildTrustedRoot({
    tlogs: [{ baseUrl: urls.rekorUrl, publicKey: material.rekorKeyPem, start: now }],
    ctlogs: material.ctKeyPem === undefined ? [] : [{ baseUrl: urls.ctlogUrl, publicKey: material.ctKeyPem, start: now }],
    certificateAuthorities: [{ uri: urls.fulcioUrl, chain: material.caChainPem, start: now }],
    timestampAuthorities: material.tsaChainPem === undefined ? [] : [{ uri: urls.tsaUrl, chain: material.tsaChainPem, start: now }],
  });
  const service = (url: string) => [{ url, start: now, operator: urls.operator }];
  const signing = buildSigningConfig({
    ca: service(urls.fulcioUrl),
    oidc: service(urls.oidcUrl),
    rekor: service(urls.rekorUrl),
    tsa: urls.tsaUrl === '' ? [] : service(tsaEndpoint(urls.tsaUrl)),
  });
  return publishTrust({
    dir: repositoryDir,
    keys,
    trustedRoot: carryOverTrustedRoot(previous.trustedRoot, next, now),
    signingConfig: carryOverSigningConfig(previous.signingConfig, signing),
    now,
    expiry: DEV_EXPIRY,
  });
}
