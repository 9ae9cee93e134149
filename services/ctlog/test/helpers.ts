import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createPublicKey, verify } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { buildApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { openCtLog } from '../src/open.js';
import { parseDigitallySigned } from '../src/ct/structures.js';
import { pemDecode } from '@sigstack/crypto/keys';

/** The DER of a single-block PEM. */
export function derOf(pem: string): Uint8Array {
  const [block] = pemDecode(pem);
  if (!block) throw new Error('no pem block');
  return block.der;
}

export function hex(text: string): Uint8Array {
  return new Uint8Array(Buffer.from(text, 'hex'));
}

export function b64(text: string): Uint8Array {
  return new Uint8Array(Buffer.from(text, 'base64'));
}


/** A fixed start time, 2026-11-22T00:00:00Z. */
export const NOW = Date.UTC(2026, 10, 22);

/** A clock tests move by hand (`clock.now += 1000`). */
export function testClock(start = NOW): { now: number } {
  return { now: start };
}

/**
 * Opens a CT log in `dir` (dev mode, `roots` written to dir/roots.pem) and its app; `close` stops
 * both. `env` overrides settings (CTLOG_*).
 */
export async function makeLog(dir: string, roots: string | undefined, env: Record<string, string> = {}, clock = testClock()) {
  if (roots !== undefined) writeFileSync(join(dir, 'roots.pem'), roots);
  const config = loadConfig({ env: { CTLOG_DEV_MODE: 'true', CTLOG_DATA_DIR: dir, ...env }, argv: [], readFile: () => '' });
  const ct = await openCtLog(config, { clock: () => clock.now });
  const app = buildApp({ config, ct });
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    await app.close();
    await ct.engine.close();
  };
  return { app, ct, config, clock, close, publicKey: createPublicKey(ct.key.publicKeyPem) };
}

/** Verifies a base64 TLS DigitallySigned (SHA-256, ECDSA) over `input`. */
export function verifiesB64(key: KeyObject, input: Uint8Array, signatureB64: string): boolean {
  const ds = parseDigitallySigned(b64(signatureB64));
  return ds.hash === 4 && ds.signatureAlgorithm === 3 && verify('sha256', input, key, ds.signature);
}

export function chainBody(...ders: Uint8Array[]) {
  return { chain: ders.map((d) => Buffer.from(d).toString('base64')) };
}
