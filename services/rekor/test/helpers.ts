import { createHash, generateKeyPairSync, sign } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { join } from 'node:path';
import { buildApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { openRekorLog } from '../src/open.js';

export const clientKey = generateKeyPairSync('ec', { namedCurve: 'P-256' });

/** A fixed clock: 2026-11-22T00:00:00Z. */
export const NOW = Date.UTC(2026, 10, 22);

export async function makeApp(dir: string, env: Record<string, string> = {}) {
  const config = loadConfig({
    env: { REKOR_DEV_MODE: 'true', REKOR_DATA_DIR: dir, REKOR_TREE_ID: '1193050959916656506', ...env },
    argv: [],
    readFile: () => '',
  });
  const rekor = await openRekorLog(config, { clock: () => NOW });
  const app = buildApp({ config, rekor });
  return { app, rekor, config, close: async () => { await app.close(); await rekor.engine.close(); } };
}

export function pemOf(key: KeyObject): string {
  return key.export({ type: 'spki', format: 'pem' }).toString();
}

/** A valid hashedrekord 0.0.1 proposed entry for `artifact`, signed with `key` (default: clientKey). */
export function hashedrekord(artifact: string | Buffer, key = clientKey) {
  const data = Buffer.from(artifact);
  return {
    apiVersion: '0.0.1',
    kind: 'hashedrekord',
    spec: {
      data: { hash: { algorithm: 'sha256', value: createHash('sha256').update(data).digest('hex') } },
      signature: {
        content: sign('sha256', data, key.privateKey).toString('base64'),
        publicKey: { content: Buffer.from(pemOf(key.publicKey)).toString('base64') },
      },
    },
  };
}

export const tmp = (dir: string, name: string) => join(dir, name);
