/**
 * The config schemas the deployment files are checked against: the services' own SCHEMA exports
 * (services/<name>/dist/config.js, so the build must have run) and the dev OIDC issuer's schema.
 */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { integer, text, url } from '@sigstack/service-kit';
import type { Field, Schema } from '@sigstack/service-kit';

export type ServiceSchema = {
  /** `rekor`, `fulcio`, … or `dev-oidc`. */
  kind: string;
  /** The script a container runs for this service, relative to the repository (and image) root. */
  script: string;
  fields: Schema;
  /** The `*_CONFIG_FILE` variable the loader also reads. */
  configFileEnv: string;
};

export type Schemas = ReadonlyMap<string, ServiceSchema>;

/** Services with a `src/config.ts` SCHEMA export, and the prefix of their variables. */
export const SERVICES = [
  ['rekor', 'REKOR'],
  ['fulcio', 'FULCIO'],
  ['ctlog', 'CTLOG'],
  ['tsa', 'TSA'],
  ['trust', 'TRUST'],
] as const;

export const DEV_OIDC_SCRIPT = 'packages/testkit/dist/dev-oidc-main.js';

/**
 * Loads every schema. Throws with the missing file's name when a service is not built (the test must
 * fail, never skip, when a schema cannot be checked against).
 */
export async function loadSchemas(root: string): Promise<Schemas> {
  const out = new Map<string, ServiceSchema>();
  for (const [kind, prefix] of SERVICES) {
    const file = resolve(root, 'services', kind, 'dist', 'config.js');
    if (!existsSync(file)) throw new Error(`${file} is missing: build the ${kind} service (npx tsc -b) before checking the deployment files`);
    const mod = (await import(pathToFileURL(file).href)) as { SCHEMA?: Schema };
    if (mod.SCHEMA === undefined) throw new Error(`${file} exports no SCHEMA`);
    out.set(kind, { kind, script: `services/${kind}/dist/main.js`, fields: mod.SCHEMA, configFileEnv: `${prefix}_CONFIG_FILE` });
  }
  out.set('dev-oidc', { kind: 'dev-oidc', script: DEV_OIDC_SCRIPT, fields: devOidcSchema(root), configFileEnv: 'DEV_OIDC_CONFIG_FILE' });
  return out;
}

/**
 * The dev OIDC issuer's schema is a constant inside its main module (importing that would start the
 * server), so it is read from the source: `key: { env: 'DEV_OIDC_…', default: …, parse: text|url|integer(…) }`.
 */
export function devOidcSchema(root: string): Schema {
  const source = readFileSync(resolve(root, 'packages', 'testkit', 'src', 'dev-oidc-main.ts'), 'utf8');
  const fields: Schema = {};
  const re = /(\w+): \{ env: '(DEV_OIDC_[A-Z_]+)', default: ('[^']*'|[0-9]+), parse: (\w+)/g;
  for (const m of source.matchAll(re)) {
    const [, key, env, rawDefault, parser] = m as unknown as [string, string, string, string, string];
    const numeric = /^[0-9]+$/.test(rawDefault);
    const parse = parser === 'url' ? url : parser === 'integer' ? integer(0, 65535) : text;
    const field: Field<unknown> = { env, default: numeric ? Number(rawDefault) : rawDefault.slice(1, -1), parse, description: '' };
    fields[key] = field;
  }
  if (fields.port === undefined || fields.host === undefined || fields.issuer === undefined) {
    throw new Error('could not read the dev OIDC issuer schema from packages/testkit/src/dev-oidc-main.ts');
  }
  return fields;
}

/** The script of a service kind's container, e.g. `services/rekor/dist/main.js`. */
export function kindOfScript(schemas: Schemas, script: string): string | undefined {
  for (const s of schemas.values()) if (s.script === script) return s.kind;
  return undefined;
}
