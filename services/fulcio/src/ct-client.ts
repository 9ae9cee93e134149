import { CtLogClient } from '@sigstack/client';
import type { CtSubmitter } from './issuance/issuer.js';

/** The CA's CT submitter over HTTP: RFC 6962 `add-pre-chain` through the shared CT log client. */
export function httpCtSubmitter(baseUrl: string, timeoutMs = 30_000): CtSubmitter {
  const client = new CtLogClient(baseUrl, { timeoutMs });
  return { addPreChain: (chain) => client.addPreChain(chain) };
}
