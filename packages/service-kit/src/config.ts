import { SigstackError } from '@sigstack/crypto/errors';
import { parseJson } from '@sigstack/crypto/canonical-json';
import type { JsonValue } from '@sigstack/crypto/canonical-json';

/** Configuration that cannot be used; `problems` lists every one found, not only the first. */
export class ConfigError extends SigstackError {
  readonly problems: string[];
  constructor(problems: string[]) {
    super('ERR_CONFIG_INVALID', `invalid configuration:\n  ${problems.join('\n  ')}`);
    this.problems = problems;
  }
}

export type Parser<T> = (raw: JsonValue | undefined, name: string) => T;

/** One configuration field: the schema is the operator documentation, so every field is described. */
export type Field<T> = { env: string; default: T; description: string; parse: Parser<T> };

export type Schema = Record<string, Field<unknown>>;

/** The typed, frozen configuration a schema describes. */
export type ConfigOf<S extends Schema> = { readonly [K in keyof S]: S[K]['default'] };

const fail = (name: string, want: string, raw: unknown): never => {
  throw new Error(`${name}: must be ${want}, got ${JSON.stringify(raw)}`);
};

/** Integers in [min, max], from JSON numbers or canonical decimal strings (no `05`, `1e3`, `+5`). */
export function integer(min: number, max: number): Parser<number> {
  return (raw, name) => {
    const n = typeof raw === 'string' && /^(0|[1-9][0-9]{0,15})$/.test(raw) ? Number(raw) : raw;
    if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < min || n > max) fail(name, `an integer from ${min} to ${max}`, raw);
    return n as number;
  };
}

export const boolean: Parser<boolean> = (raw, name) => {
  if (raw === true || raw === 'true' || raw === '1') return true;
  if (raw === false || raw === 'false' || raw === '0' || raw === '') return false;
  return fail(name, 'true or false', raw);
};

export const text: Parser<string> = (raw, name) => (typeof raw === 'string' ? raw : fail(name, 'a string', raw));

/** A list of allowed names, from a JSON array or a comma-separated string; duplicates are dropped. */
export function list<T extends string>(allowed: readonly T[]): Parser<T[]> {
  return (raw, name) => {
    const items = typeof raw === 'string' ? raw.split(',').map((s) => s.trim()).filter((s) => s !== '') : raw;
    if (!Array.isArray(items)) return fail(name, `a list of ${allowed.join(', ')}`, raw);
    for (const item of items) if (!allowed.includes(item as T)) fail(name, `a list of ${allowed.join(', ')}`, item);
    return [...new Set(items as T[])];
  };
}

export function oneOf<T extends string>(allowed: readonly T[]): Parser<T> {
  return (raw, name) => (allowed.includes(raw as T) ? (raw as T) : fail(name, `one of ${allowed.join(', ')}`, raw));
}

/** An absolute http(s) URL, without trailing slashes. */
export const url: Parser<string> = (raw, name) => {
  const value = text(raw, name);
  let parsed: URL;
  try {
    parsed = new URL(value);
  } catch {
    return fail(name, 'an absolute http(s) URL', raw);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') fail(name, 'an absolute http(s) URL', raw);
  return value.replace(/\/+$/, '');
};

/** The pino levels a service accepts. */
export const logLevel = oneOf(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const);

export type ConfigSources = {
  env: Record<string, string | undefined>;
  argv: readonly string[];
  readFile: (path: string) => string;
};

/**
 * Builds a configuration from schema defaults < the JSON file (`--config FILE` or
 * `<fileEnv>`) < environment variables. Pure: all I/O goes through `readFile`. Reports every
 * problem at once in a ConfigError.
 */
export function loadConfig<S extends Schema>(schema: S, fileEnv: string, { env, argv, readFile }: ConfigSources): ConfigOf<S> {
  const problems: string[] = [];
  const flag = argv.indexOf('--config');
  const file = flag >= 0 ? argv[flag + 1] : env[fileEnv];
  let fromFile: Record<string, JsonValue> = {};
  if (flag >= 0 && !file) problems.push('--config: needs a file name');
  if (file) {
    try {
      const parsed = parseJson(readFile(file));
      if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('the file must hold a JSON object');
      fromFile = parsed;
      for (const key of Object.keys(fromFile)) if (!Object.hasOwn(schema, key)) problems.push(`${file}: unknown setting "${key}"`);
    } catch (err) {
      problems.push(`${file}: ${(err as Error).message}`);
    }
  }
  const out: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(schema)) {
    const fromEnv = env[field.env];
    const raw = fromEnv !== undefined ? fromEnv : fromFile[key];
    try {
      out[key] = raw === undefined ? field.default : field.parse(raw, fromEnv !== undefined ? field.env : key);
    } catch (err) {
      problems.push((err as Error).message);
    }
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return Object.freeze(out) as ConfigOf<S>;
}
