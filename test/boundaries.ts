/**
 * The import rules of ../shared/STYLE.md "Boundaries", as data, and a checker that reads the
 * tree as text. Kept apart from the test so that the test can feed it synthetic violations.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';

export type Rule = {
  /** Workspace folder relative to the repo root, e.g. `packages/crypto`, or a glob-like `services/*`. */
  workspace: string;
  /** Workspaces it may import (by folder, e.g. `packages/crypto`). */
  workspaces: string[];
  /** Bare npm packages it may import; `[subpath, package]` pairs restrict a package to one src subfolder. */
  packages: (string | [string, string])[];
  /** Bare packages and workspace folders it must never import, whatever else is allowed. */
  forbidden?: string[];
};

/** Third-party packages allowed anywhere outside crypto's narrow list. */
const COMMON = ['pino', 'jose', 'better-sqlite3', 'pg', 'canonicalize', '@peculiar/x509', 'reflect-metadata', '@peculiar/asn1-schema',
  '@peculiar/asn1-x509', '@peculiar/asn1-cms', '@peculiar/asn1-tsp', '@peculiar/asn1-csr', '@peculiar/asn1-ecc', '@peculiar/asn1-rsa', 'yaml'];

export const RULES: Rule[] = [
  { workspace: 'packages/crypto', workspaces: [], packages: ['canonicalize', ['src/keys', '@noble/curves'], ['src/x509', '@peculiar/x509'], ['src/x509', 'reflect-metadata'], ['src/x509', '@peculiar/asn1-schema'], ['src/x509', '@peculiar/asn1-x509']] },
  { workspace: 'packages/service-kit', workspaces: ['packages/crypto'], packages: ['fastify', 'pino', ['src/signer', 'pkcs11js']] },
  { workspace: 'packages/protocol', workspaces: ['packages/crypto'], packages: COMMON, forbidden: ['fastify'] },
  { workspace: 'packages/tlog', workspaces: ['packages/crypto', 'packages/protocol'], packages: COMMON, forbidden: ['fastify'] },
  { workspace: 'packages/client', workspaces: ['packages/crypto', 'packages/protocol'], packages: COMMON, forbidden: ['fastify'] },
  { workspace: 'packages/trust', workspaces: ['packages/crypto', 'packages/protocol'], packages: [...COMMON, '@tufjs/models'], forbidden: ['fastify'] },
  { workspace: 'packages/cli', workspaces: ['packages/crypto', 'packages/protocol', 'packages/client', 'packages/tlog', 'packages/trust'], packages: [...COMMON, '@tufjs/models'], forbidden: ['fastify'] },
  { workspace: 'packages/testkit', workspaces: ['*'], packages: ['*'] },
  { workspace: 'services/*', workspaces: ['packages/crypto', 'packages/tlog', 'packages/protocol', 'packages/client', 'packages/service-kit', 'packages/trust'], packages: [...COMMON, 'fastify', '@fastify/*', 'pkcs11js', 'graphene-pk11'] },
];

/** Folders inside a service's src that hold HTTP or process wiring; everything else is domain code. */
const SERVICE_WIRING = ['http', 'main.ts', 'app.ts', 'config.ts', 'errors.ts'];

export type Violation = { file: string; specifier: string; reason: string };

const IMPORT_RE = /(?:^|[\s;])(?:import|export)\s+(?:type\s+)?(?:[^'";]*?\sfrom\s+)?['"]([^'"]+)['"]|\bimport\(\s*['"]([^'"]+)['"]\s*\)/g;

export function importsOf(source: string): string[] {
  const found: string[] = [];
  for (const m of source.matchAll(IMPORT_RE)) found.push((m[1] ?? m[2]) as string);
  return found;
}

function packageName(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : (parts[0] as string);
}

function matches(pattern: string, name: string): boolean {
  return pattern === '*' || pattern === name || (pattern.endsWith('/*') && name.startsWith(pattern.slice(0, -1)));
}

export function ruleFor(workspace: string): Rule | undefined {
  return RULES.find((r) => matches(r.workspace, workspace));
}

/**
 * Checks one source file. `workspace` is its workspace folder, `path` its path inside the workspace
 * (e.g. `src/x509/index.ts`), `names` maps npm names of our workspaces (`@sigstack/crypto`) to folders.
 */
export function checkFile(workspace: string, path: string, source: string, names: Map<string, string>, declared: Set<string>): Violation[] {
  const rule = ruleFor(workspace);
  const file = `${workspace}/${path}`;
  if (!rule) return [{ file, specifier: '', reason: `no boundary rule for workspace ${workspace}` }];
  const out: Violation[] = [];
  const isService = workspace.startsWith('services/');
  const inDomain = isService && path.startsWith('src/') && !SERVICE_WIRING.some((w) => path.slice(4) === w || path.slice(4).startsWith(`${w}/`));
  // Comments may name process.env (to say that the code does not read it); code may not.
  const code = source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`])\/\/.*$/gm, '$1');
  if (inDomain && /\bprocess\.env\b/.test(code)) out.push({ file, specifier: 'process.env', reason: 'domain code must not read process.env' });
  for (const specifier of importsOf(source)) {
    if (specifier.startsWith('node:')) continue;
    if (specifier.startsWith('.')) {
      const depth = path.split('/').length - 1;
      const ups = specifier.split('/').filter((p) => p === '..').length;
      if (ups >= depth) out.push({ file, specifier, reason: 'relative import leaves the workspace src' });
      if (inDomain && /(^|\/)http\//.test(specifier)) out.push({ file, specifier, reason: 'domain code must not import src/http' });
      continue;
    }
    const name = packageName(specifier);
    if (inDomain && (name === 'fastify' || name.startsWith('@fastify/'))) {
      out.push({ file, specifier, reason: 'domain code must not import fastify' });
      continue;
    }
    const target = names.get(name);
    if (target !== undefined) {
      if (target === workspace) continue;
      if (rule.forbidden?.includes(target) || !rule.workspaces.some((w) => matches(w, target))) {
        out.push({ file, specifier, reason: `${workspace} must not import ${target}` });
      } else if (!declared.has(name)) {
        out.push({ file, specifier, reason: `${name} is imported but not declared in ${workspace}/package.json` });
      }
      continue;
    }
    if (rule.forbidden?.includes(name)) {
      out.push({ file, specifier, reason: `${workspace} must not import ${name}` });
      continue;
    }
    const allowed = rule.packages.some((p) => (typeof p === 'string' ? matches(p, name) : p[1] === name && path.startsWith(`${p[0]}/`)));
    if (!allowed) out.push({ file, specifier, reason: `${workspace} may not import ${name} here` });
    else if (!declared.has(name) && rule.packages[0] !== '*') out.push({ file, specifier, reason: `${name} is imported but not declared in ${workspace}/package.json` });
  }
  return out;
}

function walk(dir: string, out: string[] = []): string[] {
  if (!existsSync(dir)) return out;
  for (const name of readdirSync(dir)) {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) walk(full, out);
    else if (/\.(ts|mts|js|mjs)$/.test(name) && !name.endsWith('.d.ts')) out.push(full);
  }
  return out;
}

type Manifest = { name: string; dependencies?: Record<string, string>; devDependencies?: Record<string, string> };

/** Reads every workspace of the repo at `root` and checks all of their src files. */
export function checkTree(root: string): { checked: number; violations: Violation[] } {
  const folders: string[] = [];
  for (const group of ['packages', 'services']) {
    const base = join(root, group);
    if (!existsSync(base)) continue;
    for (const name of readdirSync(base)) if (existsSync(join(base, name, 'package.json'))) folders.push(`${group}/${name}`);
  }
  const manifests = new Map(folders.map((f) => [f, JSON.parse(readFileSync(join(root, f, 'package.json'), 'utf8')) as Manifest]));
  const names = new Map([...manifests].map(([f, m]) => [m.name, f]));
  let checked = 0;
  const violations: Violation[] = [];
  for (const [folder, manifest] of manifests) {
    const declared = new Set(Object.keys({ ...manifest.dependencies }));
    const refs = tsReferences(root, folder);
    for (const dep of declared) {
      const target = names.get(dep);
      if (target !== undefined && !refs.has(target)) violations.push({ file: `${folder}/tsconfig.json`, specifier: dep, reason: `${dep} is a dependency but not a tsconfig reference` });
    }
    for (const file of walk(join(root, folder, 'src'))) {
      checked++;
      const path = relative(join(root, folder), file).split(sep).join('/');
      violations.push(...checkFile(folder, path, readFileSync(file, 'utf8'), names, declared));
    }
  }
  return { checked, violations };
}

function tsReferences(root: string, folder: string): Set<string> {
  const file = join(root, folder, 'tsconfig.json');
  const refs = new Set<string>();
  if (!existsSync(file)) return refs;
  const config = JSON.parse(readFileSync(file, 'utf8')) as { references?: { path: string }[] };
  for (const r of config.references ?? []) refs.add(relative(root, resolve(root, folder, r.path)).split(sep).join('/'));
  return refs;
}
