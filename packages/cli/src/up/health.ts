/** Waiting for services to be ready, and handing the CA's chain to the CT log. */
import { readFile } from 'node:fs/promises';
import { expectStatus, json, request } from '@sigstack/client';
import { pemDecode } from '@sigstack/crypto/keys';
import { AuditError } from '../errors.js';
import { writeFileAtomic } from '../files.js';
import type { Io } from '../io.js';

/** Between two health checks of one service. */
const POLL_MS = 100;
/** One check; a service that takes longer to answer /healthz is not ready. */
const CHECK_TIMEOUT_MS = 2000;
/** Health, roots and chain answers are small; anything bigger is not what we asked for. */
const MAX_ANSWER = 1024 * 1024;

/**
 * True once `GET <url>/healthz` answers 200; false if `deadline` (io.now() milliseconds) passes or
 * `signal` aborts first.
 */
export async function waitHealthy(url: string, deadline: number, io: Io, signal: AbortSignal): Promise<boolean> {
  while (!signal.aborted) {
    try {
      const res = await request(`${url}/healthz`, {}, { fetch: io.fetch, timeoutMs: CHECK_TIMEOUT_MS, retries: 0, maxBytes: MAX_ANSWER });
      if (res.status === 200) return true;
    } catch {
      // not listening yet
    }
    if (io.now() >= deadline) return false;
    await io.sleep(POLL_MS, signal);
  }
  return false;
}

/**
 * Writes the CA's chain (`GET <fulcio>/api/v1/rootCert`) to the CT log's roots file, unless the
 * file already holds it. Returns the chain's last (root) certificate, base64 DER.
 */
export async function writeCtRoots(fulcioUrl: string, rootsFile: string, io: Io): Promise<string> {
  const chainUrl = `${fulcioUrl}/api/v1/rootCert`;
  const res = await request(chainUrl, {}, { fetch: io.fetch, maxBytes: MAX_ANSWER });
  expectStatus(res, chainUrl, 200);
  // The answer is capped at MAX_ANSWER bytes by request() before it is decoded.
  const pem = Buffer.from(res.body).toString('utf8');
  let root;
  try {
    root = pemDecode(pem).filter((b) => b.label === 'CERTIFICATE').at(-1);
  } catch (err) {
    throw new AuditError('service', 'ERR_STACK_SERVICE_FAILED', `${chainUrl} answered no PEM chain: ${(err as Error).message}`, { cause: err });
  }
  if (root === undefined) throw new AuditError('service', 'ERR_STACK_SERVICE_FAILED', `${chainUrl} answered no certificate`);
  const current = await readFile(rootsFile, 'utf8').catch(() => undefined);
  if (current !== pem) await writeFileAtomic(rootsFile, pem);
  return Buffer.from(root.der).toString('base64');
}

/**
 * True once the CT log lists `root` (base64 DER) in `get-roots`, so that it accepts the CA's
 * certificates; false if `deadline` passes or `signal` aborts first. (In dev mode the CT log also
 * re-reads a roots file that changes while it runs, at most once a second.)
 */
export async function waitCtRoot(ctlogUrl: string, root: string, deadline: number, io: Io, signal: AbortSignal): Promise<boolean> {
  const rootsUrl = `${ctlogUrl}/ct/v1/get-roots`;
  while (!signal.aborted) {
    const answer = await request(rootsUrl, {}, { fetch: io.fetch, maxBytes: MAX_ANSWER });
    expectStatus(answer, rootsUrl, 200);
    const { certificates } = json<{ certificates?: unknown }>(answer, rootsUrl);
    if (Array.isArray(certificates) && certificates.includes(root)) return true;
    if (io.now() >= deadline) return false;
    await io.sleep(250, signal);
  }
  return false;
}
