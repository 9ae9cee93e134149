#!/usr/bin/env node
// `npm start`: runs the stack in dev mode on 127.0.0.1, each service as its own process, data in
// SIGSTACK_DATA_DIR (default ./data). Waits for every /healthz, prints where everything is, and stops
// them all on Ctrl-C. A service that dies is reported and the others are stopped.
// `sigstack up` in packages/cli is meant to replace this script (with trust distribution and TUF).
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const dataDir = resolve(process.env.SIGSTACK_DATA_DIR ?? 'data');
const host = process.env.SIGSTACK_HOST ?? '127.0.0.1';
const port = (name, fallback) => process.env[`SIGSTACK_${name}_PORT`] ?? String(fallback);
const ports = { oidc: port('OIDC', 5556), fulcio: port('FULCIO', 5555), ctlog: port('CTLOG', 6962), rekor: port('REKOR', 3000), tsa: port('TSA', 3004) };
const url = (p) => `http://${host}:${p}`;
mkdirSync(resolve(dataDir, 'ctlog'), { recursive: true });
const ctRoots = resolve(dataDir, 'ctlog', 'roots.pem');

const services = [
  { name: 'dev OIDC issuer', script: 'packages/testkit/dist/dev-oidc-main.js', port: ports.oidc, env: { DEV_OIDC_HOST: host, DEV_OIDC_PORT: ports.oidc, DEV_OIDC_ISSUER: url(ports.oidc) } },
  { name: 'CT log', script: 'services/ctlog/dist/main.js', port: ports.ctlog, env: { CTLOG_DEV_MODE: 'true', CTLOG_HOST: host, CTLOG_PORT: ports.ctlog, CTLOG_PUBLIC_URL: url(ports.ctlog), CTLOG_DATA_DIR: resolve(dataDir, 'ctlog'), CTLOG_ROOTS_FILE: ctRoots } },
  { name: 'certificate authority', script: 'services/fulcio/dist/main.js', port: ports.fulcio, env: { FULCIO_DEV_MODE: 'true', FULCIO_HOST: host, FULCIO_PORT: ports.fulcio, FULCIO_DATA_DIR: resolve(dataDir, 'fulcio'), FULCIO_DEV_ISSUER_URL: url(ports.oidc), FULCIO_CT_LOG_URL: url(ports.ctlog) } },
  { name: 'transparency log', script: 'services/rekor/dist/main.js', port: ports.rekor, env: { REKOR_DEV_MODE: 'true', REKOR_HOST: host, REKOR_PORT: ports.rekor, REKOR_PUBLIC_URL: url(ports.rekor), REKOR_DATA_DIR: resolve(dataDir, 'rekor') } },
  { name: 'timestamp authority', script: 'services/tsa/dist/main.js', port: ports.tsa, env: { TSA_SIGNER: 'ephemeral', TSA_HOST: host, TSA_PORT: ports.tsa, TSA_DATA_DIR: resolve(dataDir, 'tsa') } },
].filter((s) => existsSync(resolve(root, s.script)));

let stopping = false;
const children = services.map((s) => {
  const child = spawn(process.execPath, [resolve(root, s.script)], { stdio: ['ignore', 'inherit', 'inherit'], env: { ...process.env, ...s.env } });
  child.on('exit', (code, signal) => {
    if (stopping) return;
    console.error(`\n  the ${s.name} stopped (${signal ?? `exit ${code}`}); stopping the others\n`);
    stop(1);
  });
  return child;
});

function stop(code = 0) {
  if (stopping) return;
  stopping = true;
  for (const c of children) if (c.exitCode === null) c.kill('SIGTERM');
  Promise.all(children.map((c) => (c.exitCode === null ? new Promise((r) => c.once('exit', r)) : undefined))).then(() => process.exit(code));
}
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => stop(0));

async function healthy(p) {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline && !stopping) {
    try {
      if ((await fetch(`${url(p)}/healthz`)).ok) return true;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return false;
}

const ok = (await Promise.all(services.map((s) => healthy(s.port)))).every(Boolean);
if (!ok) {
  console.error('  not every service answered /healthz within 60 s');
  stop(1);
} else {
  // The CT log accepts certificates that chain to the CA's root: hand it the dev CA's chain.
  writeFileSync(ctRoots, await (await fetch(`${url(ports.fulcio)}/api/v1/rootCert`)).text());
  const has = (name) => services.some((s) => s.name === name);
  console.log(`
  sigstack is running (dev mode: generated keys, a dev OIDC issuer; never for production)

    certificate authority (Fulcio API)   ${url(ports.fulcio)}
    transparency log (Rekor v1 API)      ${url(ports.rekor)}      tiles: ${url(ports.rekor)}/api/v2/checkpoint
    CT log (RFC 6962)                    ${url(ports.ctlog)}/ct/v1/get-sth${has('timestamp authority') ? `\n    timestamp authority (RFC 3161)       ${url(ports.tsa)}/api/v1/timestamp` : ''}
    dev OIDC issuer                      ${url(ports.oidc)}      token: ${url(ports.oidc)}/token?sub=me&email=me@example.com
    data                                 ${dataDir}

  Sign with sigstore-js (node, in this repository):
    node --input-type=module -e "
      import { sign } from 'sigstore';
      const token = await (await fetch('${url(ports.oidc)}/token?sub=me&email=me@example.com')).text();
      const bundle = await sign(Buffer.from('hello'), { fulcioURL: '${url(ports.fulcio)}', rekorURL: '${url(ports.rekor)}', identityToken: token });
      console.log(JSON.stringify(bundle, null, 2));"

  Press Ctrl-C to stop.
`);
}
