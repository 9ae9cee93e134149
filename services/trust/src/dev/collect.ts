import { readFile, stat } from 'node:fs/promises';
import { expectStatus, json, request } from '@sigstack/client';
import { isSigstackError } from '@sigstack/crypto/errors';
import { ConfigError } from '@sigstack/service-kit';

/** What dev mode publishes: the live services' keys and chains (PEM). */
export type Material = {
  caChainPem: string;
  rekorKeyPem: string;
  /** Undefined when no CT key file is configured. */
  ctKeyPem?: string;
  /** Undefined when no TSA is configured. */
  tsaChainPem?: string;
};

export type CollectSettings = {
  fulcioFetchUrl: string;
  rekorFetchUrl: string;
  /** '' = no TSA. */
  tsaFetchUrl: string;
  /** '' = no CT log. */
  ctlogPublicKeyFile: string;
  timeoutMs: number;
};

export type CollectDeps = {
  fetch?: typeof fetch;
  now: () => number;
  sleep: (ms: number) => Promise<void>;
  /** Called with each failed attempt, for the log. */
  onRetry?: (err: unknown) => void;
};

/** Trust bundles, keys and chains are a few KB; anything above this is not one. */
const MAX_MATERIAL_BYTES = 1024 * 1024;
const ATTEMPT_TIMEOUT_MS = 5_000;
const RETRY_DELAY_MS = 250;

const text = (body: Uint8Array) => Buffer.from(body).toString('utf8');

async function fetchText(url: string, deps: CollectDeps): Promise<string> {
  const res = await request(url, {}, { timeoutMs: ATTEMPT_TIMEOUT_MS, maxBytes: MAX_MATERIAL_BYTES, retries: 0, ...(deps.fetch ? { fetch: deps.fetch } : {}) });
  expectStatus(res, url, 200);
  return text(res.body);
}

/** The CA chain from Fulcio's trust bundle: `{ chains: [{ certificates: [PEM, …] }] }`, the first chain, as served. */
async function fetchCaChain(base: string, deps: CollectDeps): Promise<string> {
  const url = `${base}/api/v2/trustBundle`;
  const res = await request(url, {}, { timeoutMs: ATTEMPT_TIMEOUT_MS, maxBytes: MAX_MATERIAL_BYTES, retries: 0, ...(deps.fetch ? { fetch: deps.fetch } : {}) });
  expectStatus(res, url, 200);
  const bundle = json<{ chains?: { certificates?: unknown }[] }>(res, url);
  const certificates = Array.isArray(bundle?.chains) ? bundle.chains[0]?.certificates : undefined;
  if (!Array.isArray(certificates) || certificates.length === 0 || !certificates.every((c) => typeof c === 'string')) {
    throw new ConfigError([`${url} answered without a certificate chain`]);
  }
  return certificates.join('');
}

async function readKeyFile(path: string): Promise<string> {
  const info = await stat(path);
  if (info.size > MAX_MATERIAL_BYTES) throw new ConfigError([`${path} is larger than ${MAX_MATERIAL_BYTES} bytes`]);
  return readFile(path, 'utf8');
}

/**
 * Collects the material from the running services: `GET {fulcio}/api/v2/trustBundle`,
 * `GET {rekor}/api/v1/log/publicKey`, `GET {tsa}/api/v1/timestamp/certchain` and the CT key file.
 * Services start in any order, so every failure (unreachable, 5xx, a key file not written yet) is
 * retried until `timeoutMs` has passed; then the last error is thrown.
 */
export async function collectMaterial(settings: CollectSettings, deps: CollectDeps): Promise<Material> {
  const deadline = deps.now() + settings.timeoutMs;
  for (;;) {
    try {
      const caChainPem = await fetchCaChain(settings.fulcioFetchUrl, deps);
      const rekorKeyPem = await fetchText(`${settings.rekorFetchUrl}/api/v1/log/publicKey`, deps);
      const tsaChainPem = settings.tsaFetchUrl === '' ? undefined : await fetchText(`${settings.tsaFetchUrl}/api/v1/timestamp/certchain`, deps);
      const ctKeyPem = settings.ctlogPublicKeyFile === '' ? undefined : await readKeyFile(settings.ctlogPublicKeyFile);
      return { caChainPem, rekorKeyPem, ...(ctKeyPem !== undefined ? { ctKeyPem } : {}), ...(tsaChainPem !== undefined ? { tsaChainPem } : {}) };
    } catch (err) {
      const transient = isSigstackError(err, 'ERR_CLIENT_UNREACHABLE') || isSigstackError(err, 'ERR_CLIENT_STATUS') || (err as NodeJS.ErrnoException).code === 'ENOENT';
      if (!transient || deps.now() >= deadline) {
        throw new ConfigError([`couldn't collect the trust material within ${settings.timeoutMs} ms: ${(err as Error).message}`]);
      }
      deps.onRetry?.(err);
      await deps.sleep(RETRY_DELAY_MS);
    }
  }
}
