/** @sigstack/cli as a library: the command runner (for tests and embedding) and its exit codes. */
export { run, HELP } from './run.js';
export { EXIT, EXIT_DESCRIPTIONS, type ExitName } from './exit-codes.js';
export { AuditError } from './errors.js';
export type { Io, Output } from './io.js';
