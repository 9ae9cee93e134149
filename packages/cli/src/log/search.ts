import type { RekorSearchQuery } from '@sigstack/client';
import { toBase64 } from '@sigstack/crypto/encoding';
import { parseCertificateChain } from '@sigstack/crypto/x509';
import { parsePublicKey } from '@sigstack/crypto/keys';
import { exactlyOne, optionalString, parseFlags } from '../args.js';
import { AuditError, usage } from '../errors.js';
import { EXIT, exitCodeHelp } from '../exit-codes.js';
import { readLocalFile } from '../files.js';
import type { Io } from '../io.js';
import { printJson } from '../output.js';
import { LOG_OPTIONS, LOG_OPTIONS_HELP, logContext } from './context.js';

export const LOG_SEARCH_HELP = `usage: sigstack log search --url URL (--sha256 HEX | --email ADDRESS | --public-key FILE) [--json]

Asks the log's search index which entries match and prints their entry IDs, one per line. The
index is a hint, not a proof: check an entry with \`sigstack log prove --uuid ID\`.

${LOG_OPTIONS_HELP}
  --sha256 HEX     artifact digest (64 hex digits, optionally prefixed with sha256:)
  --email ADDRESS  a signer's email address (a certificate SAN)
  --public-key FILE  a PEM public key or certificate (chain) that signed entries

exit codes:
${exitCodeHelp()}
`;

const SHA256 = /^(sha256:)?([0-9a-fA-F]{64})$/;
const MAX_PEM = 64 * 1024;

/** The search-index query for `--sha256 HEX`. */
export function hashQuery(text: string): RekorSearchQuery {
  const m = SHA256.exec(text);
  if (m === null) throw usage('--sha256 must be 64 hex digits, optionally prefixed with sha256:');
  return { hash: `sha256:${(m[2] as string).toLowerCase()}` };
}

async function keyQuery(path: string): Promise<RekorSearchQuery> {
  const bytes = await readLocalFile(path, 'public key file', MAX_PEM);
  const text = Buffer.from(bytes).toString('utf8');
  try {
    // Parse locally first, so that a wrong file is our clear error and not the log's 400.
    if (text.includes('-----BEGIN CERTIFICATE-----')) parseCertificateChain(text);
    else parsePublicKey(text);
  } catch (err) {
    throw new AuditError('input', 'ERR_KEY_MALFORMED', `${path} holds no pem public key or certificate: ${(err as Error).message}`, { cause: err });
  }
  return { publicKey: { format: 'x509', content: toBase64(bytes) } };
}

export async function logSearch(args: string[], io: Io): Promise<number> {
  const { values } = parseFlags(args, { ...LOG_OPTIONS, sha256: { type: 'string' }, email: { type: 'string' }, 'public-key': { type: 'string' } });
  if (values.help) return io.stdout.write(LOG_SEARCH_HELP), EXIT.ok;
  const ctx = logContext(values, io);
  const which = exactlyOne(values, ['sha256', 'email', 'public-key']);
  const value = optionalString(values, which) as string;
  const query = which === 'sha256' ? hashQuery(value) : which === 'email' ? { email: value } : await keyQuery(value);
  const ids = await ctx.rekor.searchIndex(query);
  if (ctx.json) printJson(io, ids);
  else io.stdout.write(ids.map((id) => `${id}\n`).join(''));
  if (ids.length === 0) throw new AuditError('notFound', 'ERR_ENTRY_NOT_FOUND', `no entry matches ${which} ${value}`);
  return EXIT.ok;
}
