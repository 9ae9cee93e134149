import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ExpiryPolicy } from './tuf/expiry.js';
import { MAX_REPOSITORY_FILE, SIGNING_CONFIG_FILE, SIGNING_CONFIG_TARGET, TRUST_CONFIG_FILE, TRUSTED_ROOT_FILE, TRUSTED_ROOT_TARGET } from './tuf/layout.js';
import { updateRepository, type RepositoryKeys, type UpdateResult } from './tuf/repository.js';
import type { SigningConfigJson } from './signing-config.js';
import type { TrustedRootJson } from './trusted-root.js';

export type PublishOptions = {
  dir: string;
  keys: RepositoryKeys;
  trustedRoot: TrustedRootJson;
  signingConfig: SigningConfigJson;
  now: Date;
  expiry?: ExpiryPolicy;
};

/** A protobuf-specs ClientTrustConfig: the trusted root and the signing config in one document. */
export type ClientTrustConfigJson = { mediaType: string; trustedRoot: TrustedRootJson; signingConfig: SigningConfigJson };

export const CLIENT_TRUST_CONFIG_MEDIA_TYPE = 'application/vnd.dev.sigstore.clienttrustconfig.v0.1+json';

/** The bytes of a published document: pretty JSON with a final newline (stable, so equal input gives equal targets). */
export function documentBytes(doc: TrustedRootJson | SigningConfigJson | ClientTrustConfigJson): Uint8Array {
  return Buffer.from(`${JSON.stringify(doc, null, 2)}\n`);
}

/**
 * Publishes a trusted root and a signing config: as the TUF targets `trusted_root.json` and
 * `signing_config.v0.2.json` (what sigstore-js, cosign and sigstore-go look up) and as plain
 * `trusted_root.json` and `signing_config.json` next to the metadata, with both in one
 * `trust_config.json` (a ClientTrustConfig, for sigstore-python's `--trust-config`), then updates
 * the metadata.
 */
export function publishTrust(options: PublishOptions): Promise<UpdateResult> {
  return updateRepository({
    dir: options.dir,
    keys: options.keys,
    now: options.now,
    ...(options.expiry ? { expiry: options.expiry } : {}),
    targets: [
      { name: TRUSTED_ROOT_TARGET, bytes: documentBytes(options.trustedRoot), alias: TRUSTED_ROOT_FILE },
      { name: SIGNING_CONFIG_TARGET, bytes: documentBytes(options.signingConfig), alias: SIGNING_CONFIG_FILE },
    ],
    files: [{
      name: TRUST_CONFIG_FILE,
      bytes: documentBytes({ mediaType: CLIENT_TRUST_CONFIG_MEDIA_TYPE, trustedRoot: options.trustedRoot, signingConfig: options.signingConfig }),
    }],
  });
}

async function readJson<T>(path: string): Promise<T | undefined> {
  try {
    const bytes = await readFile(path);
    // Our own earlier output; still bounded, and anything unreadable counts as absent.
    if (bytes.byteLength > MAX_REPOSITORY_FILE) return undefined;
    return JSON.parse(bytes.toString('utf8')) as T;
  } catch {
    return undefined;
  }
}

/** The trusted root and signing config last published in `dir`, if any (for carrying validFor starts over). */
export async function readPublished(dir: string): Promise<{ trustedRoot?: TrustedRootJson; signingConfig?: SigningConfigJson }> {
  const trustedRoot = await readJson<TrustedRootJson>(join(dir, TRUSTED_ROOT_FILE));
  const signingConfig = await readJson<SigningConfigJson>(join(dir, SIGNING_CONFIG_FILE));
  return { ...(trustedRoot ? { trustedRoot } : {}), ...(signingConfig ? { signingConfig } : {}) };
}
