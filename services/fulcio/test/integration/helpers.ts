import { createHash, generateKeyPairSync, sign } from 'node:crypto';
import { createDevIssuer } from '@sigstack/testkit';
import type { SctFields } from '../../src/ca/index.js';
import { buildApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { openFulcio } from '../../src/open.js';

export const ISSUER = 'http://127.0.0.1:5556';
export const NOW = Date.UTC(2026, 10, 22, 12);

/** A CT log stand-in that records the precertificate chains it was given and signs a fixed-shape SCT. */
export function recordingCt(fail = false) {
  const ctKey = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const logId = new Uint8Array(createHash('sha256').update(ctKey.publicKey.export({ type: 'spki', format: 'der' })).digest());
  const chains: Uint8Array[][] = [];
  return {
    chains,
    ct: {
      async addPreChain(chain: readonly Uint8Array[]): Promise<SctFields> {
        if (fail) throw new Error('ct log down');
        chains.push([...chain]);
        const sig = sign('sha256', Buffer.concat(chain.map((c) => Buffer.from(c))), ctKey.privateKey);
        const signature = new Uint8Array(4 + sig.length);
        signature.set([4, 3, sig.length >> 8, sig.length & 255]);
        signature.set(sig, 4);
        return { version: 0, logId, timestamp: NOW, extensions: new Uint8Array(0), signature };
      },
    },
  };
}

/** The Fulcio app in dev mode with the dev issuer reached through inject() and the given CT stand-in. */
export async function makeFulcio(dir: string, ct = recordingCt().ct, env: Record<string, string> = {}) {
  const dev = await createDevIssuer({ issuer: ISSUER, clock: () => NOW });
  const fetchViaInject: typeof fetch = async (input) => {
    const url = new URL(String(input instanceof Request ? input.url : input));
    const res = await dev.app.inject({ method: 'GET', url: url.pathname + url.search });
    return new Response(res.rawPayload, { status: res.statusCode, headers: { 'content-type': String(res.headers['content-type'] ?? 'application/json') } });
  };
  const config = loadConfig({ env: { FULCIO_DEV_MODE: 'true', FULCIO_DATA_DIR: dir, ...env }, argv: [], readFile: () => '' });
  const opened = await openFulcio(config, { clock: () => NOW, fetch: fetchViaInject, ct });
  const app = buildApp({ config, issuer: opened.issuer, issuers: opened.issuers });
  return { app, dev, ...opened, close: async () => { await app.close(); await opened.ca.close(); await dev.app.close(); } };
}
