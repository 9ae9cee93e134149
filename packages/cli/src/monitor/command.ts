import { isSigstackError } from '@sigstack/crypto/errors';
import { optionalInteger, parseFlags, requiredString, stringList } from '../args.js';
import { AuditError, exitOf, usage } from '../errors.js';
import { EXIT, exitCodeHelp } from '../exit-codes.js';
import type { Io } from '../io.js';
import { warn } from '../output.js';
import { LOG_OPTIONS, logContext } from '../log/context.js';
import { parseLogKey, readKeyFile, resolveLogKey, type LogKey } from '../log/log-key.js';
import { poll, type MonitorEvent } from './monitor.js';
import { parsePattern } from './patterns.js';
import { tilesSource, v1Source, type LogSource } from './source.js';
import { acquireStateLock } from './state-lock.js';
import { loadState, saveState, type MonitorState } from './state.js';

export const MONITOR_HELP = `usage: sigstack monitor --url URL --state DIR [--key FILE] [--watch-identity PATTERN]...
                        [--once] [--interval S] [--from-latest] [--concurrency N]

Follows the log through its tiles API (or the v1 API when it has none). At every poll it verifies
the new checkpoint's signature and origin, proves it consistent with the last verified one,
recomputes the new part of the tree from the entries themselves, and only then stores it in DIR
(atomically). Reports one JSON line per event on stdout:
  {"event":"verified",…}       a new checkpoint was verified (from, to, rootHash, entries)
  {"event":"identity",…}       a new entry's certificate matches a watched pattern
  {"event":"inconsistent",…}   evidence of a fork or rollback: both checkpoints and the failing proof
  {"event":"entry-mismatch",…} an entry does not hash to the leaf the log lists for it
  {"event":"error",…}          a failed poll (exit code and message)
A progress line is drawn on stderr during long catch-ups when stderr is a terminal.

  --url URL        the log's base URL
  --state DIR      where the verified checkpoint and compact range are kept (created if missing);
                   locked while the monitor runs (DIR/lock holds its pid): a second monitor on DIR
                   is refused with exit 22, a lock left by a process that is gone is taken over
  --key FILE       the log's public key; without it the key the log serves is pinned at first
                   use and kept in DIR (flagged as unpinned on that first run)
  --watch-identity PATTERN   report certificates whose identity matches; repeatable.
                   PATTERN is KIND:GLOB[;issuer=GLOB|;issuer!=GLOB], KIND one of email, uri,
                   username, any; GLOB anchored, * = any characters, ? = one; emails ignore case.
                   e.g. 'email:*@example.com', 'uri:https://github.com/acme/*',
                   'email:release@example.com;issuer!=https://token.actions.githubusercontent.com'
  --once           poll once and exit (exit 20 if an identity matched)
  --interval S     seconds between polls (default 60)
  --from-latest    on the first run, start at the latest checkpoint (tiles API needed) instead of
                   verifying the whole log from entry 0
  --concurrency N  tile or entry requests in flight during catch-up (default 8)
  --timeout S      seconds per HTTP attempt (default 10)

Failures that prove misbehaviour (13 inconsistent, 15 entry mismatch, 10/11 checkpoint key or
signature) stop the monitor with their exit code; network and response errors (4, 5) stop it
with --once and are reported and retried otherwise.

exit codes:
${exitCodeHelp()}
`;

const FATAL = new Set<number>([EXIT.inconsistent, EXIT.body, EXIT.checkpointKey, EXIT.checkpointSignature, EXIT.input, EXIT.usage, EXIT.internal]);

/** --key, else the key pinned in the state, else (first run) the key the log serves, flagged as unpinned. */
async function chooseKey(state: MonitorState | undefined, ctx: ReturnType<typeof logContext>, dir: string): Promise<LogKey> {
  if (ctx.keyFile !== undefined) {
    const key = await readKeyFile(ctx.keyFile);
    if (state !== undefined && state.key.trim() !== key.text.trim()) {
      throw new AuditError('checkpointKey', 'ERR_NOTE_UNVERIFIED', `the state in ${dir} was verified with another key than ${ctx.keyFile}`);
    }
    return key;
  }
  if (state !== undefined) {
    try {
      const key = parseLogKey(state.key, true);
      return { ...key, label: `${key.label} pinned in ${dir}` };
    } catch (err) {
      throw new AuditError('input', 'ERR_KEY_MALFORMED', `the key stored in ${dir} does not parse: ${(err as Error).message}`, { cause: err });
    }
  }
  return resolveLogKey(ctx);
}

export async function monitor(args: string[], io: Io): Promise<number> {
  const { values } = parseFlags(args, {
    ...LOG_OPTIONS,
    state: { type: 'string' },
    'watch-identity': { type: 'string', multiple: true },
    once: { type: 'boolean' },
    interval: { type: 'string' },
    'from-latest': { type: 'boolean' },
    concurrency: { type: 'string' },
  });
  if (values.help) return io.stdout.write(MONITOR_HELP), EXIT.ok;
  if (values.json !== undefined) throw usage('monitor always prints JSON lines; --json is not an option here');
  const ctx = logContext(values, io);
  const dir = requiredString(values, 'state');
  const patterns = stringList(values, 'watch-identity').map(parsePattern);
  const interval = optionalInteger(values, 'interval', 1) ?? 60;
  const concurrency = optionalInteger(values, 'concurrency', 1) ?? 8;
  if (concurrency > 64) throw usage('--concurrency must be at most 64');

  // Before reading the state: a second monitor on DIR is refused (exit 22), a stale lock is taken over.
  const lock = await acquireStateLock(dir, process.pid);
  try {
    return await follow(dir, ctx, values, { patterns, interval, concurrency }, io);
  } finally {
    await lock.release();
  }
}

/** Polls until --once, a fatal failure or an abort, with DIR locked by the caller. */
async function follow(
  dir: string,
  ctx: ReturnType<typeof logContext>,
  values: { 'from-latest'?: boolean | undefined; once?: boolean | undefined },
  settings: { patterns: ReturnType<typeof parsePattern>[]; interval: number; concurrency: number },
  io: Io,
): Promise<number> {
  const { patterns, interval, concurrency } = settings;
  let state = await loadState(dir);
  if (state !== undefined && state.url !== ctx.url) throw usage(`the state in ${dir} follows ${state.url}, not ${ctx.url}`);
  const key = await chooseKey(state, ctx, dir);
  const source: LogSource = (await ctx.tiles.checkpoint()) !== undefined ? tilesSource(ctx.tiles) : v1Source(ctx.rekor);
  if (source.name === 'v1') warn(io, `the log serves no tiles at ${ctx.tiles.prefix}; following the v1 API (10 entries per request)`);

  const emit = (event: MonitorEvent) => io.stdout.write(`${JSON.stringify(event)}\n`);
  const options = { url: ctx.url, source, key, patterns, io, emit, concurrency };
  let matched = 0;
  for (;;) {
    try {
      const result = await poll(options, state, values['from-latest'] === true);
      if (result.interrupted) break;
      matched += result.matches;
      if (state === undefined || result.state.size !== state.size || result.state.checkpoint !== state.checkpoint) await saveState(dir, result.state);
      state = result.state;
    } catch (err) {
      const code = exitOf(err);
      if (err instanceof AuditError && err.evidence !== undefined) emit({ ...(err.evidence as MonitorEvent), time: new Date(io.now()).toISOString() });
      else emit({ event: 'error', time: new Date(io.now()).toISOString(), exit: code, code: isSigstackError(err) ? err.code : 'internal', message: err instanceof Error ? err.message : String(err) });
      if (values.once === true || FATAL.has(code)) {
        warn(io, err instanceof Error ? err.message : String(err));
        return code;
      }
    }
    if (values.once === true || io.signal?.aborted) break;
    await io.sleep(interval * 1000, io.signal);
    if (io.signal?.aborted) break;
  }
  return matched > 0 ? EXIT.identity : EXIT.ok;
}
