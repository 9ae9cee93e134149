import type { Checkpoint } from '@sigstack/crypto/note';
import { toHex } from '@sigstack/crypto/encoding';
import type { Io } from './io.js';

/** Prints `label: value` lines with the values aligned. */
export function printFields(io: Io, fields: readonly (readonly [string, string])[]): void {
  const width = Math.max(...fields.map(([label]) => label.length)) + 2;
  io.stdout.write(fields.map(([label, value]) => `${`${label}:`.padEnd(width)}${value}\n`).join(''));
}

export function printJson(io: Io, value: unknown): void {
  io.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/** A warning or note for people, on stderr. */
export function warn(io: Io, message: string): void {
  io.stderr.write(`sigstack: ${message}\n`);
}

/** The fields of a checkpoint as evidence and --json output: origin, size, hex root and the signed note. */
export function checkpointJson(cp: Checkpoint, note: string): { origin: string; size: number; rootHash: string; note: string } {
  return { origin: cp.origin, size: cp.size, rootHash: toHex(cp.rootHash), note };
}

/** Unix seconds as an ISO 8601 UTC time. */
export function isoTime(seconds: number): string {
  const ms = seconds * 1000;
  return Number.isFinite(ms) && Math.abs(ms) <= 8.64e15 ? new Date(ms).toISOString() : `unix ${seconds}`;
}
