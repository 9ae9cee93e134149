import { expectStatus, json, request } from '@sigstack/client';
import { parseBase64 } from '@sigstack/crypto/encoding';
import type { SctFields } from './ca/index.js';
import type { CtSubmitter } from './issuance/issuer.js';

type AddChainResponse = { sct_version: number; id: string; timestamp: number; extensions: string; signature: string };

/** A CtSubmitter over HTTP: RFC 6962 `add-pre-chain` on the configured CT log. */
export function httpCtSubmitter(baseUrl: string, timeoutMs = 30_000): CtSubmitter {
  const url = `${baseUrl.replace(/\/+$/, '')}/ct/v1/add-pre-chain`;
  return {
    async addPreChain(chain) {
      const body = JSON.stringify({ chain: chain.map((c) => Buffer.from(c).toString('base64')) });
      const res = await request(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body }, { timeoutMs, maxBytes: 64 * 1024 });
      expectStatus(res, url, 200);
      const sct = json<AddChainResponse>(res, url);
      // The SCT is embedded in a certificate we sign: take nothing from the log unchecked.
      if (sct.sct_version !== 0 || !Number.isSafeInteger(sct.timestamp) || sct.timestamp < 0) throw new Error(`the CT log answered a malformed SCT`);
      const fields: SctFields = {
        version: 0,
        logId: parseBase64(sct.id, 'sct id'),
        timestamp: sct.timestamp,
        extensions: parseBase64(sct.extensions ?? '', 'sct extensions'),
        signature: parseBase64(sct.signature, 'sct signature'),
      };
      return fields;
    },
  };
}
