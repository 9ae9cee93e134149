import { toHex } from '@sigstack/crypto/encoding';
import { optionalString, parseFlags } from '../args.js';
import { EXIT, exitCodeHelp } from '../exit-codes.js';
import { writeFileAtomic } from '../files.js';
import type { Io } from '../io.js';
import { checkpointJson, printFields, printJson } from '../output.js';
import { LOG_OPTIONS, LOG_OPTIONS_HELP, logContext } from './context.js';
import { latestCheckpoint } from './latest.js';
import { resolveLogKey } from './log-key.js';

export const LOG_INFO_HELP = `usage: sigstack log info --url URL [--key FILE] [--save FILE] [--json]

Fetches the log's latest checkpoint, verifies its signature and prints its origin, size and root.

${LOG_OPTIONS_HELP}
  --save FILE      write the verified checkpoint to FILE (atomically), for a later
                   \`sigstack log consistency --from FILE\`

exit codes:
${exitCodeHelp()}
`;

export async function logInfo(args: string[], io: Io): Promise<number> {
  const { values } = parseFlags(args, { ...LOG_OPTIONS, save: { type: 'string' } });
  if (values.help) return io.stdout.write(LOG_INFO_HELP), EXIT.ok;
  const ctx = logContext(values, io);
  const key = await resolveLogKey(ctx);
  const latest = await latestCheckpoint(ctx, key);
  const cp = latest.checkpoint;
  const save = optionalString(values, 'save');
  if (save !== undefined) await writeFileAtomic(save, latest.note);
  if (ctx.json) {
    printJson(io, { ...checkpointJson(cp, latest.note), signedBy: latest.verifiedBy, key: { label: key.label, logId: key.logId, pinned: key.pinned } });
  } else {
    printFields(io, [
      ['origin', cp.origin],
      ['tree size', String(cp.size)],
      ['root hash', toHex(cp.rootHash)],
      ['signed by', `${latest.verifiedBy.join(', ')} with the ${key.label} (${key.pinned ? 'pinned' : 'UNPINNED: served by the log itself'})`],
      ...(save === undefined ? [] : [['saved to', save] as const]),
    ]);
  }
  return EXIT.ok;
}
