import { generateKeyPairSync } from 'node:crypto';
import { join } from 'node:path';
import { Log, noteCheckpointSigner, SqliteStorage } from '../src/index.js';
import type { LogOptions } from '../src/index.js';

export const keys = generateKeyPairSync('ec', { namedCurve: 'P-256' });
export const otherKeys = generateKeyPairSync('ec', { namedCurve: 'P-256' });

export function signer(origin = 'log.example - 42', k = keys) {
  return noteCheckpointSigner({ origin, name: 'log.example', privateKey: k.privateKey, publicKey: k.publicKey });
}

/** A clock that moves only when told to. */
export function fixedClock(start = 1_700_000_000_000) {
  let now = start;
  const clock = () => now;
  clock.advance = (ms: number) => {
    now += ms;
  };
  return clock;
}

export async function openLog(dir: string, options: Partial<LogOptions> = {}) {
  return Log.open({
    storage: new SqliteStorage({ path: join(dir, 'log.db') }),
    signer: signer(),
    checkpointFile: join(dir, 'checkpoint'),
    clock: fixedClock(),
    ...options,
  });
}

export function body(i: number): Uint8Array {
  return new TextEncoder().encode(`entry ${i}`);
}
