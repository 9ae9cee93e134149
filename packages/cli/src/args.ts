/** Command-line parsing on node:util parseArgs, with every mistake turned into a usage error (exit 2). */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { parseDecimal } from '@sigstack/crypto/encoding';
import { AuditError, usage } from './errors.js';

export type OptionSpec = NonNullable<ParseArgsConfig['options']>;
export type Flags = Record<string, string | boolean | (string | boolean)[] | undefined>;

/** Strict parsing: unknown options, missing values and extra positionals are usage errors. */
export function parseFlags(args: string[], options: OptionSpec, maxPositionals = 0): { values: Flags; positionals: string[] } {
  try {
    const { values, positionals } = parseArgs({ args, options, strict: true, allowPositionals: maxPositionals > 0 });
    if (positionals.length > maxPositionals) throw usage(`unexpected argument ${JSON.stringify(positionals[maxPositionals])}`);
    return { values: values as Flags, positionals };
  } catch (err) {
    if (err instanceof AuditError) throw err;
    // parseArgs says e.g. "Unknown option '--x'. To specify a positional argument…": keep the first sentence.
    const first = String((err as Error).message).split('. ')[0] ?? 'invalid arguments';
    throw usage(first.charAt(0).toLowerCase() + first.slice(1).replace(/\.$/, ''));
  }
}

export function optionalString(values: Flags, name: string): string | undefined {
  const v = values[name];
  return typeof v === 'string' ? v : undefined;
}

export function requiredString(values: Flags, name: string): string {
  const v = optionalString(values, name);
  if (v === undefined || v === '') throw usage(`--${name} is required`);
  return v;
}

export function stringList(values: Flags, name: string): string[] {
  const v = values[name];
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : typeof v === 'string' ? [v] : [];
}

/** A decimal flag: canonical digits only (no "1e3", "0x10", "+5"), as a safe integer ≥ min. */
export function optionalInteger(values: Flags, name: string, min = 0): number | undefined {
  const v = optionalString(values, name);
  if (v === undefined) return undefined;
  let n: number;
  try {
    n = parseDecimal(v, `--${name}`);
  } catch (err) {
    throw new AuditError('usage', 'ERR_USAGE', (err as Error).message, { cause: err });
  }
  if (n < min) throw usage(`--${name} must be at least ${min}, got ${n}`);
  return n;
}

/** Exactly one of `names` must be given; returns its name. */
export function exactlyOne(values: Flags, names: readonly string[]): string {
  const given = names.filter((n) => values[n] !== undefined);
  if (given.length !== 1) throw usage(`give exactly one of ${names.map((n) => `--${n}`).join(', ')}`);
  return given[0] as string;
}
