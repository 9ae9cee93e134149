import type { Agent } from 'node:http';
import { ClientError } from './client-error.js';
import { nodeExchange } from './node-transport.js';

export { ClientError } from './client-error.js';

export type HttpOptions = {
  /** Per attempt, milliseconds. */
  timeoutMs?: number;
  /** Largest response body read, bytes; a larger one is an error, never buffered whole. */
  maxBytes?: number;
  /** Extra attempts on network errors, 408, 429 and 5xx (not on other 4xx). */
  retries?: number;
  /** Injected for tests; defaults to the global fetch. */
  fetch?: typeof fetch;
  /**
   * Send through node:http / node:https with this keep-alive agent (an `https.Agent` for https
   * URLs) instead of fetch: about a fifth of fetch's CPU per request, for services that call
   * another one many times a second. Same timeouts, caps, retries and errors. Not used when
   * `fetch` is given. The caller owns the agent (and destroys it when done).
   */
  agent?: Agent;
};

export type HttpResponse = { status: number; headers: Headers; body: Uint8Array };

const DEFAULTS = { timeoutMs: 10_000, maxBytes: 64 * 1024 * 1024, retries: 2 };

async function readCapped(res: Response, maxBytes: number, url: string): Promise<Uint8Array> {
  const declared = Number(res.headers.get('content-length') ?? '0');
  if (declared > maxBytes) throw new ClientError('ERR_CLIENT_RESPONSE', `response from ${url} is larger than ${maxBytes} bytes`, url, res.status);
  if (!res.body) return new Uint8Array(0);
  const chunks: Uint8Array[] = [];
  let total = 0;
  for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
    total += chunk.length;
    // A server that lies about (or omits) its length must not make us buffer without bound.
    if (total > maxBytes) throw new ClientError('ERR_CLIENT_RESPONSE', `response from ${url} is larger than ${maxBytes} bytes`, url, res.status);
    chunks.push(chunk);
  }
  return new Uint8Array(Buffer.concat(chunks));
}

function retriable(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}

/**
 * The one fetch wrapper: every client call goes through it. Applies a timeout per attempt, caps the
 * body it reads, retries what is worth retrying, and turns failures into ClientError. Statuses are
 * returned to the caller, which decides what each means (a 404 may be an answer).
 */
export async function request(url: string, init: RequestInit = {}, options: HttpOptions = {}): Promise<HttpResponse> {
  const { timeoutMs, maxBytes, retries } = { ...DEFAULTS, ...options };
  const doFetch = options.fetch ?? fetch;
  let lastError: unknown;
  for (let attempt = 0; attempt <= retries; attempt++) {
    try {
      let res: HttpResponse;
      if (options.agent !== undefined && options.fetch === undefined) {
        res = await nodeExchange(url, init, { agent: options.agent, timeoutMs, maxBytes });
      } else {
        const answer = await doFetch(url, { ...init, signal: AbortSignal.timeout(timeoutMs), redirect: 'error' });
        res = { status: answer.status, headers: answer.headers, body: await readCapped(answer, maxBytes, url) };
      }
      if (retriable(res.status) && attempt < retries) {
        lastError = new ClientError('ERR_CLIENT_STATUS', `${url} answered ${res.status}`, url, res.status);
        continue;
      }
      return res;
    } catch (err) {
      if (err instanceof ClientError) throw err;
      lastError = err;
    }
  }
  if (lastError instanceof ClientError) throw lastError;
  throw new ClientError('ERR_CLIENT_UNREACHABLE', `couldn't reach ${url}: ${(lastError as Error)?.message ?? 'unknown error'}`, url, undefined, { cause: lastError });
}

/** The body as JSON, or a ClientError naming the URL. */
export function json<T>(res: HttpResponse, url: string): T {
  try {
    return JSON.parse(Buffer.from(res.body).toString('utf8')) as T;
  } catch (err) {
    throw new ClientError('ERR_CLIENT_RESPONSE', `${url} answered with invalid JSON`, url, res.status, { cause: err });
  }
}

/** Throws ERR_CLIENT_STATUS unless the status is one of `ok`; includes the server's `message`. */
export function expectStatus(res: HttpResponse, url: string, ...ok: number[]): void {
  if (ok.includes(res.status)) return;
  let detail = '';
  try {
    const parsed = JSON.parse(Buffer.from(res.body).toString('utf8')) as { message?: unknown };
    if (typeof parsed.message === 'string') detail = `: ${parsed.message.slice(0, 300)}`;
  } catch {
    // not JSON
  }
  throw new ClientError('ERR_CLIENT_STATUS', `${url} answered ${res.status}${detail}`, url, res.status);
}
