import { createHash, createPublicKey, createPrivateKey } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { TrustedRoot } from '@sigstore/protobuf-specs';
import { freePort, startService } from './service.js';
import type { RunningService } from './service.js';

export type Stack = {
  oidc: RunningService;
  fulcio: RunningService;
  ctlog: RunningService;
  rekor: RunningService;
  /** An ID token from the dev issuer. */
  token(sub: string, email?: string): Promise<string>;
  /** A protobuf-specs TrustedRoot listing this stack's CA, CT log and transparency log. */
  trustedRoot(): Promise<TrustedRoot>;
  stop(): Promise<void>;
};

const der = (pemOrKey: string) => createPublicKey(pemOrKey).export({ type: 'spki', format: 'der' });
const keyId = (spki: Buffer) => createHash('sha256').update(spki).digest('base64');

/**
 * The keyless signing stack as real processes on loopback: the dev OIDC issuer, the CA, the CT log
 * (accepting the CA's root) and the transparency log, each with its own data directory under `dir`.
 */
export async function startStack(dir: string): Promise<Stack> {
  // The issuer's URL is in its tokens and in the CA's config, so it gets a known free port.
  const oidcPort = await freePort();
  const issuer = `http://127.0.0.1:${oidcPort}`;
  const oidc2 = await startService('packages/testkit/dist/dev-oidc-main.js', { DEV_OIDC_PORT: String(oidcPort), DEV_OIDC_ISSUER: issuer });
  const ctPort = await freePort();
  const ctUrl = `http://127.0.0.1:${ctPort}`;
  const fulcio = await startService('fulcio', { FULCIO_PORT: '0', FULCIO_DEV_MODE: 'true', FULCIO_DATA_DIR: join(dir, 'fulcio'), FULCIO_DEV_ISSUER_URL: issuer, FULCIO_CT_LOG_URL: ctUrl });
  const rootsFile = join(dir, 'ct-roots.pem');
  writeFileSync(rootsFile, await (await fetch(`${fulcio.url}/api/v1/rootCert`)).text());
  const ctlog = await startService('ctlog', { CTLOG_PORT: String(ctPort), CTLOG_PUBLIC_URL: ctUrl, CTLOG_DEV_MODE: 'true', CTLOG_DATA_DIR: join(dir, 'ctlog'), CTLOG_ROOTS_FILE: rootsFile });
  const rekor = await startService('rekor', { REKOR_PORT: '0', REKOR_DEV_MODE: 'true', REKOR_DATA_DIR: join(dir, 'rekor') });

  return {
    oidc: oidc2,
    fulcio,
    ctlog,
    rekor,
    async token(sub, email) {
      const q = new URLSearchParams({ sub, ...(email ? { email } : {}) });
      return (await fetch(`${oidc2.url}/token?${q}`)).text();
    },
    async trustedRoot() {
      const chain = ((await (await fetch(`${fulcio.url}/api/v2/trustBundle`)).json()) as { chains: { certificates: string[] }[] }).chains[0]!.certificates;
      const ctKey = der(createPublicKey(createPrivateKey(readFileSync(join(dir, 'ctlog', 'log-key.pem')))).export({ type: 'spki', format: 'pem' }).toString());
      const rekorKey = der(await (await fetch(`${rekor.url}/api/v1/log/publicKey`)).text());
      const start = '2020-01-01T00:00:00Z';
      return TrustedRoot.fromJSON({
        mediaType: 'application/vnd.dev.sigstore.trustedroot+json;version=0.1',
        tlogs: [{ baseUrl: rekor.url, hashAlgorithm: 'SHA2_256', publicKey: { rawBytes: rekorKey.toString('base64'), keyDetails: 'PKIX_ECDSA_P256_SHA_256', validFor: { start } }, logId: { keyId: keyId(rekorKey) } }],
        certificateAuthorities: [{
          subject: { organization: 'sigstack', commonName: 'sigstack' },
          uri: fulcio.url,
          certChain: { certificates: chain.map((pem) => ({ rawBytes: pem.replace(/-----[^-]+-----|\s/g, '') })) },
          validFor: { start },
        }],
        ctlogs: [{ baseUrl: ctUrl, hashAlgorithm: 'SHA2_256', publicKey: { rawBytes: ctKey.toString('base64'), keyDetails: 'PKIX_ECDSA_P256_SHA_256', validFor: { start } }, logId: { keyId: keyId(ctKey) } }],
        timestampAuthorities: [],
      });
    },
    async stop() {
      await Promise.all([rekor.stop(), ctlog.stop(), fulcio.stop(), oidc2.stop()]);
    },
  };
}
