#!/usr/bin/env node
// Dev compose only: hands the dev CA's chain to the CT log, as `npm start` does. Usage:
//   node deploy/docker/ca-roots.mjs <CA base URL> <output file> [deadline in seconds, default 60]
// Fetches `<CA>/api/v1/rootCert` (the PEM chain, issuing certificate first, root last), retrying until
// the deadline while the CA starts, and writes it atomically (temporary file, then rename) so that the CT
// log, which re-reads its roots file in dev mode, never sees half a file. In production the chain is
// configuration (a file or a ConfigMap), not fetched.
import { renameSync, writeFileSync } from 'node:fs';

/** The chain is a few KiB; a larger answer is not a CA chain. */
const MAX_BYTES = 1024 * 1024;

/** The body as text, refusing more than MAX_BYTES (read in chunks, never whole, so a huge answer cannot exhaust memory). */
async function readBounded(res) {
  const chunks = [];
  let size = 0;
  for await (const chunk of res.body ?? []) {
    size += chunk.byteLength;
    if (size > MAX_BYTES) throw new Error(`answer is larger than ${MAX_BYTES} bytes`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

const [base, out, seconds = '60'] = process.argv.slice(2);
if (base === undefined || out === undefined || !/^[1-9][0-9]{0,3}$/.test(seconds)) {
  console.error('usage: ca-roots.mjs <CA base URL> <output file> [deadline in seconds, default 60]');
  process.exit(2);
}
const DEADLINE_MS = Number(seconds) * 1000;

const deadline = Date.now() + DEADLINE_MS;
let lastError = '';
while (Date.now() < deadline) {
  try {
    const res = await fetch(`${base.replace(/\/+$/, '')}/api/v1/rootCert`, { signal: AbortSignal.timeout(5000) });
    if (!res.ok) throw new Error(`answered ${res.status}`);
    const body = await readBounded(res);
    if (!body.includes('-----BEGIN CERTIFICATE-----')) throw new Error('answer is not a PEM certificate chain');
    writeFileSync(`${out}.tmp`, body, { mode: 0o644 });
    renameSync(`${out}.tmp`, out);
    console.log(`ca-roots: wrote the CA chain of ${base} to ${out}`);
    process.exit(0);
  } catch (err) {
    lastError = err.message;
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}
console.error(`ca-roots: couldn't fetch the CA chain from ${base} within ${DEADLINE_MS / 1000} s: ${lastError}`);
process.exit(1);
