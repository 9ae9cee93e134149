#!/usr/bin/env node
// Marks every workspace's `bin` targets executable after tsc wrote them (tsc does not), so that
// `npx sigstack` and the other bins work straight after `npm run build` on a fresh clone.
import { chmodSync, existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
for (const group of ['packages', 'services']) {
  for (const name of readdirSync(join(root, group))) {
    const manifest = join(root, group, name, 'package.json');
    if (!existsSync(manifest)) continue;
    const bins = JSON.parse(readFileSync(manifest, 'utf8')).bin ?? {};
    for (const target of Object.values(bins)) {
      const file = join(root, group, name, target);
      if (existsSync(file)) chmodSync(file, 0o755);
    }
  }
}
