import { RekorClient, TilesClient } from '@sigstack/client';
import type { HttpOptions } from '@sigstack/client';
import { optionalInteger, requiredString, type Flags, type OptionSpec } from '../args.js';
import { usage } from '../errors.js';
import type { Io } from '../io.js';

/** Options every verb that talks to a log accepts. */
export const LOG_OPTIONS: OptionSpec = {
  url: { type: 'string' },
  key: { type: 'string' },
  json: { type: 'boolean' },
  timeout: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
};

export const LOG_OPTIONS_HELP = `  --url URL        the log's base URL (Rekor v1 API under /api/v1, tiles under /api/v2)
  --key FILE       the log's public key (PEM, or a C2SP Ed25519 verifier key) to pin; without it
                   the key the log serves at /api/v1/log/publicKey is used and flagged as unpinned
  --json           print JSON instead of text
  --timeout S      seconds per HTTP attempt (default 10)`;

export type LogContext = {
  url: string;
  rekor: RekorClient;
  tiles: TilesClient;
  io: Io;
  json: boolean;
  keyFile: string | undefined;
};

/** The clients for `--url`, which must be an http(s) URL without query or fragment. */
export function logContext(values: Flags, io: Io): LogContext {
  const raw = requiredString(values, 'url');
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw usage(`--url ${JSON.stringify(raw)} is not a URL`);
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.search !== '' || url.hash !== '') {
    throw usage(`--url must be an http or https URL without query or fragment, got ${JSON.stringify(raw)}`);
  }
  const timeout = optionalInteger(values, 'timeout', 1);
  const options: HttpOptions = { fetch: io.fetch, ...(timeout === undefined ? {} : { timeoutMs: timeout * 1000 }) };
  const base = url.href.replace(/\/+$/, '');
  return {
    url: base,
    rekor: new RekorClient(base, options),
    tiles: new TilesClient(`${base}/api/v2`, options),
    io,
    json: values.json === true,
    keyFile: typeof values.key === 'string' ? values.key : undefined,
  };
}
