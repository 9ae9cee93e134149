import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ExpiryPolicy } from './tuf/expiry.js';
import { MAX_REPOSITORY_FILE, SIGNING_CONFIG_FILE, SIGNING_CONFIG_TARGET, TRUSTED_ROOT_FILE, TRUSTED_ROOT_TARGET } from './tuf/layout.js';
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

/** The bytes of a published document: pretty JSON with a final newline (stable, so equal input gives equal targets). */
export function documentBytes(doc: TrustedRootJson | SigningConfigJson): Uint8Array {
  return Buffer.from(`${JSON.stringify(doc, null, 2)}\n`);
}

/**
 * Publishes a trusted root and a signing config: as the TUF targets `trusted_root.json` and
 * `signing_config.v0.2.json` (what sigstore-js, cosign and sigstore-go look up) and as plain
 * `trusted_root.json` and `signing_config.json` next to the metadata, then updates the metadata.
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
