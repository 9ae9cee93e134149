/**
 * A `fetch` that trusts extra CA certificates (an issuer's `CACert`) in addition to Node's bundled roots,
 * as upstream adds CACert to the system pool for that issuer only. Plain `http:` URLs go to the global
 * fetch. Only what the provider client needs is supported: GET/HEAD with headers, an abort signal, no
 * redirects (a 3xx is returned as it is and refused by the caller).
 */
import { request as httpsRequest } from 'node:https';
import { Readable } from 'node:stream';
import { rootCertificates } from 'node:tls';

function headersOf(init: RequestInit | undefined): Record<string, string> {
  return Object.fromEntries(new Headers(init?.headers).entries());
}

export function fetchTrusting(caPem: string): typeof fetch {
  const ca = [...rootCertificates, caPem];
  const trustingFetch = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    if (url.protocol !== 'https:') return fetch(input, init);
    return new Promise<Response>((resolve, reject) => {
      const signal = init?.signal ?? undefined;
      const req = httpsRequest(url, { method: init?.method ?? 'GET', headers: headersOf(init), ca, ...(signal ? { signal } : {}) }, (res) => {
        try {
          const headers = new Headers();
          for (const [name, value] of Object.entries(res.headers)) {
            for (const v of Array.isArray(value) ? value : value === undefined ? [] : [value]) headers.append(name, v);
          }
          const status = res.statusCode ?? 0;
          const body = status === 204 || status === 304 ? null : (Readable.toWeb(res) as unknown as ReadableStream<Uint8Array>);
          resolve(new Response(body, { status, headers }));
        } catch (err) {
          res.destroy();
          reject(err as Error);
        }
      });
      req.on('error', reject);
      req.end();
    });
  };
  return trustingFetch as typeof fetch;
}
