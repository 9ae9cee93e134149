#!/usr/bin/env node
// `npm start`: runs the services that exist today, in dev mode, on 127.0.0.1, with their data in
// SIGSTACK_DATA_DIR (default ./data). Today that is the transparency log (Rekor v1 API) alone;
// `sigstack up` in packages/cli replaces this script once the CA, CT log and TSA exist.
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const dataDir = resolve(process.env.SIGSTACK_DATA_DIR ?? 'data');
const host = process.env.SIGSTACK_HOST ?? '127.0.0.1';
const port = process.env.REKOR_PORT ?? '3000';
const url = `http://${host}:${port}`;

const child = spawn(process.execPath, [resolve(root, 'services/rekor/dist/main.js')], {
  stdio: ['ignore', 'inherit', 'inherit'],
  env: {
    ...process.env,
    REKOR_DEV_MODE: process.env.REKOR_DEV_MODE ?? 'true',
    REKOR_HOST: host,
    REKOR_PORT: port,
    REKOR_PUBLIC_URL: process.env.REKOR_PUBLIC_URL ?? url,
    REKOR_DATA_DIR: process.env.REKOR_DATA_DIR ?? resolve(dataDir, 'rekor'),
  },
});

async function waitHealthy() {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline && child.exitCode === null) {
    try {
      if ((await fetch(`${url}/healthz`)).ok) return true;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return false;
}

if (await waitHealthy()) {
  console.log(`
  sigstack is running (dev mode)
    transparency log (Rekor v1 API)  ${url}
      log info                       ${url}/api/v1/log
      public key                     ${url}/api/v1/log/publicKey
      tiles (C2SP tlog-tiles)        ${url}/api/v2/checkpoint
    data                             ${dataDir}

  Upload with rekor-cli:  rekor-cli upload --rekor_server ${url} --type hashedrekord ...
  Press Ctrl-C to stop.
`);
}

for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill('SIGTERM'));
child.on('exit', (code, signal) => {
  if (signal || code) console.error(`the transparency log stopped (${signal ?? `exit ${code}`})`);
  process.exit(code ?? 0);
});
