/**
 * The exit codes of `sigstack`: one per kind of failure, stable, documented in `--help` and
 * docs/cli.md. Scripts branch on them, so a code is never reused for another meaning.
 */
export const EXIT = {
  ok: 0,
  internal: 1,
  usage: 2,
  input: 3,
  unreachable: 4,
  badResponse: 5,
  notFound: 6,
  service: 7,
  checkpointKey: 10,
  checkpointSignature: 11,
  inclusion: 12,
  inconsistent: 13,
  set: 14,
  body: 15,
  certificate: 16,
  sct: 17,
  signature: 18,
  timestamp: 19,
  identity: 20,
  policy: 21,
  locked: 22,
} as const;

export type ExitName = keyof typeof EXIT;

/** One line per code, in code order, for `--help` and the docs. */
export const EXIT_DESCRIPTIONS: readonly (readonly [ExitName, string])[] = [
  ['ok', 'everything asked was verified (monitor: nothing to report)'],
  ['internal', 'a bug in sigstack'],
  ['usage', 'the command line is wrong'],
  ['input', 'a local file is missing, unreadable or malformed (key, checkpoint, artifact, state)'],
  ['unreachable', 'the log could not be reached (connection refused, timeout)'],
  ['badResponse', 'the log answered an unexpected status or a malformed body'],
  ['notFound', 'no such entry, or the search matched nothing'],
  ['service', 'up: a service could not start, was not healthy in time, or stopped on its own'],
  ['checkpointKey', 'the checkpoint is not signed by the expected key (wrong key, other log or origin)'],
  ['checkpointSignature', 'the checkpoint carries a signature by the expected key that does not verify'],
  ['inclusion', 'an inclusion proof does not lead to the signed root'],
  ['inconsistent', 'two checkpoints of the log cannot both be true: a fork, a rollback or a bad consistency proof'],
  ['set', 'the signed entry timestamp (SET) does not verify (bundle verify: also no verified time at all, neither SET nor timestamp)'],
  ['body', 'an entry body does not hash to its leaf, or does not match what was asked for'],
  ['certificate', 'bundle verify: the certificate has no valid path to a trusted CA at the signing time, or is not for code signing'],
  ['sct', 'bundle verify: no embedded SCT verifies with a CT log of the trusted root'],
  ['signature', 'bundle verify: the signature does not verify over the artifact (or DSSE envelope)'],
  ['timestamp', 'bundle verify: an RFC 3161 timestamp is malformed, not over the signature, or not signed by a timestamp authority of the trusted root valid at its time'],
  ['identity', 'monitor: a watched identity appeared in the log'],
  ['policy', 'bundle verify: the certificate identity or issuer is not the one required'],
  ['locked', 'monitor: another running monitor holds the lock of the state directory'],
];

/** `--help` text listing every exit code. */
export function exitCodeHelp(): string {
  return EXIT_DESCRIPTIONS.map(([name, text]) => `  ${String(EXIT[name]).padStart(2)}  ${text}`).join('\n');
}
