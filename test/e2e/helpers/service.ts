import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { resolve } from 'node:path';

export const ROOT = resolve(import.meta.dirname, '..', '..', '..');

export type RunningService = {
  url: string;
  child: ChildProcess;
  /** Every log line the process printed (pino JSON). */
  lines: string[];
  stop(signal?: NodeJS.Signals): Promise<number | null>;
};

/**
 * Starts a built service (`services/<name>/dist/main.js`) as a real process on 127.0.0.1 with an
 * ephemeral port, and resolves with its URL once it logs `ready` with its bound address.
 */
export async function startService(name: string, env: Record<string, string>, timeoutMs = 30_000): Promise<RunningService> {
  const child = spawn(process.execPath, [resolve(ROOT, 'services', name, 'dist', 'main.js')], {
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  const exited = new Promise<number | null>((res) => child.once('exit', (code) => res(code)));
  const url = await new Promise<string>((res, rej) => {
    const timer = setTimeout(() => rej(new Error(`${name} did not get ready in ${timeoutMs} ms:\n${lines.join('\n')}`)), timeoutMs);
    const onLine = (line: string) => {
      lines.push(line);
      try {
        const rec = JSON.parse(line) as { msg?: string; address?: string };
        if (rec.msg?.endsWith('ready') && rec.address) {
          clearTimeout(timer);
          res(rec.address);
        }
      } catch {
        // not a JSON log line
      }
    };
    createInterface({ input: child.stdout! }).on('line', onLine);
    createInterface({ input: child.stderr! }).on('line', onLine);
    void exited.then((code) => {
      clearTimeout(timer);
      rej(new Error(`${name} exited with ${code} before it was ready:\n${lines.join('\n')}`));
    });
  });
  return {
    url,
    child,
    lines,
    async stop(signal: NodeJS.Signals = 'SIGTERM') {
      if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
      child.kill(signal);
      return exited;
    },
  };
}
