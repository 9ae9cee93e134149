import { MAX_RETRIEVE, type RekorEntry } from '@sigstack/client';
import { bytesEqual, toBase64, toHex } from '@sigstack/crypto/encoding';
import { verifyInclusion } from '@sigstack/crypto/merkle';
import { verifySET } from '@sigstack/crypto/set';
import { parseFlags } from '../args.js';
import { AuditError, checking } from '../errors.js';
import { EXIT, exitCodeHelp } from '../exit-codes.js';
import { sha256File } from '../files.js';
import type { Io } from '../io.js';
import { isoTime, printFields, printJson } from '../output.js';
import { LOG_OPTIONS, LOG_OPTIONS_HELP, logContext, type LogContext } from './context.js';
import { decodeEntry } from './describe.js';
import { checkBodyHash, entrySelector, fetchEntry } from './get.js';
import { openLogCheckpoint, resolveLogKey, type LogKey } from './log-key.js';

export const LOG_PROVE_HELP = `usage: sigstack log prove --url URL [--key FILE] (--index N | --uuid ID | --artifact FILE) [--json]

Fetches entries with their inclusion proofs and proves, with the log's own cryptography, that
each one is in the log: the body hashes to the entry's leaf, the checkpoint that comes with the
proof is signed by the log's key, the inclusion proof leads from the leaf to that checkpoint's
root, and the signed entry timestamp (SET) verifies. --artifact proves every entry the search
index lists for the file's SHA-256, and checks that each records that digest.

${LOG_OPTIONS_HELP}
  --index N        the entry's log index
  --uuid ID        the entry's UUID (64 hex) or entry ID (80 hex)
  --artifact FILE  the entries for this file's SHA-256

exit codes:
${exitCodeHelp()}
`;

/** What `proveEntry` established about one entry. */
export type Proven = {
  entryId: string;
  logIndex: number;
  leafHash: string;
  origin: string;
  treeSize: number;
  rootHash: string;
  signedBy: string[];
  integratedTime: number;
  keyPinned: boolean;
  kind: string;
  hash: { algorithm: string; value: string } | undefined;
};

/**
 * Proves one entry. Order of checks, each with its exit code: the log ID is the key's (10), the
 * body hashes to the UUID (15), the recorded digest is the artifact's when given (15), the
 * checkpoint verifies (10/11), the proof is for that checkpoint and leads to its root (12), the
 * SET verifies (14).
 */
export async function proveEntry(entry: RekorEntry, key: LogKey, source: string, artifactSha256?: string): Promise<Proven> {
  if (key.logId !== undefined && entry.logId !== key.logId) {
    throw new AuditError('checkpointKey', 'ERR_NOTE_UNVERIFIED', `entry ${entry.entryId} was logged by log ${entry.logId}, not by the ${key.label}`);
  }
  const leaf = checkBodyHash(entry);
  const decoded = decodeEntry(entry);
  if (artifactSha256 !== undefined && !(decoded.hash?.algorithm === 'sha256' && decoded.hash.value.toLowerCase() === artifactSha256)) {
    throw new AuditError('body', 'ERR_ENTRY_INVALID', `entry ${entry.entryId} records ${decoded.hash ? `${decoded.hash.algorithm}:${decoded.hash.value}` : 'no digest'}, not the artifact's sha256:${artifactSha256}`);
  }
  const proof = entry.inclusionProof;
  if (proof === undefined) throw new AuditError('badResponse', 'ERR_CLIENT_RESPONSE', `entry ${entry.entryId} comes without an inclusion proof`);
  const opened = openLogCheckpoint(key, proof.checkpoint, `${source} (with entry ${entry.logIndex})`, 'log');
  const cp = opened.checkpoint;
  if (cp.size !== proof.treeSize || !bytesEqual(cp.rootHash, proof.rootHash)) {
    throw new AuditError('inclusion', 'ERR_PROOF_INVALID', `the inclusion proof of entry ${entry.logIndex} is for size ${proof.treeSize} root ${toHex(proof.rootHash)}, its checkpoint says size ${cp.size} root ${toHex(cp.rootHash)}`);
  }
  await checking('inclusion', `inclusion proof of entry ${entry.logIndex}`, () => verifyInclusion(proof.logIndex, cp.size, leaf, proof.hashes, cp.rootHash));
  if (entry.signedEntryTimestamp === undefined) throw new AuditError('set', 'ERR_SIGNATURE_INVALID', `entry ${entry.entryId} comes without a signed entry timestamp`);
  if (key.publicKey === undefined) throw new AuditError('set', 'ERR_KEY_UNSUPPORTED', 'a signed entry timestamp needs the log\'s pem key, not a verifier key');
  const set = entry.signedEntryTimestamp;
  const publicKey = key.publicKey.key;
  await checking('set', `signed entry timestamp of entry ${entry.logIndex}`, () =>
    verifySET({ body: toBase64(entry.body), integratedTime: entry.integratedTime, logID: entry.logId, logIndex: entry.logIndex }, set, publicKey));
  return {
    entryId: entry.entryId,
    logIndex: entry.logIndex,
    leafHash: toHex(leaf),
    origin: cp.origin,
    treeSize: cp.size,
    rootHash: toHex(cp.rootHash),
    signedBy: opened.verifiedBy,
    integratedTime: entry.integratedTime,
    keyPinned: key.pinned,
    kind: `${decoded.kind} ${decoded.apiVersion}`,
    hash: decoded.hash,
  };
}

async function entriesForArtifact(ctx: LogContext, sha256: string): Promise<RekorEntry[]> {
  const ids = await ctx.rekor.searchIndex({ hash: `sha256:${sha256}` });
  if (ids.length === 0) throw new AuditError('notFound', 'ERR_ENTRY_NOT_FOUND', `the log's search index has no entry for sha256:${sha256}`);
  const entries: RekorEntry[] = [];
  for (let i = 0; i < ids.length; i += MAX_RETRIEVE) entries.push(...(await ctx.rekor.retrieve({ entryUUIDs: ids.slice(i, i + MAX_RETRIEVE) })));
  return entries;
}

function describe(p: Proven, key: LogKey): [string, string][] {
  return [
    ['proven', `entry ${p.entryId} is in the log`],
    ['log index', String(p.logIndex)],
    ['kind', p.kind],
    ['recorded digest', p.hash ? `${p.hash.algorithm}:${p.hash.value}` : '(none)'],
    ['body', `hashes to leaf ${p.leafHash}, the entry's uuid`],
    ['inclusion', `proof verified to root ${p.rootHash} of size ${p.treeSize}`],
    ['checkpoint', `${p.origin}, signed by ${p.signedBy.join(', ')} with the ${key.label} (${key.pinned ? 'pinned' : 'UNPINNED'})`],
    ['SET', `verified: the log promised inclusion at ${isoTime(p.integratedTime)}`],
  ];
}

export async function logProve(args: string[], io: Io): Promise<number> {
  const { values } = parseFlags(args, { ...LOG_OPTIONS, index: { type: 'string' }, uuid: { type: 'string' }, artifact: { type: 'string' } });
  if (values.help) return io.stdout.write(LOG_PROVE_HELP), EXIT.ok;
  const ctx = logContext(values, io);
  const { index, uuid, artifact } = entrySelector(values, ['index', 'uuid', 'artifact']);
  let sha256: string | undefined;
  let entries: RekorEntry[];
  if (artifact !== undefined) {
    sha256 = await sha256File(artifact);
    entries = await entriesForArtifact(ctx, sha256);
  } else {
    entries = [await fetchEntry(ctx, index, uuid)];
  }
  const key = await resolveLogKey(ctx);
  const proven: Proven[] = [];
  for (const entry of entries) proven.push(await proveEntry(entry, key, ctx.url, sha256));
  if (ctx.json) printJson(io, artifact !== undefined ? proven : proven[0]);
  else proven.forEach((p, i) => {
    if (i > 0) io.stdout.write('\n');
    printFields(io, describe(p, key));
  });
  return EXIT.ok;
}
