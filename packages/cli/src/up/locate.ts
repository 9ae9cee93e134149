/**
 * Finds the built entry point of a service without importing it: the package is looked up the way
 * Node resolves a bare specifier (a `node_modules/<name>` directory here or in a parent; npm links
 * every workspace there), and its script is the `bin` its package.json declares. Exports maps are
 * not involved, so services need not export their main module.
 */
import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

export type Located = { readonly script: string } | { readonly missing: string };

/** Limits what a package.json read here may cost: ours are a few hundred bytes. */
const MAX_PACKAGE_JSON = 1024 * 1024;

function binPath(packageJson: string, bin: string): string | undefined {
  const text = readFileSync(packageJson, 'utf8');
  if (text.length > MAX_PACKAGE_JSON) return undefined;
  const manifest = JSON.parse(text) as { bin?: unknown };
  const bins = manifest.bin;
  if (typeof bins !== 'object' || bins === null || !Object.hasOwn(bins, bin)) return undefined;
  const path = (bins as Record<string, unknown>)[bin];
  return typeof path === 'string' ? path : undefined;
}

/**
 * The absolute path of `bin` of `packageName`, searched from `from` upwards, or what is missing:
 * the package itself, or its built script (then `npm run build` is the cure).
 */
export function locateBin(packageName: string, bin: string, from: string): Located {
  for (let dir = resolve(from); ; dir = dirname(dir)) {
    const manifest = join(dir, 'node_modules', packageName, 'package.json');
    if (existsSync(manifest)) {
      const relative = binPath(manifest, bin);
      if (relative === undefined) return { missing: `the bin ${bin} in ${manifest}` };
      const script = resolve(dirname(realpathSync(manifest)), relative);
      return existsSync(script) ? { script } : { missing: script };
    }
    if (dirname(dir) === dir) return { missing: `the package ${packageName} (looked in node_modules from ${from} upwards)` };
  }
}
