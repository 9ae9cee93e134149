import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { resolve } from 'node:path';

export const ROOT = resolve(import.meta.dirname, '..', '..', '..');

/** A free TCP port on loopback, for a service whose URL another must know before it starts. */
export async function freePort(): Promise<number> {
  const { createServer } = await import('node:net');
  return new Promise((res, rej) => {
    const s = createServer();
    s.once('error', rej);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => res(port));
    });
  });
}

export type RunningService = {
  url: string;
  child: ChildProcess;
  /** Every log line the process printed (pino JSON). */
  lines: string[];
  stop(signal?: NodeJS.Signals): Promise<number | null>;
};

/**
 * Starts a built service (`services/<name>/dist/main.js`, or a script path relative to the repo
 * when `name` contains a slash) as a real process on 127.0.0.1, and resolves with its URL once it
 * logs `ready` with its bound address.
 */
export async function startService(name: string, env: Record<string, string>, timeoutMs = 30_000): Promise<RunningService> {
  const script = name.includes('/') ? resolve(ROOT, name) : resolve(ROOT, 'services', name, 'dist', 'main.js');
  const child = spawn(process.execPath, [script], {
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
