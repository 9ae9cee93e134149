#!/usr/bin/env node
// Builds packages/crypto's native addon (ECDSA verification over a digest through Node's own
// OpenSSL; see packages/crypto/native/ecdsa-digest.c) with node-gyp, unless it is already newer than
// its sources. Part of `npm run build`. Without it, crypto falls back to @noble/curves, which is
// correct but about ten times slower, so a failed build is an error here.
import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const dir = resolve(root, 'packages/crypto/native');
const output = resolve(dir, 'build/Release/ecdsa_digest.node');
const sources = ['binding.gyp', 'ecdsa-digest.c'].map((f) => resolve(dir, f));

const built = existsSync(output) && sources.every((s) => statSync(s).mtimeMs <= statSync(output).mtimeMs);
if (!built) {
  const gyp = resolve(root, 'node_modules/node-gyp/bin/node-gyp.js');
  // Build against the headers of the Node that runs us (official builds ship them in
  // <prefix>/include/node), so that no header download is needed; npm's own nodedir setting wins.
  const prefix = resolve(dirname(process.execPath), '..');
  const args = [gyp, 'rebuild', '--loglevel=warn'];
  if (!process.env.npm_config_nodedir && existsSync(resolve(prefix, 'include/node/node_api.h'))) args.push(`--nodedir=${prefix}`);
  const run = spawnSync(process.execPath, args, { cwd: dir, stdio: 'inherit' });
  if (run.status !== 0) {
    console.error('building packages/crypto/native failed: it needs python3, make and a C compiler, like better-sqlite3');
    process.exit(1);
  }
}
