import http from 'node:http';
import https from 'node:https';
import { CtLogClient } from '@sigstack/client';
import type { CtSubmitter } from './issuance/issuer.js';

/**
 * Most connections kept to the CT log. Every certificate is one add-pre-chain call, so under load
 * there is one request in flight per certificate being issued; beyond this many they wait for a
 * free connection rather than open more.
 */
const MAX_CT_CONNECTIONS = 256;

/**
 * The CA's CT submitter over HTTP: RFC 6962 `add-pre-chain` through the shared CT log client, over
 * node:http with keep-alive connections (fetch costs about five times the CPU per call; see
 * @sigstack/client's `HttpOptions.agent`). `close` drops the idle connections.
 */
export function httpCtSubmitter(baseUrl: string, timeoutMs = 30_000): CtSubmitter & { close(): void } {
  const Agent = new URL(baseUrl).protocol === 'https:' ? https.Agent : http.Agent;
  const agent = new Agent({ keepAlive: true, maxSockets: MAX_CT_CONNECTIONS });
  const client = new CtLogClient(baseUrl, { timeoutMs, agent });
  return { addPreChain: (chain) => client.addPreChain(chain), close: () => agent.destroy() };
}
