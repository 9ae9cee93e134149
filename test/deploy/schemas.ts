/**
 * The config schemas the deployment files are checked against: the services' own SCHEMA exports
 * (services/<name>/dist/config.js, so the build must have run) and the dev OIDC issuer's schema.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Schema } from '@sigstack/service-kit';

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
  out.set('dev-oidc', { kind: 'dev-oidc', script: DEV_OIDC_SCRIPT, fields: await devOidcSchema(root), configFileEnv: 'DEV_OIDC_CONFIG_FILE' });
  return out;
}

/** The dev OIDC issuer's schema (packages/testkit/dist/dev-oidc-config.js; its main module would start the server). */
async function devOidcSchema(root: string): Promise<Schema> {
  const file = resolve(root, 'packages', 'testkit', 'dist', 'dev-oidc-config.js');
  if (!existsSync(file)) throw new Error(`${file} is missing: build the testkit (npx tsc -b) before checking the deployment files`);
  const mod = (await import(pathToFileURL(file).href)) as { SCHEMA?: Schema };
  if (mod.SCHEMA === undefined) throw new Error(`${file} exports no SCHEMA`);
  return mod.SCHEMA;
}

/** The script of a service kind's container, e.g. `services/rekor/dist/main.js`. */
export function kindOfScript(schemas: Schemas, script: string): string | undefined {
  for (const s of schemas.values()) if (s.script === script) return s.kind;
  return undefined;
}
