import type { RekorEntry } from '@sigstack/client';
import { toHex } from '@sigstack/crypto/encoding';
import { hashLeaf } from '@sigstack/crypto/merkle';
import { exactlyOne, optionalInteger, optionalString, parseFlags, type Flags } from '../args.js';
import { AuditError, usage } from '../errors.js';
import { EXIT, exitCodeHelp } from '../exit-codes.js';
import type { Io } from '../io.js';
import { printFields, printJson } from '../output.js';
import { LOG_OPTIONS, LOG_OPTIONS_HELP, logContext, type LogContext } from './context.js';
import { decodeEntry, describeEntry } from './describe.js';

export const LOG_GET_HELP = `usage: sigstack log get --url URL (--index N | --uuid ID) [--json]

Fetches one entry and decodes it for people: kind, artifact hash, signer identity and OIDC issuer
from the certificate, validity, integrated time. Checks that the body hashes to the entry's UUID;
proofs and the SET are checked by \`sigstack log prove\`. With --json, prints the entry as served.

${LOG_OPTIONS_HELP}
  --index N        the entry's log index
  --uuid ID        the entry's UUID (64 hex) or entry ID (80 hex)

exit codes:
${exitCodeHelp()}
`;

const UUID = /^([0-9a-fA-F]{16})?[0-9a-fA-F]{64}$/;

/** The entry asked for by --index or --uuid, checked to be that entry and to hash to its UUID. */
export async function fetchEntry(ctx: LogContext, index: number | undefined, uuid: string | undefined): Promise<RekorEntry> {
  const entry = index !== undefined ? await ctx.rekor.entryByIndex(index) : await ctx.rekor.entryByUuid(uuid as string);
  const asked = index !== undefined ? `index ${index}` : `uuid ${uuid}`;
  if (entry === undefined) throw new AuditError('notFound', 'ERR_ENTRY_NOT_FOUND', `the log has no entry at ${asked}`);
  if (index !== undefined && entry.logIndex !== index) {
    throw new AuditError('body', 'ERR_ENTRY_INVALID', `asked for index ${index}, the log answered the entry at index ${entry.logIndex}`);
  }
  if (uuid !== undefined && entry.uuid !== uuid.slice(-64).toLowerCase()) {
    throw new AuditError('body', 'ERR_ENTRY_INVALID', `asked for uuid ${uuid}, the log answered entry ${entry.entryId}`);
  }
  checkBodyHash(entry);
  return entry;
}

/** The leaf hash of the body must be the entry's UUID. */
export function checkBodyHash(entry: RekorEntry): Uint8Array {
  const leaf = hashLeaf(entry.body);
  if (toHex(leaf) !== entry.uuid) {
    throw new AuditError('body', 'ERR_ENTRY_INVALID', `the body of entry ${entry.entryId} hashes to leaf ${toHex(leaf)}, not to its uuid`);
  }
  return leaf;
}

/** Reads --index/--uuid (exactly one of `names` must be given). */
export function entrySelector(values: Flags, names: readonly string[]): { index?: number; uuid?: string; artifact?: string } {
  const which = exactlyOne(values, names);
  if (which === 'index') return { index: optionalInteger(values, 'index') as number };
  if (which === 'uuid') {
    const uuid = optionalString(values, 'uuid') as string;
    if (!UUID.test(uuid)) throw usage('--uuid must be 64 or 80 hex digits');
    return { uuid };
  }
  return { artifact: optionalString(values, 'artifact') as string };
}

export async function logGet(args: string[], io: Io): Promise<number> {
  const { values } = parseFlags(args, { ...LOG_OPTIONS, index: { type: 'string' }, uuid: { type: 'string' } });
  if (values.help) return io.stdout.write(LOG_GET_HELP), EXIT.ok;
  const ctx = logContext(values, io);
  const { index, uuid } = entrySelector(values, ['index', 'uuid']);
  const entry = await fetchEntry(ctx, index, uuid);
  if (ctx.json) printJson(io, { [entry.entryId]: entry.raw });
  else printFields(io, describeEntry(entry, decodeEntry(entry)));
  return EXIT.ok;
}
