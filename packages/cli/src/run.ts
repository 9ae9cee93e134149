/**
 * `sigstack`: dispatches a command line to its verb and turns every outcome into an exit code.
 * Never throws: errors are printed on stderr (with evidence as JSON on stdout) and mapped by
 * exit-codes.ts.
 */
import { AuditError, exitOf, usage } from './errors.js';
import { EXIT, exitCodeHelp } from './exit-codes.js';
import type { Io } from './io.js';
import { printJson } from './output.js';
import { logConsistency } from './log/consistency.js';
import { logGet } from './log/get.js';
import { logInfo } from './log/info.js';
import { logProve } from './log/prove.js';
import { logSearch } from './log/search.js';
import { monitor } from './monitor/command.js';
import { bundleVerify } from './bundle/command.js';
import { trust } from './trust/command.js';
import { up } from './up/command.js';

type Verb = (args: string[], io: Io) => Promise<number>;

const LOG_VERBS: Readonly<Record<string, Verb>> = { info: logInfo, get: logGet, search: logSearch, prove: logProve, consistency: logConsistency };

export const HELP = `usage: sigstack <command> [options]    (sigstack <command> --help for its options)

Run the stack locally, publish its trust material, and check a Rekor-v1-compatible transparency log
with its own cryptography.

commands:
  up                run the whole stack on this machine (dev mode) until Ctrl-C
  trust             generate or refresh trusted_root.json, the signing config and the TUF repository
  log info          fetch and verify the latest checkpoint; print origin, size and root
  log get           one entry decoded for people (or --json as served)
  log search        entry IDs matching a digest, an email or a public key
  log prove         verify entries' inclusion proofs, checkpoints and SETs
  log consistency   verify that the log only grew since an older checkpoint or size
  bundle verify     verify a Sigstore bundle offline against a trusted root
  monitor           follow the log, verify every new checkpoint and entry, watch identities

exit codes:
${exitCodeHelp()}
`;

async function dispatch(argv: string[], io: Io): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === 'help' || command === '--help' || command === '-h') {
    io.stdout.write(HELP);
    return command === undefined ? EXIT.usage : EXIT.ok;
  }
  if (command === 'log') {
    const [verb, ...args] = rest;
    if (verb === undefined || verb === '--help' || verb === '-h') {
      io.stdout.write(HELP);
      return verb === undefined ? EXIT.usage : EXIT.ok;
    }
    const run = Object.hasOwn(LOG_VERBS, verb) ? LOG_VERBS[verb] : undefined;
    if (run === undefined) throw usage(`unknown command "log ${verb}"; see sigstack --help`);
    return run(args, io);
  }
  if (command === 'bundle') {
    const [verb, ...args] = rest;
    if (verb === 'verify') return bundleVerify(args, io);
    if (verb === undefined || verb === '--help' || verb === '-h') {
      io.stdout.write(HELP);
      return verb === undefined ? EXIT.usage : EXIT.ok;
    }
    throw usage(`unknown command "bundle ${verb}"; see sigstack --help`);
  }
  if (command === 'monitor') return monitor(rest, io);
  if (command === 'up') return up(rest, io);
  if (command === 'trust') return trust(rest, io);
  throw usage(`unknown command ${JSON.stringify(command)}; see sigstack --help`);
}

/** Runs one command line and returns its exit code. */
export async function run(argv: string[], io: Io): Promise<number> {
  try {
    return await dispatch(argv, io);
  } catch (err) {
    if (err instanceof AuditError && err.evidence !== undefined) printJson(io, err.evidence);
    const code = exitOf(err);
    const message = err instanceof Error ? err.message : String(err);
    const text = code === EXIT.internal ? `internal error: ${err instanceof Error ? (err.stack ?? message) : message}` : message;
    io.stderr.write(`sigstack: ${text}${code === EXIT.usage && !text.includes('--help') ? ' (see --help)' : ''}\n`);
    return code;
  }
}
